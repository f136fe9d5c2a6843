"""The account pages in a real browser at phone width: axe finds nothing, no sideways scroll.

Uses the browser and live server of tests/e2e/conftest.py."""

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from tests import factories
from tests.e2e.helpers import assert_good_page, log_in

pytestmark = pytest.mark.django_db(transaction=True)


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/login/code/",
    "/accounts/password/reset/",
]


def confirm_password(page) -> None:
    page.goto("/accounts/reauthenticate/")
    page.locator("#id_password").fill(factories.PASSWORD)
    page.get_by_role("main").locator("button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_entrance_pages_are_accessible(page, path):
    page.goto(path)
    assert_good_page(page)


def test_login_errors_are_accessible(page):
    page.goto("/accounts/signup/")
    page.get_by_role("main").locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_good_page(page)


def test_coordinator_pages_are_accessible(page, coordinator, school):
    services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role=Invitation.Role.STAFF,
        email="new@example.test",
        school=school,
        now=timezone.now(),
    )
    # Like the demo accounts: no authenticator to type a code from, and exempt from the gate.
    coordinator.authenticator_set.all().delete()
    coordinator.mfa_exempt = True
    coordinator.save()
    log_in(page, coordinator.email, factories.PASSWORD)
    for path in ("/", "/accounts/invitations/", "/accounts/settings/"):
        page.goto(path)
        assert page.url.endswith(path)
        assert_good_page(page)


def test_two_step_pages_are_accessible(page, school):
    user = factories.UserFactory()
    factories.StaffMembershipFactory(user=user, school=school)
    log_in(page, user.email, factories.PASSWORD)
    assert page.url.endswith("/accounts/two-step-required/")
    assert_good_page(page)
    page.goto("/accounts/2fa/totp/activate/")
    assert_good_page(page)  # the password confirmation page
    confirm_password(page)
    for path in ("/accounts/2fa/totp/activate/", "/accounts/2fa/", "/accounts/email/"):
        page.goto(path)
        assert_good_page(page)


def test_home_of_hero_and_parent_is_accessible(page, municipality):
    hero = factories.HeroFactory(municipality=municipality)
    hero.user.is_parent = True
    hero.user.save()
    log_in(page, hero.user.email, factories.PASSWORD)
    assert page.get_by_text("VOG").count()
    assert_good_page(page)


def test_invitation_signup_page_is_accessible(page, coordinator, school):
    invitation = services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role=Invitation.Role.STAFF,
        email="new@example.test",
        school=school,
        now=timezone.now(),
    )
    page.goto(f"/accounts/invite/{invitation.token}/")
    assert_good_page(page)
