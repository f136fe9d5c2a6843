"""Request -> match -> offer -> visit in a real browser on a phone-sized screen: school staff
ask for a Local Hero, the coordinator runs matching, the hero accepts on the phone and both
see the visit; a decline sends the request to another hero. Every page passes axe at 360 px."""

import datetime as dt

import pytest
from django.utils import timezone

from heroes.models import Topic
from scheduler import queue as run_queue
from scheduler import services
from scheduler.models import MatchingRun, Offer, SessionRequest
from scheduler.services.runs import run_execute
from schools.models import CoordinatorMembership, StaffMembership, current_school_year
from tests import factories

from .conftest import PHONE
from .helpers import assert_good_page, log_in, person, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


def base_url(page) -> str:
    return page.url.split("/sessions")[0]


def _next_weekday(weekday: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=4)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def setting(municipality):
    school = factories.SchoolFactory(
        neighbourhood__municipality=municipality, level="vo", name="Saenstroom College"
    )
    factories.GroupFactory(
        school=school, name="2A", pupils=26, school_year=current_school_year(timezone.localdate())
    )
    teacher = person(mfa_exempt=True)  # no second factor to type, like the demo accounts
    StaffMembership.objects.create(user=teacher, school=school)
    coordinator = person(mfa_exempt=True)
    CoordinatorMembership.objects.create(user=coordinator, municipality=municipality)
    heroes = [
        factories.hero_available(municipality, name, user=person(mfa_exempt=True))
        for name in ("Dennis", "Samira")
    ]
    return school, teacher, coordinator, heroes


def test_staff_request_is_matched_and_the_hero_accepts_on_a_phone(browser, page, setting):
    school, teacher, coordinator, _heroes = setting
    day = _next_weekday(1)

    log_in(page, teacher.email, factories.PASSWORD)
    page.goto("/sessions/new/")
    assert_good_page(page)
    page.get_by_label("Group").select_option(label="2A (26 pupils)")
    page.get_by_label("Local Hero visit").check()
    page.locator("input[name=windows-0-day]").fill(f"{day:%Y-%m-%d}")
    page.locator("input[name=windows-0-starts]").fill("10:00")
    page.locator("input[name=windows-0-ends]").fill("12:00")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    assert_good_page(page)
    session_request = SessionRequest.objects.get(school=school)
    assert page.url.endswith(f"/sessions/{session_request.pk}/")
    assert session_request.status == SessionRequest.Status.OFFERED

    # Matching ran by itself once the request was saved (in tests tasks run at once); the
    # coordinator sees the offer on the board and can also run matching again.
    board = browser.new_context(base_url=page.url.split("/sessions")[0], viewport=PHONE)
    coordinator_page = watch_csp(board.new_page())
    log_in(coordinator_page, coordinator.email, factories.PASSWORD)
    coordinator_page.goto("/sessions/board/")
    assert_good_page(coordinator_page)
    assert coordinator_page.get_by_text("Saenstroom College").count() >= 1
    coordinator_page.get_by_role("button", name="Run matching now").click()
    coordinator_page.wait_for_load_state()
    assert_good_page(coordinator_page)
    runs_done = MatchingRun.objects.filter(status=MatchingRun.Status.DONE)
    assert sorted(runs_done.values_list("trigger", "offers_made")) == [
        ("manual", 0),
        ("request", 1),
    ]
    board.close()

    offer = Offer.objects.get(request=session_request, status=Offer.Status.PENDING)
    hero_page = browser.new_context(base_url=page.url.split("/sessions")[0], viewport=PHONE)
    phone = watch_csp(hero_page.new_page())
    log_in(phone, offer.hero.user.email, factories.PASSWORD)
    phone.goto("/sessions/offers/")
    assert_good_page(phone)
    assert phone.get_by_text("Saenstroom College").count() >= 1
    phone.get_by_role("button", name="Accept the visit to Saenstroom College").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("Thank you, the visit is confirmed.").count() == 1
    assert_good_page(phone)
    assert phone.get_by_text("Your coming visits").count() >= 1
    hero_page.close()

    page.goto(f"/sessions/{session_request.pk}/")
    assert_good_page(page)
    assert page.get_by_text(offer.hero.display_name).count() >= 1
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.CONFIRMED


def test_a_required_topic_nobody_knows_keeps_the_request_waiting_and_says_why(
    browser, page, setting
):
    """The heroes are free but talk about other things: a wish would be matched at once, a
    required topic is not, and the school reads why on its phone."""
    school, teacher, _coordinator, heroes = setting
    municipality = school.neighbourhood.municipality
    money = Topic.objects.create(municipality=municipality, name="Geld en schulden")
    music = Topic.objects.create(municipality=municipality, name="Muziek")
    for hero in heroes:
        hero.topics.set([music])

    log_in(page, teacher.email, factories.PASSWORD)
    page.goto("/sessions/new/")
    page.get_by_label("Group").select_option(label="2A (26 pupils)")
    page.locator("select[name=topic]").select_option(label="Geld en schulden")
    page.get_by_label("Required: only a hero who talks about this topic").check()
    assert_good_page(page)
    day = _next_weekday(2)
    page.locator("input[name=windows-0-day]").fill(f"{day:%Y-%m-%d}")
    page.locator("input[name=windows-0-starts]").fill("10:00")
    page.locator("input[name=windows-0-ends]").fill("12:00")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()

    session_request = SessionRequest.objects.get(school=school)
    assert (session_request.topic, session_request.topic_required) == (money, True)
    assert session_request.status == SessionRequest.Status.OPEN  # matching ran, nobody fits
    page.reload()
    assert page.get_by_text("Geld en schulden (required)").count() == 1
    assert page.get_by_text("The topic is required, and no hero who talks about it").count() == 1
    assert_good_page(page)

    # Samira learns to talk about money; the next run offers her the visit and says why.
    samira = heroes[1]
    samira.topics.add(money)
    run, _created = run_queue.run_request(
        municipality_id=municipality.pk, trigger=MatchingRun.Trigger.MANUAL
    )
    run_execute(run.pk, now=timezone.now())
    offer = Offer.objects.get(request=session_request)
    assert offer.hero == samira
    context = browser.new_context(base_url=base_url(page), viewport=PHONE)
    phone = watch_csp(context.new_page())
    log_in(phone, samira.user.email, factories.PASSWORD)
    phone.goto(f"/sessions/offers/{offer.pk}/")
    why = "the class asked about Geld en schulden, which you talk about"
    assert phone.get_by_text(why).count() == 1
    assert_good_page(phone)
    context.close()


def test_a_decline_on_the_phone_goes_to_another_hero(page, setting):
    school, teacher, _coordinator, heroes = setting
    day = _next_weekday(3)
    start = dt.datetime.combine(day, dt.time(13), timezone.get_current_timezone())
    session_request = services.request_create(
        school=school,
        group=school.groups.get(),
        requested_by=teacher,
        kind="hero",
        windows=[(start, start + dt.timedelta(hours=2))],
        now=timezone.now(),
    )  # matching runs once this commits (tests run tasks at once)
    first = Offer.objects.get(request=session_request)

    log_in(page, first.hero.user.email, factories.PASSWORD)
    page.goto(f"/sessions/offers/{first.pk}/")
    assert_good_page(page)
    # Saying no without choosing a reason shows the question again, with its error.
    page.get_by_label("Anything else the coordinator should know?").fill("Then I am at work.")
    page.get_by_role("button", name="No, I cannot come").click()
    page.wait_for_load_state()
    reasons = page.get_by_role("group", name="Why can you not take this visit?")
    assert reasons.get_by_text("Choose the reason that fits best.").count() == 1
    assert_good_page(page)
    reasons.get_by_role("radio", name="The day or time does not suit me").check()
    page.get_by_role("button", name="No, I cannot come").click()
    page.wait_for_load_state()
    assert_good_page(page)

    first.refresh_from_db()
    assert first.status == Offer.Status.DECLINED
    assert (first.decline_code, first.decline_reason) == ("time", "Then I am at work.")
    second = Offer.objects.get(request=session_request, status=Offer.Status.PENDING)
    assert second.hero != first.hero
    assert second.hero in heroes
