"""Pages for school staff (and their municipality's coordinators): publish activities, run the
class and waiting lists, take attendance and read the summaries.

The list answers 403 to people without a school role; every page about one activity, session
or child finds it through a scoped selector, so anyone it does not belong to gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import record_view
from core.forms import apply_errors
from core.pagination import paginate
from core.refusals import Refusal
from core.views import act, manager_required, submit

from .. import notices, reports, selectors, services, venues
from ..forms.staff import (
    ActivityFilterForm,
    ActivityForm,
    OccurrenceCancelForm,
    PlaceForm,
    RegisterForm,
)
from ..lottery import lottery_draw
from ..models import Activity, Child, Enrolment, Occurrence
from ..schedule import past_session_dates


def _detail(activity: Activity) -> HttpResponse:
    return redirect("activities:staff_detail", pk=activity.pk)


# Activities


@manager_required
def activity_list(request: HttpRequest) -> HttpResponse:
    roles = request.roles
    filter_form = ActivityFilterForm(request.GET, roles=roles)
    rows = selectors.activity_list_for(roles, now=timezone.now(), **filter_form.filters())
    context = {
        "page_obj": paginate(request, rows),
        "filter_form": filter_form,
        "several_schools": roles.is_coordinator or len(roles.staff_of) > 1,
    }
    return render(request, "activities/staff/list.html", context)


def _form_page(request, form, *, title: str, cancel_url: str) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel_url}
    return render(request, "activities/staff/form.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, roles=request.roles)
    activity = submit(
        request,
        form,
        lambda data: services.activity_create(
            school=form.chosen_school(),
            created_by=request.user,
            data=form.service_data(),
            neighbourhoods=data["priority_neighbourhoods"],
            now=timezone.now(),
            submission_key=form.submission_key_of(request.user),
        ),
        _("The activity has been saved as a draft."),
    )
    if activity is not None:
        warn(request, activity, timezone.now())
        return _detail(activity)
    cancel_url = reverse("activities:staff_list")
    return _form_page(request, form, title=_("Add an activity"), cancel_url=cancel_url)


def _schedule_of(activity: Activity) -> tuple:
    return tuple(getattr(activity, field) for field in services.SCHEDULE_FIELDS)


@login_required
@require_http_methods(["GET", "POST"])
def activity_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    if activity.status == Activity.Status.CANCELLED:
        messages.error(request, _("A cancelled activity cannot be changed."))
        return _detail(activity)
    form = ActivityForm(request.POST or None, instance=activity, roles=request.roles)
    if request.method == "POST" and form.is_valid():
        before = _schedule_of(activity)
        try:
            saved = services.activity_update(
                activity=activity,
                data=form.service_data(),
                neighbourhoods=form.cleaned_data["priority_neighbourhoods"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The activity has been saved."))
            if _schedule_of(saved) != before and saved.status == Activity.Status.PUBLISHED:
                messages.info(request, _("The schedule has changed. Families have been told."))
            warn(request, saved, timezone.now())
            return _detail(saved)
    title = _("Edit %(title)s") % {"title": activity.title}
    return _form_page(request, form, title=title, cancel_url=reverse_detail(activity))


def reverse_detail(activity: Activity) -> str:
    return reverse("activities:staff_detail", args=[activity.pk])


@login_required
@require_POST
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    if activity.status != Activity.Status.DRAFT:
        messages.error(request, _("Only a draft can be published."))
        return _detail(activity)
    now = timezone.now()
    if act(request, lambda: services.activity_publish(activity=activity, now=now)) is None:
        return _detail(activity)
    messages.success(request, _("The activity is published. Families can find it now."))
    warn(request, activity, now, past=True)
    return _detail(activity)


def warn(request: HttpRequest, activity: Activity, now, *, past: bool = False) -> None:
    """Show what staff should know about a saved activity (activities.notices)."""
    if past and (text := notices.past_dates_warning(activity, now)):
        messages.warning(request, text)
    for text in notices.clash_warnings(activity, now):
        messages.warning(request, text)


@login_required
@require_http_methods(["GET", "POST"])
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    if activity.status == Activity.Status.CANCELLED:
        messages.error(request, _("This activity is already cancelled."))
        return _detail(activity)
    if request.method == "POST":
        services.activity_cancel(activity=activity, now=timezone.now())
        messages.success(request, _("The activity is cancelled. Families have been told."))
        return _detail(activity)
    context = {
        "title": _("Cancel %(title)s") % {"title": activity.title},
        "question": _(
            "Are you sure? Every child loses their place and all sessions from today are "
            "cancelled. We tell the families. This cannot be undone."
        ),
        "confirm": _("Yes, cancel the activity"),
        "cancel_url": reverse_detail(activity),
    }
    return render(request, "activities/staff/confirm.html", context)


@login_required
@require_POST
def activity_draw(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    now = timezone.now()
    if not _can_draw(activity, now):
        messages.error(request, _("This lottery cannot be drawn now."))
        return _detail(activity)
    act(
        request,
        lambda: lottery_draw(round=activity.lottery_round, now=now),
        _("The lottery has been drawn. Families have been told."),
    )
    return _detail(activity)


def _can_draw(activity: Activity, now) -> bool:
    round_ = activity.lottery_round
    return (
        activity.allocation == Activity.Allocation.LOTTERY
        and activity.status == Activity.Status.PUBLISHED
        and round_ is not None
        and round_.drawn_at is None
        and now >= round_.closes_at
    )


# One activity: facts, sessions, class list, offers, waiting list


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    now = timezone.now()
    occurrences = list(activity.occurrences.all())
    enrolments = list(
        selectors.enrolments_for_manager(request.roles, activity).filter(
            status__in=Enrolment.ACTIVE
        )
    )
    next_session = next((o for o in occurrences if _is_ahead(o, now)), None)
    context = {
        "activity": activity,
        "clashes": notices.clash_warnings(activity, now),
        "past_dates": past_session_dates(activity, now)
        if activity.status == Activity.Status.DRAFT
        else [],
        "occurrences": occurrences,
        "next_session": next_session,
        "venue_week": next_session and venues.week_label(venues.monday_of(next_session.date)),
        "place_form": PlaceForm(candidates=selectors.placeable_enrolments(activity)),
        "can_draw": _can_draw(activity, now),
        "lottery_open": activity.allocation == Activity.Allocation.LOTTERY
        and (activity.lottery_round is None or activity.lottery_round.drawn_at is None),
        **_by_status(enrolments),
    }
    return render(request, "activities/staff/detail.html", context)


def _is_ahead(occurrence: Occurrence, now) -> bool:
    return not occurrence.is_cancelled and occurrence.ends_at >= now


def _by_status(enrolments: list[Enrolment]) -> dict:
    """Split an activity's active enrolments; the waiting list keeps its order (positions)."""

    def having(status):
        return [e for e in enrolments if e.status == status]

    waiting = having(Enrolment.Status.WAITLISTED)
    return {
        "class_list": sorted(having(Enrolment.Status.CONFIRMED), key=lambda e: e.child.first_name),
        "offers": having(Enrolment.Status.OFFERED),
        "waiting": list(enumerate(waiting, start=1)),
        "applications": having(Enrolment.Status.APPLIED),
    }


@login_required
@require_POST
def enrolment_place(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    form = PlaceForm(request.POST, candidates=selectors.placeable_enrolments(activity))
    if not form.is_valid():
        messages.error(request, _("Choose a child from the list."))
        return _detail(activity)
    child = form.cleaned_data["enrolment"].child
    act(
        request,
        lambda: services.enrolment_place(
            activity=activity, child=child, placed_by=request.user, now=timezone.now()
        ),
        _("%(name)s has a place now. The family has been told.") % {"name": child},
    )
    return _detail(activity)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request: HttpRequest, activity_pk: int, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, activity_pk)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("child"), activity=activity, pk=pk
    )
    if request.method == "POST":
        act(
            request,
            lambda: services.enrolment_cancel(enrolment=enrolment, now=timezone.now()),
            _("%(name)s is no longer enrolled. The family has been told.")
            % {"name": enrolment.child},
        )
        return _detail(activity)
    context = {
        "title": _("Cancel the enrolment of %(name)s") % {"name": enrolment.child},
        "question": _(
            "Are you sure? %(name)s loses their place in %(activity)s. We tell the family, "
            "and offer the place to the next child on the waiting list."
        )
        % {"name": enrolment.child, "activity": activity.title},
        "confirm": _("Yes, cancel the enrolment"),
        "cancel_url": reverse_detail(activity),
    }
    return render(request, "activities/staff/confirm.html", context)


# Sessions


@login_required
@require_http_methods(["GET", "POST"])
def occurrence_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = selectors.get_occurrence_for_manager(request.roles, pk)
    if occurrence.is_cancelled:
        messages.error(request, _("This session is already cancelled."))
        return _detail(occurrence.activity)
    form = OccurrenceCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.occurrence_cancel(
            occurrence=occurrence, reason=form.cleaned_data["reason"], now=timezone.now()
        )
        messages.success(request, _("The session is cancelled. Families have been told."))
        return _detail(occurrence.activity)
    context = {
        "form": form,
        "occurrence": occurrence,
        "cancel_url": reverse_detail(occurrence.activity),
    }
    return render(request, "activities/staff/occurrence_cancel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_register(request: HttpRequest, pk: int) -> HttpResponse:
    occurrence = selectors.get_occurrence_for_manager(request.roles, pk)
    if occurrence.is_cancelled:
        messages.error(request, _("This session is cancelled: there is no register."))
        return _detail(occurrence.activity)
    now = timezone.now()
    enrolments, saved, notices = selectors.register_of(occurrence)
    form = RegisterForm(request.POST or None, enrolments=enrolments, saved=saved, notices=notices)
    if request.method == "POST" and form.is_valid():
        everyone = "everyone_present" in request.POST
        try:
            services.attendance_record(
                occurrence=occurrence,
                marks=form.marks(),
                recorded_by=request.user,
                now=now,
                everyone_present=everyone,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refusal as refusal:
            form.add_error(None, refusal.message)
        else:
            if everyone:
                done = _("Everyone is marked present. Change the children who are not here.")
            else:
                done = _("The register has been saved.")
            messages.success(request, done)
            return redirect("activities:staff_register", pk=occurrence.pk)
    context = {
        "form": form,
        "occurrence": occurrence,
        "activity": occurrence.activity,
        "started": occurrence.starts_at <= now,
        "reported": len(notices),
    }
    record_view(request, occurrence, what="attendance", child_ids=[e.child_id for e in enrolments])
    return render(request, "activities/staff/register.html", context)


# Attendance summaries


@login_required
def activity_report(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    lines = reports.activity_summary(activity=activity, now=timezone.now())
    child_ids = sorted({line.enrolment.child_id for line in lines})
    record_view(request, activity, what="attendance", child_ids=child_ids)
    return render(request, "activities/staff/report.html", {"activity": activity, "lines": lines})


@login_required
def activity_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    activity = selectors.get_activity_for_manager(request.roles, pk)
    lines = reports.activity_summary(activity=activity, now=timezone.now())
    child_ids = sorted({line.enrolment.child_id for line in lines})
    record_view(request, activity, what="attendance", child_ids=child_ids, format="csv")
    response = HttpResponse(
        reports.activity_summary_csv(lines), content_type="text/csv; charset=utf-8"
    )
    filename = f"attendance-{slugify(activity.title) or activity.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@manager_required
def child_report(request: HttpRequest, pk: int) -> HttpResponse:
    managed = selectors.activities_managed_by(request.roles).values("pk")
    child = get_object_or_404(Child, pk=pk)
    lines = reports.child_summary(
        child=child, activities=Activity.objects.filter(pk__in=managed), now=timezone.now()
    )
    # A child who never took part in one of the person's activities is not theirs to see.
    if not lines:
        raise Http404
    activity_ids = sorted({line.enrolment.activity_id for line in lines})
    record_view(request, child, what="attendance", activity_ids=activity_ids)
    context = {"child": child, "lines": lines}
    return render(request, "activities/staff/child_report.html", context)
