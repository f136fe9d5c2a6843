"""Every mail allauth can send names the site: "Hello from Back on Track!", not "Hello from !"."""

from pathlib import Path

import allauth
import pytest
from django.utils import translation

from accounts.adapter import AccountAdapter
from notifications.models import Notification

from .. import factories

pytestmark = pytest.mark.django_db

TEMPLATES = Path(allauth.__file__).parent / "templates"
PREFIXES = sorted(
    str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt")
    for app in ("account", "mfa")
    for path in (TEMPLATES / app / "email").glob("*_subject.txt")
)
# What allauth passes along with its mails, so each renders as it would when sent.
CONTEXT = {
    "code": "ABC123",
    "activate_url": "https://example.org/confirm/",
    "password_reset_url": "https://example.org/reset/",
    "signup_url": "https://example.org/signup/",
    "ip": "192.0.2.1",
    "user_agent": "Firefox",
    "timestamp": "now",
}


def test_the_mails_we_know_of_are_all_checked():
    expected = {
        "account/email/email_confirmation_signup",
        "account/email/login_code",
        "account/email/password_reset_key",
        "account/email/account_already_exists",
        "mfa/email/totp_activated",
    }
    assert expected <= set(PREFIXES)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_allauth_mail_names_the_site(prefix, language):
    user = factories.parent(name="Ilse Jansen", language=language)

    with translation.override(language):
        AccountAdapter().send_mail(prefix, user.email, {"user": user, **CONTEXT})

    sent = Notification.objects.get()
    text = sent.subject + "\n" + sent.body_text
    assert "Back on Track" in sent.subject
    assert "Back on Track!" in sent.body_text
    assert "van !" not in text
    assert "from !" not in text


def test_a_known_person_gets_the_mail_in_their_own_language(client):
    user = factories.parent(name="Ilse Jansen", language="en")

    with translation.override("nl"):
        AccountAdapter().send_mail("account/email/login_code", user.email, {"code": "ABC123"})

    sent = Notification.objects.get()
    assert sent.language == "en"
    assert sent.subject == "[Back on Track] Sign-In Code"
    assert sent.body_text.startswith("Hello from Back on Track!")


def test_an_address_without_account_gets_the_pages_language():
    with translation.override("en"):
        AccountAdapter().send_mail("account/email/unknown_account", "nobody@example.test", {})

    assert Notification.objects.get().language == "en"
