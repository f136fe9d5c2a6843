"""Coordinator pages: the matching board, matching runs, assigning by hand, VR kits and their
maintenance blocks. Others get 403; another municipality's objects are 404."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from scheduler import services
from scheduler.models import Kit, KitBlock, MatchingRun, Offer, SessionRequest
from tests import factories
from tests.clock import NOW, TUESDAY, WEDNESDAY, at
from tests.helpers import login
from tests.scheduler.conftest import make_hero, make_request

pytestmark = pytest.mark.django_db


# --- the board -----------------------------------------------------------------------------


def test_board_lists_open_requests_with_their_reason_and_an_assign_link(
    client, coordinator, vo_school, group, vo_staff
):
    waiting = make_request(vo_school, group, vo_staff)
    other_group = factories.GroupFactory(school=vo_school, name="Klas 3B", pupils=20)
    unmatched = make_request(vo_school, other_group, vo_staff)
    SessionRequest.objects.filter(pk=unmatched.pk).update(unmatched_reason="no_valid_vog")

    response = login(client, coordinator).get(reverse("scheduler:board"))

    assert response.status_code == 200
    html = response.text
    assert "Zaanlands Lyceum" in html and "Klas 3B" in html
    assert "not matched yet" in html
    assert "certificate of conduct (VOG)" in html
    assert reverse("scheduler:assign", args=[waiting.pk]) in html
    assert reverse("scheduler:assign", args=[unmatched.pk]) in html
    assert "Tue 10 Nov 2026, 10:00\u201312:00" in html
    assert "since today" in html
    assert reverse("scheduler:run-start") in html


def test_board_shows_how_long_a_request_waits(client, coordinator, open_request):
    SessionRequest.objects.filter(pk=open_request.pk).update(
        created_at=NOW - dt.timedelta(days=3, hours=1)
    )

    response = login(client, coordinator).get(reverse("scheduler:board"))

    assert "waiting 3 days" in response.text


def test_board_shows_offers_visits_the_kit_calendar_and_runs(
    client, coordinator, municipality, vo_school, group, vo_staff, hero, kit
):
    vr = make_request(vo_school, group, vo_staff, kind="vr")
    visit = factories.VisitFactory(request=vr, hero=hero, kit=kit)
    second = factories.GroupFactory(school=vo_school, name="Klas 2C", pupils=20)
    pending = make_request(vo_school, second, vo_staff)
    samira = make_hero(municipality, name="Samira")
    factories.OfferFactory(  # assigned by hand, outside the preferred time
        request=pending,
        hero=samira,
        starts_at=at(TUESDAY, 13),
        manual_by=coordinator,
        rule_warnings=["outside the hero's availability"],
    )
    block = factories.KitBlockFactory(
        kit=kit, starts_at=at(WEDNESDAY, 9), ends_at=at(WEDNESDAY, 17), reason="Lenzen vervangen"
    )
    factories.MatchingRunFactory(
        municipality=municipality, offers_made=4, unmatched=2, solve_s=1.25
    )

    html = login(client, coordinator).get(reverse("scheduler:board")).text

    assert "Samira" in html and "Assigned by hand" in html and "Breaks rules" in html
    assert "outside the hero&#x27;s availability" in html
    assert "Dennis" in html and "Kit Noord" in html
    assert "Week 46" in html and "Lenzen vervangen" in html
    # The calendar's lines, written by the view (CalendarClock), as the date filter wrote them.
    dash = "\N{EN DASH}"
    block_time = f"{_day_time(block.starts_at)} {dash} {_day_time(block.ends_at)}"
    assert f"{block_time}: Lenzen vervangen" in html
    visit_time = f"{_day_time(visit.starts_at)}{dash}{localtime(visit.ends_at):%H:%M}"
    assert f"{visit_time}: {vo_school.name} (Dennis)" in html
    assert "1.2 s" in html or "1.3 s" in html
    assert "Finished" in html


def test_board_municipality_selector(client, municipality, vo_school, group, vo_staff):
    make_request(vo_school, group, vo_staff)
    second = factories.MunicipalityFactory(name="Wormerland")
    user = factories.coordinator(municipality)
    factories.CoordinatorMembershipFactory(user=user, municipality=second)
    client = login(client, user)

    default = client.get(reverse("scheduler:board"))  # the first by name: Wormerland
    assert "Zaanlands Lyceum" not in default.text
    assert 'name="municipality"' in default.text
    chosen = client.get(reverse("scheduler:board"), {"municipality": municipality.pk})
    assert chosen.status_code == 200
    assert "Zaanlands Lyceum" in chosen.text
    assert client.get(reverse("scheduler:board"), {"municipality": "abc"}).status_code == 200


def test_board_refuses_another_municipality(client, coordinator, other_school):
    url = reverse("scheduler:board")
    foreign = other_school.neighbourhood.municipality_id
    assert login(client, coordinator).get(url, {"municipality": foreign}).status_code == 404


@pytest.mark.parametrize("who", ["staff", "hero", "parent"])
def test_board_is_for_coordinators_only(client, request, who, vo_school):
    user = {
        "staff": lambda: factories.staff(vo_school),
        "hero": lambda: request.getfixturevalue("hero").user,
        "parent": factories.parent,
    }[who]()
    client = login(client, user)
    assert client.get(reverse("scheduler:board")).status_code == 403
    assert client.post(reverse("scheduler:run-start")).status_code == 403
    assert client.get(reverse("scheduler:kit-list")).status_code == 403


def test_anonymous_is_sent_to_login(client, kit):
    for url in [
        reverse("scheduler:board"),
        reverse("scheduler:kit-list"),
        reverse("scheduler:kit-detail", args=[kit.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_board_queries_do_not_grow(
    client, coordinator, municipality, vo_school, vo_staff, count_queries
):
    client = login(client, coordinator)

    def add(n):
        for i in range(n):
            kit = factories.KitFactory(municipality=municipality, name=f"Kit {i}{n}")
            factories.KitBlockFactory(
                kit=kit, starts_at=at(WEDNESDAY, 9), ends_at=at(WEDNESDAY, 12)
            )
            hero = make_hero(municipality, name=f"Held {i}{n}")
            make_request(vo_school, kind="vr", pupils=20, user=vo_staff)
            factories.OfferFactory(
                request=make_request(vo_school, user=vo_staff), hero=hero, starts_at=at(TUESDAY, 13)
            )
            factories.VisitFactory(
                request=make_request(vo_school, kind="vr", pupils=20, user=vo_staff),
                hero=hero,
                kit=kit,
            )
            factories.MatchingRunFactory(municipality=municipality)

    def fetch():
        assert client.get(reverse("scheduler:board")).status_code == 200

    add(1)
    small = count_queries(fetch)
    add(4)
    assert count_queries(fetch) == small


def test_no_board_statement_joins_more_than_six_tables(
    client, coordinator, municipality, vo_school, vo_staff, kit
):
    """PostgreSQL plans a statement again on most runs, in a time that grows steeply with its
    tables: the board's visits joined nine and took 12-15 ms to plan at city size, more than
    they took to run. Six took about 1.3 ms (scheduler.selectors._offers)."""
    hero = make_hero(municipality)
    make_request(vo_school, user=vo_staff)
    factories.OfferFactory(
        request=make_request(vo_school, kind="vr", pupils=20, user=vo_staff), hero=hero, kit=kit
    )
    factories.VisitFactory(
        request=make_request(vo_school, kind="vr", pupils=20, user=vo_staff), hero=hero, kit=kit
    )
    client = login(client, coordinator)

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("scheduler:board")).status_code == 200

    tables = [(q["sql"].count(" JOIN ") + 1, q["sql"][:80]) for q in ctx.captured_queries]
    assert max(tables)[0] <= 6, max(tables)


# --- matching runs -------------------------------------------------------------------------


def test_run_now_makes_an_offer_and_shows_the_finished_run(
    client, coordinator, municipality, open_request, hero, django_capture_on_commit_callbacks
):
    client = login(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduler:run-start"), {"municipality": municipality.pk})

    run = MatchingRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduler:run-detail", args=[run.pk])
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.trigger == "manual" and run.started_by == coordinator
    assert run.offers_made == 1
    assert Offer.objects.get(request=open_request).hero == hero

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<progress" in page.text and 'value="100"' in page.text
    assert 'for="run-progress"' in page.text
    assert "hx-trigger" not in page.text
    assert "Back to the matching board" in page.text


def test_run_now_while_one_is_busy_shows_that_run(client, coordinator, municipality):
    busy = factories.MatchingRunFactory(municipality=municipality, status="running", progress=20)

    response = login(client, coordinator).post(reverse("scheduler:run-start"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("scheduler:run-detail", args=[busy.pk])
    assert MatchingRun.objects.count() == 1
    assert "already busy" in response.text
    assert 'hx-trigger="every 2s"' in response.text
    assert 'hx-select="#run-status"' in response.text
    assert "Refresh" in response.text


def test_run_start_needs_post(client, coordinator):
    assert login(client, coordinator).get(reverse("scheduler:run-start")).status_code == 405
    assert not MatchingRun.objects.exists()


def test_run_detail_answers_htmx_with_the_fragment(client, coordinator, municipality):
    run = factories.MatchingRunFactory(municipality=municipality, status="running", step="solving")

    response = login(client, coordinator).get(
        reverse("scheduler:run-detail", args=[run.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="run-status"' in response.text
    assert "Looking for the best matches" in response.text


@pytest.mark.parametrize("status", ["done", "failed", "queued"])
def test_run_status_is_said_once(client, coordinator, municipality, status):
    """The badge names the status; a step that repeats it ("Finished Finished") is left out."""
    step = {"done": "done", "failed": "solving", "queued": ""}[status]
    run = factories.MatchingRunFactory(municipality=municipality, status=status, step=step)

    response = login(client, coordinator).get(reverse("scheduler:run-detail", args=[run.pk]))

    [status_line] = re.findall(r'<p role="status">(.*?)</p>', response.text, re.S)
    words = re.sub(r"<[^>]+>", " ", status_line).split()
    assert " ".join(words) == MatchingRun.Status(status).label


def test_failed_run_shows_its_error(client, coordinator, municipality):
    run = factories.MatchingRunFactory(municipality=municipality, status="failed", error="Boom")

    response = login(client, coordinator).get(reverse("scheduler:run-detail", args=[run.pk]))

    assert "The run failed" in response.text and "Boom" in response.text


def test_run_of_another_municipality_is_404(client, outsider_coordinator, municipality):
    run = factories.MatchingRunFactory(municipality=municipality)
    url = reverse("scheduler:run-detail", args=[run.pk])
    assert login(client, outsider_coordinator).get(url).status_code == 404


def test_run_start_for_another_municipality_is_404(client, coordinator, other_school):
    foreign = other_school.neighbourhood.municipality_id
    response = login(client, coordinator).post(
        reverse("scheduler:run-start"), {"municipality": foreign}
    )
    assert response.status_code == 404
    assert not MatchingRun.objects.exists()


# --- assigning by hand ---------------------------------------------------------------------


def assign_data(hero, day=TUESDAY, time="10:00", **extra):
    return {"hero": hero.pk, "date": day.isoformat(), "time": time, **extra}


def test_assign_page_shows_the_preferred_times_and_suggests_the_first(
    client, coordinator, open_request, hero
):
    response = login(client, coordinator).get(reverse("scheduler:assign", args=[open_request.pk]))

    assert response.status_code == 200
    assert "Tuesday 10 November 2026, 10:00\u201312:00" in response.text
    assert 'value="2026-11-10"' in response.text
    assert "Dennis (VR trained)" in response.text
    assert 'name="kit"' not in response.text  # a Local Hero visit needs no kit
    assert 'type="checkbox" name="force"' not in response.text


def test_assign_that_fits_offers_at_once(client, coordinator, open_request, hero):
    url = reverse("scheduler:assign", args=[open_request.pk])

    response = login(client, coordinator).post(url, assign_data(hero), follow=True)

    offer = Offer.objects.get(request=open_request)
    assert offer.hero == hero and offer.manual_by == coordinator
    assert offer.starts_at == at(TUESDAY, 10) and offer.rule_warnings == []
    assert "Offered to Dennis; they will get a message." in response.text
    assert response.redirect_chain[-1][0].startswith(reverse("scheduler:board"))


def test_assign_that_breaks_rules_warns_then_offers_when_confirmed(
    client, coordinator, open_request, hero
):
    client = login(client, coordinator)
    url = reverse("scheduler:assign", args=[open_request.pk])
    data = assign_data(hero, day=WEDNESDAY)  # Dennis is free on Tuesdays and Thursdays

    response = client.post(url, data)

    assert response.status_code == 200
    assert "This choice breaks the matching rules" in response.text
    assert "The hero is not available at that time." in response.text
    assert 'type="checkbox" name="force"' in response.text
    assert not Offer.objects.exists()
    again = client.post(url, data)  # without ticking the box: still warned
    assert "This choice breaks the matching rules" in again.text
    assert not Offer.objects.exists()

    done = client.post(url, {**data, "force": "on"})

    assert done.status_code == 302
    offer = Offer.objects.get(request=open_request)
    assert offer.rule_warnings and offer.starts_at == at(WEDNESDAY, 10)
    assert offer.manual_by == coordinator


def test_assign_vr_needs_a_kit_of_the_municipality(
    client, coordinator, vo_school, group, vo_staff, hero, kit, other_school
):
    session_request = make_request(vo_school, group, vo_staff, kind="vr")
    foreign = factories.KitFactory(
        municipality=other_school.neighbourhood.municipality, name="Kit Amsterdam", headsets=20
    )
    url = reverse("scheduler:assign", args=[session_request.pk])
    client = login(client, coordinator)

    page = client.get(url)
    assert "Kit Noord (up to 30 pupils)" in page.text and "Kit Amsterdam" not in page.text
    response = client.post(url, assign_data(hero, kit=foreign.pk))

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Offer.objects.exists()
    assert client.post(url, assign_data(hero, kit=kit.pk)).status_code == 302
    assert Offer.objects.get().kit == kit


def test_assign_bad_input_shows_errors_and_changes_nothing(client, coordinator, open_request, hero):
    client = login(client, coordinator)
    url = reverse("scheduler:assign", args=[open_request.pk])

    empty = client.post(url, {"hero": "", "date": "", "time": "25:00"})
    past = client.post(url, assign_data(hero, day=NOW.date() - dt.timedelta(days=1)))

    assert empty.status_code == 200 and empty.text.count('class="errorlist"') >= 3
    assert "The start time is in the past." in past.text
    assert not Offer.objects.exists()


def test_assign_a_cancelled_request_shows_no_form(client, coordinator, open_request, hero):
    services.request_cancel(session_request=open_request, now=NOW)
    client = login(client, coordinator)
    url = reverse("scheduler:assign", args=[open_request.pk])

    assert "cannot be assigned" in client.get(url).text
    response = client.post(url, assign_data(hero))
    assert "cancelled or has already taken place" in response.text
    assert not Offer.objects.exists()


def test_assign_refuses_others(client, open_request, outsider_coordinator, vo_staff):
    url = reverse("scheduler:assign", args=[open_request.pk])
    assert login(client, outsider_coordinator).get(url).status_code == 404
    assert login(client, vo_staff).get(url).status_code == 403


# --- kits ----------------------------------------------------------------------------------


def test_kit_list_shows_the_kits(client, coordinator, municipality, kit, other_school):
    factories.KitFactory(
        municipality=other_school.neighbourhood.municipality, name="Kit Amsterdam", headsets=8
    )

    response = login(client, coordinator).get(reverse("scheduler:kit-list"))

    assert response.status_code == 200
    assert "Kit Noord" in response.text and "30 pupils" in response.text
    assert "Kit Amsterdam" not in response.text


def test_kit_list_queries_do_not_grow(client, coordinator, municipality, count_queries):
    client = login(client, coordinator)
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)

    def add(n):
        for i in range(n):
            factories.KitFactory(
                municipality=municipality, name=f"Kit {n}-{i}", headsets=10, home_venue=venue
            )

    def fetch():
        assert client.get(reverse("scheduler:kit-list")).status_code == 200

    add(2)
    small = count_queries(fetch)
    add(6)
    assert count_queries(fetch) == small


def test_coordinator_adds_and_edits_a_kit(client, coordinator, municipality):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality, name="jongerenHUB")
    client = login(client, coordinator)
    data = {"name": "Kit Zuid", "headsets": 12, "home_venue": venue.pk, "is_active": "on"}

    response = client.post(reverse("scheduler:kit-create"), data)

    kit = Kit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduler:kit-detail", args=[kit.pk])
    assert (kit.municipality, kit.headsets, kit.home_venue) == (municipality, 12, venue)
    edit = client.post(reverse("scheduler:kit-edit", args=[kit.pk]), {**data, "headsets": 16})
    assert edit.status_code == 302
    kit.refresh_from_db()
    assert kit.headsets == 16
    page = client.get(reverse("scheduler:kit-edit", args=[kit.pk]))
    assert 'value="Kit Zuid"' in page.text


def test_kit_with_a_duplicate_name_is_an_error_on_name(client, coordinator, kit):
    response = login(client, coordinator).post(
        reverse("scheduler:kit-create"), {"name": "kit noord", "headsets": 10}
    )

    assert response.status_code == 200
    assert "already has a kit with this name" in response.text
    assert 'aria-invalid="true"' in response.text
    assert Kit.objects.count() == 1


def test_kit_form_refuses_a_venue_of_another_municipality(client, coordinator, other_school):
    venue = factories.VenueFactory(neighbourhood=other_school.neighbourhood)
    response = login(client, coordinator).post(
        reverse("scheduler:kit-create"), {"name": "Kit", "headsets": 10, "home_venue": venue.pk}
    )
    assert "Select a valid choice" in response.text
    assert not Kit.objects.exists()


def test_kit_pages_of_another_municipality_are_404(client, outsider_coordinator, kit):
    client = login(client, outsider_coordinator)
    assert client.get(reverse("scheduler:kit-detail", args=[kit.pk])).status_code == 404
    assert client.get(reverse("scheduler:kit-edit", args=[kit.pk])).status_code == 404
    response = client.post(reverse("scheduler:kit-edit", args=[kit.pk]), {"name": "X"})
    assert response.status_code == 404
    kit.refresh_from_db()
    assert kit.name == "Kit Noord"


def test_staff_cannot_manage_kits(client, vo_staff, kit):
    client = login(client, vo_staff)
    assert client.get(reverse("scheduler:kit-create")).status_code == 403
    assert client.get(reverse("scheduler:kit-detail", args=[kit.pk])).status_code == 403


def test_kit_detail_shows_visits_and_adds_a_block(
    client, coordinator, vo_school, group, vo_staff, hero, kit
):
    factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    client = login(client, coordinator)
    url = reverse("scheduler:kit-detail", args=[kit.pk])

    page = client.get(url)
    assert "Zaanlands Lyceum" in page.text and "Dennis" in page.text
    response = client.post(
        url, {"starts_at": "2026-11-11T09:00", "ends_at": "2026-11-12T17:00", "reason": "Onderhoud"}
    )

    assert response.status_code == 302
    block = KitBlock.objects.get()
    assert block.starts_at == at(WEDNESDAY, 9) and block.reason == "Onderhoud"
    assert "Onderhoud" in client.get(url).text


def test_block_over_a_confirmed_visit_names_it_and_asks_to_confirm(
    client, coordinator, vo_school, group, vo_staff, hero, kit
):
    visit = factories.VisitFactory(
        request=make_request(vo_school, group, vo_staff, kind="vr"), hero=hero, kit=kit
    )
    url = reverse("scheduler:kit-detail", args=[kit.pk])
    times = {"starts_at": "2026-11-10T08:00", "ends_at": "2026-11-10T18:00"}

    asked = login(client, coordinator).post(url, times)

    assert asked.status_code == 200
    assert "The kit is planned in this time for:" in asked.text
    assert html.escape(vo_school.name) in asked.text and hero.display_name in asked.text
    assert 'type="checkbox" name="confirm"' in asked.text
    assert not KitBlock.objects.exists()

    confirmed = client.post(url, {**times, "confirm": "on"}, follow=True)

    assert KitBlock.objects.count() == 1
    visit.refresh_from_db()
    assert (visit.status, visit.cancel_reason) == (
        "cancelled",
        "The VR kit is in maintenance at that time.",
    )
    assert "1 visit or offer in that time is cancelled." in confirmed.text


def test_block_that_ends_before_it_starts_is_an_error(client, coordinator, kit):
    url = reverse("scheduler:kit-detail", args=[kit.pk])
    response = login(client, coordinator).post(
        url, {"starts_at": "2026-11-10T18:00", "ends_at": "2026-11-10T08:00"}
    )
    assert "must end after it starts" in response.text
    assert not KitBlock.objects.exists()


def test_block_delete(client, coordinator, outsider_coordinator, kit):
    block = factories.KitBlockFactory(kit=kit, starts_at=at(TUESDAY, 9), ends_at=at(TUESDAY, 17))
    url = reverse("scheduler:block-delete", args=[block.pk])

    assert login(client, outsider_coordinator).post(url).status_code == 404
    assert login(client, coordinator).get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == reverse("scheduler:kit-detail", args=[kit.pk])
    assert not KitBlock.objects.exists()


def test_assign_that_fits_offers_at_once_beside_other_visits(
    client, coordinator, municipality, vo_school, vo_staff, open_request, hero, kit
):
    other = make_hero(municipality, name="Samira")
    factories.VisitFactory(
        request=make_request(vo_school, kind="vr", pupils=20, user=vo_staff), hero=other, kit=kit
    )
    url = reverse("scheduler:assign", args=[open_request.pk])

    response = login(client, coordinator).post(url, assign_data(hero))

    assert response.status_code == 302
    assert Offer.objects.get(request=open_request).rule_warnings == []


def test_rule_warnings_read_in_the_coordinators_language():
    from django.utils import translation

    from scheduler.reasons_text import rule_text

    with translation.override("en"):
        assert rule_text("12: 7 is not available then") == "The hero is not available at that time."
        assert rule_text("hero 7: 5 visits in (2026, 11), above the limit").startswith(
            "The hero would go over"
        )
        assert rule_text("something new") == "something new"
    with translation.override("nl"):
        assert rule_text("12: 7 is not available then") != "The hero is not available at that time."


def test_the_board_pages_its_offers_and_visits_apart_from_the_open_requests(
    client, coordinator, vo_school, vo_staff, hero
):
    for _ in range(26):
        factories.OfferFactory(request=make_request(vo_school, user=vo_staff), hero=hero)
        factories.VisitFactory(request=make_request(vo_school, user=vo_staff))
    client = login(client, coordinator)

    first = client.get(reverse("scheduler:board"))
    second = client.get(reverse("scheduler:board"), {"offers": 2, "visits": 2})

    assert len(first.context["offers"]) == len(first.context["visits"]) == 25
    assert len(second.context["offers"]) == len(second.context["visits"]) == 1
    assert "?offers=2" in first.text and "?visits=2" in first.text
    assert second.context["page_obj"].number == 1  # the open requests stay on their page


def _day_time(moment) -> str:
    return date_format(localtime(moment), "D j M H:i")
