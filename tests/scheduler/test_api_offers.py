"""Offers and visits API: a hero answers only their own offers (403 for non-heroes, 404 for
another hero's); visits are read by their hero, the school's staff and the coordinators, and
withdrawn only by their hero. Refusals answer 409 with {"detail", "code"} and change nothing."""

import datetime as dt

import pytest

from notifications.models import Notification
from scheduler import services
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from tests import factories
from tests.clock import NOW, THURSDAY
from tests.helpers import api_get, api_post, login
from tests.scheduler.conftest import make_request

OFFERS = "/api/v1/offers/"
VISITS = "/api/v1/visits/"


# --- offers: reading ---------------------------------------------------------------------


def test_a_hero_lists_their_own_offers_with_the_details(
    client, vo_school, group, vo_staff, hero, other_hero, kit
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr", notes="Lokaal 2.14")
    mine = factories.OfferFactory(request=session_request, hero=hero, kit=kit)
    factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff, hours=(13, 14)), hero=other_hero
    )

    body = api_get(login(client, hero.user), OFFERS).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == mine.pk
    assert row["request"] == session_request.pk
    assert row["school"] == {"id": vo_school.pk, "name": "Zaanlands Lyceum"}
    assert row["address"] == vo_school.address
    assert row["group"] == group.name
    assert row["kind"] == "vr"
    assert row["topic"] is None
    assert row["language"] == "nl"
    assert row["class_size"] == 24
    assert row["notes"] == "Lokaal 2.14"
    assert row["kit"] == {"id": kit.pk, "name": "Kit Noord"}
    assert row["status"] == "pending"
    assert (row["decline_code"], row["decline_reason"]) == ("", "")
    assert row["starts_at"] == "2026-11-10T10:00:00+01:00"
    assert row["expires_at"] == "2026-11-04T09:00:00+01:00"


def test_offers_filter_by_status(client, vo_school, group, vo_staff, hero):
    answered = factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff), hero=hero, status=Offer.Status.DECLINED
    )
    waiting = factories.OfferFactory(
        request=make_request(vo_school, group, vo_staff, hours=(13, 14)), hero=hero
    )
    client = login(client, hero.user)

    every = api_get(client, OFFERS).json()["results"]
    pending = api_get(client, OFFERS, status="pending").json()["results"]

    assert {row["id"] for row in every} == {answered.pk, waiting.pk}
    assert [row["id"] for row in pending] == [waiting.pk]


def test_a_bad_status_filter_is_a_400_naming_the_field(client, hero):
    response = api_get(login(client, hero.user), OFFERS, status="maybe")

    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_a_hero_reads_one_offer_and_not_another_heroes(client, offer, other_hero):
    assert api_get(login(client, offer.hero.user), f"{OFFERS}{offer.pk}/").json()["id"] == offer.pk

    response = api_get(login(client, other_hero.user), f"{OFFERS}{offer.pk}/")

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ["coordinator", "staff", "parent"])
def test_people_who_are_not_heroes_get_403_on_offers(client, request, who, offer):
    client = login(client, request.getfixturevalue(who))

    assert api_get(client, OFFERS).status_code == 403
    assert api_get(client, f"{OFFERS}{offer.pk}/").status_code == 403
    assert api_post(client, f"{OFFERS}{offer.pk}/accept/").status_code == 403
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_anonymous_gets_403_on_offers_and_visits(client, offer):
    assert api_get(client, OFFERS).status_code == 403
    assert api_post(client, f"{OFFERS}{offer.pk}/accept/").status_code == 403
    assert api_get(client, VISITS).status_code == 403


def test_offers_list_query_count_does_not_grow(
    client, vo_school, group, vo_staff, hero, kit, count_queries
):
    client = login(client, hero.user)

    def build(n):
        for _ in range(n):
            session_request = make_request(vo_school, group, vo_staff, kind="vr")
            factories.OfferFactory(request=session_request, hero=hero, kit=kit)
        return count_queries(lambda: api_get(client, OFFERS))

    assert build(2) == build(6)


# --- offers: answering -------------------------------------------------------------------


def test_accept_answers_the_visit_and_tells_the_school(client, offer, hero, vo_staff):
    response = api_post(login(client, hero.user), f"{OFFERS}{offer.pk}/accept/")

    assert response.status_code == 200
    body = response.json()
    visit = Visit.objects.get(offer=offer)
    assert body["id"] == visit.pk
    assert body["status"] == "confirmed"
    assert body["hero"] == hero.display_name
    assert body["sequence"] == 0
    offer.request.refresh_from_db()
    assert offer.request.status == SessionRequest.Status.CONFIRMED
    assert Notification.objects.filter(
        kind="scheduler:school_visit_confirmed", recipient=vo_staff
    ).exists()


def test_accepting_an_expired_offer_is_a_409_and_changes_nothing(client, offer, hero, time_machine):
    time_machine.move_to(offer.expires_at + dt.timedelta(seconds=1), tick=False)

    response = api_post(login(client, hero.user), f"{OFFERS}{offer.pk}/accept/")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "offer_expired"
    assert body["detail"].startswith("The time to answer this offer has passed.")
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    assert not Visit.objects.exists()


def test_accepting_twice_is_a_409(client, offer, hero):
    client = login(client, hero.user)
    assert api_post(client, f"{OFFERS}{offer.pk}/accept/").status_code == 200

    response = api_post(client, f"{OFFERS}{offer.pk}/accept/")

    assert response.status_code == 409
    assert response.json()["code"] == "offer_closed"
    assert Visit.objects.filter(offer=offer).count() == 1


def test_accepting_when_the_hero_is_booked_elsewhere_is_a_409(
    client, vo_school, group, vo_staff, hero
):
    factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    clash = factories.OfferFactory(  # the same hour, another class
        request=make_request(vo_school, group, vo_staff), hero=hero
    )

    response = api_post(login(client, hero.user), f"{OFFERS}{clash.pk}/accept/")

    assert response.status_code == 409
    assert response.json()["code"] == "no_longer_fits"
    assert Visit.objects.count() == 1


def test_another_heroes_offer_cannot_be_answered(client, offer, other_hero):
    client = login(client, other_hero.user)

    assert api_post(client, f"{OFFERS}{offer.pk}/accept/").status_code == 404
    decline = f"{OFFERS}{offer.pk}/decline/"
    assert api_post(client, decline, {"code": "time", "reason": "x"}).status_code == 404
    # Asking for another's offer with a bad body still says nothing about it.
    assert api_post(client, decline, {"code": "holiday"}).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_decline_opens_the_request_and_queues_a_run(
    client, offer, hero, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_post(
            login(client, hero.user),
            f"{OFFERS}{offer.pk}/decline/",
            {"code": "distance", "reason": "Op vakantie"},
        )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "declined"
    assert (body["decline_code"], body["decline_reason"]) == ("distance", "Op vakantie")
    offer.refresh_from_db()
    assert offer.decline_code == Offer.DeclineCode.DISTANCE
    offer.request.refresh_from_db()
    assert offer.request.status == SessionRequest.Status.OPEN
    assert MatchingRun.objects.filter(trigger=MatchingRun.Trigger.DECLINE).exists()


def test_decline_without_a_body_counts_as_something_else_for_older_clients(client, offer, hero):
    response = api_post(login(client, hero.user), f"{OFFERS}{offer.pk}/decline/")

    assert response.status_code == 200
    assert (response.json()["decline_code"], response.json()["decline_reason"]) == ("other", "")
    offer.refresh_from_db()
    assert offer.decline_code == Offer.DeclineCode.OTHER


@pytest.mark.parametrize("code", ["holiday", "", None, "TIME"])
def test_an_unknown_decline_code_is_a_400_naming_code(client, offer, hero, code):
    response = api_post(
        login(client, hero.user), f"{OFFERS}{offer.pk}/decline/", {"code": code, "reason": "x"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["code"]
    offer.refresh_from_db()
    assert (offer.status, offer.decline_code) == (Offer.Status.PENDING, "")


def test_a_too_long_decline_reason_is_a_400_naming_the_field(client, offer, hero):
    response = api_post(
        login(client, hero.user), f"{OFFERS}{offer.pk}/decline/", {"reason": "x" * 301}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING


def test_declining_an_accepted_offer_is_a_409(client, offer, hero):
    services.offer_accept(offer=offer, now=NOW)

    response = api_post(login(client, hero.user), f"{OFFERS}{offer.pk}/decline/")

    assert response.status_code == 409
    assert response.json()["code"] == "offer_closed"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


# --- visits: reading ---------------------------------------------------------------------


def test_the_hero_reads_their_visit_with_its_fields(client, visit, hero, vo_school, group):
    body = api_get(login(client, hero.user), VISITS).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row == {
        "id": visit.pk,
        "request": visit.request_id,
        "school": {"id": vo_school.pk, "name": "Zaanlands Lyceum"},
        "address": vo_school.address,
        "group": group.name,
        "kind": "hero",
        "topic": None,
        "hero": "Dennis",
        "kit": None,
        "starts_at": "2026-11-10T10:00:00+01:00",
        "ends_at": "2026-11-10T11:00:00+01:00",
        "status": "confirmed",
        "sequence": 0,
    }


@pytest.mark.parametrize("who", ["vo_staff", "coordinator"])
def test_the_schools_staff_and_the_coordinator_read_the_visit(client, request, visit, who):
    client = login(client, request.getfixturevalue(who))

    assert [row["id"] for row in api_get(client, VISITS).json()["results"]] == [visit.pk]
    assert api_get(client, f"{VISITS}{visit.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["other_hero", "outsider_staff", "outsider_coordinator"])
def test_outsiders_see_no_visits_and_get_404_on_one(client, request, visit, who):
    user = request.getfixturevalue(who)
    client = login(client, getattr(user, "user", user))

    assert api_get(client, VISITS).json()["count"] == 0
    assert api_get(client, f"{VISITS}{visit.pk}/").status_code == 404


def test_a_parent_gets_403_on_visits(client, parent, visit):
    assert api_get(login(client, parent), VISITS).status_code == 403


def test_a_hero_who_is_also_staff_sees_both_kinds_of_visits(
    client, municipality, vo_school, group, vo_staff, hero, other_hero
):
    def elsewhere():
        school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
        return school, factories.GroupFactory(school=school, pupils=20), factories.staff(school)

    own = factories.VisitFactory(request=make_request(*elsewhere()), hero=hero)
    schools = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, hours=(13, 14)), hero=other_hero
    )
    unrelated = factories.VisitFactory(
        request=make_request(*elsewhere(), hours=(9, 10)), hero=other_hero
    )
    factories.StaffMembershipFactory(user=hero.user, school=vo_school)
    factories.give_mfa(hero.user)

    rows = api_get(login(client, hero.user), VISITS).json()["results"]

    assert [row["id"] for row in rows] == [own.pk, schools.pk]
    assert unrelated.pk not in {row["id"] for row in rows}


def test_visits_filter_by_day_and_status(client, vo_school, group, vo_staff, hero):
    tuesday = factories.VisitFactory(request=make_request(vo_school, group, vo_staff), hero=hero)
    later = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, day=THURSDAY), hero=hero
    )
    services.visit_withdraw(visit=tuesday, reason="Ziek", now=NOW)
    staff_client = login(client, vo_staff)

    from_wednesday = api_get(staff_client, VISITS, **{"from": "2026-11-11"}).json()["results"]
    cancelled = api_get(staff_client, VISITS, status="cancelled").json()["results"]

    assert [row["id"] for row in from_wednesday] == [later.pk]
    assert [row["id"] for row in cancelled] == [tuesday.pk]


@pytest.mark.parametrize(
    ("params", "field"), [({"from": "soon"}, "from"), ({"status": "x"}, "status")]
)
def test_a_bad_visit_filter_is_a_400_naming_the_field(client, vo_staff, params, field):
    response = api_get(login(client, vo_staff), VISITS, **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_visits_list_query_count_does_not_grow(
    client, vo_school, group, vo_staff, hero, count_queries
):
    client = login(client, vo_staff)
    hours = iter(range(9, 15))

    def build(n):
        for _ in range(n):
            hour = next(hours)
            factories.VisitFactory(
                request=make_request(vo_school, group, vo_staff, hours=(hour, hour + 1)), hero=hero
            )
        return count_queries(lambda: api_get(client, VISITS))

    assert build(2) == build(4)


# --- visits: withdrawing -----------------------------------------------------------------


def test_the_hero_withdraws_from_a_visit(client, visit, hero, vo_staff):
    response = api_post(
        login(client, hero.user), f"{VISITS}{visit.pk}/withdraw/", {"reason": "Ziek"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["sequence"] == 1
    visit.request.refresh_from_db()
    assert visit.request.status == SessionRequest.Status.OPEN
    assert Notification.objects.filter(
        kind="scheduler:school_visit_withdrawn", recipient=vo_staff
    ).exists()


@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": "x" * 301}])
def test_withdraw_needs_a_reason_of_sensible_length(client, visit, hero, body):
    response = api_post(login(client, hero.user), f"{VISITS}{visit.pk}/withdraw/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


def test_withdrawing_twice_is_refused(client, visit, hero):
    client = login(client, hero.user)
    api_post(client, f"{VISITS}{visit.pk}/withdraw/", {"reason": "Ziek"})

    response = api_post(client, f"{VISITS}{visit.pk}/withdraw/", {"reason": "Ziek"})

    assert response.status_code == 400
    assert response.json() == {"detail": "This visit is already cancelled.", "code": "invalid"}


@pytest.mark.parametrize("who", ["other_hero", "vo_staff", "coordinator"])
def test_only_the_visits_own_hero_can_withdraw(client, request, visit, who):
    user = request.getfixturevalue(who)

    response = api_post(
        login(client, getattr(user, "user", user)), f"{VISITS}{visit.pk}/withdraw/", {"reason": "x"}
    )

    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CONFIRMED


# --- schema ------------------------------------------------------------------------------


def test_the_schema_documents_the_answers_and_their_refusals(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"
    ]

    accept = paths["/api/v1/offers/{id}/accept/"]["post"]["responses"]
    assert {"200", "404", "409"} <= set(accept)
    withdraw = paths["/api/v1/visits/{id}/withdraw/"]["post"]
    assert "requestBody" in withdraw
    params = {p["name"] for p in paths["/api/v1/visits/"]["get"]["parameters"]}
    assert {"from", "status", "page"} <= params
