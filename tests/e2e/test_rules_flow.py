"""Clashes and rules in a real browser on a phone-sized screen: a coordinator blocks a VR kit
over a confirmed visit (the page names it, a tick confirms, the visit is cancelled), and staff
read a venue's week at a glance and move to the next week. Every page passes axe at 360 px."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity
from scheduler.models import KitBlock, Visit
from schools.models import CoordinatorMembership, StaffMembership
from tests import factories
from tests.activities.helpers import activity_for
from tests.scheduler.conftest import make_request

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)


def _next_weekday(weekday: int, after_days: int = 4) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def test_a_kit_block_over_a_visit_is_named_then_confirmed(page, municipality):
    school = factories.SchoolFactory(
        neighbourhood__municipality=municipality, level="vo", name="Saenstroom College"
    )
    kit = factories.KitFactory(municipality=municipality, name="Kit Noord", headsets=15)
    hero = factories.hero_available(municipality, "Dennis", user=person(mfa_exempt=True))
    day = _next_weekday(1)
    visit = factories.VisitFactory(
        request=make_request(school, kind="vr", day=day, hours=(10, 11)), hero=hero, kit=kit
    )
    coordinator = person(mfa_exempt=True)
    CoordinatorMembership.objects.create(user=coordinator, municipality=municipality)

    log_in(page, coordinator.email, factories.PASSWORD)
    page.goto(f"/sessions/kits/{kit.pk}/")
    assert_good_page(page)
    page.locator("input[name=starts_at]").fill(f"{day:%Y-%m-%d}T08:00")
    page.locator("input[name=ends_at]").fill(f"{day:%Y-%m-%d}T18:00")
    page.locator("input[name=reason]").fill("Nieuwe lenzen")
    page.get_by_role("button", name="Block the kit").click()
    page.wait_for_load_state()

    assert_good_page(page)
    warning = page.get_by_role("alert")
    assert "Saenstroom College" in warning.inner_text()
    assert "hero Dennis" in warning.inner_text()
    assert not KitBlock.objects.exists()

    page.get_by_label("Block the kit anyway").check()
    page.get_by_role("button", name="Block the kit").click()
    page.wait_for_load_state()

    assert_good_page(page)
    assert page.get_by_text("1 visit or offer in that time is cancelled.").count() == 1
    assert KitBlock.objects.get().reason == "Nieuwe lenzen"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_staff_read_a_venues_week_on_a_phone(page, municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, name="De Linde")
    venue = factories.VenueFactory(name="jongerenHUB Zaandam", neighbourhood=school.neighbourhood)
    wednesday = _next_weekday(2, after_days=0)
    dates = {"first_date": wednesday, "last_date": wednesday + dt.timedelta(weeks=4)}
    judo = activity_for(school, venue=venue, title="Judo", **dates)
    activity_for(
        school,
        venue=venue,
        title="Dans",
        status=Activity.Status.DRAFT,
        start_time=dt.time(15, 0),
        end_time=dt.time(16, 0),
        **dates,
    )
    next_session = judo.occurrences.order_by("date")[1]
    teacher = person(mfa_exempt=True)
    StaffMembership.objects.create(user=teacher, school=school)

    log_in(page, teacher.email, factories.PASSWORD)
    page.goto(f"/activities/manage/{judo.pk}/")
    assert_good_page(page)
    assert page.get_by_text("Another activity at the same venue and time").count() == 1
    page.get_by_role("link", name="Week calendar of this venue").click()
    page.wait_for_load_state()

    assert_good_page(page)
    assert page.get_by_role("heading", name="jongerenHUB Zaandam: week at a glance").count() == 1
    assert page.get_by_text("Judo").count() == 1 and page.get_by_text("Draft").count() == 1
    page.get_by_role("link", name="Next week").click()
    page.wait_for_load_state()

    assert_good_page(page)
    heading = f"{next_session.date:%A} {next_session.date.day} {next_session.date:%B}"
    assert page.get_by_role("heading", name=heading).count() == 1
