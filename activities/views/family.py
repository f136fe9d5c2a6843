"""Pages for parents: their children, the activities on offer, enrolling, answering offers.

Parents use these on a phone, often with little Dutch: short words, one thing per page.
Every page but the children's needs the parent role (403 otherwise; anyone may register a
child, which makes them a parent). A child, enrolment or offer of another family is found
through a scoped selector, so it is a 404 for GET and POST alike.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.ids import as_id
from core.pagination import paginate
from core.views import act, parent_required, posted, submit

from .. import errors, selectors, services, waitlist
from ..consent import consent_text
from ..forms.family import (
    AbsenceForm,
    ActivityFilterForm,
    ChildForm,
    ChildRegisterForm,
    EnrolForm,
    groups_for_school,
)
from ..models import Activity, Child, Enrolment

# Children


@login_required
def children(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.children_of(request.user))
    return render(request, "activities/family/children.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def child_add(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = ChildRegisterForm(posted(request), today=timezone.localdate(now))
    child = submit(
        request,
        form,
        lambda data: services.child_register(
            guardian=request.user,
            data=form.service_data(),
            consent=data["consent"],
            now=now,
            submission_key=form.submission_key_of(request.user),
        ),
        lambda child: _("%(name)s has been added.") % {"name": child.first_name},
    )
    if child is not None:
        return redirect("activities:children")
    context = {"form": form, "adding": True}
    return render(request, "activities/family/child_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.get_child_for_guardian(request.user, pk)
    form = ChildForm(posted(request), today=timezone.localdate(), child=child)

    def save(data: dict):
        if form.asks_consent:
            services.child_consent_renew(child=child, agreed=data["consent"], now=timezone.now())
        return services.child_update(child=child, data=form.service_data())

    saved = submit(request, form, save, _("The changes have been saved."))
    if saved is not None:
        return redirect("activities:children")
    context = {
        "form": form,
        "child": child,
        "adding": False,
        "consent_text": consent_text(child.consent_version),
    }
    return render(request, "activities/family/child_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def child_forget(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.get_child_for_guardian(request.user, pk)
    if request.method == "POST":
        services.child_delete(child=child, now=timezone.now())
        messages.success(
            request, _("We have removed %(name)s and all enrolments.") % {"name": child.first_name}
        )
        return redirect("activities:children")
    active = child.enrolments.filter(status__in=Enrolment.ACTIVE).select_related("activity")
    context = {"child": child, "active": active}
    return render(request, "activities/family/child_forget.html", context)


@login_required
@require_GET
def child_groups(request: HttpRequest) -> HttpResponse:
    """The class options of one school, swapped into the child form when the school changes."""
    groups = groups_for_school(request.GET.get("school"), timezone.localdate())
    return render(request, "activities/family/_group_options.html", {"groups": groups})


# Browsing and enrolling


@parent_required
def browse(request: HttpRequest) -> HttpResponse:
    own = selectors.children_of(request.user)
    home = selectors.home_municipalities(request.user)
    form = ActivityFilterForm(request.GET or None, children=own, home=home)
    upcoming = selectors.activities_published().filter(last_date__gte=timezone.localdate())
    context = {"filter_form": form, "page_obj": paginate(request, form.apply(upcoming))}
    return render(request, "activities/family/browse.html", context)


@parent_required
@require_http_methods(["GET", "POST"])
def browse_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Enrolling (a POST that works) needs neither the waiting-list counts nor the sessions:
    # they are read only when the page is shown.
    if request.method == "POST":
        activity = selectors.get_published_activity_to_enrol(pk)
    else:
        activity = selectors.get_published_activity(pk)
    own = selectors.own_children(request.user)  # read once, for the checks and the form
    if request.method == "POST":
        _refuse_strangers(request, own)
    others = _round_partners(activity)
    form = EnrolForm(posted(request), children=own, activity=activity, ranked=bool(others))
    if request.method == "POST" and form.is_valid():
        done = _enrol(request, form, activity)
        if done:
            query = urlencode([("e", enrolment.pk) for enrolment in done])
            return redirect(f"{reverse('activities:enrol_result')}?{query}")
    if request.method == "POST":
        activity = selectors.get_published_activity(pk)  # the page again, with its counts
    # Read for the page shown only: the form says why a child cannot be ticked, but never
    # refused one for it (a child already in is the service's AlreadyEnrolled), so a POST
    # that enrols does without.
    current = {e.child_id: e for e in selectors.active_enrolments_in(request.user, activity)}
    form.explain(current)
    context = _detail_context(activity, form, current, others)
    return render(request, "activities/family/activity_detail.html", context)


def _refuse_strangers(request: HttpRequest, own: list[Child]) -> None:
    """A posted child that is not one's own is a 404, as for every other page about it."""
    posted = request.POST.getlist("children")
    if not all(as_id(value) for value in posted):
        raise Http404
    if {int(value) for value in posted} - {child.pk for child in own}:
        raise Http404


def _round_partners(activity: Activity) -> list[Activity]:
    """Other activities drawn in the same lottery, among which a child's choices are ranked."""
    if activity.allocation != Activity.Allocation.LOTTERY or not activity.lottery_round_id:
        return []
    return list(
        selectors.activities_published()
        .filter(lottery_round_id=activity.lottery_round_id)
        .exclude(pk=activity.pk)
    )


def _enrol(request: HttpRequest, form: EnrolForm, activity: Activity) -> list[Enrolment]:
    def enrol(data: dict) -> list[Enrolment]:
        now = timezone.now()
        if data.get("consent"):
            for child in data["children"]:
                if child in form.outdated:
                    services.child_consent_renew(child=child, agreed=True, now=now)
        return services.enrolments_create(
            guardian=request.user,
            child_ids=[child.pk for child in data["children"]],
            activity=activity,
            now=now,
            choice_rank=data.get("choice_rank") or 1,
        )

    return submit(request, form, enrol) or []


def _detail_context(activity, form, current, others) -> dict:
    now = timezone.now()
    return {
        "activity": activity,
        "form": form,
        "current": current.values(),
        "others": others,
        "sessions": activity.occurrences.all(),
        "window_open": activity.window_is_open(now),
        "window_not_yet": now < activity.enrolment_opens_at,
        "is_lottery": activity.allocation == Activity.Allocation.LOTTERY,
    }


@parent_required
def enrol_result(request: HttpRequest) -> HttpResponse:
    """What happened to each child just enrolled: a place, a waiting-list number, or the
    lottery. Ids come from the address, so the scoped read keeps other families out."""
    ids = [pk for pk in map(as_id, request.GET.getlist("e")) if pk is not None]
    enrolments = list(selectors.enrolments_of(request.user).filter(pk__in=ids))
    if not enrolments:
        raise Http404
    for enrolment in enrolments:
        enrolment.position = services.waitlist_position(enrolment)
    context = {"enrolments": enrolments, "activity": enrolments[0].activity}
    return render(request, "activities/family/enrol_result.html", context)


# The family's enrolments


def _family_overview(user, today) -> tuple[list, list]:
    """Open offers, and per child their current and their ended enrolments."""
    enrolments = list(selectors.enrolments_with_positions(user))
    offers = [e for e in enrolments if e.status == Enrolment.Status.OFFERED]
    rows = []
    for child in selectors.children_of(user):
        own = [e for e in enrolments if e.child_id == child.pk]
        current = [e for e in own if e.is_active and e.activity.last_date >= today]
        ended = [e for e in own if e not in current]
        rows.append({"child": child, "current": current, "ended": ended})
    return offers, rows


@parent_required
def my_enrolments(request: HttpRequest) -> HttpResponse:
    offers, rows = _family_overview(request.user, timezone.localdate())
    context = {"offers": offers, "rows": rows}
    return render(request, "activities/family/my_enrolments.html", context)


@parent_required
@require_http_methods(["GET", "POST"])
def my_enrolment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    if request.method == "POST":
        act(
            request,
            lambda: services.enrolment_cancel(enrolment=enrolment, now=timezone.now()),
            _("The enrolment has been cancelled."),
        )
        return redirect("activities:my_enrolments")
    return render(request, "activities/family/enrolment_cancel.html", {"enrolment": enrolment})


def _answer_offer(request: HttpRequest, pk: int, answer: Callable, done: str) -> HttpResponse:
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    names = {"child": enrolment.child.first_name, "activity": enrolment.activity.title}
    act(request, lambda: answer(enrolment=enrolment, now=timezone.now()), done % names)
    return redirect("activities:my_enrolments")


@parent_required
@require_POST
def my_offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("Good news: %(child)s now has a place at %(activity)s.")
    return _answer_offer(request, pk, waitlist.place_offer_accept, done)


@parent_required
@require_http_methods(["GET", "POST"])
def my_offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Saying no cannot be undone (the place goes to the next child), so the button on
    my enrolments leads here first: a page that says what happens, then the POST."""
    if request.method == "POST":
        done = _(
            "You said no to the place for %(child)s at %(activity)s. It goes to the next child."
        )
        return _answer_offer(request, pk, waitlist.place_offer_decline, done)
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    if not enrolment.offer_is_open(timezone.now()):
        messages.info(request, str(errors.PlaceOfferNotOpen.message))
        return redirect("activities:my_enrolments")
    return render(request, "activities/family/offer_decline.html", {"enrolment": enrolment})


# Sessions, attendance and absence notices ("afmelden")


def _sessions_url(enrolment: Enrolment) -> str:
    return reverse("activities:my_sessions", args=[enrolment.pk])


@parent_required
def my_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every session of the child's activity: was the child there, and for the coming ones a
    way to report the child absent (or take it back) until the session starts."""
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    now = timezone.now()
    sessions = list(selectors.sessions_of_enrolment(enrolment))
    can_report = enrolment.status == Enrolment.Status.CONFIRMED
    for session in sessions:
        session.is_coming = session.starts_at > now and not session.is_cancelled
    context = {
        "enrolment": enrolment,
        "child": enrolment.child,
        "activity": enrolment.activity,
        "sessions": sessions,
        "can_report": can_report,
    }
    return render(request, "activities/family/sessions.html", context)


@parent_required
@require_http_methods(["GET", "POST"])
def my_absence_report(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    session = selectors.get_session_of_enrolment(enrolment, session_pk)
    form = AbsenceForm(
        posted(request), initial={"reason": session.absence_reason or ""}, auto_id="absence-%s"
    )
    names = {"child": enrolment.child.first_name, "date": date_format(session.date, "l j F")}
    done = submit(
        request,
        form,
        lambda data: services.absence_report(
            enrolment=enrolment,
            occurrence=session,
            reason=data["reason"],
            reported_by=request.user,
            now=timezone.now(),
        ),
        _("%(child)s is reported absent for %(date)s. The leaders can see it.") % names,
    )
    if done is not None:
        return redirect(_sessions_url(enrolment))
    context = {"form": form, "enrolment": enrolment, "session": session}
    return render(request, "activities/family/absence_report.html", context)


@parent_required
@require_POST
def my_absence_withdraw(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    enrolment = selectors.get_enrolment_for_guardian(request.user, pk)
    session = selectors.get_session_of_enrolment(enrolment, session_pk)
    names = {"child": enrolment.child.first_name, "date": date_format(session.date, "l j F")}
    act(
        request,
        lambda: services.absence_withdraw(
            enrolment=enrolment, occurrence=session, now=timezone.now()
        ),
        _("%(child)s comes on %(date)s after all. The leaders can see it.") % names,
    )
    return redirect(_sessions_url(enrolment))
