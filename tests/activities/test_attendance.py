"""The attendance register of one session: quick on a phone, saved once per child."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services
from activities.models import Attendance, Enrolment
from tests import factories
from tests.activities.helpers import place
from tests.helpers import login

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2027, 1, 13, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def activity(school):
    activity = factories.ActivityFactory(school=school, capacity=20)
    services.occurrences_regenerate(activity=activity, today=dt.date(2026, 12, 1))
    return activity


@pytest.fixture
def session(activity):
    return activity.occurrences.get(date=dt.date(2027, 1, 13))


def register_url(occurrence) -> str:
    return reverse("activities:staff_register", args=[occurrence.pk])


def test_the_register_has_a_fieldset_with_three_choices_per_child(client, staff, activity, session):
    (enrolment,) = place(activity, first_name="Noor")
    response = login(client, staff).get(register_url(session))
    assert response.status_code == 200
    assert "<legend>Noor</legend>" in response.text
    for status in ("present", "absent", "excused"):
        assert f'name="mark-{enrolment.pk}" value="{status}"' in response.text


def test_the_register_lists_only_children_with_a_place(client, staff, activity, session):
    place(activity, first_name="Noor")
    waiting = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(school=activity.school, first_name="Wachtende"),
        status=Enrolment.Status.WAITLISTED,
    )
    response = login(client, staff).get(register_url(session))
    assert "Noor" in response.text
    assert waiting.child.first_name not in response.text


def test_saving_the_register_records_each_mark(client, staff, activity, session):
    one, two, _unmarked = place(activity, 3)
    marks = {f"mark-{one.pk}": "present", f"mark-{two.pk}": "absent"}
    response = login(client, staff).post(register_url(session), marks, follow=True)
    assert "The register has been saved." in response.text
    saved = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert saved == {one.pk: "present", two.pk: "absent"}
    assert Attendance.objects.get(enrolment=one).recorded_by == staff


def test_saving_again_updates_the_marks_instead_of_adding_rows(client, staff, activity, session):
    one, two = place(activity, 2)
    login(client, staff)
    client.post(register_url(session), {f"mark-{one.pk}": "present", f"mark-{two.pk}": "absent"})
    client.post(register_url(session), {f"mark-{one.pk}": "present", f"mark-{two.pk}": "excused"})
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(enrolment=two).status == "excused"


def test_the_register_shows_the_saved_marks(client, staff, activity, session):
    (enrolment,) = place(activity)
    Attendance.objects.create(occurrence=session, enrolment=enrolment, status="excused")
    response = login(client, staff).get(register_url(session))
    form = response.context["form"]
    assert form[f"mark-{enrolment.pk}"].value() == "excused"
    assert f'value="excused" id="id_mark-{enrolment.pk}_2" checked' in response.text


def test_the_register_ignores_a_child_without_a_place(client, staff, activity, session):
    (confirmed,) = place(activity)
    waiting = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(school=activity.school),
        status=Enrolment.Status.WAITLISTED,
    )
    data = {f"mark-{confirmed.pk}": "present", f"mark-{waiting.pk}": "present"}
    login(client, staff).post(register_url(session), data)
    assert list(Attendance.objects.values_list("enrolment_id", flat=True)) == [confirmed.pk]


def test_the_service_refuses_a_child_without_a_place(activity, session, staff):
    (confirmed,) = place(activity)
    waiting = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(school=activity.school),
        status=Enrolment.Status.WAITLISTED,
    )
    with pytest.raises(ValidationError):
        services.attendance_record(
            occurrence=session,
            marks={confirmed.pk: "present", waiting.pk: "present"},
            recorded_by=staff,
            now=session.starts_at,
        )
    assert not Attendance.objects.exists()


def test_an_unknown_mark_is_an_error_next_to_the_child(client, staff, activity, session):
    (enrolment,) = place(activity)
    response = login(client, staff).post(register_url(session), {f"mark-{enrolment.pk}": "late"})
    assert response.status_code == 200
    assert f"mark-{enrolment.pk}" in response.context["form"].errors
    assert not Attendance.objects.exists()


def test_a_cancelled_session_has_no_register(client, staff, activity, session):
    (enrolment,) = place(activity)
    services.occurrence_cancel(occurrence=session, reason="Storm", now=TODAY)
    login(client, staff)
    response = client.post(register_url(session), {f"mark-{enrolment.pk}": "present"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    follow = client.get(register_url(session), follow=True)
    assert "This session is cancelled: there is no register." in follow.text


@pytest.mark.parametrize("person", ["outsider_staff", "outsider_coordinator", "parent"])
def test_others_cannot_read_or_save_the_register(client, activity, session, person, request):
    (enrolment,) = place(activity)
    login(client, request.getfixturevalue(person))
    assert client.get(register_url(session)).status_code == 404
    response = client.post(register_url(session), {f"mark-{enrolment.pk}": "present"})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_coordinator_of_the_municipality_may_take_attendance(
    client, coordinator, activity, session
):
    (enrolment,) = place(activity)
    login(client, coordinator).post(register_url(session), {f"mark-{enrolment.pk}": "present"})
    assert Attendance.objects.get().status == "present"


def test_register_query_count_does_not_grow(client, staff, activity, session, count_queries):
    login(client, staff)

    def build(n):
        for enrolment in place(activity, n):
            Attendance.objects.create(occurrence=session, enrolment=enrolment, status="present")
        return count_queries(lambda: client.get(register_url(session)))

    assert build(2) == build(8)


# Saving writes only what changed


def _entries(model_name: str = "attendance") -> int:
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(content_type__model=model_name).count()


def test_saving_the_same_marks_again_writes_nothing(activity, session, staff, school):
    one, two = place(activity, 2)
    marks = {one.pk: "present", two.pk: "absent"}
    services.attendance_record(occurrence=session, marks=marks, recorded_by=staff, now=TODAY)
    before = list(Attendance.objects.order_by("pk").values_list("pk", "recorded_at"))
    entries = _entries()
    colleague = factories.staff(school)

    saved = services.attendance_record(
        occurrence=session, marks=marks, recorded_by=colleague, now=TODAY + dt.timedelta(hours=1)
    )

    assert saved == 2
    assert list(Attendance.objects.order_by("pk").values_list("pk", "recorded_at")) == before
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {staff.pk}
    assert _entries() == entries  # no audit entry for a mark that stayed as it was


def test_a_changed_mark_is_written_with_its_new_recorder(activity, session, staff, school):
    one, two = place(activity, 2)
    marks = {one.pk: "present", two.pk: "absent"}
    services.attendance_record(occurrence=session, marks=marks, recorded_by=staff, now=TODAY)
    entries = _entries()
    colleague = factories.staff(school)

    services.attendance_record(
        occurrence=session,
        marks={one.pk: "present", two.pk: "excused"},
        recorded_by=colleague,
        now=TODAY,
    )

    by_enrolment = {a.enrolment_id: a for a in Attendance.objects.all()}
    assert (by_enrolment[one.pk].status, by_enrolment[one.pk].recorded_by) == ("present", staff)
    assert (by_enrolment[two.pk].status, by_enrolment[two.pk].recorded_by) == (
        "excused",
        colleague,
    )
    assert _entries() == entries + 1


def test_saving_a_register_again_takes_the_same_queries_for_a_small_or_a_large_class(
    client, staff, activity, session, count_queries
):
    """A register saved again unchanged (the everyday case: a teacher taps save twice, or a
    colleague checks it) writes nothing, so its cost does not grow with the class."""
    login(client, staff)

    def resave(n: int) -> int:
        place(activity, n)
        marks = {f"mark-{e.pk}": "present" for e in activity.enrolments.filter(status="confirmed")}
        client.post(register_url(session), marks)
        assert Attendance.objects.count() == len(marks)
        return count_queries(lambda: client.post(register_url(session), marks))

    assert resave(2) == resave(8)
