"""Who did it: the actor of an entry is the person of the request (on the pages, and on the
API with a session or a token), and opening a child's record or attendance is recorded as a
view (core.audit.record_view); exports through core.audit.record_export."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_create
from activities.models import Attendance
from core.audit import record_export, record_view
from tests import factories
from tests.clock import ENROLLING

from .helpers import child_of, entries, municipality_of, only, place

pytestmark = pytest.mark.django_db

Action = LogEntry.Action
API = "/api/v1"


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def register_url(session) -> str:
    return reverse("activities:staff_register", args=[session.pk])


# --- the actor --------------------------------------------------------------------------------


@pytest.mark.usefixtures("during_session")
def test_saving_the_register_on_the_page_records_the_staff_member(
    client, staff, session, enrolment, municipality
):
    response = login(client, staff).post(
        register_url(session), {f"mark-{enrolment.pk}": "present"}, REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 302

    entry = only(entries(Attendance.objects.get()))
    assert entry.action == Action.CREATE
    assert entry.actor == staff
    assert entry.actor_email == staff.email
    assert entry.remote_addr == "192.0.2.7"
    assert municipality_of(entry) == municipality.pk


def test_a_parent_changing_a_child_through_the_api_is_the_actor(client, parent, child):
    response = login(client, parent).patch(
        f"{API}/children/{child.pk}/", {"grade": 6}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    entry = only(entries(child, action=Action.UPDATE))
    assert entry.actor == parent
    assert entry.changes == {"grade": ["5", "6"]}


@pytest.mark.usefixtures("during_session")
def test_an_api_call_with_a_token_records_its_person(client, staff, activity, session, enrolment):
    """DRF authenticates a token inside the view, after auditlog's middleware ran: the actor
    is still the token's owner (accounts.audit.AuditMiddleware)."""
    _token, key = api_token_create(user=staff, now=ENROLLING)
    response = client.post(
        f"{API}/activities/{activity.pk}/register/",
        {"occurrence": session.pk, "marks": {str(enrolment.pk): "absent"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 200, response.content

    assert only(entries(Attendance.objects.get())).actor == staff
    viewed = only(entries(session, action=Action.ACCESS))
    assert viewed.actor == staff
    assert viewed.additional_data["child_ids"] == [enrolment.child_id]


def test_drawing_the_lottery_on_the_page_records_who_drew_it(client, staff, school):
    """The draw's writes send no signals; the entries written for them have the actor too."""
    activity = factories.LotteryActivityFactory(school=school, capacity=1)
    application = place(activity, child_of(factories.parent(), school, "Ada"))
    with time_machine.travel(factories.CLOSES + dt.timedelta(minutes=1), tick=False):
        url = reverse("activities:staff_draw", args=[activity.pk])
        assert login(client, staff).post(url).status_code == 302

    entry = only(entries(application, action=Action.UPDATE))
    assert entry.changes["status"] == ["applied", "confirmed"]
    assert entry.actor == staff


def test_a_service_run_by_the_system_has_no_actor(child):
    assert only(entries(child)).actor is None


# --- views --------------------------------------------------------------------------------------


def test_opening_the_register_records_a_view_of_the_childrens_attendance(
    client, staff, session, enrolment, municipality
):
    assert login(client, staff).get(register_url(session)).status_code == 200

    entry = only(entries(session, action=Action.ACCESS))
    assert entry.actor == staff
    assert entry.additional_data == {
        "event": "view",
        "what": "attendance",
        "child_ids": [enrolment.child_id],
        "municipality": municipality.pk,
    }


def test_the_childs_attendance_page_records_a_view_of_the_child(
    client, coordinator, activity, enrolment, child, municipality
):
    url = reverse("activities:staff_child_report", args=[child.pk])
    assert login(client, coordinator).get(url).status_code == 200

    entry = only(entries(child, action=Action.ACCESS))
    assert entry.actor == coordinator
    assert entry.object_repr == "Noor"
    assert entry.additional_data["activity_ids"] == [activity.pk]
    assert municipality_of(entry) == municipality.pk


def test_a_page_that_is_refused_records_no_view(client, outsider_coordinator, child, enrolment):
    url = reverse("activities:staff_child_report", args=[child.pk])
    assert login(client, outsider_coordinator).get(url).status_code == 404
    assert entries(child, action=Action.ACCESS) == []


@pytest.mark.parametrize("name", ["staff_report", "staff_report_csv"])
def test_an_activitys_attendance_records_one_view_listing_the_children(
    client, staff, activity, parent, school, municipality, name
):
    kids = [child_of(parent, school, first_name) for first_name in ("Ada", "Bo", "Cas")]
    for kid in kids:
        place(activity, kid)

    response = login(client, staff).get(reverse(f"activities:{name}", args=[activity.pk]))
    assert response.status_code == 200

    entry = only(entries(activity, action=Action.ACCESS))
    assert entry.actor == staff
    assert entry.object_repr == "Judo"
    assert entry.additional_data["child_ids"] == sorted(kid.pk for kid in kids)
    assert municipality_of(entry) == municipality.pk
    assert ("format" in entry.additional_data) == (name == "staff_report_csv")


def test_reading_the_register_through_the_api_records_a_view(
    client, coordinator, activity, session, enrolment
):
    response = login(client, coordinator).get(
        f"{API}/activities/{activity.pk}/register/", {"occurrence": session.pk}
    )
    assert response.status_code == 200, response.content
    entry = only(entries(session, action=Action.ACCESS))
    assert entry.actor == coordinator
    assert entry.additional_data["child_ids"] == [enrolment.child_id]


def test_record_view_keeps_a_reason(rf, staff, child, municipality):
    request = rf.get("/")
    request.user = staff
    record_view(request, child, reason="Vraag van de ouder")
    entry = only(entries(child, action=Action.ACCESS))
    assert entry.additional_data["reason"] == "Vraag van de ouder"
    assert entry.actor == staff
    assert municipality_of(entry) == municipality.pk


@pytest.mark.usefixtures("during_session")
def test_a_register_costs_no_query_per_child_to_find_the_municipality(
    client, staff, activity, session, parent, school
):
    """The entries of one register find their municipality once, whatever the class size:
    for new marks and for changed ones."""

    def lookups(count: int) -> list[int]:
        kids = [child_of(parent, school, f"Kind {count}.{n}") for n in range(count)]
        fields = [f"mark-{place(activity, kid).pk}" for kid in kids]
        found = []
        for mark in ("present", "absent"):  # new marks, then changed ones
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(register_url(session), dict.fromkeys(fields, mark))
            assert response.status_code == 302
            reads = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
            found.append(sum("municipality" in sql for sql in reads))
        return found

    login(client, staff)
    client.get(register_url(session))  # the first request reads the person's roles
    before = Attendance.objects.count()
    assert lookups(2) == lookups(7)
    assert Attendance.objects.count() == before + 9
    assert len(entries(model=Attendance, action=Action.UPDATE)) == 9


# --- exports ------------------------------------------------------------------------------------


def test_an_export_is_recorded_once_per_municipality(parent, municipality):
    other = factories.MunicipalityFactory()
    record_export(
        actor=parent,
        subject_user=parent,
        municipality_pks=[other.pk, municipality.pk, other.pk],
        note="self-service export",
    )

    found = entries(parent, action=Action.ACCESS)
    assert sorted(municipality_of(e) for e in found) == sorted([municipality.pk, other.pk])
    for entry in found:
        assert entry.actor == parent
        assert entry.additional_data["event"] == "export"
        assert entry.additional_data["reason"] == "self-service export"


def test_an_export_about_no_municipality_is_still_recorded(parent):
    record_export(actor=None, subject_user=parent, municipality_pks=[])
    entry = only(entries(parent))
    assert entry.actor is None
    assert municipality_of(entry) is None
