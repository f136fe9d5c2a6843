"""core.roles.Roles: what each role asks of the person (a second factor) and allows them (an
API token), and the names the home page and the reminder choices go by."""

import pytest

from core.roles import NO_ROLES, Roles

PROGRAMME = Roles(is_programme=True)


def test_the_programme_team_is_a_role_of_its_own():
    assert PROGRAMME.is_programme and PROGRAMME.names == ["programme"]
    assert not (PROGRAMME.is_coordinator or PROGRAMME.is_staff or PROGRAMME.is_hero)
    assert not PROGRAMME.is_parent and not NO_ROLES.is_programme


@pytest.mark.parametrize(
    ("roles", "needs_mfa", "token"),
    [
        (PROGRAMME, True, True),
        (Roles(coordinator_of=frozenset({1})), True, True),
        (Roles(staff_of=frozenset({1})), True, True),
        (Roles(is_site_admin=True), True, True),
        (Roles(is_parent=True), False, False),
        (Roles(hero_municipality=1), False, False),
        (NO_ROLES, False, False),
    ],
)
def test_who_needs_a_second_factor_and_may_hold_a_token(roles, needs_mfa, token):
    assert roles.needs_mfa is needs_mfa
    assert roles.may_hold_api_token is token


def test_names_list_every_role_held_in_a_fixed_order():
    everything = Roles(
        coordinator_of=frozenset({1}),
        staff_of=frozenset({2}),
        hero_municipality=1,
        is_parent=True,
        is_programme=True,
    )
    assert everything.names == ["coordinator", "staff", "hero", "parent", "programme"]
