"""Pages for Local Heroes: the offers waiting for their answer, their coming visits, and the
answers themselves (accept, decline, can no longer come). Heroes mostly use a phone.

The list answers 403 to people who are not heroes; an offer or visit of someone else (or any
offer, for someone who is not a hero) is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_errors
from core.refusals import Refusal
from core.views import act, hero_required
from heroes.models import vog_status
from heroes.selectors import hero_of_user

from .. import selectors, services
from ..forms.hero import DeclineForm, WithdrawForm
from ..models import Offer, Visit

# An offer whose deadline is this close is marked as urgent.
URGENT = dt.timedelta(hours=12)


def _withdraw_form(visit: Visit, data=None) -> WithdrawForm:
    # Each visit on the page has its own form: distinct ids keep every label on its field.
    return WithdrawForm(data, auto_id=f"withdraw-{visit.pk}-%s")


def _can_withdraw(visit: Visit, now: dt.datetime) -> bool:
    return visit.status == Visit.Status.CONFIRMED and visit.starts_at > now


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def _back(request: HttpRequest) -> str:
    """The page the form was sent from (`next`), when it is one of ours; else the list."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("scheduler:hero-offers")


def _refused(request: HttpRequest, message: str, back: str | None = None) -> HttpResponse:
    messages.error(request, message)
    return redirect(back or "scheduler:hero-offers")


@hero_required
def offer_list(request: HttpRequest) -> HttpResponse:
    hero = hero_of_user(request.user)
    now = timezone.now()
    # An offer past its deadline waits for offers_expire to close it: it cannot be answered.
    offers = [o for o in selectors.offers_for_hero(hero) if o.expires_at > now]
    for offer in offers:
        offer.is_urgent = offer.expires_at - now <= URGENT
    visits = list(selectors.visits_for_hero(hero, since=now))
    for visit in visits:
        visit.withdraw_form = _withdraw_form(visit) if _can_withdraw(visit, now) else None
    context = {
        "hero": hero,
        "offers": offers,
        "visits": visits,
        "vog_status": vog_status(hero.vog_valid_until, timezone.localdate(now)),
        "answer_hours": settings.OFFER_RESPONSE_HOURS,
    }
    return render(request, "scheduler/hero/offer_list.html", context)


def _detail(request: HttpRequest, offer: Offer, decline_form=None) -> HttpResponse:
    now = timezone.now()
    try:
        visit = offer.visit
    except ObjectDoesNotExist:
        visit = None
    context = {
        "offer": offer,
        "visit": visit,
        "is_pending": offer.status == Offer.Status.PENDING and offer.expires_at > now,
        "decline_form": decline_form or DeclineForm(auto_id="decline-%s"),
        "withdraw_form": _withdraw_form(visit) if visit and _can_withdraw(visit, now) else None,
    }
    return render(request, "scheduler/hero/offer_detail.html", context)


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_offer_for_hero(hero_of_user(request.user), pk))


@login_required
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.get_offer_for_hero(hero_of_user(request.user), pk)
    act(
        request,
        lambda: services.offer_accept(offer=offer, now=timezone.now()),
        _("Thank you, the visit is confirmed. The school has been told."),
    )
    return redirect("scheduler:hero-offers")


@login_required
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.get_offer_for_hero(hero_of_user(request.user), pk)
    form = DeclineForm(request.POST, auto_id="decline-%s")
    if not form.is_valid():
        return _detail(request, offer, decline_form=form)
    try:
        services.offer_decline(
            offer=offer,
            code=form.cleaned_data["code"],
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _detail(request, offer, decline_form=form)
    except Refusal as refusal:
        return _refused(request, refusal.message)
    messages.success(
        request, _("Thank you for letting us know. We will ask another hero for this class.")
    )
    return redirect("scheduler:hero-offers")


@login_required
@require_POST
def visit_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_hero(hero_of_user(request.user), pk)
    form = _withdraw_form(visit, request.POST)
    back = _back(request)
    if not form.is_valid():
        return _refused(request, _first_error(form), back)
    try:
        services.visit_withdraw(visit=visit, reason=form.cleaned_data["reason"], now=timezone.now())
    except ValidationError as exc:
        return _refused(request, " ".join(exc.messages), back)
    except Refusal as refusal:
        return _refused(request, refusal.message, back)
    messages.success(
        request,
        _("The visit is cancelled. We have told the school and are looking for another hero."),
    )
    return redirect("scheduler:hero-offers")
