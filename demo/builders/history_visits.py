"""Local Hero and VR visits of the past term, and requests still open today with the reason
the matching engine gives for them.

Week by week each hero may make a visit (within their monthly limit, on one of their weekly
windows, with a VOG valid that day, to a school in their neighbourhoods that is open), as
matching would have offered it: the school asked a week or two before, a run offered it
minutes later, and the hero accepted within the offer's time (sometimes after another hero
declined or let it expire). A VR session takes a kit that is free and big enough. Every visit
has ended, so its request is done.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from activities.schedule import closures_for_school, session_dates
from core.time import local_datetime
from demo.builders.history_term import Term, demo_key
from demo.builders.sessions import next_school_days
from demo.history_data import (
    DECLINE_REASONS,
    DECLINED_FIRST,
    OPEN_REQUESTS,
    OTHER_LANGUAGE_SHARE,
    REQUEST_NOTES,
    VISIT_CHANCE,
    VR_SHARE,
    OpenRequestSpec,
)
from heroes.models import Hero, Topic, VOGCheck
from scheduler.models import Kit, KitBlock, Offer, RequestWindow, SessionRequest, Visit
from scheduler.services.offers import offer_deadline
from schools.models import (
    Group,
    Municipality,
    School,
    SchoolClosure,
    StaffMembership,
    current_school_year,
)

DURATION = {SessionRequest.Kind.HERO: 60, SessionRequest.Kind.VR: 90}
SCHOOL_DAY = (dt.time(8, 30), dt.time(16))


@dataclass
class World:
    """What planning needs of one municipality, read once."""

    heroes: list[Hero]
    vog: dict[int, VOGCheck]
    schools: list[School]
    groups: dict[int, list[Group]]
    kits: list[Kit]
    blocked: set[tuple[int, dt.date]]
    closures: list[tuple[int | None, dt.date, dt.date]]
    staff: dict[int, object]
    busy: set[tuple[str, int, dt.date]] = field(default_factory=set)
    month_visits: Counter = field(default_factory=Counter)

    def closed(self, school_id: int | None, day: dt.date) -> bool:
        return any(
            (sid is None or sid == school_id) and first <= day <= last
            for sid, first, last in self.closures
        )

    def vog_valid(self, hero: Hero, day: dt.date) -> bool:
        check = self.vog.get(hero.pk)
        return check is not None and check.valid_on(day)


@dataclass
class Plan:
    hero: Hero
    school: School
    group: Group
    kind: str
    kit: Kit | None
    topic: Topic | None
    language: str
    start: dt.datetime
    asked: dt.datetime
    windows: list[tuple[dt.datetime, dt.datetime]]
    notes: str = ""
    requested_by: object = None
    first_asked: Hero | None = None  # declined, or let the offer expire
    first_answer: str = ""

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=DURATION[self.kind])


def load_world(municipality: Municipality, year: str) -> World:
    heroes = list(
        Hero.objects.active()
        .filter(municipality=municipality)
        .prefetch_related("availability", "topics", "visit_neighbourhoods")
        .order_by("pk")
    )
    vog = {}  # the latest check counts (Hero.current_vog)
    for check in VOGCheck.objects.filter(hero__in=heroes).order_by(
        "hero_id", "issued_on", "recorded_at", "pk"
    ):
        vog[check.hero_id] = check
    schools = list(School.objects.filter(neighbourhood__municipality=municipality).order_by("brin"))
    groups = defaultdict(list)
    for group in Group.objects.filter(school__in=schools, school_year=year).order_by("name"):
        groups[group.school_id].append(group)
    kits = list(Kit.objects.filter(municipality=municipality, is_active=True).order_by("pk"))
    blocked = set()
    for block in KitBlock.objects.filter(kit__in=kits):
        day = block.starts_at.date()
        while day <= block.ends_at.date():
            blocked.add((block.kit_id, day))
            day += dt.timedelta(days=1)
    staff = {}
    for membership in StaffMembership.objects.filter(school__in=schools).order_by("-pk"):
        staff[membership.school_id] = membership.user
    closures = list(
        SchoolClosure.objects.filter(municipality=municipality).values_list(
            "school_id", "start_date", "end_date"
        )
    )
    return World(heroes, vog, schools, groups, kits, blocked, closures, staff)


# The past term


def build_past_visits(municipality: Municipality, term: Term) -> None:
    """The term's requests, offers and visits, made once per municipality and school year."""
    if SessionRequest.objects.filter(
        submission_key=demo_key("verzoek", municipality.slug, term.school_year, 0)
    ).exists():
        return
    world = load_world(municipality, term.school_year)
    rng = random.Random(f"bezoeken:{municipality.slug}:{term.school_year}")
    plans = []
    monday = term.first.opens - dt.timedelta(days=term.first.opens.weekday() - 7)
    while monday <= term.end:
        for hero in world.heroes:
            if rng.random() < VISIT_CHANCE and (plan := plan_visit(world, hero, monday, term, rng)):
                plans.append(plan)
        monday += dt.timedelta(weeks=1)
    write_visits(municipality, term, plans, rng)


def plan_visit(
    world: World, hero: Hero, monday: dt.date, term: Term, rng: random.Random
) -> Plan | None:
    """A visit on one of the hero's weekly windows this week, if one fits every rule."""
    windows = list(hero.availability.all())
    rng.shuffle(windows)
    for window in windows:
        day = monday + dt.timedelta(days=window.weekday)
        month = (hero.pk, day.year, day.month)
        if (
            day > term.end
            or ("hero", hero.pk, day) in world.busy
            or world.month_visits[month] >= hero.max_visits_per_month
            or not world.vog_valid(hero, day)
            or world.closed(None, day)
        ):
            continue
        plan = plan_on(world, hero, day, window, rng)
        if plan is None or plan.asked < local_datetime(term.first.opens, dt.time(9)):
            continue
        world.busy.add(("hero", hero.pk, day))
        if plan.kit:
            world.busy.add(("kit", plan.kit.pk, day))
        world.month_visits[month] += 1
        return plan
    return None


def plan_on(world: World, hero: Hero, day: dt.date, window, rng: random.Random) -> Plan | None:
    areas = {n.pk for n in hero.visit_neighbourhoods.all()} | {hero.home_neighbourhood_id}
    open_schools = [s for s in world.schools if not world.closed(s.pk, day)]
    schools = [s for s in open_schools if s.neighbourhood_id in areas] or open_schools
    if not schools:
        return None
    school = rng.choice(schools)
    kit = None
    if hero.vr_trained_on and rng.random() < VR_SHARE:
        kit = next((k for k in world.kits if free_kit(world, k, day)), None)
    kind = SessionRequest.Kind.VR if kit else SessionRequest.Kind.HERO
    groups = [g for g in world.groups[school.pk] if not kit or g.pupils <= kit.max_class_size]
    start = start_time(window, DURATION[kind], rng)
    if not groups or start is None:
        return None
    begins = local_datetime(day, start)
    plan = Plan(
        hero=hero,
        school=school,
        group=rng.choice(groups),
        kind=kind,
        kit=kit,
        topic=topic_for(hero, kind, rng),
        language=language_for(hero, rng),
        start=begins,
        asked=asked_at(world, day, rng),
        windows=school_windows(world, school, begins, DURATION[kind], rng),
        notes=rng.choice(REQUEST_NOTES) if rng.random() < 0.15 else "",
        requested_by=world.staff.get(school.pk),
    )
    if rng.random() < DECLINED_FIRST:
        plan.first_asked = other_hero(world, plan, day, rng)
        plan.first_answer = "expired" if rng.random() < 0.3 else "declined"
    return plan


def free_kit(world: World, kit: Kit, day: dt.date) -> bool:
    return ("kit", kit.pk, day) not in world.busy and (kit.pk, day) not in world.blocked


def start_time(window, minutes: int, rng: random.Random) -> dt.time | None:
    """A start on the half hour, early in the hero's window, inside the school day."""
    day = dt.date(2000, 1, 3)
    moment = dt.datetime.combine(day, max(window.start_time, SCHOOL_DAY[0]))
    latest = dt.datetime.combine(day, min(window.end_time, SCHOOL_DAY[1]))
    starts = []
    while moment + dt.timedelta(minutes=minutes) <= latest:
        starts.append(moment.time())
        moment += dt.timedelta(minutes=30)
    return rng.choice(starts[:3]) if starts else None


def topic_for(hero: Hero, kind: str, rng: random.Random) -> Topic | None:
    topics = list(hero.topics.all())
    if kind == SessionRequest.Kind.VR:
        topics.append(None)  # VR sessions may go without one
    return rng.choice(topics) if topics else None


def language_for(hero: Hero, rng: random.Random) -> str:
    """Dutch, or now and then the hero's other language the school asked for."""
    others = [code for code in hero.languages if code not in ("nl", "en")]
    return rng.choice(others) if others and rng.random() < OTHER_LANGUAGE_SHARE else "nl"


def asked_at(world: World, day: dt.date, rng: random.Random) -> dt.datetime:
    """One to three weeks before, on a school day (the last one before a holiday or a
    weekend), during school hours."""
    asked = day - dt.timedelta(days=rng.randint(8, 20))
    while asked.weekday() >= 5 or world.closed(None, asked):
        asked -= dt.timedelta(days=1)
    return local_datetime(asked, dt.time(9)) + dt.timedelta(minutes=rng.randint(0, 420))


def school_windows(
    world: World, school: School, begins: dt.datetime, minutes: int, rng: random.Random
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Three hours around the visit on its day, and the same a week later when open."""
    first = begins.replace(minute=0) - dt.timedelta(hours=rng.choice([0, 1]))
    first = max(first, begins.replace(hour=8, minute=0))
    last = max(first + dt.timedelta(hours=3), begins + dt.timedelta(minutes=minutes))
    windows = [(first, last)]
    later = (first + dt.timedelta(weeks=1)).date()
    if not world.closed(school.pk, later):
        windows.append((first + dt.timedelta(weeks=1), last + dt.timedelta(weeks=1)))
    return windows


def other_hero(world: World, plan: Plan, day: dt.date, rng: random.Random) -> Hero | None:
    """Another hero matching could have asked first: free at that time, with the language,
    VR training and a VOG."""
    start, end = plan.start.time(), plan.end.time()  # wall clock: both are local times
    fitting = [
        h
        for h in world.heroes
        if h != plan.hero
        and plan.language in h.languages
        and (plan.kind == SessionRequest.Kind.HERO or h.vr_trained_on)
        and world.vog_valid(h, day)
        and ("hero", h.pk, day) not in world.busy
        and any(
            w.weekday == day.weekday() and w.start_time <= start and end <= w.end_time
            for w in h.availability.all()
        )
    ]
    return rng.choice(fitting) if fitting else None


def write_visits(municipality: Municipality, term: Term, plans: list[Plan], rng) -> None:
    """Requests, windows, offers and visits in bulk; then their times set to when they
    happened (auto_now_add and auto_now wrote today)."""
    requests = [
        SessionRequest(
            school=plan.school,
            group=plan.group,
            requested_by=plan.requested_by,
            kind=plan.kind,
            topic=plan.topic,
            language=plan.language,
            duration_min=DURATION[plan.kind],
            class_size=plan.group.pupils,
            notes=plan.notes,
            status=SessionRequest.Status.DONE,
            submission_key=demo_key("verzoek", municipality.slug, term.school_year, n),
        )
        for n, plan in enumerate(plans)
    ]
    SessionRequest.objects.bulk_create(requests)
    RequestWindow.objects.bulk_create(
        RequestWindow(request=r, starts_at=s, ends_at=e)
        for r, plan in zip(requests, plans, strict=True)
        for s, e in plan.windows
    )
    offers, accepted, made_at = [], [], []
    for session_request, plan in zip(requests, plans, strict=True):
        for made, moment in offers_for(session_request, plan, rng):
            offers.append(made)
            made_at.append(moment)
        accepted.append(offers[-1])
    Offer.objects.bulk_create(offers)
    for made, moment in zip(offers, made_at, strict=True):
        made.created_at = moment
    visits = [
        Visit(
            request=offer.request,
            offer=offer,
            hero=offer.hero,
            kit=offer.kit,
            starts_at=offer.starts_at,
            ends_at=offer.ends_at,
        )
        for offer in accepted
    ]
    Visit.objects.bulk_create(visits)
    for session_request, plan, visit in zip(requests, plans, visits, strict=True):
        session_request.created_at, session_request.updated_at = plan.asked, plan.end
        visit.created_at = visit.updated_at = visit.offer.responded_at
    SessionRequest.objects.bulk_update(requests, ["created_at", "updated_at"], batch_size=200)
    Offer.objects.bulk_update(offers, ["created_at"], batch_size=200)
    Visit.objects.bulk_update(visits, ["created_at", "updated_at"], batch_size=200)


def offers_for(
    session_request: SessionRequest, plan: Plan, rng: random.Random
) -> list[tuple[Offer, dt.datetime]]:
    """The matching run's offer minutes after the request; maybe first to another hero who
    declined or let it expire, then to the hero who came (accepted within the deadline).
    Each with the moment it was made."""
    made = []
    moment = plan.asked + dt.timedelta(minutes=rng.randint(5, 15))
    if plan.first_asked:
        first = offer(session_request, plan, plan.first_asked, moment)
        if plan.first_answer == "expired":
            first.status = Offer.Status.EXPIRED
            first.responded_at = first.expires_at + dt.timedelta(minutes=rng.randint(1, 5))
        else:
            first.status = Offer.Status.DECLINED
            first.responded_at = moment + (first.expires_at - moment) * rng.uniform(0.05, 0.6)
            first.decline_reason = rng.choice(DECLINE_REASONS)
        made.append((first, moment))
        moment = first.responded_at + dt.timedelta(minutes=rng.randint(5, 15))
    taken = offer(session_request, plan, plan.hero, moment)
    taken.status = Offer.Status.ACCEPTED
    taken.responded_at = moment + (taken.expires_at - moment) * rng.uniform(0.02, 0.7)
    return [*made, (taken, moment)]


def offer(session_request: SessionRequest, plan: Plan, hero: Hero, moment) -> Offer:
    return Offer(
        request=session_request,
        hero=hero,
        kit=plan.kit,
        starts_at=plan.start,
        ends_at=plan.end,
        expires_at=offer_deadline(start=plan.start, now=moment),
    )


# Open today


def build_open_requests(municipality: Municipality, today: dt.date, now: dt.datetime) -> None:
    """OPEN_REQUESTS of the municipality, each made once, with the offers that came to
    nothing and the engine's reason."""
    specs = [spec for spec in OPEN_REQUESTS if spec.municipality == municipality.slug]
    year = current_school_year(today)
    for n, spec in enumerate(specs):
        key = demo_key("open verzoek", municipality.slug, n)
        if SessionRequest.objects.filter(submission_key=key).exists():
            continue
        school = School.objects.get(brin=spec.brin)
        group = Group.objects.get(school=school, school_year=year, name=spec.group)
        open_request(spec, school, group, key, today, now - dt.timedelta(days=5 + n))


def open_request(
    spec: OpenRequestSpec, school: School, group: Group, key, today: dt.date, asked: dt.datetime
) -> None:
    days = past_school_days(school, spec.weekday, today) if spec.past else []
    days = days or next_school_days(school, spec.weekday, today, 2)
    if spec.past:
        asked = local_datetime(days[0] - dt.timedelta(days=9), dt.time(10))
    hours = (dt.time(spec.hours[0]), dt.time(spec.hours[1]))
    windows = [(local_datetime(day, hours[0]), local_datetime(day, hours[1])) for day in days]
    staff = StaffMembership.objects.filter(school=school).order_by("-pk").first()
    session_request = SessionRequest.objects.create(
        school=school,
        group=group,
        requested_by=staff.user if staff else None,
        kind=spec.kind,
        topic=Topic.objects.filter(municipality_id=school.municipality_id, name=spec.topic).first(),
        language=spec.language,
        duration_min=DURATION[spec.kind],
        class_size=group.pupils,
        notes=spec.notes,
        unmatched_reason=spec.reason,
        submission_key=key,
    )
    RequestWindow.objects.bulk_create(
        RequestWindow(request=session_request, starts_at=s, ends_at=e) for s, e in windows
    )
    unanswered_offers(spec, session_request, windows, asked)
    SessionRequest.objects.filter(pk=session_request.pk).update(created_at=asked)


def past_school_days(school: School, weekday: int, today: dt.date) -> list[dt.date]:
    """The last two days with this weekday before today, outside closures."""
    first, last = today - dt.timedelta(weeks=5), today - dt.timedelta(days=1)
    closed = closures_for_school(school, first, last)
    return session_dates(weekday=weekday, first=first, last=last, closed=closed)[-2:]


def unanswered_offers(spec: OpenRequestSpec, session_request, windows, asked) -> None:
    """Offers a hero declined or let expire, one per preferred time, each after the last."""
    moment = asked + dt.timedelta(minutes=12)
    offers, made_at = [], []
    for (email, answer), (start, _end) in zip(spec.offers, windows, strict=False):
        made = Offer(
            request=session_request,
            hero=Hero.objects.get(user__email=email),
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=DURATION[spec.kind]),
            expires_at=offer_deadline(start=start, now=moment),
            status=Offer.Status.EXPIRED if answer == "expired" else Offer.Status.DECLINED,
        )
        if answer == "expired":
            made.responded_at = made.expires_at + dt.timedelta(minutes=3)
        else:
            made.responded_at = moment + dt.timedelta(hours=5)
            made.decline_reason = DECLINE_REASONS[len(offers) % len(DECLINE_REASONS)]
        offers.append(made)
        made_at.append(moment)
        moment = made.responded_at + dt.timedelta(minutes=12)
    Offer.objects.bulk_create(offers)
    for made, moment in zip(offers, made_at, strict=True):
        made.created_at = moment  # auto_now_add wrote today
    Offer.objects.bulk_update(offers, ["created_at"])
