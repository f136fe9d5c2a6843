"""Pages read well on a desk and on a phone, with the demo's data: table cells never break a
word inside, badges stay on one line, wide tables scroll inside a named group (never the
page), the coordinator's long menu folds away on a phone, and declining a place asks first."""

import datetime as dt

import pytest
from django.utils import timezone

from activities.models import Activity, Enrolment
from scheduler.models import MatchingRun
from tests import factories

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "demo-backontrack"
DESK = {"width": 1280, "height": 800}

# Words split on spaces, hyphens, dashes and slashes (where a line may end); every piece must
# then sit on one line: a word broken inside ("Saenstr|oom") has two boxes.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll("main td, main th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const pieces = node.data.matchAll(/[^\\s\\-\\u2010-\\u2015\\/]+/g);
      for (const piece of pieces) {
        const range = document.createRange();
        range.setStart(node, piece.index);
        range.setEnd(node, piece.index + piece[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(piece[0]);
      }
    }
  }
  return broken;
}"""
# A badge on one line: all its text boxes share one top.
WRAPPED_BADGES = """() => [...document.querySelectorAll("main .badge")].filter((badge) => {
  const range = document.createRange();
  range.selectNodeContents(badge);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
}).map((badge) => badge.textContent.trim())"""
# Every table's wrapper is a named group; one that scrolls is a tab stop, so a keyboard can
# scroll it (site.js drops the stop where the table fits; a region would repeat the landmark
# of the section around it).
BAD_WRAPPERS = """() => [...document.querySelectorAll(".table-wrap")].filter((wrap) => {
  const named = wrap.getAttribute("aria-label") ||
    document.getElementById(wrap.getAttribute("aria-labelledby") || "")?.textContent.trim();
  const scrolls = wrap.scrollWidth > wrap.clientWidth;
  return wrap.getAttribute("role") !== "group" || !named || (scrolls && wrap.tabIndex !== 0);
}).length"""

PAGES = [
    ("coordinator@demo.test", "/sessions/board/"),
    ("coordinator@demo.test", "/sessions/kits/"),
    ("coordinator@demo.test", "/schools/"),
    ("coordinator@demo.test", "/heroes/"),
    ("staff.vo@demo.test", "/sessions/"),
    ("staff.vo@demo.test", "/activities/manage/"),
    ("parent@demo.test", "/activities/mine/"),
]


def _check_tables(page) -> None:
    assert page.locator("main table").count(), f"{page.url} has no table to check"
    assert page.evaluate(BROKEN_WORDS) == [], f"{page.url} breaks words inside"
    assert page.evaluate(WRAPPED_BADGES) == [], f"{page.url} wraps badges"
    assert page.evaluate(BAD_WRAPPERS) == 0


def test_tables_keep_words_whole_at_desk_width_and_fit_a_phone(page, demo_data):
    by_person: dict[str, list[str]] = {}
    for email, path in PAGES:
        by_person.setdefault(email, []).append(path)
    for email, paths in by_person.items():
        page.context.clear_cookies()
        log_in(page, email, DEMO_PASSWORD)
        for path in paths:
            page.set_viewport_size(DESK)
            page.goto(path)
            _check_tables(page)
            page.set_viewport_size({"width": 360, "height": 740})
            page.reload()
            assert_good_page(page)  # axe, and no sideways scroll of the page itself
            assert page.evaluate(WRAPPED_BADGES) == [], f"{page.url} wraps badges at 360 px"


def test_a_finished_run_says_its_status_once(page, demo_data):
    run = MatchingRun.objects.filter(status=MatchingRun.Status.DONE).latest("pk")
    log_in(page, "coordinator@demo.test", DEMO_PASSWORD)
    page.goto(f"/sessions/board/runs/{run.pk}/")
    status = page.locator("#run-status [role=status]").inner_text().split()
    assert len(status) == len(set(status)), status
    assert_good_page(page)


def test_the_menu_folds_away_on_a_phone_and_opens_with_the_keyboard(page, demo_data):
    log_in(page, "coordinator@demo.test", DEMO_PASSWORD)
    page.goto("/sessions/board/")
    menu = page.locator("nav.site-nav")
    board_link = menu.get_by_role("link", name="Koppelen")
    heading = page.locator("main h1").bounding_box()
    assert heading["y"] + heading["height"] <= 740, "the heading is not on the first screen"
    assert not board_link.is_visible()

    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    assert board_link.is_visible()
    assert board_link.get_attribute("aria-current") == "page"
    assert menu.get_by_role("link", name="Scholen").get_attribute("aria-current") is None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Start"
    assert_good_page(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert not menu.get_by_role("link", name="Scholen").is_visible()


def test_the_whole_menu_shows_at_desk_width_from_the_start_of_the_line(page, demo_data):
    page.set_viewport_size(DESK)
    log_in(page, "coordinator@demo.test", DEMO_PASSWORD)
    menu = page.locator("nav.site-nav")
    assert not menu.locator("summary").is_visible()
    links = menu.get_by_role("link")
    assert links.count() > 10 and all(link.is_visible() for link in links.all())
    first = links.first.bounding_box()
    assert first["x"] < DESK["width"] / 2
    # Right to left (Arabic comes later): the menu starts at the right.
    page.evaluate("document.documentElement.dir = 'rtl'")
    first = links.first.bounding_box()
    assert first["x"] > DESK["width"] / 2


def test_declining_a_place_asks_first_and_says_what_happens(page, school):
    parent = person(is_parent=True)
    activity = factories.ActivityFactory(school=school, title="Streetdance", capacity=1)
    Activity.objects.filter(pk=activity.pk).update(seats_taken=1)
    offered = factories.EnrolmentFactory(
        activity=activity,
        child=factories.ChildFactory(guardian=parent, school=school, first_name="Sami"),
        status="offered",
        offer_expires_at=timezone.now() + dt.timedelta(hours=48),
    )
    next_one = factories.EnrolmentFactory(activity=activity, status="waitlisted")
    log_in(page, parent.email, factories.PASSWORD)
    decline = page.get_by_role("link", name="No, Sami does not want the place at Streetdance")

    page.goto("/activities/mine/")
    decline.click()
    page.wait_for_load_state()
    assert page.get_by_text("goes to the next child on the waiting list").count() == 1
    assert_good_page(page)
    page.get_by_role("link", name="Go back").click()
    page.wait_for_load_state()
    offered.refresh_from_db()
    assert offered.status == Enrolment.Status.OFFERED

    decline.click()
    page.get_by_role("button", name="Yes, decline the place").click()
    page.wait_for_load_state()
    assert page.get_by_text("You said no to the place for Sami").count() == 1
    offered.refresh_from_db()
    next_one.refresh_from_db()
    assert (offered.status, next_one.status) == ("declined", "offered")


def test_a_wide_table_scrolls_with_the_keyboard_and_a_fitting_one_is_no_tab_stop(page, demo_data):
    page.set_viewport_size({"width": 800, "height": 800})
    log_in(page, "coordinator@demo.test", DEMO_PASSWORD)
    page.goto("/sessions/board/")
    wide = page.locator(".table-wrap[aria-labelledby=open-heading]")
    assert wide.evaluate("w => w.scrollWidth > w.clientWidth")
    wide.focus()
    page.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait for it to move (fails after the default timeout).
    page.wait_for_function(
        "() => document.querySelector('.table-wrap[aria-labelledby=open-heading]').scrollLeft > 0"
    )
    assert page.evaluate(BAD_WRAPPERS) == 0
    fitting = page.locator(".table-wrap[aria-labelledby=runs-heading]")
    assert fitting.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert fitting.get_attribute("tabindex") is None
