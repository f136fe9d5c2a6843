"""allauth's pages in our layout, and its mail through the outbox."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

INPUT = re.compile(r"<input\b[^>]*>")


def assert_every_input_has_a_label(html: str) -> None:
    for tag in INPUT.findall(html):
        if 'type="hidden"' in tag or 'type="submit"' in tag:
            continue
        match = re.search(r'id="([^"]+)"', tag)
        assert match, f"input without id: {tag}"
        assert f'for="{match.group(1)}"' in html, f"input without label: {tag}"


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password", "account_request_login_code"],
)
def test_entrance_pages_use_the_site_layout_with_labels(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="skip-link"' in html and '<main id="main"' in html
    assert html.count("<h1") == 1
    assert_every_input_has_a_label(html)


def test_login_page_offers_a_login_code_first(client):
    html = client.get(reverse("account_login")).content.decode()
    code_link = html.index(reverse("account_request_login_code"))
    password = html.index('name="password"')
    assert code_link < password


def test_login_error_sits_in_the_page(client):
    factories.UserFactory(email="p@example.test")
    response = client.post(
        reverse("account_login"), {"login": "p@example.test", "password": "wrong"}
    )
    assert response.status_code == 200
    assert 'class="errorlist nonfield"' in response.content.decode()


def test_signup_creates_a_parent_with_unverified_email_and_mails_a_verification(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ouder@example.test",
            "name": "Ayla de Vries",
            "password1": "Peldersveld-2026!",
            "password2": "Peldersveld-2026!",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ouder@example.test")
    assert user.is_parent
    assert user.name == "Ayla de Vries"
    assert not EmailAddress.objects.get(user=user).verified
    mail = Notification.objects.get(to_email="ouder@example.test")
    assert mail.kind.startswith("account:email_confirmation")
    assert mail.recipient == user


def test_signup_error_sits_next_to_the_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-email", "name": "X", "password1": "a", "password2": "a"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"' in html
    assert not User.objects.exists()


def test_login_by_code_sends_a_code_mail(client, parent):
    response = client.post(reverse("account_request_login_code"), {"email": parent.email})
    assert response.status_code == 302
    mail = Notification.objects.get(to_email=parent.email)
    assert mail.kind == "account:login_code"
    page = client.get(response.url)
    assert page.status_code == 200
    assert '<main id="main"' in page.content.decode()
    assert_every_input_has_a_label(page.content.decode())


def test_password_reset_mails_through_the_outbox(client, parent):
    client.post(reverse("account_reset_password"), {"email": parent.email})
    assert Notification.objects.filter(to_email=parent.email, kind__contains="password_reset")


def log_in(client, user) -> None:
    """A password login and a confirmation of it: allauth asks the password again before
    changes to email, password or two-step login."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    assert response.status_code == 302


MANAGE_PAGES = [
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_generate_recovery_codes",
    "account_email",
    "account_change_password",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_manage_pages_render_in_the_site_layout(client, parent, name):
    log_in(client, parent)
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert_every_input_has_a_label(html)


def test_reauthenticate_page_renders_in_the_site_layout(client, parent):
    client.force_login(parent)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<main id="main"' in html
    assert_every_input_has_a_label(html)


def test_totp_setup_shows_a_described_qr_code(client, parent):
    log_in(client, parent)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert re.search(r'<img src="data:image/svg\+xml[^"]*" alt="[^"]+"', html)
