"""Real-browser tests: Debian's Chromium driven by Playwright against a live test server.

Without a browser these tests skip with a reason; with CI=true a missing browser fails.
"""

import os
import shutil

import pytest
from django.db import connections

from .helpers import watch_csp

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def browser():
    """One browser for the browser tests, gone when they are done.

    While it lives, Playwright's event loop runs in this thread, and Django then keeps the
    thread's database connections apart from its usual ones (asgiref's Local acts as a context
    variable under a running loop). A connection opened meanwhile is not the one the test
    database's teardown closes: kept past the browser tests, the suite ended with "database is
    being accessed by other users". So the browser stops after the last browser test, and the
    connections opened under its loop are closed before the loop stops."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (apt-get install -y chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium to run e2e tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture(autouse=True)
def _development(settings):
    """The browser meets the site as `make run` serves it: in development, where the demo's
    accounts skip two-step login (in production that flag is ignored)."""
    settings.DEBUG = True


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch_csp(page)
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db):
    from django.core.management import call_command

    call_command("demo", force=True, verbosity=0)
