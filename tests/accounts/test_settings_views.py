import re

import pytest
from django.urls import reverse

from accounts.authentication import token_digest
from accounts.models import ApiToken
from tests import factories
from tests.helpers import login

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


def test_token_is_shown_once_after_creation(client, staff):
    client.force_login(staff)
    response = client.post(URL, {"action": "token_create"})
    key = response.context["new_token"]
    assert ApiToken.objects.get(user=staff).digest == token_digest(key)
    assert key in response.content.decode()
    assert key not in client.get(URL).content.decode()


def test_regenerating_the_token_stops_the_old_one(client, coordinator):
    client.force_login(coordinator)
    client.post(URL, {"action": "token_create"})
    old = ApiToken.objects.get(user=coordinator).digest
    client.post(URL, {"action": "token_create"})
    assert ApiToken.objects.get(user=coordinator).digest != old
    assert not ApiToken.objects.filter(digest=old).exists()


def test_revoking_the_token_removes_it(client, staff):
    client.force_login(staff)
    client.post(URL, {"action": "token_create"})
    response = client.post(URL, {"action": "token_revoke"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=staff).exists()


def test_a_programme_member_may_make_a_token_to_read_figures(client, programme):
    page = login(client, programme).get(URL).content.decode()
    assert 'id="token-head"' in page

    response = client.post(URL, {"action": "token_create"})

    assert ApiToken.objects.get(user=programme).digest == token_digest(
        response.context["new_token"]
    )


def test_a_site_admin_may_make_a_token_for_an_integration(client):
    admin = factories.UserFactory(is_staff=True)
    factories.give_mfa(admin)
    login(client, admin).post(URL, {"action": "token_create"})
    assert ApiToken.objects.filter(user=admin).exists()


@pytest.mark.parametrize("who", ["parent", "hero"])
def test_parents_and_heroes_see_no_token_and_cannot_make_one(client, municipality, who):
    user = (
        factories.parent()
        if who == "parent"
        else factories.HeroFactory(municipality=municipality).user
    )
    page = login(client, user).get(URL).content.decode()
    words = re.sub(r"<[^>]+>", " ", page[page.index("<main") :])  # what the person reads
    assert "token" not in words.lower() and "API" not in words

    response = client.post(URL, {"action": "token_create"})

    assert response.status_code == 403
    assert "Only school staff, coordinators and the programme team" in response.content.decode()
    assert not ApiToken.objects.filter(user=user).exists()


def test_mfa_page_explains_and_links_to_setup(client, school):
    user = factories.UserFactory()
    factories.StaffMembershipFactory(user=user, school=school)
    client.force_login(user)
    html = client.get(reverse("mfa_required")).content.decode()
    assert reverse("mfa_activate_totp") in html
    assert reverse("mfa_index") in html
