"""Writes to organisations. Views fetch the objects through scoped selectors first; these
functions hold the rules (grades per school type, who may close a whole municipality) and
turn model validation into ValidationError, so a form can show it next to the field."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.refusals import Refusal

from .models import (
    CoordinatorMembership,
    Group,
    Municipality,
    Neighbourhood,
    ProgrammeMembership,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
)

if TYPE_CHECKING:
    from core.roles import Roles

# A closure longer than this is almost always a typo in the year.
MAX_CLOSURE_DAYS = 366


class InUseError(Refusal):
    """Deleting would orphan other rows; the message says what still depends on it."""

    code = "in_use"
    status = 409


def _save(instance: Model) -> Model:
    """Validate like a form would, then save; a concurrent duplicate becomes the same error."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("This conflicts with an existing record.")) from exc
    return instance


def _delete(instance: Model, message: str) -> None:
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError as exc:
        raise InUseError(message) from exc


def _stay_in_municipality(place: School | Venue, data: dict, message: str) -> None:
    """A school or venue may move to another neighbourhood, not to another municipality."""
    neighbourhood = data.get("neighbourhood", place.neighbourhood)
    if neighbourhood.municipality_id != place.neighbourhood.municipality_id:
        raise ValidationError({"neighbourhood": message})


def _assign(instance: Model, data: dict) -> Model:
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def _municipality_name_taken(name: str) -> ValidationError:
    return ValidationError(
        {"name": _("There is already a municipality called %(name)s.") % {"name": name}}
    )


def _free_slug(name: str) -> str:
    """The municipality's address word: its name in plain letters, numbered when taken
    ("Bergen (NH)" is "bergen-nh"; a later "Bergen NH" gets "bergen-nh-2")."""
    base = slugify(name)[:90] or "gemeente"
    taken = set(Municipality.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _neighbourhood_names(neighbourhoods: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The neighbourhoods to add, each once (in any case; a target area if any line says so)."""
    found: dict[str, tuple[str, bool]] = {}
    for name, is_target_area in neighbourhoods:
        name = " ".join(name.split())
        if not name:
            continue
        if len(name) > Neighbourhood._meta.get_field("name").max_length:
            message = _("“%(name)s” is too long for a neighbourhood.") % {"name": name}
            raise ValidationError({"neighbourhoods": message})
        first = found.get(name.casefold(), (name, False))
        found[name.casefold()] = (first[0], first[1] or is_target_area)
    return list(found.values())


def municipality_create(
    *,
    name: str,
    holiday_region: str,
    neighbourhoods: Sequence[tuple[str, bool]] = (),
    submission_key: uuid.UUID | None = None,
) -> Municipality:
    """A new municipality with its neighbourhoods ((name, is target area) pairs), in the
    caller's transaction. A name that exists in any case is a ValidationError on `name`; two
    adding the same name at the same moment: the database refuses the second (IntegrityError,
    left to the caller, who may know it was the same form sent twice: core.once)."""
    name = " ".join(name.split())
    if Municipality.objects.filter(name__iexact=name).exists():
        raise _municipality_name_taken(name)
    names = _neighbourhood_names(neighbourhoods)
    municipality = Municipality(
        name=name,
        slug=_free_slug(name),
        holiday_region=holiday_region,
        submission_key=submission_key,
    )
    municipality.full_clean(exclude=["submission_key"], validate_constraints=False)
    municipality.save()
    Neighbourhood.objects.bulk_create(
        Neighbourhood(municipality=municipality, name=hood, is_target_area=target)
        for hood, target in names
    )
    return municipality


def _check_neighbourhood_name(neighbourhood: Neighbourhood) -> None:
    taken = Neighbourhood.objects.filter(
        municipality_id=neighbourhood.municipality_id, name__iexact=neighbourhood.name
    ).exclude(pk=neighbourhood.pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("This municipality already has a neighbourhood with this name.")}
        )


@transaction.atomic
def neighbourhood_create(
    *, municipality: Municipality, name: str, is_target_area: bool = False
) -> Neighbourhood:
    neighbourhood = Neighbourhood(
        municipality=municipality, name=name, is_target_area=is_target_area
    )
    _check_neighbourhood_name(neighbourhood)
    return _save(neighbourhood)


@transaction.atomic
def neighbourhood_update(
    *, neighbourhood: Neighbourhood, name: str, is_target_area: bool
) -> Neighbourhood:
    _assign(neighbourhood, {"name": name, "is_target_area": is_target_area})
    _check_neighbourhood_name(neighbourhood)
    return _save(neighbourhood)


@transaction.atomic
def neighbourhood_delete(*, neighbourhood: Neighbourhood) -> None:
    if neighbourhood.schools.exists() or neighbourhood.venues.exists():
        raise InUseError(
            _(
                "This neighbourhood still has schools or venues. Move them to another "
                "neighbourhood first."
            )
        )
    _delete(neighbourhood, _("This neighbourhood is still in use."))


@transaction.atomic
def school_create(
    *,
    neighbourhood: Neighbourhood,
    name: str,
    brin: str,
    level: str,
    street: str,
    postcode: str,
    city: str,
) -> School:
    school = School(
        neighbourhood=neighbourhood,
        name=name,
        brin=brin,
        level=level,
        street=street,
        postcode=postcode,
        city=city,
    )
    return _save(school)


@transaction.atomic
def school_update(*, school: School, data: dict) -> School:
    """Change a school's details; a new neighbourhood must lie in the same municipality."""
    _stay_in_municipality(school, data, _("Choose a neighbourhood in the school's municipality."))
    if data.get("level", school.level) != school.level and school.groups.exists():
        raise ValidationError(
            {"level": _("This school has groups; their grades depend on the school type.")}
        )
    return _save(_assign(school, data))


@transaction.atomic
def school_delete(*, school: School) -> None:
    if school.groups.exists() or school.staff.exists():
        raise InUseError(
            _("This school still has groups or staff. Remove them before deleting the school.")
        )
    _delete(school, _("This school is still in use, for example by activities."))


@transaction.atomic
def venue_create(
    *,
    neighbourhood: Neighbourhood,
    name: str,
    street: str,
    postcode: str,
    city: str,
    description: str = "",
) -> Venue:
    venue = Venue(
        neighbourhood=neighbourhood,
        name=name,
        street=street,
        postcode=postcode,
        city=city,
        description=description,
    )
    return _save(venue)


@transaction.atomic
def venue_update(*, venue: Venue, data: dict) -> Venue:
    _stay_in_municipality(venue, data, _("Choose a neighbourhood in the venue's municipality."))
    return _save(_assign(venue, data))


@transaction.atomic
def venue_delete(*, venue: Venue) -> None:
    _delete(venue, _("This venue is still in use, for example by activities."))


def _check_grade(school: School, grade: int) -> None:
    if grade not in school.grades:
        raise ValidationError(
            {
                "grade": _("Choose a grade from %(first)s to %(last)s for this school.")
                % {"first": school.grades[0], "last": school.grades[-1]}
            }
        )


def _check_school_year(school_year: str) -> None:
    first, _sep, second = school_year.partition("-")
    if first.isdigit() and second.isdigit() and int(second) != int(first) + 1:
        raise ValidationError(
            {"school_year": _("A school year runs over two years in a row, like 2026-2027.")}
        )


def _check_group_name(group: Group) -> None:
    taken = Group.objects.filter(
        school_id=group.school_id, school_year=group.school_year, name__iexact=group.name
    ).exclude(pk=group.pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("This school already has a group with this name in this school year.")}
        )


@transaction.atomic
def group_create(*, school: School, name: str, grade: int, school_year: str, pupils: int) -> Group:
    _check_grade(school, grade)
    _check_school_year(school_year)
    group = Group(school=school, name=name, grade=grade, school_year=school_year, pupils=pupils)
    _check_group_name(group)
    return _save(group)


@transaction.atomic
def group_update(*, group: Group, data: dict) -> Group:
    _check_grade(group.school, data.get("grade", group.grade))
    _check_school_year(data.get("school_year", group.school_year))
    _assign(group, data)
    _check_group_name(group)
    return _save(group)


@transaction.atomic
def group_delete(*, group: Group) -> None:
    _delete(group, _("This group is still in use, for example by requested visits."))


def _check_closure_dates(start_date: dt.date, end_date: dt.date) -> None:
    if end_date < start_date:
        raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
    if (end_date - start_date).days >= MAX_CLOSURE_DAYS:
        raise ValidationError({"end_date": _("A closure can last at most a year.")})


def _closure_municipality(
    roles: Roles, *, municipality: Municipality | None, school: School | None
) -> Municipality:
    """Whose closure this is; only a coordinator may close every school of a municipality."""
    if school is not None:
        school_municipality = school.neighbourhood.municipality
        if municipality is not None and municipality.pk != school_municipality.pk:
            raise ValidationError({"school": _("Choose a school in this municipality.")})
        if school.pk not in roles.staff_of and school_municipality.pk not in roles.coordinator_of:
            raise PermissionDenied
        return school_municipality
    if municipality is None or municipality.pk not in roles.coordinator_of:
        raise PermissionDenied(_("Only a coordinator can close every school in a municipality."))
    return municipality


@transaction.atomic
def closure_create(
    *,
    roles: Roles,
    name: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    school: School | None = None,
    municipality: Municipality | None = None,
) -> SchoolClosure:
    """A closure for one school, or with no school for the whole municipality."""
    municipality = _closure_municipality(roles, municipality=municipality, school=school)
    _check_closure_dates(start_date, end_date)
    closure = SchoolClosure(
        municipality=municipality,
        school=school,
        name=name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
    )
    return _save(closure)


@transaction.atomic
def closure_update(*, roles: Roles, closure: SchoolClosure, data: dict) -> SchoolClosure:
    school = data.get("school", closure.school)
    _closure_municipality(roles, municipality=closure.municipality, school=school)
    _check_closure_dates(
        data.get("start_date", closure.start_date), data.get("end_date", closure.end_date)
    )
    return _save(_assign(closure, data))


@transaction.atomic
def closure_delete(*, roles: Roles, closure: SchoolClosure) -> None:
    _closure_municipality(roles, municipality=closure.municipality, school=closure.school)
    closure.delete()


# People


def memberships_end(*, user_pk: int) -> int:
    """The person leaves: they are no longer staff at any school, coordinator anywhere nor on
    the programme team."""
    staff, _ = StaffMembership.objects.filter(user_id=user_pk).delete()
    coordinators, _ = CoordinatorMembership.objects.filter(user_id=user_pk).delete()
    programme, _ = ProgrammeMembership.objects.filter(user_id=user_pk).delete()
    return staff + coordinators + programme
