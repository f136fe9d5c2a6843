"""The pages around attendance: a family sees each session of their child's activity (was the
child there?) and reports the child absent for a coming one, or takes it back; staff see it
in the register, pre-marked excused with the reason, and fill the rest in one tap."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities import services
from activities.models import AbsenceNotice, Attendance
from tests import factories
from tests.activities.helpers import enrol, session_with
from tests.audit.helpers import entries, municipality_of, only
from tests.clock import ENROLLING as NOW
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


@pytest.fixture
def activity(school):
    return factories.ActivityFactory(school=school, title="Judo")


@pytest.fixture
def session(activity):
    return session_with(activity)


@pytest.fixture
def enrolment(activity, parent, school):
    return enrol(
        activity, factories.ChildFactory(guardian=parent, school=school, first_name="Noor")
    )


def sessions_url(enrolment) -> str:
    return reverse("activities:my_sessions", args=[enrolment.pk])


def report_url(enrolment, session) -> str:
    return reverse("activities:my_absence_report", args=[enrolment.pk, session.pk])


def undo_url(enrolment, session) -> str:
    return reverse("activities:my_absence_withdraw", args=[enrolment.pk, session.pk])


def test_my_enrolments_links_to_the_sessions(client, parent, enrolment):
    response = login(client, parent).get(reverse("activities:my_enrolments"))
    assert sessions_url(enrolment) in response.text


def test_a_family_reports_absent_and_takes_it_back(client, parent, enrolment, session):
    client = login(client, parent)
    page = client.get(sessions_url(enrolment))
    assert report_url(enrolment, session) in page.text

    form = client.get(report_url(enrolment, session))
    assert 'name="reason"' in form.text
    done = client.post(report_url(enrolment, session), {"reason": "Ziek"}, follow=True)

    assert "Noor is reported absent for Wednesday 6 January." in done.text
    assert "Reported absent" in done.text and "Ziek" in done.text
    assert AbsenceNotice.objects.get().reason == "Ziek"

    back = client.post(undo_url(enrolment, session), follow=True)
    assert "Noor comes on Wednesday 6 January after all." in back.text
    assert not AbsenceNotice.objects.exists()


def test_a_too_long_reason_shows_the_form_again(client, parent, enrolment, session):
    response = login(client, parent).post(report_url(enrolment, session), {"reason": "x" * 201})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not AbsenceNotice.objects.exists()


def test_after_the_start_the_family_sees_the_mark_and_cannot_report(
    client, parent, staff, enrolment, session
):
    later = session.starts_at + dt.timedelta(minutes=5)
    services.attendance_record(
        occurrence=session, marks={enrolment.pk: "present"}, recorded_by=staff, now=later
    )
    with time_machine.travel(later, tick=False):
        client = login(client, parent)
        page = client.get(sessions_url(enrolment))
        late = client.post(report_url(enrolment, session), {"reason": "Ziek"})

    assert "Was there" in page.text
    assert report_url(enrolment, session) not in page.text
    assert "has already started" in late.text
    assert not AbsenceNotice.objects.exists()


@pytest.mark.parametrize("who", ["other_parent", "staff"])
def test_other_people_get_404_or_403_and_nothing_changes(client, request, enrolment, session, who):
    client = login(client, request.getfixturevalue(who))
    expected = 404 if who == "other_parent" else 403

    assert client.get(sessions_url(enrolment)).status_code == expected
    assert client.post(report_url(enrolment, session), {"reason": "x"}).status_code == expected
    assert client.post(undo_url(enrolment, session)).status_code == expected
    assert not AbsenceNotice.objects.exists()


def test_a_session_of_another_activity_is_404(client, parent, enrolment, school):
    other = session_with(factories.ActivityFactory(school=school, weekday=4))
    response = login(client, parent).get(report_url(enrolment, other))
    assert response.status_code == 404


# --- the staff register ---------------------------------------------------------------------


def register_url(session) -> str:
    return reverse("activities:staff_register", args=[session.pk])


def test_staff_see_the_reported_absence_pre_marked_before_the_start(
    client, staff, enrolment, session
):
    services.absence_report(
        enrolment=enrolment, occurrence=session, reason="Ziek", reported_by=None, now=NOW
    )

    response = login(client, staff).get(register_url(session))

    assert "1 reported absent" in response.text
    assert "Reported absent: Ziek" in response.text
    assert f'value="excused" id="id_mark-{enrolment.pk}_2" checked' in response.text
    assert "You can fill in the register from then" in response.text
    assert 'name="everyone_present"' not in response.text


def test_a_register_posted_before_the_start_is_refused(client, staff, enrolment, session):
    response = login(client, staff).post(register_url(session), {f"mark-{enrolment.pk}": "present"})

    assert response.status_code == 200
    assert "This session has not started yet." in response.text
    assert not Attendance.objects.exists()


def test_everyone_present_in_one_tap(client, staff, activity, enrolment, session, school):
    others = [enrol(activity, factories.ChildFactory(school=school)) for _ in range(2)]
    services.absence_report(
        enrolment=others[0], occurrence=session, reason="", reported_by=None, now=NOW
    )
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=3), tick=False):
        response = login(client, staff).post(
            register_url(session), {"everyone_present": "1"}, follow=True
        )

    assert "Everyone is marked present." in response.text
    saved = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert saved == {enrolment.pk: "present", others[0].pk: "excused", others[1].pk: "present"}


def test_the_sessions_page_costs_the_same_queries_for_few_or_many(
    client, count_queries, parent, school
):
    client = login(client, parent)

    def fetch(weeks: int) -> int:
        activity = factories.ActivityFactory(
            school=school, last_date=dt.date(2027, 1, 6) + dt.timedelta(weeks=weeks - 1)
        )
        enrolment = enrol(activity, factories.ChildFactory(guardian=parent, school=school))
        session_with(activity)  # makes every session of the activity
        sessions = list(activity.occurrences.order_by("starts_at"))
        assert len(sessions) == weeks
        for session in sessions[::2]:
            services.absence_report(
                enrolment=enrolment, occurrence=session, reason="", reported_by=parent, now=NOW
            )
        return count_queries(lambda: client.get(sessions_url(enrolment)))

    assert fetch(2) == fetch(10)


def test_a_report_is_in_the_audit_trail_with_its_parent_but_not_the_reason(
    client, parent, enrolment, session, municipality
):
    login(client, parent).post(report_url(enrolment, session), {"reason": "Ziek"})

    entry = only(entries(AbsenceNotice.objects.get()))
    assert entry.actor == parent
    assert municipality_of(entry) == municipality.pk
    assert "reason" not in entry.changes
