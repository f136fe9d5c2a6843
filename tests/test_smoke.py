import pytest

from accounts.roles import roles_for

from . import factories

pytestmark = pytest.mark.django_db


def test_roles_read_in_one_query(django_assert_num_queries, school):
    user = factories.staff(school)
    factories.CoordinatorMembershipFactory(user=user)
    factories.HeroFactory(user=user)
    factories.ProgrammeMembershipFactory(user=user)
    with django_assert_num_queries(1):
        roles = roles_for(user)
    assert roles.is_staff and roles.is_coordinator and roles.is_hero and roles.has_mfa
    assert roles.is_programme
    assert roles.staff_of == {school.pk}
    assert roles.names == ["coordinator", "staff", "hero", "programme"]


def test_a_person_with_no_role_has_none():
    roles = roles_for(factories.UserFactory())
    assert roles.names == []
    assert not roles.needs_mfa
    assert not roles.is_programme
