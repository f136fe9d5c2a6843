"""The past term: what happened this school year up to last week, so the steering figures have
something to show.

Families and their children, activities with sessions, places, waiting lists that moved, a
lottery round, drop-outs and attendance (`history_activities`), and Local Hero and VR visits
with their requests and offers (`history_visits`), in Zaanstad and, smaller, Amsterdam.

The rows are written in bulk with the models (a few hundred children, a few thousand marks):
the services would send every family and hero a mail about the past, and take minutes. What
the services keep true is kept here too: places taken equal confirmed places and open offers,
sessions come from the schedule without closures, one confirmed visit per request. The
lottery is drawn by the real `lottery_draw`, so its record is genuine; the mail it writes is
taken out again. Each row has a natural key (an email, a submission key), so a second run
makes nothing new.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db.models import F

from accounts.models import User
from activities import consent
from activities.models import Child
from core.time import local_datetime
from demo.builders.heroes import build_hero_team
from demo.builders.history_activities import build_past_activities
from demo.builders.history_term import Term, demo_key, history_term
from demo.builders.history_visits import build_open_requests, build_past_visits
from demo.builders.places import build_closures_of_year
from demo.builders.sessions import build_kits
from demo.data import AMSTERDAM_NEIGHBOURHOODS, NEIGHBOURHOODS
from demo.history_data import (
    AMSTERDAM_HEROES,
    AMSTERDAM_KITS,
    CHILDREN_PER_SCHOOL,
    FIRST_NAMES,
    GRADES,
    LIVES_NEAR_SCHOOL,
    SIBLING_SHARE,
    SURNAMES,
)
from schools.models import Group, Municipality, Neighbourhood, School, current_school_year


def build_history(municipalities: list[Municipality], today: dt.date, now: dt.datetime) -> None:
    """The past term of each municipality; Amsterdam gets its heroes and kit first."""
    for municipality in municipalities:
        term = history_term(municipality.holiday_region, today)
        if term.school_year != current_school_year(today):
            build_closures_of_year(municipality, term.school_year)
        if municipality.slug == "amsterdam":
            build_hero_team(municipality, AMSTERDAM_HEROES, today, now, recorded_by=None)
            build_kits(municipality, AMSTERDAM_KITS)
        children = build_past_families(municipality, term, today)
        build_past_activities(municipality, term, children, now)
        build_past_visits(municipality, term)
        build_open_requests(municipality, today, now)


# Families


@dataclass(frozen=True)
class ChildPlan:
    email: str
    first_name: str
    school: School
    grade: int
    wijk: Neighbourhood


def build_past_families(municipality: Municipality, term: Term, today: dt.date) -> list[Child]:
    """The families of CHILDREN_PER_SCHOOL: parents who cannot log in, children with a first
    name, a grade and a class of this school year, who registered before the term began."""
    schools = list(
        School.objects.filter(
            neighbourhood__municipality=municipality, brin__in=list(CHILDREN_PER_SCHOOL)
        ).select_related("neighbourhood")
    )
    # The demo's own neighbourhoods only: `demo --scale` adds more around them, and the
    # families must come out the same on every run.
    own = [name for name, _target in NEIGHBOURHOODS + AMSTERDAM_NEIGHBOURHOODS]
    wijken = list(
        Neighbourhood.objects.filter(municipality=municipality, name__in=own).order_by("name")
    )
    plans, surnames = [], {}
    for school in sorted(schools, key=lambda s: s.brin):
        for plan, surname in family_plans(school, wijken):
            plans.append(plan)
            surnames[plan.email] = surname
    guardians = upsert_guardians(surnames)
    return upsert_children(plans, guardians, term, current_school_year(today))


def family_plans(school: School, wijken: list[Neighbourhood]):
    """(child, family name) pairs for the school's families, the same every run."""
    rng = random.Random(f"gezinnen:{school.brin}")
    low, high = GRADES[school.level]
    wanted, made, n = CHILDREN_PER_SCHOOL[school.brin], 0, 0
    while made < wanted:
        n += 1
        surname = rng.choice(SURNAMES)
        size = 2 if wanted - made >= 2 and rng.random() < SIBLING_SHARE else 1
        near = rng.random() < LIVES_NEAR_SCHOOL[school.level]
        wijk = school.neighbourhood if near else rng.choice(wijken)
        email = f"gezin-{school.brin.lower()}-{n:02d}@demo.test"
        names = rng.sample(FIRST_NAMES, size)
        grades = rng.sample(range(low, high + 1), size)
        for name, grade in zip(names, grades, strict=True):
            yield ChildPlan(email, name, school, grade, wijk), surname
        made += size


def upsert_guardians(surnames: dict[str, str]) -> dict[str, User]:
    """A parent per email, made once; no usable password (one cheap random hash each)."""
    existing = {u.email: u for u in User.objects.filter(email__in=list(surnames))}
    new = [
        User(email=email, name=f"Ouder {surname}", is_parent=True, password=make_password(None))
        for email, surname in surnames.items()
        if email not in existing
    ]
    User.objects.bulk_create(new)
    return existing | {user.email: user for user in new}


def upsert_children(
    plans: list[ChildPlan], guardians: dict[str, User], term: Term, year: str
) -> list[Child]:
    """The planned children, made once (by submission key), with the family's consent."""
    keys = {demo_key("kind", plan.email, plan.first_name): plan for plan in plans}
    existing = {c.submission_key: c for c in Child.objects.filter(submission_key__in=list(keys))}
    groups = defaultdict(list)
    school_ids = {plan.school.pk for plan in plans}
    for group in Group.objects.filter(school_id__in=school_ids, school_year=year).order_by("name"):
        groups[group.school_id, group.grade].append(group)
    rng = random.Random(f"kinderen:{term.school_year}")
    new = []
    for key, plan in keys.items():
        if key in existing:
            continue
        classes = groups.get((plan.school.pk, plan.grade))
        days_before = rng.randint(1, 20)
        new.append(
            Child(
                guardian=guardians[plan.email],
                first_name=plan.first_name,
                school=plan.school,
                grade=plan.grade,
                group=rng.choice(classes) if classes else None,
                neighbourhood=plan.wijk,
                consent_at=local_datetime(
                    term.first.opens - dt.timedelta(days=days_before), dt.time(20, 15)
                ),
                consent_version=consent.CURRENT,
                submission_key=key,
            )
        )
    Child.objects.bulk_create(new)
    # Registered before the term, not today (auto_now_add wrote today).
    Child.objects.filter(pk__in=[child.pk for child in new]).update(created_at=F("consent_at"))
    return list(existing.values()) + new
