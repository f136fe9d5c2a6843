"""`python manage.py demo`: a believable Zaanstad to look around in, built idempotently.

Every row is found by a natural key (slug, BRIN, email, name) and updated in place, so a
second run changes no counts. Later issues add their own data as further steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from activities import services as activity_services
from activities.models import Activity, Child, Enrolment
from activities.schedule import closures_for_school, session_dates
from heroes import services as hero_services
from heroes.models import Hero, Topic
from notifications.models import Notification
from scheduler import queue
from scheduler import services as scheduler_services
from scheduler.models import Kit, MatchingRun, Offer, SessionRequest
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
    help = (
        "Build the demo data (Zaanstad, schools, holidays, activities, one login per role). "
        "Idempotent."
    )

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
        last_mail = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        with transaction.atomic():
            zaanstad = build_zaanstad(today)
            build_amsterdam(today)
            build_logins(zaanstad)
            build_activities(today, timezone.now())
            build_heroes(zaanstad, today, timezone.now())
            build_sessions(zaanstad, today, timezone.now())
            mark_demo_mail_unsent(last_mail or 0)
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


# Activities

TZ = ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ActivitySpec:
    title: str
    brin: str
    category: str
    grades: tuple[int, int]
    capacity: int
    weekday: int
    hours: tuple[dt.time, dt.time]
    description: str
    venue: str = ""
    fill: int = 0  # places taken by demo families
    waiting: int = 0  # demo children on the waiting list after the places are gone
    lottery: bool = False
    priority_own_school: bool = False
    priority_wijken: tuple[str, ...] = ()
    parent_child: str = ""  # which child of parent@demo.test enrols, after the demo families
    offer: bool = False  # a demo family cancels, so the first one waiting gets an offer


def _t(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


HUB = "jongerenHUB Poelenburg"
ACTIVITIES = [
    ActivitySpec(
        "Voetbal op het plein", "99ZA", "sport", (3, 8), 12, 2, (_t(14), _t(15, 30)),
        "Elke woensdag samen voetballen op het schoolplein, met een trainer van de club.",
        fill=10, priority_wijken=("Poelenburg",), parent_child="Sem",
    ),
    ActivitySpec(
        "Theater en drama", "99ZA", "culture", (5, 8), 10, 0, (_t(15, 15), _t(16, 30)),
        "Spelen, verhalen maken en aan het eind een voorstelling voor de ouders.",
        fill=10, waiting=2, parent_child="Sem",
    ),
    ActivitySpec(
        "Streetdance", "99ZA", "culture", (4, 8), 12, 4, (_t(15, 30), _t(17)),
        "Dansen op je eigen muziek, met dansers uit de buurt.",
        venue=HUB, fill=12, parent_child="Sem", offer=True,
    ),
    ActivitySpec(
        "Robots bouwen", "99ZB", "technology", (5, 8), 12, 1, (_t(15), _t(16, 30)),
        "Bouw en programmeer je eigen robot.", fill=4,
    ),
    ActivitySpec(
        "Natuurspeurtocht", "99ZB", "nature", (3, 6), 14, 4, (_t(13, 30), _t(15)),
        "Op zoek naar dieren en planten in het park.", fill=5,
    ),
    ActivitySpec(
        "Koken met de buurt", "99ZC", "cooking", (6, 8), 8, 3, (_t(15), _t(16, 30)),
        "Samen gezond koken en daarna samen eten.", fill=3,
    ),
    ActivitySpec(
        "Huiswerkklas", "99ZF", "homework", (1, 3), 15, 3, (_t(15, 30), _t(17)),
        "Rustig je huiswerk maken, met hulp van studenten.",
        venue=HUB, fill=6, parent_child="Yara",
    ),
    ActivitySpec(
        "Kickboksen", "99ZF", "sport", (1, 4), 12, 1, (_t(16), _t(17, 30)),
        "Kickboksen met respect: techniek, conditie en zelfbeheersing.",
        venue=HUB, fill=11,
    ),
    ActivitySpec(
        "Muziekstudio", "99ZF", "culture", (1, 6), 10, 0, (_t(15), _t(16, 30)),
        "Maak je eigen beats en nummers in een echte studio. Er wordt geloot.",
        fill=14, lottery=True, priority_own_school=True,
        priority_wijken=("Poelenburg", "Peldersveld"), parent_child="Yara",
    ),
    ActivitySpec(
        "Game design", "99ZG", "technology", (1, 3), 16, 2, (_t(14), _t(16)),
        "Ontwerp en bouw je eigen computerspel.", fill=7,
    ),
]  # fmt: skip


@dataclass
class Family:
    """A demo parent who cannot log in, with one primary and one secondary school child."""

    email: str
    name: str
    children: dict[str, Child] = field(default_factory=dict)


FAMILY_NAMES = [
    ("Yilmaz", "Emre", "Elif"), ("El Idrissi", "Adam", "Salma"), ("de Boer", "Lucas", "Julia"),
    ("Bakker", "Finn", "Tess"), ("Kaya", "Mert", "Zeynep"), ("Mohan", "Ravi", "Anjali"),
    ("Visser", "Daan", "Lotte"), ("Benali", "Ilias", "Nour"), ("Smit", "Jesse", "Fenna"),
    ("Öztürk", "Kerem", "Defne"), ("Mulder", "Thijs", "Sara"), ("Ahmadi", "Omar", "Mariam"),
    ("de Jong", "Milan", "Evi"), ("Pinas", "Jayden", "Shanaya"), ("Meijer", "Luuk", "Isa"),
    ("Bouzid", "Yassin", "Hiba"), ("Koster", "Bram", "Roos"), ("Nowak", "Jakub", "Zofia"),
    ("Hassan", "Amir", "Leila"), ("Vos", "Sam", "Noa"),
]  # fmt: skip
PO_BRINS = ["99ZA", "99ZB", "99ZC", "99ZD", "99ZE"]
VO_BRINS = ["99ZF", "99ZG", "99ZH"]


def mark_demo_mail_unsent(last_before: int) -> None:
    """Every demo address is on .test, which no mail server accepts: keep the demo's mail
    readable in the outbox, marked as never sent, so no worker tries (and retries) it."""
    Notification.objects.filter(pk__gt=last_before, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED,
        last_error="Demo data: addresses on .test are never delivered.",
    )


def build_activities(today: dt.date, now: dt.datetime) -> None:
    """Activities across the coming term; an activity's enrolments are made with it, once."""
    families = build_families(now)
    parent = User.objects.get(email="parent@demo.test")
    own = build_parent_children(parent, now)
    authors = {
        "99ZA": User.objects.get(email="staff.po@demo.test"),
        "99ZF": User.objects.get(email="staff.vo@demo.test"),
    }
    coordinator = User.objects.get(email="coordinator@demo.test")
    for spec in ACTIVITIES:
        school = School.objects.get(brin=spec.brin)
        if Activity.objects.filter(title=spec.title, school=school).exists():
            continue
        author = authors.get(spec.brin, coordinator)
        activity = create_activity(spec, school, author, today, now)
        fill_activity(spec, activity, [family.children[school.level] for family in families], now)
        if spec.parent_child:
            child = own[spec.parent_child]
            activity_services.enrolment_create(
                guardian=parent, child=child, activity=activity, now=now + dt.timedelta(seconds=1)
            )
        if spec.offer:
            first = activity.enrolments.filter(status=Enrolment.Status.CONFIRMED).earliest("pk")
            activity_services.enrolment_cancel(enrolment=first, now=now + dt.timedelta(seconds=2))


def at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TZ)


def create_activity(
    spec: ActivitySpec, school: School, author: User, today: dt.date, now: dt.datetime
) -> Activity:
    """First come: open since two weeks, for four more; sessions from next week for 12 weeks.
    Lottery: applications close in three days and the draw is then."""
    first_date = today + dt.timedelta(days=10 if spec.lottery else 7)
    closes = (
        at(today + dt.timedelta(days=3), _t(20))
        if spec.lottery
        else at(today + dt.timedelta(days=28), _t(23))
    )
    venue = Venue.objects.get(name=spec.venue) if spec.venue else None
    data = {
        "title": spec.title,
        "description": spec.description,
        "category": spec.category,
        "venue": venue,
        "level": school.level,
        "grade_min": spec.grades[0],
        "grade_max": spec.grades[1],
        "capacity": spec.capacity,
        "enrolment_opens_at": at(today - dt.timedelta(days=14), _t(9)),
        "enrolment_closes_at": closes,
        "allocation": "lottery" if spec.lottery else "first_come",
        "priority_own_school": spec.priority_own_school,
        "weekday": spec.weekday,
        "start_time": spec.hours[0],
        "end_time": spec.hours[1],
        "first_date": first_date,
        "last_date": first_date + dt.timedelta(weeks=12),
    }
    wijken = Neighbourhood.objects.filter(
        municipality=school.neighbourhood.municipality, name__in=spec.priority_wijken
    )
    activity = activity_services.activity_create(
        school=school, created_by=author, data=data, neighbourhoods=wijken, now=now
    )
    return activity_services.activity_publish(activity=activity)


def fill_activity(spec: ActivitySpec, activity: Activity, children: list, now: dt.datetime):
    """Demo children take places (or apply), then some wait; a minute apart, in order."""
    for n, child in enumerate(children[: spec.fill + spec.waiting]):
        activity_services.enrolment_create(
            guardian=child.guardian,
            child=child,
            activity=activity,
            now=now - dt.timedelta(minutes=len(children) - n),
        )


def build_families(now: dt.datetime) -> list[Family]:
    """Twenty families with unusable passwords, whose children fill the activities."""
    families = []
    wijken = list(Neighbourhood.objects.filter(municipality__slug="zaanstad").order_by("name"))
    schools = {
        school.brin: school for school in School.objects.filter(brin__in=PO_BRINS + VO_BRINS)
    }
    for n, (surname, young, older) in enumerate(FAMILY_NAMES, start=1):
        family = Family(email=f"gezin{n:02d}@demo.test", name=f"Ouder {surname}")
        user, _ = User.objects.get_or_create(
            email=family.email,
            defaults={"name": family.name, "is_parent": True, "password": make_password(None)},
        )
        wijk = wijken[n % len(wijken)]
        family.children["po"] = demo_child(
            user, young, schools[PO_BRINS[n % len(PO_BRINS)]], 6, wijk, now
        )
        family.children["vo"] = demo_child(
            user, older, schools[VO_BRINS[n % len(VO_BRINS)]], 1, wijk, now
        )
        families.append(family)
    return families


def build_parent_children(parent: User, now: dt.datetime) -> dict[str, Child]:
    """Sem in groep 5 at De Zaanvogel and Yara in the first year at Saenstroom College."""
    poelenburg = Neighbourhood.objects.get(municipality__slug="zaanstad", name="Poelenburg")
    zaanvogel, saenstroom = School.objects.get(brin="99ZA"), School.objects.get(brin="99ZF")
    return {
        "Sem": demo_child(parent, "Sem", zaanvogel, 5, poelenburg, now, group="Groep 5"),
        "Yara": demo_child(parent, "Yara", saenstroom, 1, poelenburg, now, group="1A"),
    }


def demo_child(guardian, first_name, school, grade, wijk, now, group: str = "") -> Child:
    existing = Child.objects.filter(guardian=guardian, first_name=first_name).first()
    if existing:
        return existing
    data = {"first_name": first_name, "school": school, "grade": grade, "neighbourhood": wijk}
    if group:
        data["group"] = school.groups.filter(name=group).order_by("-school_year").first()
    return activity_services.child_register(guardian=guardian, data=data, consent=True, now=now)


# Local Heroes

HERO_TOPICS = [
    "Weerbaarheid",
    "Sport en gezondheid",
    "Geld en schulden",
    "Social media",
    "Werk en stage",
    "Groepsdruk",
]


@dataclass(frozen=True)
class HeroSpec:
    email: str
    name: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    home: str
    visits: tuple[str, ...]
    windows: tuple[tuple[int, int, int], ...]  # weekday, from hour, until hour
    vog_days: int | None  # VOG valid until today + this many days; None: no VOG yet
    vr_trained: bool = False
    story: str = ""


# hero@demo.test comes first; then about a dozen others who cannot log in.
HEROES = [
    HeroSpec(
        "hero@demo.test", "Dennis Bakker", ("Weerbaarheid", "Groepsdruk", "Werk en stage"),
        ("nl", "tr"), "Poelenburg", ("Poelenburg", "Peldersveld"), ((1, 13, 17), (3, 13, 17)),
        700, vr_trained=True,
        story="Ik groeide op in Poelenburg en werk nu als beveiliger. Ik vertel over keuzes "
        "maken, nee durven zeggen en wat je doet als vrienden je de verkeerde kant op trekken.",
    ),
    HeroSpec("hero.samira@demo.test", "Samira Amrani", ("Social media", "Groepsdruk"),
             ("nl", "ar", "ber"), "Peldersveld", ("Peldersveld", "Poelenburg"),
             ((0, 13, 16), (2, 9, 12)), 900, vr_trained=True),
    HeroSpec("hero.kemal@demo.test", "Kemal Demir", ("Sport en gezondheid", "Weerbaarheid"),
             ("nl", "tr"), "Kogerveld", ("Kogerveld", "Poelenburg"), ((1, 9, 12), (4, 13, 16)),
             -30),  # expired VOG
    HeroSpec("hero.shanice@demo.test", "Shanice Martina", ("Geld en schulden", "Werk en stage"),
             ("nl", "pap", "en"), "Zaandam-Zuid", ("Zaandam-Zuid", "Peldersveld"),
             ((2, 13, 17),), 40),  # expires within 60 days
    HeroSpec("hero.youssef@demo.test", "Youssef Bouali", ("Werk en stage",), ("nl", "ar"),
             "Poelenburg", ("Poelenburg",), ((3, 9, 15),), None),  # no VOG yet
    HeroSpec("hero.lisa@demo.test", "Lisa de Groot", ("Sport en gezondheid",), ("nl", "en"),
             "Westerwatering", ("Westerwatering", "Rosmolenwijk"), ((0, 9, 12), (2, 13, 16)),
             800, vr_trained=True),
    HeroSpec("hero.mustafa@demo.test", "Mustafa Yildiz", ("Geld en schulden", "Groepsdruk"),
             ("nl", "tr"), "Poelenburg", ("Poelenburg", "Kogerveld"), ((4, 9, 12),), 500),
    HeroSpec("hero.naima@demo.test", "Naima Ouali", ("Social media", "Weerbaarheid"),
             ("nl", "ber", "ar"), "Peldersveld", ("Peldersveld",), ((1, 13, 16), (3, 9, 12)),
             1000),
    HeroSpec("hero.rick@demo.test", "Rick Jansen", ("Sport en gezondheid", "Werk en stage"),
             ("nl",), "Wormerveer", ("Wormerveer", "Kogerveld"), ((2, 9, 15),), 600,
             vr_trained=True),
    HeroSpec("hero.esther@demo.test", "Esther Boateng", ("Geld en schulden", "Social media"),
             ("nl", "en"), "Zaandam-Zuid", ("Zaandam-Zuid", "Rosmolenwijk"),
             ((0, 13, 17), (3, 13, 17)), 400),
    HeroSpec("hero.jurgen@demo.test", "Jurgen Rosalia", ("Weerbaarheid", "Sport en gezondheid"),
             ("nl", "pap"), "Saendelft", ("Saendelft", "Westerwatering"), ((4, 13, 16),), 750),
    HeroSpec("hero.hatice@demo.test", "Hatice Kaya", ("Groepsdruk", "Social media"),
             ("nl", "tr", "en"), "Kogerveld", ("Kogerveld", "Poelenburg"), ((1, 9, 12),), 950),
    HeroSpec("hero.bas@demo.test", "Bas Visser", ("Werk en stage", "Geld en schulden"),
             ("nl",), "Rosmolenwijk", ("Rosmolenwijk",), ((2, 13, 16), (4, 9, 12)), 650,
             vr_trained=True),
]  # fmt: skip


def build_heroes(zaanstad: Municipality, today: dt.date, now: dt.datetime) -> None:
    """Topics and heroes of Zaanstad, each filled once through heroes.services: a hero who
    already has availability windows is left as they are (and may have been edited)."""
    topics = {
        name: Topic.objects.get_or_create(municipality=zaanstad, name=name)[0]
        for name in HERO_TOPICS
    }
    wijken = {w.name: w for w in Neighbourhood.objects.filter(municipality=zaanstad)}
    coordinator = User.objects.get(email="coordinator@demo.test")
    for spec in HEROES:
        hero = demo_hero(spec, zaanstad)
        if hero.availability.exists():
            continue
        fill_hero(spec, hero, topics, wijken, today, now, coordinator)


def demo_hero(spec: HeroSpec, zaanstad: Municipality) -> Hero:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create(
            email=spec.email, name=spec.name, language="nl", password=make_password(None)
        )
    return Hero.objects.get_or_create(
        user=user,
        defaults={"municipality": zaanstad, "display_name": spec.name.split()[0]},
    )[0]


def fill_hero(spec, hero, topics, wijken, today, now, coordinator) -> None:
    hero_services.hero_profile_update(
        hero=hero,
        story=spec.story or f"Ik ben {spec.name.split()[0]} en ik vertel graag over mijn werk.",
        topics=[topics[name] for name in spec.topics],
        languages=list(spec.languages),
        home_neighbourhood=wijken[spec.home],
        visit_neighbourhoods=[wijken[name] for name in spec.visits],
        max_visits_per_month=4,
    )
    if spec.vr_trained:
        hero_services.hero_vr_training_set(
            hero=hero, trained_on=today - dt.timedelta(days=120), now=now
        )
    for weekday, start, end in spec.windows:
        hero_services.availability_window_add(
            hero=hero, weekday=weekday, start_time=_t(start), end_time=_t(end)
        )
    if spec.vog_days is not None:
        valid_until = today + dt.timedelta(days=spec.vog_days)
        hero_services.vog_record(
            hero=hero,
            issued_on=min(valid_until - dt.timedelta(days=3 * 365), today),
            valid_until=valid_until,
            recorded_by=coordinator,
            now=now,
        )


# VR kits of Zaanstad: (name, headsets, home venue).
KITS = [("VR-kit Noord", 15, "jongerenHUB Poelenburg"), ("VR-kit Zuid", 12, None)]


@dataclass(frozen=True)
class RequestSpec:
    brin: str
    group: str
    kind: str
    topic: str | None
    weekday: int  # the preferred windows fall on the next school days with this weekday
    hours: tuple[int, int]
    language: str = "nl"
    notes: str = ""


# hero@demo.test (Dennis) is the only VR-trained hero free on Tuesdays: the first request is
# offered to him. The Somali one finds nobody, so the board shows a reason.
SESSION_REQUESTS = [
    RequestSpec("99ZF", "2A", "vr", "Groepsdruk", 1, (13, 16),
                notes="Graag in het lokaal met de grote tafels."),
    RequestSpec("99ZA", "Groep 7", "hero", "Social media", 0, (13, 16)),
    RequestSpec("99ZA", "Groep 8", "hero", "Werk en stage", 3, (9, 12)),
    RequestSpec("99ZD", "Groep 6", "hero", "Sport en gezondheid", 2, (9, 12)),
    RequestSpec("99ZH", "3A", "hero", "Geld en schulden", 0, (13, 16)),
    RequestSpec("99ZG", "1B", "vr", None, 2, (9, 12)),
    RequestSpec("99ZB", "Groep 5", "hero", "Weerbaarheid", 4, (9, 12), language="so",
                notes="Veel ouders spreken Somalisch; een held die dat spreekt zou mooi zijn."),
]  # fmt: skip


def build_sessions(zaanstad: Municipality, today: dt.date, now: dt.datetime) -> None:
    """Kits, a maintenance block, session requests and one matching run, built once."""
    for name, headsets, venue in KITS:
        if not Kit.objects.filter(municipality=zaanstad, name=name).exists():
            scheduler_services.kit_create(
                municipality=zaanstad,
                name=name,
                headsets=headsets,
                home_venue=Venue.objects.filter(name=venue).first() if venue else None,
            )
    if SessionRequest.objects.filter(school__neighbourhood__municipality=zaanstad).exists():
        return
    zuid = Kit.objects.get(municipality=zaanstad, name="VR-kit Zuid")
    block_day = next_school_days(School.objects.get(brin="99ZG"), 2, today, 1)[0]
    scheduler_services.kit_block_add(
        kit=zuid,
        starts_at=at(block_day, _t(8)),
        ends_at=at(block_day, _t(18)),
        reason="Onderhoud: nieuwe lenzen",
    )
    topics = {t.name: t for t in Topic.objects.filter(municipality=zaanstad)}
    requested_by = {
        "99ZA": User.objects.get(email="staff.po@demo.test"),
        "99ZF": User.objects.get(email="staff.vo@demo.test"),
    }
    year = current_school_year(today)
    for spec in SESSION_REQUESTS:
        school = School.objects.get(brin=spec.brin)
        days = next_school_days(school, spec.weekday, today, 2)
        scheduler_services.request_create(
            school=school,
            group=Group.objects.get(school=school, school_year=year, name=spec.group),
            requested_by=requested_by.get(spec.brin),
            kind=spec.kind,
            topic=topics.get(spec.topic) if spec.topic else None,
            language=spec.language,
            duration_min=90 if spec.kind == "vr" else 60,
            notes=spec.notes,
            windows=[(at(d, _t(spec.hours[0])), at(d, _t(spec.hours[1]))) for d in days],
            now=now,
        )
    run, _created = queue.run_request(
        municipality_id=zaanstad.pk, trigger=MatchingRun.Trigger.MANUAL
    )
    scheduler_services.run_execute(run.pk, now=now)
    # One visit is confirmed already, so school staff see what that looks like.
    offer = (
        Offer.objects.filter(request__school__brin="99ZA", status=Offer.Status.PENDING)
        .order_by("starts_at")
        .first()
    )
    if offer is not None:
        scheduler_services.offer_accept(offer=offer, now=now)


def next_school_days(school: School, weekday: int, today: dt.date, count: int) -> list[dt.date]:
    """The next `count` days with this weekday, at least four days ahead, outside closures."""
    first, last = today + dt.timedelta(days=4), today + dt.timedelta(days=124)
    closed = closures_for_school(school, first, last)
    return session_dates(weekday=weekday, first=first, last=last, closed=closed)[:count]
