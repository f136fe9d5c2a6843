"""The national programme team is kept in the Django admin: a site admin lists, finds and adds
its members (there is no invitation for it)."""

import pytest
from django.urls import reverse

from accounts.roles import roles_for
from schools.models import ProgrammeMembership
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:schools_programmemembership_changelist"


@pytest.fixture
def admin_client(client):
    """A site admin with a second factor: the admin needs one like any coordinator page."""
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.give_mfa(admin)
    client.force_login(admin)
    return client


def test_a_site_admin_lists_and_finds_programme_team_members(admin_client):
    factories.programme(email="landelijk@example.test")
    factories.programme(email="anders@example.test")

    everyone = admin_client.get(reverse(CHANGELIST))
    found = admin_client.get(reverse(CHANGELIST), {"q": "landelijk@"})

    assert everyone.status_code == found.status_code == 200
    assert everyone.context["cl"].result_count == 2
    assert [m.user.email for m in found.context["cl"].result_list] == ["landelijk@example.test"]


def test_a_site_admin_adds_a_member_who_then_holds_the_role(admin_client):
    person = factories.UserFactory()
    add = reverse("admin:schools_programmemembership_add")
    assert admin_client.get(add).status_code == 200

    response = admin_client.post(add, {"user": person.pk})

    assert response.status_code == 302, response.context["adminform"].errors
    membership = ProgrammeMembership.objects.get(user=person)
    change = reverse("admin:schools_programmemembership_change", args=[membership.pk])
    assert admin_client.get(change).status_code == 200
    assert roles_for(person).is_programme


def test_a_person_is_on_the_team_once(admin_client, programme):
    response = admin_client.post(
        reverse("admin:schools_programmemembership_add"), {"user": programme.pk}
    )

    assert response.status_code == 200  # the form again, with the error
    assert ProgrammeMembership.objects.filter(user=programme).count() == 1
