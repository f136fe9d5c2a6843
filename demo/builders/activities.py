"""Published activities across the coming term, with places taken, waiting lists and offers."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from activities import services as activity_services
from activities.models import Activity, Child, Enrolment
from core.time import local_datetime
from demo.builders.people import Family, build_families, build_parent_children
from demo.data import ACTIVITIES, ActivitySpec
from schools.models import Neighbourhood, School, Venue


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
        activity = create_activity(spec, school, authors.get(spec.brin, coordinator), today, now)
        enrol_demo_children(spec, activity, families, own, now)


def enrol_demo_children(
    spec: ActivitySpec,
    activity: Activity,
    families: list[Family],
    own: dict[str, Child],
    now: dt.datetime,
) -> None:
    """The families' children first, then the demo parent's child; then maybe a cancellation
    that offers the place to the first one waiting."""
    level = activity.school.level
    fill_activity(spec, activity, [family.children[level] for family in families], now)
    if spec.parent_child:
        child = own[spec.parent_child]
        activity_services.enrolment_create(
            guardian=child.guardian,
            child=child,
            activity=activity,
            now=now + dt.timedelta(seconds=1),
        )
    if spec.offer:
        first = activity.enrolments.filter(status=Enrolment.Status.CONFIRMED).earliest("pk")
        activity_services.enrolment_cancel(enrolment=first, now=now + dt.timedelta(seconds=2))


def create_activity(
    spec: ActivitySpec, school: School, author: User, today: dt.date, now: dt.datetime
) -> Activity:
    """A published activity, made and published through activities.services."""
    wijken = Neighbourhood.objects.filter(
        municipality=school.neighbourhood.municipality, name__in=spec.priority_wijken
    )
    activity = activity_services.activity_create(
        school=school,
        created_by=author,
        data=activity_data(spec, school, today),
        neighbourhoods=wijken,
        now=now,
    )
    return activity_services.activity_publish(activity=activity, now=now)


def activity_data(spec: ActivitySpec, school: School, today: dt.date) -> dict:
    """First come: open since two weeks, for four more; sessions from next week for 12 weeks.
    Lottery: applications close in three days and the draw is then."""
    first_date = today + dt.timedelta(days=10 if spec.lottery else 7)
    closes = (
        local_datetime(today + dt.timedelta(days=3), dt.time(20))
        if spec.lottery
        else local_datetime(today + dt.timedelta(days=28), dt.time(23))
    )
    return {
        "title": spec.title,
        "description": spec.description,
        "bring": spec.bring,
        "category": spec.category,
        "venue": Venue.objects.get(name=spec.venue) if spec.venue else None,
        "level": school.level,
        "grade_min": spec.grades[0],
        "grade_max": spec.grades[1],
        "capacity": spec.capacity,
        "enrolment_opens_at": local_datetime(today - dt.timedelta(days=14), dt.time(9)),
        "enrolment_closes_at": closes,
        "allocation": "lottery" if spec.lottery else "first_come",
        "priority_own_school": spec.priority_own_school,
        "weekday": spec.weekday,
        "start_time": spec.hours[0],
        "end_time": spec.hours[1],
        "first_date": first_date,
        "last_date": first_date + dt.timedelta(weeks=12),
    }


def fill_activity(
    spec: ActivitySpec, activity: Activity, children: list[Child], now: dt.datetime
) -> None:
    """Demo children take places (or apply), then some wait; a minute apart, in order."""
    for n, child in enumerate(children[: spec.fill + spec.waiting]):
        activity_services.enrolment_create(
            guardian=child.guardian,
            child=child,
            activity=activity,
            now=now - dt.timedelta(minutes=len(children) - n),
        )
