"""Each demo login in a real browser, on a phone-sized screen: it lands on its home page, and
every kind of page it can reach from there passes axe and fits 360 px."""

import re
from urllib.parse import urlparse

import pytest

from .helpers import assert_good_page, log_in

DEMO_PASSWORD = "demo-backontrack"
ROLES = {
    "coordinator@demo.test": "coordinator",
    "staff.po@demo.test": "staff",
    "staff.vo@demo.test": "staff",
    "hero@demo.test": "hero",
    "parent@demo.test": "parent",
    "programma@demo.test": "programme",
}
# Not pages to crawl: leaving the session, the admin, machine-readable endpoints.
SKIP_PREFIXES = (
    "/accounts/logout",
    "/admin/",
    "/api/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/calendar/",
)
SKIP_SUFFIXES = (".csv", ".ics")
# A safety stop; the crawl visits one page per kind (see _kind), far fewer than this.
MAX_PAGES = 150


def _kind(path: str) -> str:
    """Pages that differ only in an id are one kind: /sessions/kits/2/ is /sessions/kits/N/."""
    return re.sub(r"\d+", "N", path)


def _same_site_links(page, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)")
    links = set()
    for href in hrefs:
        url = urlparse(href)
        if (
            f"{url.scheme}://{url.netloc}" != base
            or url.path.startswith(SKIP_PREFIXES)
            or url.path.endswith(SKIP_SUFFIXES)
            or "format=" in url.query  # a download (the figures' CSV and Excel), not a page
        ):
            continue
        links.add(url.path + (f"?{url.query}" if url.query else ""))
    return links


@pytest.mark.parametrize("email", ROLES)
def test_demo_login_reaches_home_and_every_page_is_accessible(page, live_server, demo_data, email):
    log_in(page, email, DEMO_PASSWORD)
    assert urlparse(page.url).path == "/", f"{email} landed on {page.url}"
    assert page.locator("h1").count() == 1
    assert page.locator(f"[data-role-section={ROLES[email]}]").count() == 1
    assert_good_page(page)

    seen, queue = {"/"}, sorted(_same_site_links(page, live_server.url))
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if _kind(path) in seen:
            continue
        seen.add(_kind(path))
        response = page.goto(path)
        assert response.status < 400, f"{email}: {path} answered {response.status}"
        assert_good_page(page)
        queue.extend(sorted(_same_site_links(page, live_server.url)))
    left = {_kind(path) for path in queue} - seen
    assert not left, f"{email}: stopped at MAX_PAGES with pages left, e.g. {sorted(left)[:5]}"
    assert len(seen) > 3, f"{email} reached only {sorted(seen)}"


def test_language_switch_turns_the_site_english(page, demo_data):
    log_in(page, "parent@demo.test", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_text("Menu", exact=True).click()  # on a phone the menu starts closed
    assert page.get_by_role("link", name="Home").count() >= 1
