"""Information that must reach someone, in a real browser at 360 px: a hero declined with a
reason; the coordinator reads who and why (board, request page), the school only a kind
sentence; a hero reads which rules a forced offer breaks. Every page passes axe."""

import datetime as dt

import pytest
from django.utils import timezone

from scheduler import services
from scheduler.models import Offer
from scheduler.services import runs
from tests import factories

from .helpers import assert_good_page, log_in
from .test_sessions_flow import _next_weekday, setting  # noqa: F401 (`setting` is a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Mijn moeder ligt in het ziekenhuis"


def _request(school, teacher, day: dt.date, hour: int):
    start = dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())
    return services.request_create(
        school=school,
        group=school.groups.get(),
        requested_by=teacher,
        kind="hero",
        windows=[(start, start + dt.timedelta(hours=2))],
        now=timezone.now(),
    )  # matching runs once this commits (tests run tasks at once)


def test_a_decline_reaches_the_coordinator_and_kindly_the_school(page, setting):  # noqa: F811
    school, teacher, coordinator, _heroes = setting
    session_request = _request(school, teacher, _next_weekday(3), 13)
    first = Offer.objects.get(request=session_request)
    services.offer_decline(offer=first, code="personal", reason=REASON, now=timezone.now())

    log_in(page, coordinator.email, factories.PASSWORD)
    page.goto("/sessions/board/")
    page.get_by_text("1 hero said no").first.click()
    assert page.get_by_text(REASON).count() == 1
    assert page.get_by_text("Personal reasons").count() == 1
    assert_good_page(page)
    page.goto(f"/sessions/{session_request.pk}/")
    assert page.get_by_role("heading", name="Heroes who said no").count() == 1
    assert page.get_by_text(REASON).count() == 1
    assert_good_page(page)

    page.context.clear_cookies()
    log_in(page, teacher.email, factories.PASSWORD)
    page.goto(f"/sessions/{session_request.pk}/")
    assert page.get_by_text("A Local Hero could not come at this time.").count() == 1
    assert page.get_by_text(REASON).count() == 0
    assert page.get_by_text("Personal reasons").count() == 0
    assert page.get_by_text(first.hero.display_name).count() == 0
    assert_good_page(page)


def test_a_hero_reads_the_rules_a_forced_offer_breaks(page, setting):  # noqa: F811
    school, teacher, coordinator, heroes = setting
    session_request = _request(school, teacher, _next_weekday(1), 10)
    start = session_request.windows.get().starts_at
    # Half an hour before the school's preferred time: it breaks that rule.
    offer = runs.offer_assign_manually(
        session_request=session_request,
        hero=heroes[1],
        kit=None,
        starts_at=start - dt.timedelta(minutes=30),
        by=coordinator,
        force=True,
        now=timezone.now(),
    )
    assert offer.rule_warnings

    log_in(page, heroes[1].user.email, factories.PASSWORD)
    page.goto("/sessions/offers/")
    assert page.get_by_text("Chosen by hand").count() >= 1
    assert_good_page(page)
    page.goto(f"/sessions/offers/{offer.pk}/")
    assert page.get_by_role("heading", name="Chosen by hand").count() == 1
    assert page.get_by_text("not inside one of the school's preferred times").count() == 1
    assert_good_page(page)
