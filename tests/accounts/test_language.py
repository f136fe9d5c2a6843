"""One language setting: the header's switch, the login, sign-up and settings all set the
account's language, which every page and mail then speaks; before sign-in the browser and the
cookie decide."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, User
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

SWITCH = reverse("set_language")
COOKIE = "django_language"


def switch(client, language: str):
    return client.post(SWITCH, {"language": language, "next": "/"})


def test_a_signed_in_switch_is_the_accounts_language_and_the_cookie(client, parent):
    client.force_login(parent)

    response = switch(client, "ar")

    parent.refresh_from_db()
    assert parent.language == "ar"
    assert response.cookies[COOKIE].value == "ar"
    assert response["Location"] == "/"


def test_after_the_switch_pages_are_right_to_left(client, parent):
    client.force_login(parent)
    switch(client, "ar")

    html = client.get(reverse("home")).content.decode()

    assert '<html lang="ar" dir="rtl">' in html


def test_a_switch_to_an_unknown_language_changes_nothing(client, parent):
    client.force_login(parent)

    response = switch(client, "xx")

    parent.refresh_from_db()
    assert parent.language == "nl"
    assert COOKIE not in response.cookies


def test_before_sign_in_the_switch_sets_only_the_cookie(client):
    response = switch(client, "tr")

    assert response.cookies[COOKIE].value == "tr"
    assert '<html lang="tr" dir="ltr">' in client.get(reverse("privacy")).content.decode()


@pytest.mark.parametrize(
    ("header", "expected"), [("tr", 'lang="tr" dir="ltr"'), ("ar", 'lang="ar" dir="rtl"')]
)
def test_before_sign_in_the_browser_chooses(client, header, expected):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=header).content.decode()

    assert f"<html {expected}>" in html


@pytest.mark.parametrize(("page_language", "other"), [("nl", "en"), ("en", "nl")])
def test_the_header_offers_each_language_in_itself(client, page_language, other):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=page_language).content.decode()

    names = {"nl": "Nederlands", "en": "English", "tr": "Türkçe", "ar": "العربية"}
    for code, name in [(other, names[other]), ("tr", "Türkçe"), ("ar", "العربية")]:
        assert f'value="{code}" lang="{code}" dir="auto">{name}</button>' in html


def test_a_mail_after_the_switch_speaks_the_new_language(client, parent):
    client.force_login(parent)
    switch(client, "en")
    client.logout()
    client.cookies[COOKIE] = "nl"  # the browser still in Dutch: the account decides

    client.post(reverse("account_reset_password"), {"email": parent.email})

    mail = Notification.objects.get(to_email=parent.email)
    assert mail.language == "en"
    assert "Password" in mail.subject or "password" in mail.body_text


def test_login_sets_the_cookie_from_the_account(client):
    user = factories.parent(language="tr", email="t@example.test")
    client.cookies[COOKIE] = "nl"  # chosen before signing in

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "tr"
    assert '<html lang="tr"' in client.get(reverse("home")).content.decode()


def test_without_a_cookie_a_signed_in_page_speaks_the_account_language(client):
    client.force_login(factories.parent(language="ar"))

    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<html lang="ar" dir="rtl">' in html


SIGNUP = {
    "email": "ouder@example.test",
    "name": "Ayla",
    "password1": "Peldersveld-2026!",
    "password2": "Peldersveld-2026!",
}


def test_sign_up_asks_for_the_language_with_the_pages_as_default(client):
    html = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="tr").content.decode()

    assert '<select name="language"' in html
    assert '<option value="tr" selected>' in html


def test_sign_up_stores_the_chosen_language_and_mails_in_it(client):
    client.cookies[COOKIE] = "nl"

    response = client.post(reverse("account_signup"), {**SIGNUP, "language": "en"})

    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.language == "en"
    assert Notification.objects.get(to_email=user.email).language == "en"


def test_sign_up_without_a_choice_keeps_the_pages_language(client):
    client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="ar")

    assert User.objects.get(email=SIGNUP["email"]).language == "ar"


def test_an_invited_newcomer_chooses_the_language(client, coordinator, school):
    invitation = services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role=Invitation.Role.STAFF,
        email="invitee@example.test",
        school=school,
        now=timezone.now(),
    )
    url = reverse("invitation_accept", args=[invitation.token])
    assert 'name="language"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "name": "Fatma",
            "password1": SIGNUP["password1"],
            "password2": SIGNUP["password1"],
            "language": "tr",
        },
    )

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "tr"
    user = EmailAddress.objects.get(email="invitee@example.test").user
    assert user.language == "tr"


def test_the_settings_page_changes_it_too(client, parent):
    client.force_login(parent)

    client.post(
        reverse("account_settings"), {"action": "profile", "name": "Ayla", "language": "ar"}
    )

    parent.refresh_from_db()
    assert parent.language == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get(reverse("account_settings")).content.decode()
