"""Municipalities, neighbourhoods, schools with their groups, venues, and school closures."""

from __future__ import annotations

import datetime as dt

from demo import holidays
from demo.data import (
    AMSTERDAM_NEIGHBOURHOODS,
    AMSTERDAM_SCHOOLS,
    NEIGHBOURHOODS,
    PO_GROUPS,
    SCHOOLS,
    VENUES,
    VO_GROUPS,
    SchoolSpec,
)
from schools.models import (
    Group,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    Venue,
    current_school_year,
)


def build_zaanstad(today: dt.date) -> Municipality:
    """Zaanstad with its neighbourhoods, schools, groups, venues, holidays and a study day."""
    zaanstad, _ = Municipality.objects.update_or_create(
        slug="zaanstad",
        defaults={"name": "Zaanstad", "holiday_region": Municipality.HolidayRegion.NORTH},
    )
    wijken = {
        name: Neighbourhood.objects.update_or_create(
            municipality=zaanstad, name=name, defaults={"is_target_area": target}
        )[0]
        for name, target in NEIGHBOURHOODS
    }
    build_schools(SCHOOLS, wijken, today)
    build_venues(wijken)
    build_holidays(zaanstad, today)
    build_study_day(School.objects.get(brin="99ZA"), today)
    return zaanstad


def build_schools(
    specs: list[SchoolSpec], wijken: dict[str, Neighbourhood], today: dt.date
) -> None:
    """The schools, each with its groups of this school year and the last (one pupil less a
    group then): the steering figures count the pupils of a school year."""
    this_year = current_school_year(today)
    last_year = previous_school_year(this_year)
    for spec in specs:
        school = upsert_school(spec, wijken[spec.wijk])
        for group_name, grade, pupils in PO_GROUPS if spec.level == "po" else VO_GROUPS:
            for year, size in ((last_year, pupils - 1), (this_year, pupils)):
                Group.objects.update_or_create(
                    school=school,
                    school_year=year,
                    name=group_name,
                    defaults={"grade": grade, "pupils": size},
                )


def previous_school_year(school_year: str) -> str:
    """ "2026-2027" -> "2025-2026"."""
    start = int(school_year[:4])
    return f"{start - 1}-{start}"


def build_venues(wijken: dict[str, Neighbourhood]) -> None:
    for spec in VENUES:
        Venue.objects.update_or_create(
            name=spec.name,
            neighbourhood=wijken[spec.wijk],
            defaults={
                "street": spec.street,
                "postcode": spec.postcode,
                "city": spec.city,
                "description": spec.description,
            },
        )


def upsert_school(spec: SchoolSpec, wijk: Neighbourhood) -> School:
    return School.objects.update_or_create(
        brin=spec.brin,
        defaults={
            "name": spec.name,
            "level": spec.level,
            "neighbourhood": wijk,
            "street": spec.street,
            "postcode": spec.postcode,
            "city": spec.city,
        },
    )[0]


def school_years(today: dt.date) -> list[str]:
    """This school year and the next, as "2026-2027" and "2027-2028"."""
    start = int(current_school_year(today)[:4])
    return [f"{start}-{start + 1}", f"{start + 1}-{start + 2}"]


def build_holidays(municipality: Municipality, today: dt.date) -> None:
    """The school holidays of this school year and the next, for the municipality's region,
    and the public holidays outside them on which schools are closed too."""
    for year in school_years(today):
        build_closures_of_year(municipality, year)


def build_closures_of_year(municipality: Municipality, year: str) -> None:
    """The school holidays and the public closing days of one school year."""
    region = municipality.holiday_region
    for holiday in holidays.school_holidays(region, year):
        upsert_closure(municipality, holiday, SchoolClosure.Kind.HOLIDAY)
    for day_off in holidays.public_closing_days(region, year):
        upsert_closure(municipality, day_off, SchoolClosure.Kind.OTHER)


def upsert_closure(
    municipality: Municipality, holiday: holidays.SchoolHoliday, kind: SchoolClosure.Kind
) -> SchoolClosure:
    """A closure of every school in the municipality, named like "Kerstvakantie 2026"."""
    return SchoolClosure.objects.update_or_create(
        municipality=municipality,
        school=None,
        name=f"{holiday.name} {holiday.first.year}",
        defaults={"kind": kind, "start_date": holiday.first, "end_date": holiday.last},
    )[0]


def build_study_day(school: School, today: dt.date) -> None:
    """A team study day on the second Wednesday of March in this school year."""
    march_first = dt.date(int(current_school_year(today)[5:]), 3, 1)
    day = march_first + dt.timedelta(days=(2 - march_first.weekday()) % 7 + 7)
    SchoolClosure.objects.update_or_create(
        municipality=school.neighbourhood.municipality,
        school=school,
        name=f"Studiedag team {day.year}",
        defaults={"kind": SchoolClosure.Kind.STUDY_DAY, "start_date": day, "end_date": day},
    )


def build_amsterdam(today: dt.date) -> Municipality:
    """A second, smaller municipality: a coordinator sees that others' data stays out of
    view, and the national figures compare two municipalities."""
    amsterdam, _ = Municipality.objects.update_or_create(
        slug="amsterdam",
        defaults={"name": "Amsterdam", "holiday_region": Municipality.HolidayRegion.NORTH},
    )
    wijken = {
        name: Neighbourhood.objects.update_or_create(
            municipality=amsterdam, name=name, defaults={"is_target_area": target}
        )[0]
        for name, target in AMSTERDAM_NEIGHBOURHOODS
    }
    build_schools(AMSTERDAM_SCHOOLS, wijken, today)
    build_holidays(amsterdam, today)
    return amsterdam
