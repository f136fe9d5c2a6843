"""The role loader and the national programme team: a ProgrammeMembership row is the role, read
in the same single query as every other role."""

import pytest

from accounts.roles import roles_for
from schools.models import ProgrammeMembership
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_programme_membership_makes_a_programme_member_in_one_query(django_assert_num_queries):
    user = factories.programme()

    with django_assert_num_queries(1):
        roles = roles_for(user)

    assert roles.is_programme and roles.has_mfa
    assert roles.names == ["programme"]
    assert roles.coordinator_of == frozenset() and roles.staff_of == frozenset()
    assert roles.hero_municipality is None


def test_someone_elses_membership_makes_nobody_a_programme_member(programme):
    assert not roles_for(factories.UserFactory()).is_programme


def test_the_role_ends_with_the_membership(programme):
    ProgrammeMembership.objects.filter(user=programme).delete()

    assert roles_for(programme).names == []


def test_a_coordinator_on_the_programme_team_holds_both_roles(municipality):
    user = factories.coordinator(municipality)
    factories.ProgrammeMembershipFactory(user=user)

    roles = roles_for(user)

    assert roles.names == ["coordinator", "programme"]
    assert roles.coordinator_of == {municipality.pk}
