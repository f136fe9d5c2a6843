"""A request sent twice in a real browser on a phone: school staff send the new-request form, go
Back and send it again, or tap the button twice; one request is made, and the second send
shows the first request with a calm word."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scheduler.models import SessionRequest
from schools.models import StaffMembership, current_school_year
from tests import factories

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def teacher(municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, name="De Vinken")
    factories.GroupFactory(
        school=school, name="6B", pupils=25, school_year=current_school_year(timezone.localdate())
    )
    teacher = person(mfa_exempt=True)
    StaffMembership.objects.create(user=teacher, school=school)
    return teacher


def _fill_request(page) -> None:
    day = timezone.localdate() + dt.timedelta(days=7)
    day += dt.timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday, a week or more ahead
    page.goto("/sessions/new/")
    page.get_by_label("Group").select_option(label="6B (25 pupils)")
    page.locator("input[name=windows-0-day]").fill(f"{day:%Y-%m-%d}")
    page.locator("input[name=windows-0-starts]").fill("10:00")
    page.locator("input[name=windows-0-ends]").fill("12:00")


def test_back_and_send_again_makes_one_request(page, teacher):
    log_in(page, teacher.email, factories.PASSWORD)
    _fill_request(page)
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    first = SessionRequest.objects.get()
    assert page.url.endswith(f"/sessions/{first.pk}/")

    page.go_back()
    page.wait_for_load_state()
    # The page is loaded again (Playwright's Chromium keeps no back-forward cache) and the
    # browser puts back what was filled in, the form's first key with it (static/js/once.js).
    assert page.get_by_label("Group").input_value() == str(first.group_id)
    assert page.locator("input[name=submission_key]").get_attribute("value") == ""
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()

    assert SessionRequest.objects.count() == 1
    assert page.url.endswith(f"/sessions/{first.pk}/")
    assert page.get_by_text("This form was sent twice; it was saved once.").is_visible()
    assert_good_page(page)


def test_two_taps_on_send_make_one_request(page, teacher):
    log_in(page, teacher.email, factories.PASSWORD)
    _fill_request(page)
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)

    # The second tap comes while the first is on its way: the browser sends both and
    # shows the answer to the second.
    page.evaluate(
        """() => {
            const form = document.querySelector("main form");
            form.requestSubmit();
            setTimeout(() => form.requestSubmit(), 50);
        }"""
    )
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"))

    first = SessionRequest.objects.get()
    assert page.url.endswith(f"/sessions/{first.pk}/")
    assert len(posts) == 2, "the browser sent the form twice"
