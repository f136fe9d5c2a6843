"""A small town for the steering figures: two neighbourhoods (one a target area), three
schools, activities with places, waiting lists, a drop-out, attendance, and hero visits, all
in the school year 2026-2027. `grow` adds more of everything for the query-count tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from activities.models import Activity, Attendance, Enrolment, Occurrence
from core.time import local_datetime
from scheduler.models import SessionRequest
from tests import factories

DAY = dt.timedelta(days=1)
PERIOD = "2026-2027"


@dataclass
class Town:
    municipality: object
    hoods: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    activities: list = field(default_factory=list)


def activity_with_children(school, *, placed: int, waiting: int, dropouts: int = 0, present=3):
    """An activity with `placed` children in it (one past session, `present` of them there,
    the rest absent), `waiting` on its list, and `dropouts` who left after the session."""
    activity = factories.ActivityFactory(
        school=school,
        capacity=placed + dropouts + 1,
        first_date=dt.date(2026, 9, 2),
        last_date=dt.date(2026, 12, 16),
    )
    starts = local_datetime(dt.date(2026, 9, 2), dt.time(14))
    session = Occurrence.objects.create(
        activity=activity,
        date=starts.date(),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    applied = starts - 20 * DAY
    enrolments = []
    for n in range(placed + dropouts):
        enrolment = factories.EnrolmentFactory(
            activity=activity,
            child__school=school,
            status=Enrolment.Status.CONFIRMED,
            applied_at=applied,
            placed_at=applied + (2 * DAY if n == 0 else 0 * DAY),
            waitlisted_at=applied if n == 0 else None,
            decided_at=applied,
        )
        enrolments.append(enrolment)
        Attendance.objects.create(
            occurrence=session,
            enrolment=enrolment,
            status=Attendance.Status.PRESENT if n < present else Attendance.Status.ABSENT,
        )
    for enrolment in enrolments[placed:]:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=Enrolment.Status.CANCELLED, decided_at=starts + 7 * DAY
        )
    for _ in range(waiting):
        factories.EnrolmentFactory(
            activity=activity,
            child__school=school,
            status=Enrolment.Status.WAITLISTED,
            applied_at=applied,
            waitlisted_at=applied,
        )
    Activity.objects.filter(pk=activity.pk).update(seats_taken=placed)
    return activity


def visits_for(school, *, served: int, open_: int):
    group = factories.GroupFactory(school=school, pupils=25)
    for _ in range(served):
        hero = factories.HeroFactory(municipality=school.neighbourhood.municipality)
        request = factories.SessionRequestFactory(group=group)
        factories.VisitFactory(request=request, hero=hero)
    for _ in range(open_):
        factories.SessionRequestFactory(group=group)
    SessionRequest.objects.filter(school=school, unmatched_reason="").filter(
        status=SessionRequest.Status.OPEN
    ).update(unmatched_reason="no_hero_available")


def build_town(size: int = 1) -> Town:
    municipality = factories.MunicipalityFactory()
    town = Town(municipality)
    target = factories.NeighbourhoodFactory(municipality=municipality, is_target_area=True)
    other = factories.NeighbourhoodFactory(municipality=municipality)
    town.hoods = [target, other]
    for hood, level in ((target, "po"), (target, "vo"), (other, "po")):
        school = factories.SchoolFactory(neighbourhood=hood, level=level)
        factories.GroupFactory(school=school, pupils=30)
        town.schools.append(school)
    grow(town, size)
    return town


def grow(town: Town, times: int) -> None:
    big, small, third = town.schools
    for _ in range(times):
        town.activities += [
            activity_with_children(big, placed=8, waiting=2, dropouts=1, present=6),
            activity_with_children(small, placed=3, waiting=0),
            activity_with_children(third, placed=6, waiting=6, present=5),
        ]
        visits_for(big, served=5, open_=1)
        visits_for(third, served=2, open_=3)


@pytest.fixture
def town(db, monday_noon):
    return build_town(size=2)


@pytest.fixture
def coordinator_of_town(town):
    return factories.coordinator(town.municipality)
