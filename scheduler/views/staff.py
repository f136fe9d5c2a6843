"""Pages for school staff: ask for a Local Hero visit or a VR game session, follow it, cancel
it or ask for other times. Coordinators of the municipality may read the list and the details.

The list and the new-request page answer 403 to people without the role; a request is found
through a scoped selector, so anyone it does not belong to gets 404. Changing a request is for
the school's own staff only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core import once
from core.pagination import paginate
from core.refusals import Refusal
from core.views import manager_required, resubmitted, staff_required

from .. import errors, selectors, services
from ..forms.staff import (
    CancelForm,
    RequestFilterForm,
    RequestForm,
    apply_request_errors,
    window_formset,
)
from ..models import SessionRequest
from ..reasons_text import decline_note, reason_text

Status = SessionRequest.Status

# The way a request goes; a cancelled one stops where it was.
STEPS = [
    (Status.OPEN, gettext_lazy("Requested")),
    (Status.OFFERED, gettext_lazy("Offered to a hero")),
    (Status.CONFIRMED, gettext_lazy("Confirmed")),
    (Status.DONE, gettext_lazy("Took place")),
]

WAITING_FOR = {
    Status.OPEN: gettext_lazy("looking for a hero"),
    Status.OFFERED: gettext_lazy("waiting for the hero's answer"),
    Status.CONFIRMED: gettext_lazy("planned"),
}


def _detail(session_request: SessionRequest) -> HttpResponse:
    return redirect("scheduler:request-detail", pk=session_request.pk)


@manager_required
def request_list(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    filter_form = RequestFilterForm(request.GET)
    rows = selectors.requests_for(roles, status=filter_form.status_filter())
    context = {
        "page_obj": paginate(request, rows),
        "filter_form": filter_form,
        "filtered": bool(filter_form.status_filter()),
        "several_schools": roles.is_coordinator or len(roles.staff_of) > 1,
        "can_request": roles.is_staff,
    }
    return render(request, "scheduler/staff/list.html", context)


# Only school staff ask for visits; coordinators read them on the list and details.
@staff_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = RequestForm(request.POST if posted else None, roles=request.roles)
    windows = window_formset(request.POST if posted else None)
    key = once.posted_key(request, form)
    if (first := once.earlier(request, key)) is not None:
        return _detail(resubmitted(request, first))
    duplicate = None
    # `&`, not `and`: both must be checked so every error shows at once.
    if posted and form.is_valid() & windows.is_valid():
        try:
            created = services.request_create(
                **form.service_data(),
                requested_by=request.user,
                windows=windows.windows(),
                now=timezone.now(),
                submission_key=form.submission_key_of(request.user),
            )
        except ValidationError as exc:
            apply_request_errors(form, windows, exc)
        except errors.DuplicateRequest as refusal:
            duplicate = refusal
        else:
            once.remember(request, key, created)
            messages.success(
                request,
                _(
                    "Your request is saved. Matching looks for a hero every few minutes (the "
                    "coordinator can also start it); you hear from us as soon as a hero says yes."
                ),
            )
            return _detail(created)
    context = {"form": form, "windows": windows, "duplicate": duplicate}
    return render(request, "scheduler/staff/create.html", context)


def lifecycle(session_request: SessionRequest) -> list[dict]:
    """The steps of the request: those reached are done, the next one is under way (with what
    it waits for)."""
    status = session_request.status
    if status == Status.CANCELLED:
        return [
            {"label": STEPS[0][1], "state": "done"},
            {"label": _("Cancelled"), "state": "cancelled"},
        ]
    reached = [code for code, _label in STEPS].index(status)
    return [
        {
            "label": label,
            "state": "done" if i <= reached else "current" if i == reached + 1 else "todo",
            "note": WAITING_FOR.get(status, ""),
        }
        for i, (_code, label) in enumerate(STEPS)
    ]


def _detail_page(
    request: HttpRequest, session_request: SessionRequest, *, cancel_form=None, windows=None
) -> HttpResponse:
    can_change = session_request.school_id in request.roles.staff_of and session_request.is_active
    visits = session_request.confirmed_visits
    offers = session_request.pending_offers
    context = {
        "req": session_request,
        "steps": lifecycle(session_request),
        "windows_list": list(session_request.windows.all()),
        "visit": visits[0] if visits else None,
        "offer": offers[0] if offers else None,
        "reason": reason_text(session_request.unmatched_reason)
        if session_request.status == Status.OPEN
        else "",
        "decline_note": decline_note(session_request),
        "declines": selectors.declines_of(session_request)
        if selectors.coordinates(request.roles, session_request)
        else None,
        "can_change": can_change,
        "cancel_form": CancelForm() if cancel_form is None else cancel_form,
        "windows": window_formset() if windows is None else windows,
    }
    return render(request, "scheduler/staff/detail.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.get_request(request.roles, pk))


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session_request = selectors.get_request_for_staff(request.roles, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, session_request, cancel_form=form)
    try:
        services.request_cancel(
            session_request=session_request, reason=form.cleaned_data["reason"], now=timezone.now()
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _detail_page(request, session_request, cancel_form=form)
    else:
        messages.success(
            request, _("The request is cancelled. A hero who was coming has been told.")
        )
    return _detail(session_request)


@login_required
@require_POST
def request_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    session_request = selectors.get_request_for_staff(request.roles, pk)
    windows = window_formset(request.POST)
    if not windows.is_valid():
        return _detail_page(request, session_request, windows=windows)
    try:
        services.request_reschedule(
            session_request=session_request, windows=windows.windows(), now=timezone.now()
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    except ValidationError as exc:
        apply_request_errors(None, windows, exc)
        return _detail_page(request, session_request, windows=windows)
    else:
        messages.success(
            request,
            _(
                "The new times are saved. Any planned visit is cancelled and matching looks "
                "for a hero again."
            ),
        )
    return _detail(session_request)
