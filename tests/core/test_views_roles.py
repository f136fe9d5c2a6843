"""The page decorators of core.views: each lets in its own role, answers 403 to everyone else
who is signed in and sends anonymous people to log in. Asked through the whole middleware
stack (request.roles comes from the role loader), on a page of this module's own."""

import pytest
from django.http import HttpResponse
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns
from core import views as core_views
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

DECORATORS = (
    "coordinator_required",
    "staff_required",
    "manager_required",
    "hero_required",
    "parent_required",
    "programme_required",
)


def _page(request):
    return HttpResponse("let in")


urlpatterns = [
    *(path(f"_roles/{name}/", getattr(core_views, name)(_page)) for name in DECORATORS),
    *site_urlpatterns,
]

# Who each decorator lets in; every other signed-in person gets a 403.
LET_IN = {
    "coordinator_required": {"coordinator"},
    "staff_required": {"staff"},
    "manager_required": {"staff", "coordinator"},
    "hero_required": {"hero"},
    "parent_required": {"parent"},
    "programme_required": {"programme"},
}


def _person(kind: str, municipality):
    if kind == "coordinator":
        return factories.coordinator(municipality)
    if kind == "staff":
        return factories.staff(factories.SchoolFactory(neighbourhood__municipality=municipality))
    if kind == "hero":
        return factories.HeroFactory(municipality=municipality).user
    if kind == "parent":
        return factories.parent()
    if kind == "programme":
        return factories.programme()
    if kind == "site admin":
        admin = factories.UserFactory(is_staff=True)
        factories.give_mfa(admin)
        return admin
    return factories.UserFactory()  # no role at all


PEOPLE = ("coordinator", "staff", "hero", "parent", "programme", "site admin", "no role")


@pytest.mark.parametrize("decorator", DECORATORS)
@pytest.mark.parametrize("kind", PEOPLE)
def test_a_role_page_lets_in_its_own_role_and_refuses_the_others(
    client, municipality, decorator, kind
):
    client.force_login(_person(kind, municipality))

    response = client.get(f"/_roles/{decorator}/")

    if kind in LET_IN[decorator]:
        assert response.status_code == 200 and response.content == b"let in"
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("decorator", DECORATORS)
def test_anonymous_people_are_sent_to_log_in(client, decorator):
    response = client.get(f"/_roles/{decorator}/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_programme_member_without_a_second_factor_sets_one_up_first(client):
    user = factories.UserFactory()
    factories.ProgrammeMembershipFactory(user=user)
    client.force_login(user)

    response = client.get("/_roles/programme_required/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_required")
