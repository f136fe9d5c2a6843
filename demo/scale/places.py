"""Municipality, neighbourhoods, venues, holidays, schools with their groups, staff, and
families: parents and their children seated in the groups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .common import CONSENT_VERSION, bulk, given_times, weighted

NEIGHBOURHOODS = [
    "Centrum", "Noord", "Oost", "Zuid", "West", "Havenkwartier", "Molenwijk", "Parkbuurt",
    "Bloemenbuurt", "Schildersbuurt", "Rivierenbuurt", "Vogelbuurt", "Bomenbuurt",
    "Dichtersbuurt", "Stationsbuurt", "Kerkbuurt", "Oude Dorp", "Nieuwland", "Zeeheldenbuurt",
    "Sportpark", "Waterwijk", "Lindenhof", "De Weide", "Het Veld", "Kanaalzone",
]  # fmt: skip
SCHOOL_NAMES = [
    "De Regenboog", "De Klimop", "Het Kompas", "De Vlinder", "De Wereldboom", "De Linde",
    "Het Palet", "De Zonnewijzer", "De Springplank", "De Vuurtoren", "Het Anker", "De Ster",
    "De Bron", "De Toekomst", "Het Mozaiek", "De Horizon", "De Kameleon", "De Boomgaard",
]  # fmt: skip
FIRST_NAMES = [
    "Noah", "Emma", "Sem", "Julia", "Liam", "Mila", "Lucas", "Tess", "Finn", "Sophie", "Daan",
    "Zoë", "Levi", "Sara", "Milan", "Nora", "Adam", "Yara", "Mohamed", "Aya", "Yusuf", "Nour",
    "Ayoub", "Hiba", "Ilyas", "Salma", "Emir", "Elif", "Mert", "Zeynep", "Kerem", "Ecrin",
    "Jayden", "Naomi", "Dylan", "Shanice", "Kevin", "Amber", "Bram", "Fleur", "Jesse",
    "Lotte", "Thijs", "Sanne", "Ruben", "Iris", "Stijn", "Eva", "Mees", "Anna", "Oliwia",
    "Jakub", "Hanna", "Filip", "Dawit", "Selam", "Abdi", "Hodan", "Olena", "Artem",
]  # fmt: skip


class Places:
    """The places and people of the city (a part of demo.scale.CityBuilder)."""

    def add_places(self) -> None:
        from schools.models import Municipality, Neighbourhood, SchoolClosure, Venue

        s, rng, town = self.sizes, self.rng, self.town
        # The demo's Zaanstad and Amsterdam exist already: the city grows around them.
        self.municipality, created = Municipality.objects.get_or_create(
            slug=town.slug, defaults={"name": town.name, "holiday_region": town.region}
        )
        names = [
            NEIGHBOURHOODS[i % len(NEIGHBOURHOODS)]
            + (f" {i // len(NEIGHBOURHOODS) + 1}" if i >= len(NEIGHBOURHOODS) else "")
            for i in range(s.neighbourhoods)
        ]
        targets = set(rng.sample(range(s.neighbourhoods), s.target_areas))
        self.neighbourhoods = bulk(
            Neighbourhood,
            [
                Neighbourhood(
                    municipality=self.municipality, name=name, is_target_area=i in targets
                )
                for i, name in enumerate(names)
            ],
        )
        self.target_areas = [n for n in self.neighbourhoods if n.is_target_area]
        self.venues = bulk(
            Venue,
            [
                Venue(
                    name=f"Buurthuis {i + 1}" if i % 3 else f"Sporthal {i + 1}",
                    street=f"Pleinweg {i + 1}",
                    postcode=f"15{10 + i % 90:02d} VB",
                    city=town.name,
                    neighbourhood=rng.choice(self.neighbourhoods),
                )
                for i in range(s.venues)
            ],
        )
        if not created:
            return  # it has its holidays
        bulk(
            SchoolClosure,
            [
                SchoolClosure(
                    municipality=self.municipality,
                    name=h.name,
                    start_date=h.first,
                    end_date=h.last,
                    kind=SchoolClosure.Kind.HOLIDAY,
                )
                for h in self.cal.closures
            ],
        )

    def add_schools_and_groups(self) -> None:
        from schools.models import Group, School

        s, rng = self.sizes, self.rng
        schools = []
        for i in range(s.schools):
            n = self.town.brin_start + i
            level = School.Level.VO if i >= s.schools - s.secondary_schools else School.Level.PO
            base = SCHOOL_NAMES[i % len(SCHOOL_NAMES)]
            number = f" {i // len(SCHOOL_NAMES) + 1}" if i >= len(SCHOOL_NAMES) else ""
            schools.append(
                School(
                    name=f"Basisschool {base}{number}"
                    if level == School.Level.PO
                    else f"{base} College{number}",
                    brin=f"{10 + n // 676:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}",
                    level=level,
                    street=f"Schoolstraat {i + 1}",
                    postcode=f"{1500 + i % 500} AB",
                    city=self.town.name,
                    neighbourhood=self.neighbourhoods[i % len(self.neighbourhoods)],
                )
            )
        self.schools = bulk(School, schools)
        groups = []
        for school in self.schools:
            vo = school.level == School.Level.VO
            for grade in school.grades:
                for letter in "ABCDEF"[: rng.choice(s.vo_groups if vo else s.po_groups)]:
                    groups.append(
                        Group(
                            school=school,
                            name=f"{'Klas' if vo else 'Groep'} {grade}{letter}",
                            grade=grade,
                            school_year=self.cal.year,
                            pupils=rng.randint(22 if vo else 18, 30),
                        )
                    )
        self.groups = bulk(Group, groups)
        self.groups_of = defaultdict(list)
        for group in self.groups:
            self.groups_of[group.school_id].append(group)

    def add_staff(self) -> None:
        from accounts.models import User
        from schools.models import StaffMembership

        s = self.sizes
        users = bulk(
            User,
            [
                User(
                    email=f"staff{i}.{j}@{self.town.domain}",
                    name=f"Medewerker {i}.{j}",
                    password=self.password,
                    mfa_exempt=self.mfa_exempt,
                )
                for i in range(s.schools)
                for j in range(s.staff_per_school)
            ],
        )
        self.staff_of = defaultdict(list)
        memberships = []
        for k, user in enumerate(users):
            school = self.schools[k // s.staff_per_school]
            self.staff_of[school.pk].append(user)
            role = "contact" if k % s.staff_per_school == 0 else "teacher"
            memberships.append(StaffMembership(user=user, school=school, role=role))
        bulk(StaffMembership, memberships)

    # --- families ------------------------------------------------------------------------

    def add_families(self) -> None:
        """Parents, and children seated in the groups (never more than a group's pupils)."""
        from accounts.models import User
        from activities.models import Child

        s, rng = self.sizes, self.rng
        languages = [("nl", 80), ("en", 6), ("tr", 8), ("ar", 6)]
        parents = bulk(
            User,
            [
                User(
                    email=f"parent{i}@{self.town.domain}",
                    name=f"Ouder {i}",
                    is_parent=True,
                    password=self.password,
                    language=weighted(rng, languages),
                )
                for i in range(s.parents)
            ],
        )
        seats = [g for g in self.groups for _ in range(g.pupils)]
        if s.children > len(seats):
            raise ValueError(f"{s.children} children do not fit in {len(seats)} pupils' seats")
        school_of = {school.pk: school for school in self.schools}
        children = []
        for k, seat in enumerate(rng.sample(range(len(seats)), s.children)):
            group = seats[seat]
            school = school_of[group.school_id]
            roll = rng.random()
            home = (
                school.neighbourhood
                if roll < 0.75
                else (rng.choice(self.neighbourhoods) if roll < 0.95 else None)
            )
            consent = self.cal.at(self.cal.first_day, 9) - dt.timedelta(days=rng.uniform(-20, 400))
            consent = min(consent, self.now - dt.timedelta(days=1))
            children.append(
                Child(
                    guardian_id=parents[k % len(parents)].pk,
                    first_name=rng.choice(FIRST_NAMES),
                    school_id=school.pk,
                    grade=group.grade,
                    group_id=group.pk,
                    neighbourhood_id=home.pk if home else None,
                    consent_at=consent,
                    consent_version=CONSENT_VERSION,
                    created_at=consent,
                )
            )
        with given_times(Child):
            self.children = bulk(Child, children)
        self.by_school_grade = defaultdict(list)
        self.by_level_grade = defaultdict(list)
        for child in self.children:
            level = school_of[child.school_id].level
            self.by_school_grade[child.school_id, child.grade].append(child)
            self.by_level_grade[level, child.grade].append(child)
