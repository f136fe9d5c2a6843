"""Writes to organisations: validation becomes ValidationError, never IntegrityError."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import roles_for
from schools import services
from schools.models import Group, Neighbourhood, School, SchoolClosure
from tests import factories

pytestmark = pytest.mark.django_db


def test_neighbourhood_with_a_school_cannot_be_deleted(school):
    with pytest.raises(services.InUseError):
        services.neighbourhood_delete(neighbourhood=school.neighbourhood)
    assert Neighbourhood.objects.filter(pk=school.neighbourhood_id).exists()


def test_empty_neighbourhood_is_deleted(municipality):
    empty = factories.NeighbourhoodFactory(municipality=municipality)
    services.neighbourhood_delete(neighbourhood=empty)
    assert not Neighbourhood.objects.filter(pk=empty.pk).exists()


def test_neighbourhood_names_are_unique_per_municipality_ignoring_case(school):
    with pytest.raises(ValidationError) as error:
        services.neighbourhood_create(
            municipality=school.neighbourhood.municipality,
            name=school.neighbourhood.name.upper(),
        )
    assert "name" in error.value.error_dict


def test_same_neighbourhood_name_is_fine_in_another_municipality(school, other_school):
    created = services.neighbourhood_create(
        municipality=other_school.neighbourhood.municipality, name=school.neighbourhood.name
    )
    assert created.pk


def test_duplicate_brin_raises_validation_error(school):
    with pytest.raises(ValidationError) as error:
        services.school_create(
            neighbourhood=school.neighbourhood,
            name="Kopie",
            brin=school.brin,
            level="po",
            street="Straat 1",
            postcode="1506 AB",
            city="Zaandam",
        )
    assert "brin" in error.value.error_dict
    assert School.objects.count() == 1


def test_school_cannot_move_to_another_municipality(school, other_school):
    with pytest.raises(ValidationError) as error:
        services.school_update(school=school, data={"neighbourhood": other_school.neighbourhood})
    assert "neighbourhood" in error.value.error_dict
    school.refresh_from_db()
    assert school.neighbourhood_id != other_school.neighbourhood_id


def test_school_type_is_fixed_once_it_has_groups(school):
    factories.GroupFactory(school=school, grade=8)
    with pytest.raises(ValidationError) as error:
        services.school_update(school=school, data={"level": School.Level.VO})
    assert "level" in error.value.error_dict


def test_school_with_staff_is_not_deleted(school, staff):
    with pytest.raises(services.InUseError):
        services.school_delete(school=school)
    assert School.objects.filter(pk=school.pk).exists()


@pytest.mark.parametrize(
    ("level", "grade", "allowed"),
    [("po", 8, True), ("vo", 6, True), ("vo", 7, False), ("po", 9, False)],
)
def test_group_grade_fits_the_school_type(municipality, level, grade, allowed):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level=level)

    def create():
        return services.group_create(
            school=school, name="A", grade=grade, school_year="2026-2027", pupils=20
        )

    if allowed:
        assert create().grade == grade
    else:
        with pytest.raises(ValidationError) as error:
            create()
        assert "grade" in error.value.error_dict
        assert not Group.objects.exists()


def test_group_name_is_unique_per_school_year(school):
    factories.GroupFactory(school=school, name="7B", school_year="2026-2027")
    with pytest.raises(ValidationError) as error:
        services.group_create(school=school, name="7b", grade=7, school_year="2026-2027", pupils=20)
    assert "name" in error.value.error_dict
    next_year = services.group_create(
        school=school, name="7B", grade=7, school_year="2027-2028", pupils=20
    )
    assert next_year.pk


def test_group_update_keeps_its_own_name(school):
    group = factories.GroupFactory(school=school, name="7B", grade=7)
    updated = services.group_update(group=group, data={"name": "7B", "pupils": 30})
    assert updated.pupils == 30


def test_closure_for_whole_municipality_needs_a_coordinator(staff, school):
    roles = roles_for(staff)
    with pytest.raises(PermissionDenied):
        services.closure_create(
            roles=roles,
            municipality=school.neighbourhood.municipality,
            name="Vakantie",
            kind="holiday",
            start_date=dt.date(2027, 2, 13),
            end_date=dt.date(2027, 2, 21),
        )
    assert not SchoolClosure.objects.exists()


def test_staff_closure_takes_the_school_municipality(staff, school):
    closure = services.closure_create(
        roles=roles_for(staff),
        school=school,
        name="Studiedag",
        kind="study_day",
        start_date=dt.date(2027, 3, 3),
        end_date=dt.date(2027, 3, 3),
    )
    assert closure.municipality == school.neighbourhood.municipality


def test_staff_cannot_close_another_school(staff, outsider_staff):
    other = outsider_staff.staff_memberships.get().school
    with pytest.raises(PermissionDenied):
        services.closure_create(
            roles=roles_for(staff),
            school=other,
            name="Studiedag",
            kind="study_day",
            start_date=dt.date(2027, 3, 3),
            end_date=dt.date(2027, 3, 3),
        )


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.date(2027, 3, 3), dt.date(2027, 3, 2)), (dt.date(2027, 1, 1), dt.date(2028, 6, 1))],
)
def test_closure_date_range_is_checked(coordinator, municipality, start, end):
    with pytest.raises(ValidationError) as error:
        services.closure_create(
            roles=roles_for(coordinator),
            municipality=municipality,
            name="Vakantie",
            kind="holiday",
            start_date=start,
            end_date=end,
        )
    assert "end_date" in error.value.error_dict
    assert not SchoolClosure.objects.exists()


def test_coordinator_closure_school_must_match_the_municipality(
    coordinator, municipality, other_school
):
    factories.CoordinatorMembershipFactory(
        user=coordinator, municipality=other_school.neighbourhood.municipality
    )
    with pytest.raises(ValidationError) as error:
        services.closure_create(
            roles=roles_for(coordinator),
            municipality=municipality,
            school=other_school,
            name="Studiedag",
            kind="study_day",
            start_date=dt.date(2027, 3, 3),
            end_date=dt.date(2027, 3, 3),
        )
    assert "school" in error.value.error_dict


def test_staff_cannot_delete_a_municipality_closure(staff, school):
    holiday = factories.ClosureFactory(municipality=school.neighbourhood.municipality)
    with pytest.raises(PermissionDenied):
        services.closure_delete(roles=roles_for(staff), closure=holiday)
    assert SchoolClosure.objects.filter(pk=holiday.pk).exists()
