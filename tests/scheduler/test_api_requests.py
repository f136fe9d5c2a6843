"""The session-requests API: scoped reads, creating a request, cancelling and rescheduling it.
Runs on Monday 2 November 2026, 09:00 (tests/scheduler/conftest)."""

import datetime as dt

import pytest

from heroes.models import Topic
from notifications.models import Notification
from scheduler import services
from scheduler.matching import model as m
from scheduler.models import RequestWindow, SessionRequest, Visit
from tests import factories
from tests.clock import NOW, TUESDAY, at
from tests.helpers import api_get, api_post, login
from tests.scheduler.conftest import make_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/session-requests/"


def window(day: str, start: str, end: str) -> dict:
    return {"starts_at": f"{day}T{start}", "ends_at": f"{day}T{end}"}


def body(for_group, *windows, **overrides) -> dict:
    data = {
        "group": for_group.pk,
        "kind": "hero",
        "windows": list(windows) or [window("2026-11-10", "10:00", "12:00")],
    }
    return {**data, **overrides}


# Reading


def test_staff_list_their_schools_requests(client, open_request, vo_staff, other_staff):
    foreign_group = factories.GroupFactory(school=other_staff.staff_memberships.get().school)
    make_request(foreign_group.school, foreign_group, other_staff)

    response = api_get(login(client, vo_staff), URL)

    assert response.status_code == 200
    data = response.json()
    assert {"count", "next", "previous", "results"} <= set(data)
    assert [row["id"] for row in data["results"]] == [open_request.pk]


def test_a_request_has_its_whole_story(client, vo_school, group, vo_staff, hero, kit):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    visit = factories.VisitFactory(request=session_request, hero=hero, kit=kit)

    data = api_get(login(client, vo_staff), f"{URL}{session_request.pk}/").json()

    assert data == {
        "id": session_request.pk,
        "school": {"id": vo_school.pk, "name": "Zaanlands Lyceum"},
        "group": {"id": group.pk, "name": group.name, "grade": 2, "school_year": "2026-2027"},
        "kind": "vr",
        "topic": None,
        "topic_required": False,
        "language": "nl",
        "duration_min": 60,
        "class_size": 24,
        "notes": "",
        "status": "confirmed",
        "unmatched_reason": "",
        "unmatched_reason_text": "",
        "windows": [
            {"starts_at": "2026-11-10T10:00:00+01:00", "ends_at": "2026-11-10T12:00:00+01:00"}
        ],
        "visit": {
            "id": visit.pk,
            "hero": hero.display_name,
            "starts_at": "2026-11-10T10:00:00+01:00",
            "ends_at": "2026-11-10T11:00:00+01:00",
            "kit": "Kit Noord",
            "fit": [],
            "why": [],
        },
        "decline_note": "",
        "declines": None,
        "created_at": data["created_at"],
    }


def test_the_unmatched_reason_comes_with_its_text(client, open_request, vo_staff):
    SessionRequest.objects.filter(pk=open_request.pk).update(unmatched_reason=m.NO_HERO_AVAILABLE)
    data = api_get(login(client, vo_staff), f"{URL}{open_request.pk}/").json()
    assert data["unmatched_reason"] == "no_hero_available"
    assert data["unmatched_reason_text"].startswith("No hero who speaks the language")


def test_a_coordinator_reads_their_municipality_only(
    client, open_request, coordinator, outsider_coordinator
):
    assert [r["id"] for r in api_get(login(client, coordinator), URL).json()["results"]] == [
        open_request.pk
    ]
    assert api_get(client, f"{URL}{open_request.pk}/").status_code == 200

    assert api_get(login(client, outsider_coordinator), URL).json()["results"] == []
    assert api_get(client, f"{URL}{open_request.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["other_staff", "outsider_coordinator", "parent"])
def test_retrieve_is_404_for_outsiders(client, open_request, who, request):
    response = api_get(login(client, request.getfixturevalue(who)), f"{URL}{open_request.pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_anonymous_is_refused(client, open_request):
    assert api_get(client, URL).status_code == 403
    assert api_get(client, f"{URL}{open_request.pk}/").status_code == 403
    assert api_post(client, URL, {}).status_code == 403


def test_the_list_filters_by_status_kind_and_school(
    client, vo_school, group, open_request, vo_staff, kit, municipality, coordinator
):
    vr = make_request(vo_school, group, vo_staff, kind="vr")
    services.request_cancel(session_request=vr, now=NOW)
    second = factories.SchoolFactory(neighbourhood__municipality=municipality)
    there = make_request(second, factories.GroupFactory(school=second), factories.staff(second))
    client = login(client, coordinator)

    def ids(**params):
        return [row["id"] for row in api_get(client, URL, **params).json()["results"]]

    assert ids(status="cancelled") == [vr.pk]
    assert ids(kind="hero") == [there.pk, open_request.pk]
    assert ids(school=second.pk) == [there.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "maybe"}, "status"), ({"kind": "disco"}, "kind"), ({"school": "abc"}, "school")],
)
def test_a_bad_filter_is_a_400_naming_it(client, open_request, vo_staff, params, field):
    response = api_get(login(client, vo_staff), URL, **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_school_outside_your_scope_is_not_a_filter(client, vo_staff, other_staff):
    school = other_staff.staff_memberships.get().school
    response = api_get(login(client, vo_staff), URL, school=school.pk)
    assert response.status_code == 400
    assert list(response.json()) == ["school"]


def test_the_list_costs_the_same_queries_for_2_and_8_requests(
    client, vo_school, group, vo_staff, hero, count_queries
):
    client = login(client, vo_staff)

    def build(n):
        for _ in range(n - SessionRequest.objects.count()):
            make_request(vo_school, group, vo_staff)
        return count_queries(lambda: api_get(client, URL))

    first = build(2)
    factories.VisitFactory(request=SessionRequest.objects.first(), hero=hero)
    services.request_cancel(session_request=SessionRequest.objects.last(), now=NOW)
    assert first == build(8)


# Creating


def test_staff_create_a_request(client, group, vo_school, vo_staff, municipality):
    topic = Topic.objects.create(municipality=municipality, name="Pesten")
    data = body(
        group,
        window("2026-11-10", "10:00", "12:00"),
        window("2026-11-12", "13:00", "15:00"),
        topic=topic.pk,
        language="en",
        duration_min=90,
        notes="Lokaal 12",
    )

    response = api_post(login(client, vo_staff), URL, data)

    assert response.status_code == 201, response.json()
    session_request = SessionRequest.objects.get()
    result = response.json()
    assert result["id"] == session_request.pk
    assert result["school"]["id"] == vo_school.pk
    assert result["topic"] == {"id": topic.pk, "name": "Pesten"}
    assert (result["language"], result["duration_min"], result["status"]) == ("en", 90, "open")
    assert result["visit"] is None
    assert (session_request.school, session_request.requested_by, session_request.notes) == (
        vo_school,
        vo_staff,
        "Lokaal 12",
    )
    assert [w.starts_at for w in session_request.windows.all()] == [
        at(TUESDAY, 10),
        at(dt.date(2026, 11, 12), 13),
    ]


def test_defaults_are_dutch_an_hour_and_any_topic(client, group, vo_staff):
    result = api_post(login(client, vo_staff), URL, body(group)).json()
    assert (result["language"], result["duration_min"], result["topic"]) == ("nl", 60, None)
    assert result["topic_required"] is False


def test_a_school_can_require_the_topic(client, group, vo_staff, municipality):
    topic = Topic.objects.create(municipality=municipality, name="Geld en schulden")
    data = body(group, topic=topic.pk, topic_required=True)

    response = api_post(login(client, vo_staff), URL, data)

    assert response.status_code == 201, response.json()
    assert response.json()["topic_required"] is True
    assert SessionRequest.objects.get().topic_required is True


BAD_BODIES = [
    pytest.param({"windows": [window("2026-11-02", "07:00", "08:30")]}, "windows", id="past"),
    pytest.param({"windows": [window("2026-12-22", "10:00", "12:00")]}, "windows", id="holiday"),
    pytest.param({"windows": [window("2026-11-14", "10:00", "12:00")]}, "windows", id="weekend"),
    pytest.param(
        {
            "windows": [
                window("2026-11-10", "10:00", "12:00"),
                window("2026-11-10", "11:00", "13:00"),
            ]
        },
        "windows",
        id="overlap",
    ),
    pytest.param({"windows": []}, "windows", id="no-windows"),
    pytest.param({"windows": [{"starts_at": "morgen"}]}, "windows", id="bad-window"),
    pytest.param({"kind": "disco"}, "kind", id="kind"),
    pytest.param({"language": "xx"}, "language", id="language"),
    pytest.param({"duration_min": 50}, "duration_min", id="duration"),
    pytest.param({"topic": 999999}, "topic", id="topic"),
    pytest.param({"topic_required": True}, "topic", id="required-without-topic"),
    pytest.param({"topic_required": "soms"}, "topic_required", id="topic-required"),
    pytest.param({"group": 999999}, "group", id="group"),
    pytest.param({"notes": "x" * 2001}, "notes", id="notes"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_BODIES)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(
    client, municipality, group, vo_staff, overrides, field
):
    factories.ClosureFactory(municipality=municipality)

    response = api_post(login(client, vo_staff), URL, body(group, **overrides))

    assert response.status_code == 400
    assert field in response.json()
    assert not SessionRequest.objects.exists()
    assert not RequestWindow.objects.exists()


def test_a_past_window_says_so(client, group, vo_staff):
    data = body(group, window("2026-11-02", "07:00", "08:30"))
    response = api_post(login(client, vo_staff), URL, data)
    assert response.json() == {
        "windows": ["The preferred time of 02-11-2026 07:00 is in the past."]
    }


def test_a_class_too_big_for_every_kit_is_refused_on_group(client, vo_school, vo_staff, kit):
    big = factories.GroupFactory(school=vo_school, pupils=40)
    response = api_post(login(client, vo_staff), URL, body(big, kind="vr"))
    assert response.status_code == 400
    assert response.json() == {"group": ["No VR kit can serve a class of 40 pupils (at most 30)."]}
    assert not SessionRequest.objects.exists()


def test_vr_at_a_primary_school_is_refused_on_kind(client, municipality, kit):
    po_school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="po")
    po_group = factories.GroupFactory(school=po_school)
    response = api_post(login(client, factories.staff(po_school)), URL, body(po_group, kind="vr"))
    assert response.status_code == 400
    assert response.json() == {"kind": ["VR game sessions are for secondary schools (VO)."]}
    assert not SessionRequest.objects.exists()


def test_a_group_of_another_school_is_refused_on_group(client, vo_staff, other_staff):
    foreign = factories.GroupFactory(school=other_staff.staff_memberships.get().school)
    response = api_post(login(client, vo_staff), URL, body(foreign))
    assert response.status_code == 400
    assert response.json() == {
        "group": ["Choose a group of this school year at a school you work at."]
    }
    assert not SessionRequest.objects.exists()


def test_a_group_of_last_school_year_is_refused(client, vo_school, vo_staff):
    old = factories.GroupFactory(school=vo_school, school_year="2025-2026")
    response = api_post(login(client, vo_staff), URL, body(old))
    assert list(response.json()) == ["group"]


def test_a_topic_of_another_municipality_is_refused(client, group, vo_staff, other_school):
    foreign = Topic.objects.create(
        municipality=other_school.neighbourhood.municipality, name="Sport"
    )
    response = api_post(login(client, vo_staff), URL, body(group, topic=foreign.pk))
    assert list(response.json()) == ["topic"]


@pytest.mark.parametrize("who", ["coordinator", "parent"])
def test_only_staff_create_requests(client, group, who, request):
    response = api_post(login(client, request.getfixturevalue(who)), URL, body(group))
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not SessionRequest.objects.exists()


# Cancelling


def test_cancel_a_confirmed_request(client, open_request, vo_staff, hero):
    visit = factories.VisitFactory(request=open_request, hero=hero)

    response = api_post(
        login(client, vo_staff), f"{URL}{open_request.pk}/cancel/", {"reason": "Toetsweek"}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["visit"] is None
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == ("cancelled", "Toetsweek")
    assert Notification.objects.filter(kind="scheduler:visit_cancelled").exists()


def test_cancel_twice_is_a_409_with_a_code(client, open_request, vo_staff):
    client = login(client, vo_staff)
    api_post(client, f"{URL}{open_request.pk}/cancel/")
    response = api_post(client, f"{URL}{open_request.pk}/cancel/")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This request has been cancelled or has already taken place.",
        "code": "request_closed",
    }


def test_cancel_with_a_too_long_reason_is_a_400(client, open_request, vo_staff):
    response = api_post(
        login(client, vo_staff), f"{URL}{open_request.pk}/cancel/", {"reason": "x" * 301}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    open_request.refresh_from_db()
    assert open_request.status == "open"


@pytest.mark.parametrize("who", ["other_staff", "coordinator", "outsider_coordinator"])
def test_cancel_is_404_for_anyone_but_the_schools_staff(client, open_request, who, request):
    response = api_post(
        login(client, request.getfixturevalue(who)), f"{URL}{open_request.pk}/cancel/"
    )
    assert response.status_code == 404
    open_request.refresh_from_db()
    assert open_request.status == "open"


# Rescheduling


def test_reschedule_a_confirmed_request_cancels_the_visit(client, open_request, vo_staff, hero):
    visit = factories.VisitFactory(request=open_request, hero=hero)
    data = {"windows": [window("2026-11-19", "09:00", "11:00")]}

    response = api_post(login(client, vo_staff), f"{URL}{open_request.pk}/reschedule/", data)

    assert response.status_code == 200
    result = response.json()
    assert (result["status"], result["visit"]) == ("open", None)
    assert result["windows"] == [
        {"starts_at": "2026-11-19T09:00:00+01:00", "ends_at": "2026-11-19T11:00:00+01:00"}
    ]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    open_request.refresh_from_db()
    assert open_request.reschedule_count == 1


def test_reschedule_into_a_holiday_is_a_400_and_keeps_the_times(
    client, open_request, vo_staff, municipality
):
    factories.ClosureFactory(municipality=municipality)
    data = {"windows": [window("2026-12-22", "09:00", "11:00")]}
    response = api_post(login(client, vo_staff), f"{URL}{open_request.pk}/reschedule/", data)
    assert response.status_code == 400
    assert "holiday" in response.json()["windows"][0]
    assert [w.starts_at for w in open_request.windows.all()] == [at(TUESDAY, 10)]


def test_reschedule_of_a_cancelled_request_is_a_409(client, open_request, vo_staff):
    services.request_cancel(session_request=open_request, now=NOW)
    data = {"windows": [window("2026-11-19", "09:00", "11:00")]}
    response = api_post(login(client, vo_staff), f"{URL}{open_request.pk}/reschedule/", data)
    assert response.status_code == 409
    assert response.json()["code"] == "request_closed"


@pytest.mark.parametrize("who", ["other_staff", "coordinator", "outsider_coordinator"])
def test_reschedule_is_404_for_anyone_but_the_schools_staff(client, open_request, who, request):
    data = {"windows": [window("2026-11-19", "09:00", "11:00")]}
    response = api_post(
        login(client, request.getfixturevalue(who)), f"{URL}{open_request.pk}/reschedule/", data
    )
    assert response.status_code == 404
    assert [w.starts_at for w in open_request.windows.all()] == [at(TUESDAY, 10)]


def test_the_schema_describes_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/session-requests/"])
    assert "post" in paths["/api/v1/session-requests/{id}/cancel/"]
    assert "post" in paths["/api/v1/session-requests/{id}/reschedule/"]
    visit = schema["components"]["schemas"]["SessionRequest"]["properties"]["visit"]
    assert visit["nullable"] is True
