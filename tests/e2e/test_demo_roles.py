"""Each demo login in a real browser, on a phone-sized screen: it lands on its home page, and
every page it can reach from there passes axe and fits 360 px."""

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
}
# Not pages to crawl: leaving the session, the admin, machine-readable endpoints.
SKIP_PREFIXES = ("/accounts/logout", "/admin/", "/api/", "/i18n/", "/static/", "/healthz")
MAX_PAGES = 40


def _same_site_links(page, base: str) -> set[str]:
    hrefs = page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.href)")
    links = set()
    for href in hrefs:
        url = urlparse(href)
        if f"{url.scheme}://{url.netloc}" != base or url.path.startswith(SKIP_PREFIXES):
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
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response.status < 400, f"{email}: {path} answered {response.status}"
        assert_good_page(page)
        queue.extend(sorted(_same_site_links(page, live_server.url) - seen))
    assert len(seen) > 3, f"{email} reached only {sorted(seen)}"


def test_language_switch_turns_the_site_english(page, demo_data):
    log_in(page, "parent@demo.test", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Home").count() >= 1
