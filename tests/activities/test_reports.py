"""Attendance summaries per activity and per child, and the CSV file for Excel."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities import reports, services
from activities.models import Attendance
from tests import factories
from tests.activities.helpers import place
from tests.helpers import login

pytestmark = pytest.mark.django_db

# Four Wednesday sessions have started by now: 6, 13, 20 and 27 January 2027.
TODAY = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def activity_for(school, **kwargs):
    activity = factories.ActivityFactory(school=school, capacity=30, **kwargs)
    services.occurrences_regenerate(activity=activity, today=dt.date(2026, 12, 1))
    return activity


def mark(enrolment, *statuses):
    """Mark the activity's sessions in date order with the given statuses."""
    sessions = enrolment.activity.occurrences.order_by("starts_at")
    for occurrence, status in zip(sessions, statuses, strict=False):
        Attendance.objects.create(occurrence=occurrence, enrolment=enrolment, status=status)


@pytest.fixture
def activity(school):
    return activity_for(school, title="Voetbal")


def test_summary_counts_each_status_and_the_unrecorded_sessions(activity):
    (enrolment,) = place(activity)
    mark(enrolment, "present", "absent", "excused")
    (line,) = reports.activity_summary(activity=activity, now=TODAY)
    assert (line.sessions, line.present, line.absent, line.excused) == (4, 1, 1, 1)
    assert line.unrecorded == 1
    assert line.rate == 25


def test_cancelled_and_future_sessions_do_not_count(activity):
    (enrolment,) = place(activity)
    first = activity.occurrences.order_by("starts_at").first()
    Attendance.objects.create(occurrence=first, enrolment=enrolment, status="present")
    services.occurrence_cancel(occurrence=first, reason="Storm", now=TODAY)
    future = activity.occurrences.get(date=dt.date(2027, 3, 3))
    Attendance.objects.create(occurrence=future, enrolment=enrolment, status="present")
    (line,) = reports.activity_summary(activity=activity, now=TODAY)
    assert (line.sessions, line.present, line.unrecorded) == (3, 0, 3)


def test_a_child_who_left_keeps_their_marks_in_the_summary(activity):
    stays, leaves = place(activity, 2)
    mark(leaves, "present", "present")
    services.enrolment_cancel(enrolment=leaves, now=TODAY)
    lines = reports.activity_summary(activity=activity, now=TODAY)
    assert {line.enrolment.pk for line in lines} == {stays.pk, leaves.pk}


def test_a_waiting_child_is_not_in_the_summary(activity):
    place(activity)
    factories.EnrolmentFactory(
        activity=activity, child=factories.ChildFactory(school=activity.school), status="waitlisted"
    )
    assert len(reports.activity_summary(activity=activity, now=TODAY)) == 1


def test_there_is_no_rate_before_the_first_session(school):
    activity = activity_for(school, first_date=dt.date(2027, 3, 3))
    place(activity)
    (line,) = reports.activity_summary(activity=activity, now=TODAY)
    assert (line.sessions, line.rate) == (0, None)


def test_the_report_page_shows_each_child(client, staff, activity):
    (enrolment,) = place(activity, first_name="Sanne")
    mark(enrolment, "present", "present", "present")
    response = login(client, staff).get(reverse("activities:staff_report", args=[activity.pk]))
    assert response.status_code == 200
    assert "Sanne" in response.text
    assert "75%" in response.text
    assert reverse("activities:staff_child_report", args=[enrolment.child_id]) in response.text


def test_csv_is_for_excel_with_translated_headers_and_first_names_only(client, staff, activity):
    (enrolment,) = place(activity, first_name="Sanne")
    mark(enrolment, "present", "absent", "excused", "present")
    url = reverse("activities:staff_report_csv", args=[activity.pk])
    response = login(client, staff).get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="attendance-voetbal.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "First name;Present;Absent;Excused;Not recorded;Attendance (%)",
        "Sanne;2;1;1;0;50",
    ]
    guardian = enrolment.child.guardian
    assert guardian.email not in response.content.decode()
    assert guardian.name not in response.content.decode()


def test_csv_headers_follow_the_language(client, staff, activity):
    place(activity)
    login(client, staff, language="nl")
    url = reverse("activities:staff_report_csv", args=[activity.pk])
    header = client.get(url).content.decode("utf-8-sig").splitlines()[0]
    with_english = login(client, staff).get(url).content.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") == 5
    assert with_english.startswith("First name;")


def test_csv_neutralises_a_name_that_looks_like_a_formula(client, staff, activity):
    place(activity, first_name="=HYPERLINK(1)")
    url = reverse("activities:staff_report_csv", args=[activity.pk])
    body = login(client, staff).get(url).content.decode("utf-8-sig")
    assert "\r\n'=HYPERLINK(1);" in body


def test_child_report_shows_only_the_persons_own_activities(client, staff, school, activity):
    (enrolment,) = place(activity, first_name="Sanne")
    mark(enrolment, "present")
    elsewhere = activity_for(
        factories.SchoolFactory(neighbourhood=school.neighbourhood), title="Elders"
    )
    other = factories.EnrolmentFactory(activity=elsewhere, child=enrolment.child)
    mark(other, "absent")
    url = reverse("activities:staff_child_report", args=[enrolment.child_id])
    response = login(client, staff).get(url)
    assert [line.enrolment.activity for line in response.context["lines"]] == [activity]
    assert "Elders" not in response.text


def test_child_report_covers_several_activities_of_the_school(client, staff, school, activity):
    (enrolment,) = place(activity)
    chess = activity_for(school, title="Schaken", weekday=4)
    second = services.enrolment_place(
        activity=chess, child=enrolment.child, placed_by=None, now=TODAY
    )
    mark(enrolment, "present", "present")
    mark(second, "absent")
    url = reverse("activities:staff_child_report", args=[enrolment.child_id])
    lines = login(client, staff).get(url).context["lines"]
    by_title = {line.enrolment.activity.title: line for line in lines}
    assert (by_title["Voetbal"].present, by_title["Schaken"].absent) == (2, 1)
    assert by_title["Schaken"].sessions == 4


def test_child_report_is_404_for_a_child_outside_the_persons_activities(
    client, outsider_staff, activity
):
    (enrolment,) = place(activity)
    url = reverse("activities:staff_child_report", args=[enrolment.child_id])
    assert login(client, outsider_staff).get(url).status_code == 404


@pytest.mark.parametrize("name", ["staff_report", "staff_report_csv"])
def test_report_query_count_does_not_grow(client, staff, activity, name, count_queries):
    login(client, staff)
    url = reverse(f"activities:{name}", args=[activity.pk])

    def build(n):
        for enrolment in place(activity, n):
            mark(enrolment, "present", "absent")
        return count_queries(lambda: client.get(url))

    assert build(2) == build(8)


def test_child_report_query_count_does_not_grow(client, staff, school, count_queries):
    child = factories.ChildFactory(school=school)
    login(client, staff)
    url = reverse("activities:staff_child_report", args=[child.pk])

    def build(n):
        for _ in range(n):
            activity = activity_for(school)
            enrolment = factories.EnrolmentFactory(activity=activity, child=child)
            mark(enrolment, "present")
        return count_queries(lambda: client.get(url))

    assert build(2) == build(8)
