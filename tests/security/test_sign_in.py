"""Sign-in holes closed: the admin signs in through the site's login (with its rate limits and
two-step login), the demo's exemption from two-step login is for development only, and API
tokens expire, die with a password change and show when they were last used."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.give_mfa(user)
    return user


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_login_page_sends_to_the_sites_own_login(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_posting_a_password_to_the_admin_login_signs_nobody_in(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": superuser.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert not _signed_in(client)


def test_a_superuser_with_a_second_factor_is_not_signed_in_by_the_password_alone(client, superuser):
    response = client.post(
        reverse("account_login"), {"login": superuser.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)


def test_twenty_wrong_passwords_lock_the_password_login_for_a_while(client, superuser):
    for _attempt in range(20):
        client.post(reverse("account_login"), {"login": superuser.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"),
        {"login": superuser.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.text
    assert "log in with a code sent to your email" in response.text
    assert not _signed_in(client)


def test_a_locked_password_login_still_lets_the_person_in_by_emailed_code(client, settings):
    parent = factories.parent()
    for _attempt in range(10):
        client.post(reverse("account_login"), {"login": parent.email, "password": "wrong"})

    response = client.post(reverse("account_request_login_code"), {"email": parent.email})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")


def test_a_site_admin_without_a_second_factor_reaches_no_admin_page(client):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")


def test_the_demo_exemption_is_ignored_in_production(client, school, settings):
    settings.DEBUG = False
    exempt = factories.UserFactory(mfa_exempt=True)
    factories.StaffMembershipFactory(user=exempt, school=school)
    client.force_login(exempt)

    assert client.get(reverse("schools:school_list"))["Location"] == reverse("mfa_required")
    response = client.get("/api/v1/groups/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_the_demo_exemption_works_in_development(client, school, settings):
    settings.DEBUG = True
    exempt = factories.UserFactory(mfa_exempt=True)
    factories.StaffMembershipFactory(user=exempt, school=school)
    client.force_login(exempt)

    assert client.get(reverse("schools:school_list")).status_code == 200


def test_the_deploy_check_refuses_exempt_accounts_in_production(settings):
    settings.DEBUG = False
    factories.UserFactory(mfa_exempt=True, email="demo@demo.test")

    with pytest.raises(SystemCheckError, match=r"demo@demo\.test"):
        call_command("check", deploy=True, databases=["default"], tags=["security"])


def _refused(response) -> bool:
    return response.status_code in (401, 403) and "Invalid or expired token" in response.text


def _api(client, key):
    return client.get(
        "/api/v1/municipalities/",
        HTTP_AUTHORIZATION=f"Token {key}",
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_token_works_until_it_expires(client, settings):
    settings.API_TOKEN_DAYS = 90
    parent = factories.parent()
    now = timezone.now()
    token, key = api_token_create(user=parent, now=now)

    assert _api(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=now - dt.timedelta(seconds=1))
    assert _refused(_api(client, key))
    assert token.expires_at == now + dt.timedelta(days=90)


def test_a_password_change_or_reset_ends_the_token(client):
    parent = factories.parent()
    _token, key = api_token_create(user=parent, now=timezone.now())
    assert _api(client, key).status_code == 200

    parent.set_password("a-new-long-password-42")
    parent.save()

    assert _refused(_api(client, key))


def test_only_a_digest_of_the_key_is_stored_and_the_last_use_is_shown(client):
    coordinator = factories.coordinator()  # tokens are for staff and coordinators
    token, key = api_token_create(user=coordinator, now=timezone.now())
    assert key not in {token.digest, token.prefix} and len(token.prefix) == 8
    assert not ApiToken.objects.filter(digest=key).exists()

    _api(client, key)
    token.refresh_from_db()
    assert token.last_used_at is not None
    page = login(client, coordinator).get(reverse("account_settings")).text
    assert "Last used:" in page


def test_a_staff_session_ends_after_an_hour_idle_a_parents_after_a_week(
    client, school, time_machine
):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    staff, parent = factories.staff(school), factories.parent()
    staff_client, parent_client = client, client.__class__()
    staff_client.force_login(staff)
    parent_client.force_login(parent)

    time_machine.move_to(start + dt.timedelta(minutes=59), tick=False)
    assert staff_client.get(reverse("home")).status_code == 200
    time_machine.move_to(start + dt.timedelta(minutes=59 + 61), tick=False)
    away = staff_client.get(reverse("home"))
    assert away.status_code == 302 and reverse("account_login") in away["Location"]
    assert parent_client.get(reverse("home")).status_code == 200

    time_machine.move_to(start + dt.timedelta(days=9), tick=False)
    assert parent_client.get(reverse("home")).status_code == 302


def test_the_idle_clock_starts_at_a_login_before_any_request():
    """Its receiver is connected when the apps are ready, not when the first request loads the
    middleware: a process whose first act is a login (a test, a shell) starts the clock too."""
    code = (
        "from django.contrib.auth.signals import user_logged_in; "
        "print(sorted(getattr(r[1](), '__name__', '') for r in user_logged_in.receivers))"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "_start_the_idle_clock" in done.stdout
