"""`python manage.py demo`: a believable Zaanstad to look around in, built idempotently.

Every row is found by a natural key (slug, BRIN, email, name) and updated in place, so a
second run changes no counts. Later issues add their own data as further steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from heroes.models import Hero
from schools.models import (
    CoordinatorMembership,
    Group,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
    current_school_year,
)

PASSWORD = "demo-backontrack"

# (name, target area) — the programme focuses on Poelenburg and Peldersveld.
NEIGHBOURHOODS = [
    ("Poelenburg", True),
    ("Peldersveld", True),
    ("Saendelft", False),
    ("Kogerveld", False),
    ("Rosmolenwijk", False),
    ("Westerwatering", False),
    ("Zaandam-Zuid", False),
    ("Wormerveer", False),
]


@dataclass(frozen=True)
class SchoolSpec:
    brin: str
    name: str
    level: str
    wijk: str
    street: str
    postcode: str
    city: str = "Zaandam"


# Fictional schools with fictional BRIN codes (99 + two letters is not in use).
SCHOOLS = [
    SchoolSpec("99ZA", "Basisschool De Zaanvogel", "po", "Poelenburg", "Vogelweide 14", "1504 CA"),
    SchoolSpec("99ZB", "IKC De Regenboog", "po", "Peldersveld", "Pelderspad 3", "1504 DK"),
    SchoolSpec(
        "99ZC",
        "Kindcentrum De Vlinderboom",
        "po",
        "Saendelft",
        "Vlinderweg 21",
        "1567 KL",
        "Assendelft",
    ),
    SchoolSpec(
        "99ZD", "Basisschool Het Molenwiek", "po", "Rosmolenwijk", "Wiekstraat 8", "1502 GS"
    ),
    SchoolSpec(
        "99ZE", "Montessorischool De Wilgenhoek", "po", "Westerwatering", "Wilgenlaan 40", "1503 HB"
    ),
    SchoolSpec("99ZF", "Saenstroom College", "vo", "Kogerveld", "Kogerplein 1", "1507 VA"),
    SchoolSpec(
        "99ZG", "Vakcollege Wormerveer", "vo", "Wormerveer", "Zaanweg 110", "1521 DR", "Wormerveer"
    ),
    SchoolSpec("99ZH", "Het Zaanpoort Lyceum", "vo", "Zaandam-Zuid", "Poortlaan 5", "1506 ML"),
]
AMSTERDAM_SCHOOL = SchoolSpec(
    "99AM", "Basisschool Het Amstelpad", "po", "Slotervaart", "Amstelpad 9", "1065 AB", "Amsterdam"
)

VENUES = [
    (
        "jongerenHUB Poelenburg",
        "Poelenburg",
        "Hubplein 2",
        "1504 CG",
        "Zaandam",
        "Youth hub with youth workers, homework help and evening activities.",
    ),
    ("Sporthal Kogerveld", "Kogerveld", "Sportlaan 12", "1507 VB", "Zaandam", "Sports hall."),
]

# School holidays for region noord (the government's dates; spring and autumn are advice).
HOLIDAYS_NOORD = {
    "2025-2026": [
        ("Herfstvakantie", "2025-10-18", "2025-10-26"),
        ("Kerstvakantie", "2025-12-20", "2026-01-04"),
        ("Voorjaarsvakantie", "2026-02-21", "2026-03-01"),
        ("Meivakantie", "2026-04-25", "2026-05-03"),
        ("Zomervakantie", "2026-07-04", "2026-08-16"),
    ],
    "2026-2027": [
        ("Herfstvakantie", "2026-10-17", "2026-10-25"),
        ("Kerstvakantie", "2026-12-19", "2027-01-03"),
        ("Voorjaarsvakantie", "2027-02-13", "2027-02-21"),
        ("Meivakantie", "2027-04-24", "2027-05-02"),
        ("Zomervakantie", "2027-07-10", "2027-08-22"),
    ],
    "2027-2028": [
        ("Herfstvakantie", "2027-10-16", "2027-10-24"),
        ("Kerstvakantie", "2027-12-25", "2028-01-09"),
        ("Voorjaarsvakantie", "2028-02-19", "2028-02-27"),
        ("Meivakantie", "2028-04-22", "2028-04-30"),
        ("Zomervakantie", "2028-07-08", "2028-08-20"),
    ],
}

PO_GROUPS = [("Groep 5", 5, 26), ("Groep 6", 6, 24), ("Groep 7", 7, 27), ("Groep 8", 8, 25)]
VO_GROUPS = [("1A", 1, 28), ("1B", 1, 26), ("2A", 2, 27), ("3A", 3, 24)]


@dataclass(frozen=True)
class Login:
    email: str
    name: str
    role: str


LOGINS = [
    Login("coordinator@demo.test", "Fatima El Amrani", "Coordinator, Zaanstad"),
    Login("staff.po@demo.test", "Sanne de Vries", "Staff, Basisschool De Zaanvogel"),
    Login("staff.vo@demo.test", "Mehmet Yilmaz", "Staff, Saenstroom College"),
    Login("hero@demo.test", "Dennis Bakker", "Local Hero, Zaanstad"),
    Login("parent@demo.test", "Ilse Jansen", "Parent"),
]


class Command(BaseCommand):
    help = "Build the demo data (Zaanstad, schools, holidays, one login per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data has well-known passwords: it runs only with DEBUG on, or with --force."
            )
        today = timezone.localdate()
        with transaction.atomic():
            zaanstad = build_zaanstad(today)
            build_amsterdam(today)
            build_logins(zaanstad)
        if options["verbosity"] > 0:
            self.print_logins()

    def print_logins(self) -> None:
        width = max(len(login.email) for login in LOGINS)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in with:"))
        self.stdout.write(f"  {'email':<{width}}  {'password':<16}  role")
        for login in LOGINS:
            self.stdout.write(f"  {login.email:<{width}}  {PASSWORD:<16}  {login.role}")
        self.stdout.write(f"Open {settings.SITE_URL}/")


def build_zaanstad(today: dt.date) -> Municipality:
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
    year = current_school_year(today)
    for spec in SCHOOLS:
        school = upsert_school(spec, wijken[spec.wijk])
        for group_name, grade, pupils in PO_GROUPS if spec.level == "po" else VO_GROUPS:
            Group.objects.update_or_create(
                school=school,
                school_year=year,
                name=group_name,
                defaults={"grade": grade, "pupils": pupils},
            )
    for name, wijk, street, postcode, city, description in VENUES:
        Venue.objects.update_or_create(
            name=name,
            neighbourhood=wijken[wijk],
            defaults={
                "street": street,
                "postcode": postcode,
                "city": city,
                "description": description,
            },
        )
    build_holidays(zaanstad, today)
    build_study_day(School.objects.get(brin="99ZA"), today)
    return zaanstad


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
    for year in school_years(today):
        for name, first, last in HOLIDAYS_NOORD.get(year, []):
            start = dt.date.fromisoformat(first)
            SchoolClosure.objects.update_or_create(
                municipality=municipality,
                school=None,
                name=f"{name} {start.year}",
                defaults={
                    "kind": SchoolClosure.Kind.HOLIDAY,
                    "start_date": start,
                    "end_date": dt.date.fromisoformat(last),
                },
            )


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


def build_amsterdam(today: dt.date) -> None:
    """A second municipality, so a coordinator sees that others' data stays out of view."""
    amsterdam, _ = Municipality.objects.update_or_create(
        slug="amsterdam",
        defaults={"name": "Amsterdam", "holiday_region": Municipality.HolidayRegion.NORTH},
    )
    wijk, _ = Neighbourhood.objects.update_or_create(
        municipality=amsterdam, name=AMSTERDAM_SCHOOL.wijk, defaults={"is_target_area": True}
    )
    school = upsert_school(AMSTERDAM_SCHOOL, wijk)
    Group.objects.update_or_create(
        school=school,
        school_year=current_school_year(today),
        name="Groep 7",
        defaults={"grade": 7, "pupils": 25},
    )


def build_logins(zaanstad: Municipality) -> None:
    # One hash for all: hashing is slow on purpose, and this password is public anyway.
    password = make_password(PASSWORD)
    users = {login.email: upsert_user(login, password) for login in LOGINS}
    CoordinatorMembership.objects.get_or_create(
        user=users["coordinator@demo.test"], municipality=zaanstad
    )
    StaffMembership.objects.update_or_create(
        user=users["staff.po@demo.test"],
        school=School.objects.get(brin="99ZA"),
        defaults={"role": StaffMembership.Role.CONTACT},
    )
    StaffMembership.objects.update_or_create(
        user=users["staff.vo@demo.test"],
        school=School.objects.get(brin="99ZF"),
        defaults={"role": StaffMembership.Role.TEACHER},
    )
    Hero.objects.update_or_create(
        user=users["hero@demo.test"],
        defaults={"municipality": zaanstad, "display_name": "Dennis"},
    )


def upsert_user(login: Login, password: str) -> User:
    """A demo person: known password, verified email, and no second factor asked."""
    user, _ = User.objects.update_or_create(
        email=login.email,
        defaults={
            "name": login.name,
            "language": "nl",
            "mfa_exempt": True,
            "is_parent": login.email == "parent@demo.test",
            "password": password,
        },
    )
    EmailAddress.objects.update_or_create(
        user=user, email=login.email, defaults={"verified": True, "primary": True}
    )
    return user
