"""The API around attendance: a family reads the sessions of their child's enrolment with the
marks, reports an absence (PUT) and takes it back (DELETE) until the session starts; staff
read the notices on the register and fill the rest with `everyone_present`. Others get 404;
the sessions list costs the same queries at any size."""

import datetime as dt

import pytest
import time_machine

from activities import services
from activities.models import AbsenceNotice, Attendance
from tests import factories
from tests.activities.helpers import enrol, session_with
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_get, api_post, api_send, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


@pytest.fixture
def enrolment(activity, child):
    return enrol(activity, child)


@pytest.fixture
def session(activity):
    return session_with(activity)


def sessions_url(enrolment) -> str:
    return f"{API}/enrolments/{enrolment.pk}/sessions/"


def absence_url(enrolment, session) -> str:
    return f"{API}/enrolments/{enrolment.pk}/sessions/{session.pk}/absence/"


def test_a_family_reads_the_sessions_with_the_marks(client, parent, staff, enrolment, session):
    later = session.starts_at + dt.timedelta(minutes=5)
    services.attendance_record(
        occurrence=session, marks={enrolment.pk: "absent"}, recorded_by=staff, now=later
    )

    body = api_get(login(client, parent), sessions_url(enrolment)).json()

    assert body["count"] == enrolment.activity.occurrences.count()
    first = body["results"][0]
    assert first["id"] == session.pk
    assert (first["mark"], first["absence_reported"], first["cancelled"]) == (
        "absent",
        False,
        False,
    )
    assert body["results"][1]["mark"] is None


def test_a_family_reports_an_absence_and_takes_it_back(client, parent, enrolment, session):
    client = login(client, parent)

    reported = api_send(client, "put", absence_url(enrolment, session), {"reason": "Ziek"})

    assert reported.status_code == 200, reported.content
    assert (reported.json()["absence_reported"], reported.json()["absence_reason"]) == (
        True,
        "Ziek",
    )
    assert AbsenceNotice.objects.get().reason == "Ziek"

    taken_back = api_send(client, "delete", absence_url(enrolment, session))

    assert taken_back.status_code == 200
    assert taken_back.json()["absence_reported"] is False
    assert not AbsenceNotice.objects.exists()


def test_after_the_start_it_is_a_409(client, parent, enrolment, session):
    with time_machine.travel(session.starts_at, tick=False):
        response = api_send(login(client, parent), "put", absence_url(enrolment, session), {})
    assert response.status_code == 409
    assert response.json()["code"] == "session_started"


def test_a_too_long_reason_is_a_400_naming_it(client, parent, enrolment, session):
    response = api_send(
        login(client, parent), "put", absence_url(enrolment, session), {"reason": "x" * 201}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]


@pytest.mark.parametrize("outsider", ["other_parent", "staff", "coordinator"])
def test_other_people_get_404_and_nothing_changes(client, request, enrolment, session, outsider):
    client = login(client, request.getfixturevalue(outsider))

    assert api_get(client, sessions_url(enrolment)).status_code == 404
    assert api_send(client, "put", absence_url(enrolment, session), {}).status_code == 404
    assert api_send(client, "delete", absence_url(enrolment, session)).status_code == 404
    assert not AbsenceNotice.objects.exists()


def test_a_session_of_another_activity_is_404(client, parent, enrolment, school):
    other = session_with(factories.ActivityFactory(school=school, weekday=4))
    response = api_send(login(client, parent), "put", absence_url(enrolment, other), {})
    assert response.status_code == 404


def test_the_sessions_list_costs_the_same_queries_for_few_or_many(
    client, count_queries, parent, child, school
):
    client = login(client, parent)

    def fetch(weeks: int) -> int:
        activity = factories.ActivityFactory(
            school=school, last_date=dt.date(2027, 1, 6) + dt.timedelta(weeks=weeks - 1)
        )
        enrolment = enrol(activity, factories.ChildFactory(guardian=parent, school=school))
        sessions = list(regenerated_sessions(activity))
        for session in sessions[::2]:
            services.absence_report(
                enrolment=enrolment, occurrence=session, reason="", reported_by=parent, now=NOW
            )
        rows = []

        def get():
            response = api_get(client, sessions_url(enrolment))
            assert response.status_code == 200
            rows.append(response.json()["count"])

        queries = count_queries(get)
        assert rows == [len(sessions)]
        return queries

    assert fetch(2) == fetch(10)


def regenerated_sessions(activity):
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity.occurrences.order_by("starts_at")


# --- staff ----------------------------------------------------------------------------------


def register_url(activity) -> str:
    return f"{API}/activities/{activity.pk}/register/"


def test_staff_read_the_notice_on_the_register(client, staff, activity, enrolment, session):
    services.absence_report(
        enrolment=enrolment, occurrence=session, reason="Ziek", reported_by=None, now=NOW
    )

    body = api_get(login(client, staff), register_url(activity), occurrence=session.pk).json()

    [row] = body["register"]
    assert (row["absence_reported"], row["absence_reason"], row["mark"]) == (True, "Ziek", None)


def test_staff_cannot_mark_before_the_start(client, staff, activity, enrolment, session):
    response = api_post(
        login(client, staff),
        register_url(activity),
        {"occurrence": session.pk, "marks": {str(enrolment.pk): "present"}},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "session_not_started"
    assert not Attendance.objects.exists()


def test_staff_mark_everyone_present(client, staff, activity, enrolment, session, school):
    other = enrol(activity, factories.ChildFactory(school=school))
    services.absence_report(
        enrolment=other, occurrence=session, reason="", reported_by=None, now=NOW
    )
    with time_machine.travel(session.starts_at, tick=False):
        response = api_post(
            login(client, staff),
            register_url(activity),
            {"occurrence": session.pk, "everyone_present": True},
        )

    assert response.status_code == 200, response.content
    saved = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert saved == {enrolment.pk: "present", other.pk: "excused"}
