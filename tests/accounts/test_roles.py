"""The role loader (read once, kept in the cache until a membership changes) and the national
programme team: a ProgrammeMembership row is the role, read in the same single query as every
other role."""

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from accounts.roles import roles_for
from schools.models import ProgrammeMembership, StaffMembership
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


def test_roles_are_read_once_then_kept_until_a_membership_changes(
    django_assert_num_queries, school, municipality
):
    user = factories.UserFactory()
    assert roles_for(user).names == []

    with django_assert_num_queries(0):
        assert roles_for(user).names == []

    factories.StaffMembershipFactory(user=user, school=school)
    assert roles_for(user).staff_of == {school.pk}

    factories.CoordinatorMembershipFactory(user=user, municipality=municipality)
    assert roles_for(user).coordinator_of == {municipality.pk}

    StaffMembership.objects.filter(user=user).delete()
    assert roles_for(user).names == ["coordinator"]


def test_a_hero_who_leaves_and_a_second_factor_removed_are_seen_at_once(municipality):
    hero = factories.HeroFactory(municipality=municipality)
    user = hero.user
    assert roles_for(user).is_hero
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    assert roles_for(user).has_mfa

    Authenticator.objects.filter(user=user).delete()
    hero.left_at = timezone.now()
    hero.save()

    roles = roles_for(user)
    assert not roles.is_hero and not roles.has_mfa


def test_the_accounts_own_flags_are_never_taken_from_the_cache():
    user = factories.UserFactory()
    assert not roles_for(user).is_parent

    user.is_parent = True
    user.is_staff = True

    roles = roles_for(user)
    assert roles.is_parent and roles.is_site_admin
