"""Information that must reach someone: why a hero declined (the coordinator reads who and why,
the school a kind sentence naming no one), and the rules a forced offer breaks (the hero reads
them in the mail, on the offer page and in the API, in their own language)."""

import pytest
from django.urls import reverse

from accounts.roles import roles_for
from notifications.models import Notification
from scheduler import selectors, services
from scheduler.models import Offer, SessionRequest
from scheduler.reasons_text import decline_note
from scheduler.services import runs
from scheduler.services.offers import offer_create
from tests import factories
from tests.clock import HOUR, NOW, TUESDAY, WEDNESDAY, at
from tests.helpers import api_get, login
from tests.scheduler.conftest import make_hero, make_request

# in_english: the kind sentence is read outside a request, in the default language (Dutch).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

PRIVATE = "Mijn moeder ligt in het ziekenhuis"
KIND = "A Local Hero could not come at this time. We are looking for someone else."


PERSONAL = "Personal reasons"  # the label of Offer.DeclineCode.PERSONAL


def decline(offer: Offer, reason: str = PRIVATE, *, code: str = "personal", now=NOW) -> Offer:
    return services.offer_decline(offer=offer, code=code, reason=reason, now=now)


def fetched(roles_user, session_request: SessionRequest) -> SessionRequest:
    """The request as the pages and the API read it (with its closed offers prefetched)."""
    return selectors.get_request(roles_for(roles_user), session_request.pk)


# --- the rules ------------------------------------------------------------------------------


def test_the_school_hears_kindly_only_while_a_hero_is_still_sought(offer, vo_staff, other_hero):
    session_request = offer.request
    assert decline_note(fetched(vo_staff, session_request)) == ""

    decline(offer)
    assert decline_note(fetched(vo_staff, session_request)) == KIND

    again = factories.OfferFactory(request=session_request, hero=other_hero)
    session_request.refresh_from_db()
    assert "We have asked someone else." in decline_note(fetched(vo_staff, session_request))

    services.offer_accept(offer=again, now=NOW)
    assert decline_note(fetched(vo_staff, session_request)) == ""


def test_declines_are_the_declined_offers_latest_first(offer, vo_staff, other_hero, coordinator):
    first = decline(offer, "Te ver weg")
    second = decline(
        factories.OfferFactory(request=offer.request, hero=other_hero), "", now=NOW + HOUR
    )
    ali = make_hero(offer.hero.municipality, name="Ali")
    factories.OfferFactory(request=offer.request, hero=ali)  # pending: not a decline

    found = selectors.declines_of(fetched(coordinator, offer.request))

    assert [(o.pk, o.decline_reason) for o in found] == [(second.pk, ""), (first.pk, "Te ver weg")]


# --- pages ----------------------------------------------------------------------------------


def test_the_board_shows_who_declined_an_open_request_and_why(client, offer, coordinator):
    decline(offer)

    response = login(client, coordinator).get(reverse("scheduler:board"))

    assert "1 hero said no" in response.text
    assert "Dennis" in response.text and PRIVATE in response.text
    assert f"{PERSONAL} \u2013 “{PRIVATE}”" in response.text


def test_the_coordinator_reads_who_declined_on_the_request_page(client, offer, coordinator):
    decline(offer)
    url = reverse("scheduler:request-detail", args=[offer.request_id])

    response = login(client, coordinator).get(url)

    assert "Heroes who said no" in response.text
    assert "Dennis" in response.text and PRIVATE in response.text
    assert f"{PERSONAL} \u2013 “{PRIVATE}”" in response.text


def test_the_request_page_shows_what_each_hero_gave_a_chosen_reason_words_or_neither(
    client, offer, coordinator, other_hero
):
    decline(offer, "", code="distance")
    ali, bo = (make_hero(offer.hero.municipality, name=name) for name in ("Ali", "Bo"))
    # Declined before heroes chose a reason: the words only, or nothing at all.
    for hero, words in ((other_hero, "Ik werk dan"), (ali, "")):
        old = factories.OfferFactory(request=offer.request, hero=hero)
        Offer.objects.filter(pk=old.pk).update(
            status=Offer.Status.DECLINED, decline_reason=words, responded_at=NOW
        )
    decline(factories.OfferFactory(request=offer.request, hero=bo), "Te druk", code="busy")

    text = (
        login(client, coordinator)
        .get(reverse("scheduler:request-detail", args=[offer.request_id]))
        .text
    )

    assert "The school is too far away for me</li>" in text
    assert "I already have enough visits this month \u2013 “Te druk”" in text
    assert ": “Ik werk dan”</li>" in " ".join(text.split())
    assert "no reason given" in text


def test_the_school_reads_a_kind_sentence_without_name_or_reason(client, offer, vo_staff):
    decline(offer)
    url = reverse("scheduler:request-detail", args=[offer.request_id])

    response = login(client, vo_staff).get(url)

    assert KIND in response.text
    assert PRIVATE not in response.text and PERSONAL not in response.text
    assert "Dennis" not in response.text


# --- the API --------------------------------------------------------------------------------

URL = "/api/v1/session-requests/"


def test_the_api_gives_coordinators_the_reasons(client, offer, coordinator):
    decline(offer)

    data = api_get(login(client, coordinator), f"{URL}{offer.request_id}/").json()

    [row] = data["declines"]
    assert (row["hero"], row["decline_code"], row["reason"]) == ("Dennis", "personal", PRIVATE)
    assert row["declined_at"] == "2026-11-02T09:00:00+01:00"


def test_the_api_gives_the_school_the_kind_sentence_only(client, offer, vo_staff):
    decline(offer)

    response = api_get(login(client, vo_staff), URL)

    [data] = response.json()["results"]
    assert data["declines"] is None
    assert data["decline_note"] == KIND
    assert PRIVATE not in response.content.decode() and "Dennis" not in response.content.decode()


def test_outsiders_do_not_read_the_request(client, offer, other_staff, outsider_coordinator):
    decline(offer)
    for outsider in (other_staff, outsider_coordinator):
        response = api_get(login(client, outsider), f"{URL}{offer.request_id}/")
        assert response.status_code == 404


# --- forced offers --------------------------------------------------------------------------


def forced_offer(session_request, hero, coordinator) -> Offer:
    """Offered on Wednesday 10:00, when the hero (free Tuesdays and Thursdays) is not."""
    return runs.offer_assign_manually(
        session_request=session_request,
        hero=hero,
        kit=None,
        starts_at=at(WEDNESDAY, 10),
        by=coordinator,
        force=True,
        now=NOW,
    )


def offer_mail(offer: Offer) -> Notification:
    return Notification.objects.get(idempotency_key=f"offer:{offer.pk}:offer_new")


@pytest.mark.parametrize(
    ("language", "rule", "intro"),
    [
        ("en", "The hero is not available at that time.", "although it does not fit"),
        ("nl", "De Local Hero is op dat moment niet beschikbaar.", None),
    ],
)
def test_the_forced_offers_mail_names_the_broken_rules_in_the_heros_language(
    vo_school, group, vo_staff, hero, coordinator, language, rule, intro
):
    hero.user.language = language
    hero.user.save()
    session_request = make_request(vo_school, group, vo_staff, day=WEDNESDAY)

    mail = offer_mail(forced_offer(session_request, hero, coordinator))

    assert rule in mail.body_text and rule in mail.body_html
    if intro:
        assert intro in mail.body_text


def test_a_fitting_offers_mail_names_no_rules(offer):
    run_offer = offer_create(
        session_request=make_request(offer.request.school, None, None),
        hero=offer.hero,
        kit=None,
        starts_at=at(TUESDAY, 13),
        ends_at=at(TUESDAY, 14),
        now=NOW,
    )

    assert "usual rules" not in offer_mail(run_offer).body_text


def test_the_hero_reads_the_broken_rules_on_the_offer_page_and_in_the_api(
    client, vo_school, group, vo_staff, hero, coordinator
):
    offer = forced_offer(make_request(vo_school, group, vo_staff, day=WEDNESDAY), hero, coordinator)
    client = login(client, hero.user)

    page = client.get(reverse("scheduler:offer-detail", args=[offer.pk]))
    listing = client.get(reverse("scheduler:hero-offers"))
    data = api_get(client, f"/api/v1/offers/{offer.pk}/").json()

    assert "Chosen by hand" in page.text
    assert "The hero is not available at that time." in page.text
    assert "It breaks 1 usual rule" in listing.text
    assert data["broken_rules"] == ["The hero is not available at that time."]


def test_the_board_shows_the_declines_beside_the_offer_to_the_next_hero(
    client, offer, coordinator, other_hero
):
    decline(offer)
    factories.OfferFactory(request=offer.request, hero=other_hero)

    response = login(client, coordinator).get(reverse("scheduler:board"))

    assert "Samira" in response.text
    assert "1 hero said no" in response.text and PRIVATE in response.text


def test_the_board_costs_the_same_queries_with_declines_on_many_offers(
    client, coordinator, vo_school, vo_staff, hero, other_hero, count_queries
):
    client = login(client, coordinator)

    def declined_and_offered_again(n: int) -> int:
        for _ in range(n):
            first = factories.OfferFactory(
                request=make_request(vo_school, None, vo_staff), hero=hero
            )
            decline(first)
            factories.OfferFactory(request=first.request, hero=other_hero)
        return count_queries(lambda: client.get(reverse("scheduler:board")))

    assert declined_and_offered_again(1) == declined_and_offered_again(3)
