"""The rules of the register and of a family's absence notice ("afmelden"): no register before
the session starts, "everyone present" fills only the gaps, and a family reports (or takes
back) an absence for a coming session of a confirmed place, until it starts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.privacy import personal_data
from activities import errors, services
from activities.models import AbsenceNotice, Attendance, Enrolment
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from tests import factories
from tests.activities.helpers import enrol, session_with
from tests.clock import ENROLLING as NOW

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def activity():
    return factories.ActivityFactory()


@pytest.fixture
def session(activity):
    return session_with(activity)


def report(enrolment, session, reason="Ziek", *, now=NOW):
    return services.absence_report(
        enrolment=enrolment,
        occurrence=session,
        reason=reason,
        reported_by=enrolment.child.guardian,
        now=now,
    )


def marks() -> dict[int, str]:
    return dict(Attendance.objects.values_list("enrolment_id", "status"))


# --- the register ---------------------------------------------------------------------------


def test_no_register_before_the_session_starts(activity, session):
    one = enrol(activity)

    with pytest.raises(errors.SessionNotStarted):
        services.attendance_record(
            occurrence=session,
            marks={one.pk: "present"},
            recorded_by=None,
            now=session.starts_at - MINUTE,
        )
    assert not Attendance.objects.exists()

    services.attendance_record(
        occurrence=session, marks={one.pk: "present"}, recorded_by=None, now=session.starts_at
    )
    assert marks() == {one.pk: "present"}


def test_everyone_present_fills_only_the_gaps(activity, session):
    marked, given, reported, rest = (enrol(activity) for _ in range(4))
    report(reported, session)
    later = session.starts_at + MINUTE
    services.attendance_record(
        occurrence=session, marks={marked.pk: "absent"}, recorded_by=None, now=later
    )

    written = services.attendance_record(
        occurrence=session,
        marks={given.pk: "absent"},
        recorded_by=None,
        now=later,
        everyone_present=True,
    )

    assert written == 3
    assert marks() == {
        marked.pk: "absent",  # marked before: kept
        given.pk: "absent",  # marked now: as given
        reported.pk: "excused",  # the family reported the absence
        rest.pk: "present",
    }


def test_everyone_present_leaves_out_children_without_a_place(activity, session):
    placed = enrol(activity)
    factories.EnrolmentFactory(activity=activity, status=Enrolment.Status.WAITLISTED)

    services.attendance_record(
        occurrence=session, marks={}, recorded_by=None, now=session.starts_at, everyone_present=True
    )

    assert marks() == {placed.pk: "present"}


# --- absence notices ------------------------------------------------------------------------


def test_a_family_reports_a_coming_absence_and_may_change_the_reason(activity, session):
    enrolment = enrol(activity)

    report(enrolment, session, "  Naar de   tandarts ")
    report(enrolment, session, "Ziek")

    notice = AbsenceNotice.objects.get()
    assert (notice.enrolment, notice.occurrence, notice.reason) == (enrolment, session, "Ziek")
    assert notice.reported_by == enrolment.child.guardian


def test_the_reason_is_optional_and_short(activity, session):
    enrolment = enrol(activity)
    report(enrolment, session, "")
    assert AbsenceNotice.objects.get().reason == ""

    with pytest.raises(ValidationError) as caught:
        report(enrolment, session, "x" * 201)
    assert list(caught.value.message_dict) == ["reason"]


def test_no_notice_once_the_session_has_started(activity, session):
    enrolment = enrol(activity)
    with pytest.raises(errors.SessionStarted):
        report(enrolment, session, now=session.starts_at)
    assert not AbsenceNotice.objects.exists()


def test_no_notice_for_a_cancelled_session(activity, session):
    enrolment = enrol(activity)
    services.occurrence_cancel(occurrence=session, reason="Studiedag", now=NOW)
    with pytest.raises(errors.SessionCancelled):
        report(enrolment, session)


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "applied"])
def test_no_notice_without_a_place(activity, session, status):
    enrolment = factories.EnrolmentFactory(activity=activity, status=status)
    with pytest.raises(errors.NotActive):
        report(enrolment, session)
    assert not AbsenceNotice.objects.exists()


def test_no_notice_for_a_session_of_another_activity(activity, session):
    elsewhere = enrol(factories.ActivityFactory(weekday=4))
    with pytest.raises(ValidationError) as caught:
        report(elsewhere, session)
    assert list(caught.value.message_dict) == ["occurrence"]


def test_the_family_takes_it_back_until_the_start(activity, session):
    enrolment = enrol(activity)
    report(enrolment, session)

    with pytest.raises(errors.SessionStarted):
        services.absence_withdraw(enrolment=enrolment, occurrence=session, now=session.starts_at)
    assert AbsenceNotice.objects.exists()

    services.absence_withdraw(enrolment=enrolment, occurrence=session, now=NOW)
    services.absence_withdraw(enrolment=enrolment, occurrence=session, now=NOW)  # twice: fine
    assert not AbsenceNotice.objects.exists()


def test_forgetting_a_child_forgets_what_the_family_wrote(activity, session):
    enrolment = enrol(activity)
    report(enrolment, session)

    services.child_erase(child=enrolment.child, now=NOW)

    assert not AbsenceNotice.objects.exists()


def test_the_familys_export_holds_what_they_wrote(activity, session):
    enrolment = enrol(activity)
    report(enrolment, session, "Ziek")

    [child] = personal_data(enrolment.child.guardian)["children"]

    [reported] = child["enrolments"][0]["absences_reported"]
    assert reported["reason"] == "Ziek"
    assert reported["date"] == session.date.isoformat()


def test_the_reminder_before_a_session_links_to_reporting_absent(activity, session):
    enrolment = enrol(activity)

    assert reminders_send_due(now=session.starts_at - dt.timedelta(hours=24)) == 1

    reminder = Notification.objects.get(kind="reminder:parent_session")
    link = reverse("activities:my_absence_report", args=[enrolment.pk, session.pk])
    assert link in reminder.body_text and link in reminder.body_html
