"""A parent reads the site in Arabic (right to left) or Turkish on a phone: every page a family
uses passes axe and never scrolls sideways at 360 px. The choice is the account's."""

import re
from urllib.parse import urlparse

import pytest

from accounts.models import User

from .helpers import assert_good_page, log_in

DEMO_PASSWORD = "demo-backontrack"
PARENT = "parent@demo.test"
# The family's pages (an activity's page and a child's sessions are found from these).
FAMILY_PAGES = [
    "/",
    "/activities/",
    "/activities/children/",
    "/activities/mine/",
    "/accounts/settings/",
]
LANGUAGES = {"ar": ("العربية", "rtl"), "tr": ("Türkçe", "ltr")}


def _first_link(page, pattern: str) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
    paths = [urlparse(href).path for href in hrefs]
    return next((path for path in paths if re.fullmatch(pattern, path)), None)


def _assert_in(page, language: str, direction: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language, page.url
    assert html.get_attribute("dir") == direction, page.url
    assert_good_page(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_parent_switches_language_and_every_family_page_reads_well(page, demo_data, language):
    name, direction = LANGUAGES[language]
    log_in(page, PARENT, DEMO_PASSWORD)
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    assert User.objects.get(email=PARENT).language == language

    # The first activity page and the first child's sessions page any family page links to.
    extra = {r"/activities/\d+/": None, r"/activities/mine/\d+/sessions/": None}
    for path in FAMILY_PAGES:
        page.goto(path)
        _assert_in(page, language, direction)
        for pattern in extra:
            extra[pattern] = extra[pattern] or _first_link(page, pattern)
    assert all(extra.values()), f"no activity page or sessions page found: {extra}"
    for path in extra.values():
        page.goto(path)
        _assert_in(page, language, direction)


def test_arabic_times_keep_their_order(page, demo_data):
    log_in(page, PARENT, DEMO_PASSWORD)
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    page.goto("/activities/mine/")
    sessions = _first_link(page, r"/activities/mine/\d+/sessions/")
    assert sessions
    page.goto(sessions)
    when = page.locator("main time").first
    text = when.inner_text()
    times = re.search(r"(\d\d:\d\d)\u2013(\d\d:\d\d)", text)
    assert times and times.group(1) < times.group(2), text
    # Drawn left to right inside the right-to-left line: the start sits left of the end.
    start_left, end_left = when.evaluate(
        """(el, times) => times.map((s) => {
          const text = el.firstChild, i = text.data.indexOf(s), r = document.createRange();
          r.setStart(text, i); r.setEnd(text, i + s.length);
          return r.getBoundingClientRect().left;
        })""",
        [times.group(1), times.group(2)],
    )
    assert start_left < end_left, text


# Staff, coordinators and heroes choose their language too: their matching pages, in Arabic.
WORK_PAGES = {
    "staff.vo@demo.test": ["/sessions/new/", "/sessions/"],
    "coordinator@demo.test": ["/sessions/board/"],
    "hero@demo.test": ["/sessions/offers/"],
}


@pytest.mark.parametrize("email", WORK_PAGES)
def test_the_matching_pages_read_well_in_arabic(page, demo_data, email):
    log_in(page, email, DEMO_PASSWORD)
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    for path in WORK_PAGES[email]:
        page.goto(path)
        _assert_in(page, "ar", "rtl")
    if email == "staff.vo@demo.test":
        page.goto("/sessions/")
        detail = _first_link(page, r"/sessions/\d+/")
        assert detail, "the demo school has requests"
        page.goto(detail)
        _assert_in(page, "ar", "rtl")
