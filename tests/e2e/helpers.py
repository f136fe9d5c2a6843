"""What every browser test checks on a page: no axe violations and no sideways scrolling."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_accessible(page) -> None:
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, f"axe violations on {page.url}:\n{results.generate_report()}"


def assert_fits_phone(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 360px wide"


def assert_good_page(page) -> None:
    assert_accessible(page)
    assert_fits_phone(page)


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
