"""API for coordinators' matching work: kits and blocks, matching runs, assigning by hand.

Kits are readable by the municipality's coordinators, school staff and heroes; everything else
is for coordinators (403 for others, 404 for another municipality's objects)."""

import pytest

from scheduler import services
from scheduler.models import Kit, KitBlock, MatchingRun, Offer
from tests import factories
from tests.clock import NOW, TUESDAY, WEDNESDAY, at
from tests.helpers import api_get, api_send, login
from tests.scheduler.conftest import make_hero, make_request

pytestmark = pytest.mark.django_db


# --- kits ----------------------------------------------------------------------------------


def test_coordinator_lists_and_reads_kits(client, coordinator, kit, other_school):
    factories.KitFactory(
        municipality=other_school.neighbourhood.municipality, name="Kit Amsterdam", headsets=8
    )
    client = login(client, coordinator)

    body = api_get(client, "/api/v1/kits/").json()

    assert [k["name"] for k in body["results"]] == ["Kit Noord"]
    one = api_get(client, f"/api/v1/kits/{kit.pk}/").json()
    assert one["headsets"] == 15 and one["max_class_size"] == 30 and one["is_active"] is True


def test_staff_and_heroes_read_their_municipalitys_kits_only(
    client, vo_staff, hero, kit, other_school
):
    factories.KitFactory(
        municipality=other_school.neighbourhood.municipality, name="Kit Amsterdam", headsets=8
    )
    for user in (vo_staff, hero.user):
        client = login(client, user)
        assert [k["id"] for k in api_get(client, "/api/v1/kits/").json()["results"]] == [kit.pk]
        assert api_get(client, f"/api/v1/kits/{kit.pk}/").status_code == 200
        assert (
            api_send(client, "post", "/api/v1/kits/", {"name": "X", "headsets": 4}).status_code
            == 403
        )
        response = api_send(client, "patch", f"/api/v1/kits/{kit.pk}/", {"headsets": 4})
        assert response.status_code == 403
    assert Kit.objects.count() == 2


def test_outsiders_and_anonymous_cannot_see_or_change_a_kit(
    client, outsider_coordinator, kit, parent
):
    client = login(client, outsider_coordinator)
    assert api_get(client, f"/api/v1/kits/{kit.pk}/").status_code == 404
    assert api_send(client, "patch", f"/api/v1/kits/{kit.pk}/", {"headsets": 4}).status_code == 404
    assert api_get(client, "/api/v1/kits/").json()["results"] == []
    assert api_get(login(client, parent), "/api/v1/kits/").json()["results"] == []
    client.logout()
    assert api_get(client, "/api/v1/kits/").status_code == 403
    kit.refresh_from_db()
    assert kit.headsets == 15


def test_coordinator_creates_and_changes_a_kit(client, coordinator, municipality):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)
    client = login(client, coordinator)

    response = api_send(
        client,
        "post",
        "/api/v1/kits/",
        {"name": "Kit Zuid", "headsets": 12, "home_venue": venue.pk},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["municipality"] == municipality.pk and body["max_class_size"] == 24
    url = f"/api/v1/kits/{body['id']}/"
    changed = api_send(client, "patch", url, {"headsets": 16, "is_active": False})
    assert changed.status_code == 200
    assert changed.json()["headsets"] == 16 and changed.json()["is_active"] is False
    assert api_send(client, "delete", url).status_code == 405
    assert Kit.objects.get().headsets == 16


def test_kit_with_a_duplicate_name_is_a_400_naming_name(client, coordinator, kit):
    response = api_send(
        login(client, coordinator), "post", "/api/v1/kits/", {"name": "KIT NOORD", "headsets": 10}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert Kit.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Kit", "headsets": 0}, "headsets"),
        ({"name": "Kit", "headsets": "many"}, "headsets"),
        ({"headsets": 10}, "name"),
        ({"name": "Kit", "headsets": 10, "home_venue": 999999}, "home_venue"),
        ({"name": "Kit", "headsets": 10, "municipality": 999999}, "municipality"),
    ],
)
def test_bad_kit_input_is_a_400_naming_the_field(client, coordinator, data, field):
    response = api_send(login(client, coordinator), "post", "/api/v1/kits/", data)

    assert response.status_code == 400
    assert field in response.json()
    assert not Kit.objects.exists()


def test_kit_with_a_venue_of_another_municipality_is_a_400(client, coordinator, other_school):
    venue = factories.VenueFactory(neighbourhood=other_school.neighbourhood)
    response = api_send(
        login(client, coordinator),
        "post",
        "/api/v1/kits/",
        {"name": "Kit", "headsets": 10, "home_venue": venue.pk},
    )
    assert response.status_code == 400 and "home_venue" in response.json()


def test_coordinator_of_two_municipalities_must_name_one(client, municipality):
    user = factories.coordinator(municipality)
    factories.CoordinatorMembershipFactory(user=user, municipality__name="Wormerland")
    client = login(client, user)

    missing = api_send(client, "post", "/api/v1/kits/", {"name": "Kit", "headsets": 10})
    named = api_send(
        client,
        "post",
        "/api/v1/kits/",
        {"name": "Kit", "headsets": 10, "municipality": municipality.pk},
    )

    assert missing.status_code == 400 and list(missing.json()) == ["municipality"]
    assert named.status_code == 201
    assert Kit.objects.get().municipality == municipality


def test_kits_list_queries_do_not_grow(client, coordinator, municipality, count_queries):
    client = login(client, coordinator)
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)

    def add(n):
        for i in range(n):
            factories.KitFactory(
                municipality=municipality, name=f"Kit {n}-{i}", headsets=10, home_venue=venue
            )

    def fetch():
        assert api_get(client, "/api/v1/kits/").status_code == 200

    add(2)
    small = count_queries(fetch)
    add(6)
    assert count_queries(fetch) == small


# --- blocks --------------------------------------------------------------------------------


def test_coordinator_adds_lists_and_removes_a_block(client, coordinator, kit):
    client = login(client, coordinator)
    url = f"/api/v1/kits/{kit.pk}/blocks/"

    response = api_send(
        client,
        "post",
        url,
        {
            "starts_at": at(WEDNESDAY, 9).isoformat(),
            "ends_at": at(WEDNESDAY, 17).isoformat(),
            "reason": "Onderhoud",
        },
    )

    assert response.status_code == 201, response.json()
    block = response.json()
    assert block["kit"] == kit.pk and block["reason"] == "Onderhoud"
    assert [b["id"] for b in api_get(client, url).json()] == [block["id"]]
    listed = api_get(client, "/api/v1/kit-blocks/").json()
    assert [b["id"] for b in listed["results"]] == [block["id"]]
    assert api_send(client, "delete", f"/api/v1/kit-blocks/{block['id']}/").status_code == 204
    assert not KitBlock.objects.exists()


def test_a_block_sent_twice_is_made_once_and_the_second_answer_names_it(client, coordinator, kit):
    client = login(client, coordinator)
    url = f"/api/v1/kits/{kit.pk}/blocks/"
    times = {"starts_at": at(WEDNESDAY, 9).isoformat(), "ends_at": at(WEDNESDAY, 17).isoformat()}

    first = api_send(client, "post", url, times)
    again = api_send(client, "post", url, times)

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "block_overlaps"
    assert again.json()["existing"] == first.json()["id"]
    assert KitBlock.objects.count() == 1


def test_block_over_a_confirmed_visit_is_a_409_until_confirmed(
    client, coordinator, vo_school, group, vo_staff, hero, kit
):
    visit = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    url = f"/api/v1/kits/{kit.pk}/blocks/"
    times = {"starts_at": at(TUESDAY, 8).isoformat(), "ends_at": at(TUESDAY, 18).isoformat()}

    refused = api_send(login(client, coordinator), "post", url, times)

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "block_affects_visits"
    [affected] = body["affected"]
    assert (affected["kind"], affected["id"], affected["hero"]) == (
        "visit",
        visit.pk,
        hero.display_name,
    )
    assert affected["school"] == vo_school.name and affected["group"] == group.name
    assert not KitBlock.objects.exists()

    confirmed = api_send(client, "post", url, {**times, "confirm": True})

    assert confirmed.status_code == 201
    assert "confirm" not in confirmed.json()
    visit.refresh_from_db()
    assert visit.status == "cancelled"


def test_block_that_ends_before_it_starts_is_a_400(client, coordinator, kit):
    response = api_send(
        login(client, coordinator),
        "post",
        f"/api/v1/kits/{kit.pk}/blocks/",
        {"starts_at": at(TUESDAY, 18).isoformat(), "ends_at": at(TUESDAY, 8).isoformat()},
    )
    assert response.status_code == 400 and "ends_at" in response.json()


def test_blocks_are_for_coordinators_of_the_kit(client, outsider_coordinator, vo_staff, kit):
    block = factories.KitBlockFactory(kit=kit, starts_at=at(TUESDAY, 9), ends_at=at(TUESDAY, 17))
    data = {"starts_at": at(WEDNESDAY, 9).isoformat(), "ends_at": at(WEDNESDAY, 17).isoformat()}

    client = login(client, outsider_coordinator)
    assert api_send(client, "delete", f"/api/v1/kit-blocks/{block.pk}/").status_code == 404
    assert api_send(client, "post", f"/api/v1/kits/{kit.pk}/blocks/", data).status_code == 404
    assert api_get(client, "/api/v1/kit-blocks/").json()["results"] == []
    client = login(client, vo_staff)
    assert api_send(client, "delete", f"/api/v1/kit-blocks/{block.pk}/").status_code == 403
    assert api_send(client, "post", f"/api/v1/kits/{kit.pk}/blocks/", data).status_code == 403
    assert api_get(client, "/api/v1/kit-blocks/").status_code == 403
    assert KitBlock.objects.count() == 1


# --- matching runs -------------------------------------------------------------------------


def test_run_now_makes_an_offer(
    client, coordinator, municipality, open_request, hero, django_capture_on_commit_callbacks
):
    client = login(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_send(client, "post", "/api/v1/matching-runs/")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["municipality"] == municipality.pk and body["already_running"] is False
    assert body["trigger"] == "manual" and body["started_by"] == coordinator.pk
    run = api_get(client, f"/api/v1/matching-runs/{body['id']}/").json()
    assert run["status"] == "done", run["error"]
    assert run["progress"] == 100 and run["offers_made"] == 1
    assert Offer.objects.get(request=open_request).hero == hero


def test_run_now_while_one_is_active_answers_that_run(client, coordinator, municipality):
    busy = factories.MatchingRunFactory(municipality=municipality, status="queued")

    response = api_send(
        login(client, coordinator),
        "post",
        "/api/v1/matching-runs/",
        {"municipality": municipality.pk},
    )

    assert response.status_code == 200
    assert response.json()["id"] == busy.pk and response.json()["already_running"] is True
    assert MatchingRun.objects.count() == 1


def test_runs_are_for_coordinators_of_the_municipality(
    client, outsider_coordinator, vo_staff, hero, municipality
):
    run = factories.MatchingRunFactory(municipality=municipality)

    client = login(client, outsider_coordinator)
    assert api_get(client, f"/api/v1/matching-runs/{run.pk}/").status_code == 404
    assert api_get(client, "/api/v1/matching-runs/").json()["results"] == []
    response = api_send(client, "post", "/api/v1/matching-runs/", {"municipality": municipality.pk})
    assert response.status_code == 400 and "municipality" in response.json()
    for user in (vo_staff, hero.user):
        client = login(client, user)
        assert api_get(client, "/api/v1/matching-runs/").status_code == 403
        assert api_send(client, "post", "/api/v1/matching-runs/").status_code == 403
    assert MatchingRun.objects.count() == 1


def test_matching_runs_list_queries_do_not_grow(client, coordinator, municipality, count_queries):
    client = login(client, coordinator)

    def add(n):
        for _ in range(n):
            factories.MatchingRunFactory(municipality=municipality, started_by=coordinator)

    def fetch():
        assert api_get(client, "/api/v1/matching-runs/").status_code == 200

    add(2)
    small = count_queries(fetch)
    add(6)
    assert count_queries(fetch) == small


# --- assigning by hand ---------------------------------------------------------------------


def test_assignment_that_breaks_rules_is_a_409_then_forced_is_an_offer(
    client, coordinator, open_request, hero
):
    client = login(client, coordinator)
    data = {
        "request": open_request.pk,
        "hero": hero.pk,
        "starts_at": at(WEDNESDAY, 10).isoformat(),  # Dennis is free Tuesdays and Thursdays
    }

    refused = api_send(client, "post", "/api/v1/assignments/", data)

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "breaks_rules" and body["detail"] and body["warnings"]
    assert not Offer.objects.exists()

    forced = api_send(client, "post", "/api/v1/assignments/", {**data, "force": True})

    assert forced.status_code == 201, forced.json()
    offer = forced.json()
    assert offer["hero"] == {"id": hero.pk, "display_name": "Dennis"}
    assert offer["rule_warnings"] == body["warnings"]
    assert offer["manual_by"] == coordinator.pk and offer["status"] == "pending"
    listed = api_get(client, "/api/v1/assignments/").json()
    assert [o["id"] for o in listed["results"]] == [offer["id"]]


def test_assignment_that_fits_is_an_offer_at_once(client, coordinator, open_request, hero):
    response = api_send(
        login(client, coordinator),
        "post",
        "/api/v1/assignments/",
        {"request": open_request.pk, "hero": hero.pk, "starts_at": at(TUESDAY, 10).isoformat()},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["rule_warnings"] == []
    assert Offer.objects.get().starts_at == at(TUESDAY, 10)


def test_assignment_bad_input_names_the_field(
    client, coordinator, open_request, hero, other_school
):
    foreign_hero = make_hero(other_school.neighbourhood.municipality, name="Ahmed")
    client = login(client, coordinator)
    base = {"request": open_request.pk, "hero": hero.pk, "starts_at": at(TUESDAY, 10).isoformat()}
    cases = [
        ({**base, "hero": foreign_hero.pk}, "hero"),
        ({**base, "request": 999999}, "request"),
        ({**base, "starts_at": "tomorrow"}, "starts_at"),
        ({**base, "starts_at": at(TUESDAY, 10).replace(month=10).isoformat()}, "starts_at"),
        ({**base, "force": "perhaps"}, "force"),
    ]
    for data, field in cases:
        response = api_send(client, "post", "/api/v1/assignments/", data)
        assert response.status_code == 400, (data, response.json())
        assert field in response.json()
    assert not Offer.objects.exists()


def test_assignment_of_a_vr_request_needs_a_kit(
    client, coordinator, vo_school, group, vo_staff, hero, kit
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    data = {
        "request": session_request.pk,
        "hero": hero.pk,
        "starts_at": at(TUESDAY, 10).isoformat(),
    }
    client = login(client, coordinator)

    missing = api_send(client, "post", "/api/v1/assignments/", data)
    done = api_send(client, "post", "/api/v1/assignments/", {**data, "kit": kit.pk})

    assert missing.status_code == 400 and list(missing.json()) == ["kit"]
    assert done.status_code == 201 and done.json()["kit"] == {"id": kit.pk, "name": "Kit Noord"}


def test_assignment_of_a_cancelled_request_is_a_409(client, coordinator, open_request, hero):
    services.request_cancel(session_request=open_request, now=NOW)
    response = api_send(
        login(client, coordinator),
        "post",
        "/api/v1/assignments/",
        {
            "request": open_request.pk,
            "hero": hero.pk,
            "starts_at": at(TUESDAY, 10).isoformat(),
            "force": True,
        },
    )
    assert response.status_code == 409 and response.json()["code"] == "request_closed"


def test_assignments_are_for_coordinators_of_the_request(
    client, outsider_coordinator, vo_staff, open_request, hero
):
    data = {"request": open_request.pk, "hero": hero.pk, "starts_at": at(TUESDAY, 10).isoformat()}
    response = api_send(login(client, outsider_coordinator), "post", "/api/v1/assignments/", data)
    assert response.status_code == 400 and "request" in response.json()
    client = login(client, vo_staff)
    assert api_send(client, "post", "/api/v1/assignments/", data).status_code == 403
    assert api_get(client, "/api/v1/assignments/").status_code == 403
    client.logout()
    assert api_get(client, "/api/v1/assignments/").status_code == 403
    assert not Offer.objects.exists()
