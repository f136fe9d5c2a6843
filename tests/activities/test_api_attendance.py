"""The activities API on the register: staff and coordinators read and mark a session of their
school's activity; outsiders get 404; the register costs the same queries at any size."""

import datetime as dt

import pytest
import time_machine

from activities import services
from activities.models import Activity, Attendance
from tests import factories
from tests.activities.helpers import enrol
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_get, api_post, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# --- attendance -----------------------------------------------------------------------------


@pytest.fixture
def session(activity):
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity.occurrences.first()


@pytest.fixture
def during(enrolling, session):
    """The clock at ten minutes into the session: a register is kept from the start."""
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=10), tick=False):
        yield


@pytest.fixture
def places(activity, school):
    """Two children with a place and one waiting."""
    kids = [factories.ChildFactory(school=school, first_name=name) for name in "ABC"]
    return [enrol(activity, kid) for kid in kids]


UNMARKED = {"mark": None, "absence_reported": False, "absence_reason": None}


def register_url(activity):
    return f"{API}/activities/{activity.pk}/register/"


def test_staff_read_the_register_of_a_session(client, staff, activity, session, places):
    body = api_get(login(client, staff), register_url(activity), occurrence=session.pk).json()

    assert body["occurrence"]["id"] == session.pk
    assert body["register"] == [
        {"enrolment_id": places[0].pk, "child": "A", "grade": 5, **UNMARKED},
        {"enrolment_id": places[1].pk, "child": "B", "grade": 5, **UNMARKED},
    ]


@pytest.mark.parametrize("who", ["staff", "coordinator"])
@pytest.mark.usefixtures("during")
def test_staff_and_coordinators_save_marks(client, request, activity, session, places, who):
    marks = {str(places[0].pk): "present", str(places[1].pk): "excused"}

    response = api_post(
        login(client, request.getfixturevalue(who)),
        register_url(activity),
        {"occurrence": session.pk, "marks": marks},
    )

    assert response.status_code == 200, response.content
    assert [row["mark"] for row in response.json()["register"]] == ["present", "excused"]
    saved = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert saved == {places[0].pk: "present", places[1].pk: "excused"}


@pytest.mark.usefixtures("during")
def test_saving_again_changes_the_mark(client, staff, activity, session, places):
    client = login(client, staff)
    url = register_url(activity)
    api_post(client, url, {"occurrence": session.pk, "marks": {str(places[0].pk): "absent"}})

    api_post(client, url, {"occurrence": session.pk, "marks": {str(places[0].pk): "present"}})

    assert Attendance.objects.get().status == "present"


@pytest.mark.parametrize(
    "outsider", ["outsider_staff", "outsider_coordinator", "parent", "other_parent"]
)
def test_outsiders_get_404_on_the_register(client, request, activity, session, places, outsider):
    client = login(client, request.getfixturevalue(outsider))
    url = register_url(activity)

    assert api_get(client, url, occurrence=session.pk).status_code == 404
    marks = {str(places[0].pk): "present"}
    assert api_post(client, url, {"occurrence": session.pk, "marks": marks}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_session_of_another_activity_is_400_naming_occurrence(
    client, staff, school, activity, session
):
    other = factories.ActivityFactory(school=school, weekday=3)
    services.occurrences_regenerate(activity=other, today=NOW.date())
    client = login(client, staff)

    assert list(api_get(client, register_url(activity)).json()) == ["occurrence"]
    response = api_get(client, register_url(activity), occurrence=other.occurrences.first().pk)
    assert response.status_code == 400
    assert list(response.json()) == ["occurrence"]


@pytest.mark.parametrize("bad", ["waiting", "unknown_status", "not_a_number", "empty"])
@pytest.mark.usefixtures("during")
def test_bad_marks_are_a_400_naming_marks_and_nothing_is_saved(
    client, staff, activity, session, places, bad
):
    marks = {
        "waiting": {str(places[0].pk): "present", str(places[2].pk): "present"},
        "unknown_status": {str(places[0].pk): "late"},
        "not_a_number": {"abc": "present"},
        "empty": {},
    }[bad]

    response = api_post(
        login(client, staff), register_url(activity), {"occurrence": session.pk, "marks": marks}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["marks"]
    assert not Attendance.objects.exists()


def test_register_query_count_does_not_grow_with_children(
    client, count_queries, staff, school, session
):
    activity = session.activity
    Activity.objects.filter(pk=activity.pk).update(capacity=50)
    client = login(client, staff)
    rows = []

    def add(n):
        for kid in factories.ChildFactory.create_batch(n, school=school):
            enrolment = enrol(activity, kid)
            Attendance.objects.create(occurrence=session, enrolment=enrolment, status="present")

    def fetch():
        response = api_get(client, register_url(activity), occurrence=session.pk)
        assert response.status_code == 200
        rows.append(len(response.json()["register"]))

    add(2)
    small = count_queries(fetch)
    add(6)
    large = count_queries(fetch)

    assert small == large
    assert rows == [2, 8]
