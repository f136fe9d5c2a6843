import pytest
from django.urls import reverse

from schools.models import CoordinatorMembership, StaffMembership

from .. import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_without_mfa(school):
    user = factories.UserFactory()
    StaffMembership.objects.create(user=user, school=school)
    return user


@pytest.mark.parametrize("url_name", ["home", "account_settings", "schools:school_list"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, staff_without_mfa, url_name):
    client.force_login(staff_without_mfa)

    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")


def test_a_coordinator_without_a_second_factor_cannot_reach_invitations(client, municipality):
    user = factories.UserFactory()
    CoordinatorMembership.objects.create(user=user, municipality=municipality)
    client.force_login(user)

    response = client.get(reverse("invitation_list"))

    assert response["Location"] == reverse("mfa_required")


@pytest.mark.parametrize("path", ["/accounts/2fa/", "/accounts/two-step-required/"])
def test_the_pages_to_set_up_a_second_factor_stay_reachable(client, staff_without_mfa, path):
    client.force_login(staff_without_mfa)

    response = client.get(path)

    assert response.status_code in {200, 302}
    assert response.get("Location") != reverse("mfa_required")


def test_a_person_sees_the_site_in_the_language_of_their_settings(client):
    client.force_login(factories.parent(language="en"))

    response = client.get(reverse("home"))

    assert '<html lang="en"' in response.content.decode()


def test_the_language_switch_overrides_the_saved_language(client, settings):
    client.force_login(factories.parent(language="en"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    response = client.get(reverse("home"))

    assert '<html lang="nl"' in response.content.decode()
