"""Page helpers every app uses: who may open a page, and running a service for a page.

A page that changes something calls its service through `submit` (a form's data; field
errors and refusals stand on the form) or `act` (a button; the refusal becomes a message).
A refusal a view lets through is answered by core.middleware.RefusalMiddleware. A create
form that is sent again (core.once) gives back what it made the first time, with a calm word.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import once
from .forms import apply_errors
from .refusals import Refusal

T = TypeVar("T")


def role_required(check: Callable) -> Callable:
    """A view for people whose roles pass `check`; others get 403, anonymous people log in."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = role_required(lambda roles: roles.is_coordinator)
staff_required = role_required(lambda roles: roles.is_staff)
manager_required = role_required(lambda roles: roles.is_coordinator or roles.is_staff)
hero_required = role_required(lambda roles: roles.is_hero)
parent_required = role_required(lambda roles: roles.is_parent)
# The national programme team's pages: figures of every municipality, aggregates only.
programme_required = role_required(lambda roles: roles.is_programme)
# Adding a municipality and its first coordinator: programme administrators only.
programme_admin_required = role_required(lambda roles: roles.is_programme_admin)


def posted(request: HttpRequest):
    """The POST data, or None on GET: an empty POST still binds a form, so it says what is
    missing instead of showing a fresh form."""
    return request.POST if request.method == "POST" else None


def resubmitted(request: HttpRequest, first: T) -> T:
    """`first`, what a create form sent again made the first time, with a calm word."""
    messages.info(request, _("This form was sent twice; it was saved once. Here it is."))
    return first


def submit(
    request: HttpRequest,
    form,
    service: Callable[[dict], T],
    message: str | Callable[[T], str] = "",
) -> T | None:
    """Call `service` with a valid posted form's data: its result (and `message`, which may be
    made from the result, shown), or None when the form, the service's ValidationError (next
    to its fields) or a refusal (at the top of the form) says no. A create form
    (core.forms.OnceForm) sent again gives what it made the first time, checked before the
    data: a resubmit is not asked to correct it."""
    if request.method != "POST":
        return None
    key = once.posted_key(request, form)
    first = once.earlier(request, key)
    if first is not None:
        return resubmitted(request, first)
    if not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    except Refusal as refusal:
        form.add_error(None, str(refusal.message))
        return None
    once.remember(request, key, result)
    if callable(message):
        message = message(result)
    if message:
        messages.success(request, message)
    return result


def act(request: HttpRequest, service: Callable[[], T], message: str = "") -> T | None:
    """Call `service` for a button that needs no form: its result (and `message` shown), or
    None with the refusal's message (or a ValidationError's) shown instead."""
    try:
        result = service()
    except Refusal as refusal:
        messages.error(request, str(refusal.message))
        return None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    if message:
        messages.success(request, message)
    return result
