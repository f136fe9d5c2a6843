"""What every browser test checks on a page: no axe violations and no sideways scrolling."""

from axe_playwright_python.sync_playwright import Axe

from tests import factories

_axe = Axe()


def person(**kwargs):
    """A person who reads English (stable labels to click) and logs in with a password."""
    return factories.UserFactory(language="en", **kwargs)


def assert_accessible(page) -> None:
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, f"axe violations on {page.url}:\n{results.generate_report()}"


def assert_fits_phone(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px wide"


def watch_csp(page):
    """Collect what the Content-Security-Policy blocks on this page: it allows nothing inline,
    so anything the browser reports is a page that needs fixing (assert_good_page checks)."""
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and page.csp_violations.append(f"{page.url}: {message.text}")
        ),
    )
    return page


def assert_good_page(page) -> None:
    assert_accessible(page)
    assert_fits_phone(page)
    assert page.csp_violations == [], page.csp_violations


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
