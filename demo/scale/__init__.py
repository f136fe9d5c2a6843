"""Cities at scale, written straight into the database with bulk_create: no services, no
mail, no tasks. `python manage.py demo --scale city|national` builds them beside the demo;
the dashboard benchmark (bench.dashboards) seeds one into a fresh database.

A city is one municipality with neighbourhoods (some target areas), venues, holidays as
closures, schools (PO and VO) with their groups for the school year that holds today,
children (first names only) with parent accounts, published activities with their weekly
sessions, enrolments (first come, lottery rounds that were drawn, drop-outs and the waiting
list moving up), attendance of past sessions, Local Heroes with topics, availability and VOG
checks, VR kits, session requests with their windows, offers (accepted, declined, expired,
pending), visits and matching runs. Every row keeps the models' constraints.

The same seed gives the same city on the same day: the dates lie in the current school year,
and what has happened by now (sessions held, attendance, visits done, offers answered) follows
the clock, as the dashboards do.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter

from .activities import Activities
from .common import (
    BENCHSTAD,
    CITY,
    SIZES,
    TINY,
    UNUSABLE_PASSWORD,
    Calendar,
    City,
    Sizes,
    Town,
    bulk,
)
from .places import Places
from .visits import Visits

__all__ = ["BENCHSTAD", "CITY", "SIZES", "TINY", "City", "Sizes", "Town", "seed_city"]


def seed_city(
    sizes: Sizes,
    rng: random.Random,
    now: dt.datetime,
    *,
    town: Town = BENCHSTAD,
    password: str = UNUSABLE_PASSWORD,
) -> City:
    """Write the city; returns who looks at which dashboard, and the row counts.

    With a usable `password` (a hash) everyone it makes can log in with it: a verified
    address, and no second factor asked of staff and coordinators (demo data only). Without
    one, the coordinator, the staff member and the programme team member get a TOTP
    authenticator, as the benchmark signs in with.
    """
    builder = CityBuilder(sizes, rng, Calendar(now, town.region), town, password)
    return builder.build()


class CityBuilder(Places, Activities, Visits):
    def __init__(
        self, sizes: Sizes, rng: random.Random, calendar: Calendar, town: Town, password: str
    ):
        self.sizes, self.rng, self.cal, self.town = sizes, rng, calendar, town
        self.now = calendar.now
        self.password = password
        self.logins = password != UNUSABLE_PASSWORD
        self.mfa_exempt = self.logins

    def build(self) -> City:
        stages = [
            self.add_places,
            self.add_schools_and_groups,
            self.add_staff,
            self.add_families,
            self.add_activities,
            self.add_occurrences,
            self.add_enrolments,
            self.add_attendance,
            self.add_heroes,
            self.add_kits,
            self.add_matching_runs,
            self.add_session_requests,
        ]
        seconds = {}
        for stage in stages:
            started = time.perf_counter()
            stage()
            seconds[stage.__name__.removeprefix("add_")] = round(time.perf_counter() - started, 2)
        city = self.add_people()
        city.stage_s = seconds
        return city

    # --- who looks -----------------------------------------------------------------------

    def add_people(self) -> City:
        """The coordinator, a staff member of the busiest school and, for the benchmark, a
        programme team member, each with a second factor (or, with logins, every address
        verified); and the row counts."""
        from allauth.mfa.models import Authenticator
        from django.apps import apps

        from accounts.models import User
        from schools.models import CoordinatorMembership

        coordinator = User.objects.create(
            email=f"coordinator@{self.town.domain}",
            name=f"Coördinator {self.town.name}",
            password=self.password,
            mfa_exempt=self.mfa_exempt,
        )
        CoordinatorMembership.objects.create(user=coordinator, municipality=self.municipality)
        school_of = {act.pk: act.school_id for act in self.activities}
        busiest = Counter(school_of[e.activity_id] for e in self.enrolled).most_common(1)
        school_id = busiest[0][0] if busiest else self.schools[0].pk
        staff = self.staff_of[school_id][0]
        people = [coordinator, staff]
        programme = None
        try:
            membership = apps.get_model("schools", "ProgrammeMembership")
        except LookupError:
            membership = None
        if self.logins:
            self.verify_addresses()
        else:
            if membership is not None:
                programme = User.objects.create(
                    email="programme@bench.test",
                    name="Programmateam",
                    password=UNUSABLE_PASSWORD,
                )
                membership.objects.create(user=programme)
                people.append(programme)
            secret = {"secret": "JBSWY3DPEHPK3PXP"}
            bulk(
                Authenticator,
                [Authenticator(user=p, type=Authenticator.Type.TOTP, data=secret) for p in people],
            )
        return City(
            municipality_id=self.municipality.pk,
            coordinator_id=coordinator.pk,
            school_id=school_id,
            staff_id=staff.pk,
            programme_id=programme.pk if programme else None,
            rows=row_counts(),
        )

    def verify_addresses(self) -> None:
        """A verified primary address for everyone of this town: allauth asks for one."""
        from allauth.account.models import EmailAddress

        from accounts.models import User

        people = User.objects.filter(email__endswith=f"@{self.town.domain}")
        bulk(
            EmailAddress,
            [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for pk, email in people.values_list("pk", "email")
            ],
        )


def row_counts() -> dict[str, int]:
    from accounts.models import User
    from activities.models import Activity, Attendance, Child, Enrolment, Occurrence
    from heroes.models import Hero
    from scheduler.models import Offer, SessionRequest, Visit
    from schools.models import Group, School

    models = {
        "schools": School,
        "groups": Group,
        "users": User,
        "children": Child,
        "activities": Activity,
        "sessions": Occurrence,
        "enrolments": Enrolment,
        "attendance": Attendance,
        "heroes": Hero,
        "session_requests": SessionRequest,
        "offers": Offer,
        "visits": Visit,
    }
    return {name: model.objects.count() for name, model in models.items()}
