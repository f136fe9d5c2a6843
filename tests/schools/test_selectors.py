"""Scoped reads behind the organisation pages."""

import datetime as dt

import pytest
from django.http import Http404

from accounts.roles import roles_for
from schools import selectors
from tests import factories

pytestmark = pytest.mark.django_db


def test_groups_of_school_lists_the_current_year_first(school):
    older = factories.GroupFactory(school=school, school_year="2025-2026", grade=1)
    newer = factories.GroupFactory(school=school, school_year="2027-2028", grade=1)
    current = factories.GroupFactory(school=school, school_year="2026-2027", grade=8)
    assert list(selectors.groups_of_school(school, "2026-2027")) == [current, newer, older]


def test_upcoming_closures_include_the_municipality_and_skip_the_past(school, other_school):
    municipality = school.neighbourhood.municipality
    wide = factories.ClosureFactory(municipality=municipality)
    own = factories.ClosureFactory(
        municipality=municipality,
        school=school,
        start_date=dt.date(2026, 12, 1),
        end_date=dt.date(2026, 12, 1),
    )
    factories.ClosureFactory(
        municipality=municipality,
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 5),
    )
    sibling = factories.SchoolFactory(neighbourhood__municipality=municipality)
    factories.ClosureFactory(municipality=municipality, school=sibling)
    factories.ClosureFactory(municipality=other_school.neighbourhood.municipality)
    found = selectors.upcoming_closures_for_school(school, dt.date(2026, 11, 2))
    assert list(found) == [own, wide]


def test_closure_list_for_a_school_year_includes_closures_crossing_its_edges(
    coordinator, municipality
):
    summer = factories.ClosureFactory(
        municipality=municipality, start_date=dt.date(2027, 7, 17), end_date=dt.date(2027, 8, 29)
    )
    factories.ClosureFactory(
        municipality=municipality, start_date=dt.date(2025, 12, 20), end_date=dt.date(2026, 1, 4)
    )
    roles = roles_for(coordinator)
    assert list(selectors.closure_list_for(roles, school_year="2026-2027")) == [summer]
    assert list(selectors.closure_list_for(roles, school_year="2027-2028")) == [summer]
    assert selectors.closure_list_for(roles).count() == 2


def test_staff_may_edit_only_their_school_closures(staff, school):
    municipality = school.neighbourhood.municipality
    wide = factories.ClosureFactory(municipality=municipality)
    own = factories.ClosureFactory(municipality=municipality, school=school)
    roles = roles_for(staff)
    assert selectors.get_closure_for_editor(roles, own.pk) == own
    with pytest.raises(Http404):
        selectors.get_closure_for_editor(roles, wide.pk)


def test_neighbourhoods_managed_by_counts_schools_and_venues(coordinator, school):
    factories.VenueFactory(neighbourhood=school.neighbourhood)
    factories.VenueFactory(neighbourhood=school.neighbourhood)
    (row,) = selectors.neighbourhoods_managed_by(roles_for(coordinator))
    assert (row.school_count, row.venue_count) == (1, 2)


def test_neighbourhoods_managed_by_is_empty_for_staff(staff):
    assert not selectors.neighbourhoods_managed_by(roles_for(staff)).exists()


@pytest.mark.parametrize("person", ["outsider_coordinator", "staff", "parent"])
def test_get_school_for_coordinator_hides_schools_from_others(school, person, request):
    roles = roles_for(request.getfixturevalue(person))
    with pytest.raises(Http404):
        selectors.get_school_for_coordinator(roles, school.pk)


@pytest.mark.parametrize(
    ("person", "found"),
    [
        ("staff", True),
        ("coordinator", True),
        ("outsider_staff", False),
        ("outsider_coordinator", False),
    ],
)
def test_get_group_for_manager_is_scoped(school, person, found, request):
    group = factories.GroupFactory(school=school)
    roles = roles_for(request.getfixturevalue(person))
    if found:
        assert selectors.get_group_for_manager(roles, group.pk) == group
    else:
        with pytest.raises(Http404):
            selectors.get_group_for_manager(roles, group.pk)


def test_school_list_for_filters_by_neighbourhood_and_type(coordinator, municipality):
    east = factories.NeighbourhoodFactory(municipality=municipality)
    po = factories.SchoolFactory(neighbourhood=east)
    factories.SchoolFactory(neighbourhood=east, level="vo")
    factories.SchoolFactory(neighbourhood__municipality=municipality)
    roles = roles_for(coordinator)
    found = selectors.school_list_for(roles, neighbourhood_id=east.pk, level="po")
    assert list(found) == [po]
    assert selectors.school_list_for(roles).count() == 3
