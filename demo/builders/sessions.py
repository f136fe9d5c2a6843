"""VR kits, session requests from schools, and one matching run with its offers."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from activities.schedule import closures_for_school, session_dates
from core.time import local_datetime
from demo.data import KITS, SESSION_REQUESTS, RequestSpec
from heroes.models import Topic
from scheduler import queue
from scheduler import services as scheduler_services
from scheduler.models import Kit, MatchingRun, Offer, SessionRequest
from schools.models import Group, Municipality, School, Venue, current_school_year


def build_sessions(zaanstad: Municipality, today: dt.date, now: dt.datetime) -> None:
    """Kits, a maintenance block, session requests and one matching run, built once."""
    build_kits(zaanstad)
    if SessionRequest.objects.filter(school__neighbourhood__municipality=zaanstad).exists():
        return
    block_kit_for_maintenance(zaanstad, today)
    build_requests(zaanstad, today, now)
    run_matching(zaanstad, now)


def build_kits(municipality: Municipality, kits=KITS) -> None:
    """The municipality's VR kits: (name, headsets, home venue), each made once."""
    for name, headsets, venue in kits:
        if not Kit.objects.filter(municipality=municipality, name=name).exists():
            scheduler_services.kit_create(
                municipality=municipality,
                name=name,
                headsets=headsets,
                home_venue=Venue.objects.filter(name=venue).first() if venue else None,
            )


def block_kit_for_maintenance(zaanstad: Municipality, today: dt.date) -> None:
    """The southern kit is away for a day, on a Wednesday its school would want it."""
    zuid = Kit.objects.get(municipality=zaanstad, name="VR-kit Zuid")
    block_day = next_school_days(School.objects.get(brin="99ZG"), 2, today, 1)[0]
    scheduler_services.kit_block_add(
        kit=zuid,
        starts_at=local_datetime(block_day, dt.time(8)),
        ends_at=local_datetime(block_day, dt.time(18)),
        reason="Onderhoud: nieuwe lenzen",
    )


def build_requests(zaanstad: Municipality, today: dt.date, now: dt.datetime) -> None:
    topics = {t.name: t for t in Topic.objects.filter(municipality=zaanstad)}
    requested_by = {
        "99ZA": User.objects.get(email="staff.po@demo.test"),
        "99ZF": User.objects.get(email="staff.vo@demo.test"),
    }
    year = current_school_year(today)
    for spec in SESSION_REQUESTS:
        school = School.objects.get(brin=spec.brin)
        scheduler_services.request_create(
            school=school,
            group=Group.objects.get(school=school, school_year=year, name=spec.group),
            requested_by=requested_by.get(spec.brin),
            kind=spec.kind,
            topic=topics.get(spec.topic) if spec.topic else None,
            language=spec.language,
            duration_min=90 if spec.kind == "vr" else 60,
            notes=spec.notes,
            windows=request_windows(spec, school, today),
            now=now,
        )


def request_windows(
    spec: RequestSpec, school: School, today: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The preferred hours on the next two school days with the spec's weekday."""
    start, end = dt.time(spec.hours[0]), dt.time(spec.hours[1])
    return [
        (local_datetime(day, start), local_datetime(day, end))
        for day in next_school_days(school, spec.weekday, today, 2)
    ]


def run_matching(zaanstad: Municipality, now: dt.datetime) -> None:
    """One matching run; then one visit is confirmed, so school staff see what that's like."""
    run, _created = queue.run_request(
        municipality_id=zaanstad.pk, trigger=MatchingRun.Trigger.MANUAL
    )
    scheduler_services.run_execute(run.pk, now=now)
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
