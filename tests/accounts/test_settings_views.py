import pytest
from django.urls import reverse

from accounts.authentication import token_digest
from accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/accounts/settings/"


def test_settings_need_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_settings_link_to_email_password_and_two_step_pages(client, parent):
    client.force_login(parent)
    html = client.get(URL).content.decode()
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert reverse(name) in html


def test_changing_language_saves_it_and_switches_the_site(client, parent):
    parent.language = "nl"
    parent.save()
    client.force_login(parent)
    response = client.post(URL, {"action": "profile", "name": "Ayla", "language": "en"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.name, parent.language) == ("Ayla", "en")
    assert response.cookies["django_language"].value == "en"
    page = client.get(URL)
    assert '<html lang="en"' in page.content.decode()
    assert "Your settings are saved." in page.content.decode()


def test_invalid_settings_show_the_error_next_to_the_field(client, parent):
    client.force_login(parent)
    response = client.post(URL, {"action": "profile", "name": "", "language": "xx"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in html and 'id="id_language_error"' in html
    parent.refresh_from_db()
    assert parent.name


def test_token_is_shown_once_after_creation(client, parent):
    client.force_login(parent)
    response = client.post(URL, {"action": "token_create"})
    key = response.context["new_token"]
    assert ApiToken.objects.get(user=parent).digest == token_digest(key)
    assert key in response.content.decode()
    assert key not in client.get(URL).content.decode()


def test_regenerating_the_token_stops_the_old_one(client, parent):
    client.force_login(parent)
    client.post(URL, {"action": "token_create"})
    old = ApiToken.objects.get(user=parent).digest
    client.post(URL, {"action": "token_create"})
    assert ApiToken.objects.get(user=parent).digest != old
    assert not ApiToken.objects.filter(digest=old).exists()


def test_revoking_the_token_removes_it(client, parent):
    client.force_login(parent)
    client.post(URL, {"action": "token_create"})
    response = client.post(URL, {"action": "token_revoke"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=parent).exists()


def test_mfa_page_explains_and_links_to_setup(client, school):
    user = factories.UserFactory()
    factories.StaffMembershipFactory(user=user, school=school)
    client.force_login(user)
    html = client.get(reverse("mfa_required")).content.decode()
    assert reverse("mfa_activate_totp") in html
    assert reverse("mfa_index") in html
