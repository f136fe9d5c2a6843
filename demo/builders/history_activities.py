"""Activities of the past term: sessions, places, waiting lists, the lottery and attendance.

Each activity's term is played out in memory, in the order it would have happened, then
written in bulk:

1. Children apply from the day enrolment opens, most of them in the first days. First come:
   places go in order, the rest waits (ordered by priority tier, then time). Lottery: the
   applications wait for `lottery_draw`, the real one.
2. A few give their place back before the first session, and a few stop after one (the
   drop-outs); each freed place is offered to the head of the waiting list, who accepts,
   declines or lets the offer expire (then the next one is asked). Places left over at the
   start may go to children who join later.
3. Each session that went ahead has a register: present, or excused (often reported
   beforehand), or absent, for every child who held a place on that day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from accounts.models import User
from activities.lottery import lottery_draw
from activities.models import (
    AbsenceNotice,
    Activity,
    Attendance,
    Child,
    Enrolment,
    LotteryRound,
    Occurrence,
)
from activities.schedule import schedule_dates
from activities.services import priority_tier
from core.time import local_datetime
from demo.builders.history_term import Block, Term, demo_key
from demo.history_data import (
    ABSENCE_REASONS,
    CANCELS_BEFORE_START,
    DROP_OUTS,
    EXCUSED_SHARE,
    LATE_JOINERS,
    NOTICE_SHARE,
    OFFER_OUTCOMES,
    OWN_SCHOOL_SHARE,
    PAST_ACTIVITIES,
    PRESENCE,
    SESSION_CANCEL_CHANCE,
    SESSION_CANCEL_REASONS,
    PastActivitySpec,
)
from notifications.models import Notification
from schools.models import Municipality, Neighbourhood, School, Venue

Status = Enrolment.Status
AUTHORS = {"99ZA": "staff.po@demo.test", "99ZF": "staff.vo@demo.test"}


@dataclass
class Played:
    """One activity's term in the making: its sessions and enrolments, and its dice."""

    spec: PastActivitySpec
    activity: Activity
    rng: random.Random
    sessions: list[Occurrence] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    late: list[Child] = field(default_factory=list)

    @property
    def first_start(self) -> dt.datetime:
        return self.sessions[0].starts_at

    def holding(self) -> int:
        return sum(e.status == Status.CONFIRMED for e in self.enrolments)


def build_past_activities(
    municipality: Municipality, term: Term, children: list[Child], now: dt.datetime
) -> None:
    """The past term's activities of the municipality that are not there yet."""
    specs = {
        demo_key("activiteit", spec.brin, spec.title, term.school_year): spec
        for spec in PAST_ACTIVITIES
    }
    schools = {
        s.brin: s
        for s in School.objects.filter(neighbourhood__municipality=municipality).select_related(
            "neighbourhood"
        )
    }
    done = set(
        Activity.objects.filter(submission_key__in=list(specs)).values_list(
            "submission_key", flat=True
        )
    )
    todo = {key: spec for key, spec in specs.items() if spec.brin in schools and key not in done}
    if not todo:
        return
    played = create_activities(todo, schools, term, author_of(municipality))
    choose_children(played, children, schools)
    first_come = [p for p in played if not p.activity.lottery_round_id]
    for p in first_come:
        play_first_come(p)
    Enrolment.objects.bulk_create([e for p in first_come for e in p.enrolments])
    draw_lotteries([p for p in played if p.activity.lottery_round_id])
    Activity.objects.bulk_update(
        [set_seats(p.activity, p.holding()) for p in played], ["seats_taken"]
    )
    take_registers(played, now)


def set_seats(activity: Activity, holding: int) -> Activity:
    activity.seats_taken = holding  # no offer is open any more: every one was answered
    return activity


# Activities and their sessions


def author_of(municipality: Municipality) -> Callable[[str], User | None]:
    """Who made a school's activities: its demo staff login, else the demo coordinator (of
    Zaanstad; Amsterdam's have no demo login)."""
    authors = {u.email: u for u in User.objects.filter(email__in=AUTHORS.values())}
    coordinator = None
    if municipality.slug == "zaanstad":
        coordinator = User.objects.filter(email="coordinator@demo.test").first()
    return lambda brin: authors.get(AUTHORS.get(brin, "")) or coordinator


def create_activities(
    todo: dict, schools: dict[str, School], term: Term, author: Callable[[str], User | None]
) -> list[Played]:
    """Published activities with their lottery rounds and sessions (from the schedule, without
    holidays and study days, as activities.services makes them)."""
    venues = {v.name: v for v in Venue.objects.filter(name__in={s.venue for s in todo.values()})}
    rounds: dict[tuple[str, str], LotteryRound] = {}
    played = []
    for key, spec in todo.items():
        school = schools[spec.brin]
        activity = past_activity(spec, school, term.block(spec.block), venues.get(spec.venue))
        activity.submission_key, activity.created_by = key, author(spec.brin)
        if spec.lottery:
            activity.lottery_round = rounds.get((spec.brin, spec.lottery)) or rounds.setdefault(
                (spec.brin, spec.lottery), lottery_round(spec, school, activity)
            )
        played.append(Played(spec, activity, random.Random(f"activiteit:{key}")))
    Activity.objects.bulk_create([p.activity for p in played])
    backdate_activities([p.activity for p in played])
    link_priority_wijken(played)
    for p in played:
        p.sessions = sessions_of(p)
    Occurrence.objects.bulk_create([s for p in played for s in p.sessions])
    return played


def past_activity(
    spec: PastActivitySpec, school: School, block: Block, venue: Venue | None
) -> Activity:
    """First come: enrolment open from two weeks before the first session to two weeks after
    (latecomers may join). Lottery: applications for three weeks, the draw on the Friday
    before the first session, a week into the block."""
    lottery = bool(spec.lottery)
    first = block.first + dt.timedelta(weeks=1) if lottery else block.first
    opens = local_datetime(block.opens, dt.time(9))
    if lottery:
        closes = local_datetime(first - dt.timedelta(days=3), dt.time(20))
    else:
        closes = local_datetime(min(first + dt.timedelta(days=13), block.last), dt.time(20))
    return Activity(
        school=school,
        venue=venue,
        title=spec.title,
        description=spec.description,
        bring=spec.bring,
        category=spec.category,
        level=school.level,
        grade_min=spec.grades[0],
        grade_max=spec.grades[1],
        capacity=spec.capacity,
        enrolment_opens_at=opens,
        enrolment_closes_at=closes,
        allocation=Activity.Allocation.LOTTERY if lottery else Activity.Allocation.FIRST_COME,
        priority_own_school=spec.priority_own_school,
        weekday=spec.weekday,
        start_time=spec.hours[0],
        end_time=spec.hours[1],
        first_date=first,
        last_date=block.last,
        status=Activity.Status.PUBLISHED,
    )


def lottery_round(spec: PastActivitySpec, school: School, activity: Activity) -> LotteryRound:
    return LotteryRound.objects.create(
        school=school, name=spec.lottery, closes_at=activity.enrolment_closes_at
    )


def backdate_activities(activities: list[Activity]) -> None:
    """Made a few days before enrolment opened (auto_now_add wrote today)."""
    for activity in activities:
        activity.created_at = activity.enrolment_opens_at - dt.timedelta(days=4, hours=-2)
    Activity.objects.bulk_update(activities, ["created_at"])


def link_priority_wijken(played: list[Played]) -> None:
    names = {name for p in played for name in p.spec.priority_wijken}
    if not names:
        return
    wijken = {(w.municipality_id, w.name): w for w in Neighbourhood.objects.filter(name__in=names)}
    through = Activity.priority_neighbourhoods.through
    through.objects.bulk_create(
        through(
            activity=p.activity,
            neighbourhood=wijken[p.activity.school.neighbourhood.municipality_id, name],
        )
        for p in played
        for name in p.spec.priority_wijken
    )


def sessions_of(p: Played) -> list[Occurrence]:
    """The schedule's dates; maybe one session, not the first or last, did not go ahead."""
    a = p.activity
    sessions = [
        Occurrence(
            activity=a,
            date=day,
            starts_at=local_datetime(day, a.start_time),
            ends_at=local_datetime(day, a.end_time),
        )
        for day in schedule_dates(a)
    ]
    if len(sessions) > 3 and p.rng.random() < SESSION_CANCEL_CHANCE:
        off = sessions[p.rng.randrange(1, len(sessions) - 1)]
        off.cancelled_at = off.starts_at - dt.timedelta(hours=p.rng.randint(3, 26))
        off.cancel_reason = p.rng.choice(SESSION_CANCEL_REASONS)
    return sessions


# Who applies


def choose_children(played: list[Played], children: list[Child], schools) -> None:
    """Applications for each activity: children of the right school type and grade, mostly
    of its own school, never at an overlapping time; a child applying to two activities of
    one lottery round ranks them."""
    levels = {school.pk: school.level for school in schools.values()}
    busy: dict[int, list[Activity]] = defaultdict(list)
    ranks: dict[tuple[int, int], int] = defaultdict(int)  # (child, round) -> choices so far
    for p in played:
        a = p.activity
        fits = [
            c
            for c in children
            if levels[c.school_id] == a.level
            and a.grade_min <= c.grade <= a.grade_max
            and not any(overlaps(a, other) for other in busy[c.pk])
        ]
        p.rng.shuffle(fits)
        own = [c for c in fits if c.school_id == a.school_id]
        others = [c for c in fits if c.school_id != a.school_id]
        wanted = round(a.capacity * p.spec.demand)
        from_own = min(len(own), round(wanted * (0.5 if a.venue else OWN_SCHOOL_SHARE)))
        chosen = own[:from_own] + others[: wanted - from_own]
        chosen += own[from_own : from_own + wanted - len(chosen)]
        # A few more who might join after the start; they keep the time free meanwhile.
        p.late = [c for c in fits if c not in chosen][:3]
        for child in p.late:
            busy[child.pk].append(a)
        times = application_times(p, len(chosen))
        wijken = priority_wijken_of(p)
        for child, applied_at in zip(chosen, times, strict=True):
            busy[child.pk].append(a)
            rank = 1
            if a.lottery_round_id:
                ranks[child.pk, a.lottery_round_id] += 1
                rank = ranks[child.pk, a.lottery_round_id]
            p.enrolments.append(application(a, child, applied_at, rank, wijken))


def priority_wijken_of(p: Played) -> set[int]:
    if not p.spec.priority_wijken:
        return set()
    return set(p.activity.priority_neighbourhoods.values_list("pk", flat=True))


def overlaps(a: Activity, b: Activity) -> bool:
    """The rule of activities.services: same weekday, overlapping hours and dates."""
    return (
        a.weekday == b.weekday
        and a.start_time < b.end_time
        and b.start_time < a.end_time
        and a.first_date <= b.last_date
        and b.first_date <= a.last_date
    )


def application_times(p: Played, n: int) -> list[dt.datetime]:
    """Most children apply in the first days: a square pulls the times towards the opening."""
    opens = p.activity.enrolment_opens_at
    until = min(p.activity.enrolment_closes_at, p.first_start - dt.timedelta(days=1))
    span = until - opens
    return sorted(opens + span * p.rng.random() ** 2 for _ in range(n))


def application(
    activity: Activity, child: Child, applied_at: dt.datetime, rank: int, wijken: set[int]
) -> Enrolment:
    return Enrolment(
        child=child,
        activity=activity,
        status=Status.APPLIED,
        priority_tier=priority_tier(activity, child, wijken),
        choice_rank=rank,
        applied_at=applied_at,
        created_by_id=child.guardian_id,
    )


# How the term went


def play_first_come(p: Played) -> None:
    """Arrivals (latecomers too, when places were left) and places given back, in time
    order: a place while places last and nobody waits, else the waiting list."""
    late = late_joiners(p)
    events = [(e.applied_at, 0, e) for e in [*p.enrolments, *late]]
    events += [(moment, 1, drop_out) for moment, drop_out in places_given_back(p)]
    p.enrolments += late
    for moment, _order, what in sorted(events, key=lambda event: event[:2]):
        if isinstance(what, Enrolment):
            arrive(p, what)
        else:
            give_back(p, moment, drop_out=what)


def arrive(p: Played, e: Enrolment) -> None:
    if p.holding() < p.activity.capacity and not waiting_list(p):
        e.status, e.decided_at, e.placed_at = Status.CONFIRMED, e.applied_at, e.applied_at
    else:
        e.status, e.waitlisted_at = Status.WAITLISTED, e.applied_at


def late_joiners(p: Played) -> list[Enrolment]:
    """When fewer asked than there are places: a few more enrol after the first session."""
    if len(p.enrolments) >= p.activity.capacity:
        return []
    closes, wijken = p.activity.enrolment_closes_at, priority_wijken_of(p)
    joiners = []
    for child in p.late[: p.rng.choice(LATE_JOINERS)]:
        applied_at = p.first_start + (closes - p.first_start) * p.rng.random()
        joiners.append(application(p.activity, child, applied_at, 1, wijken))
    return joiners


def waiting_list(p: Played) -> list[Enrolment]:
    """As activities.waitlist orders it: tier, then time, then who came first."""
    waiting = [(n, e) for n, e in enumerate(p.enrolments) if e.status == Status.WAITLISTED]
    waiting.sort(key=lambda item: (item[1].priority_tier, item[1].applied_at, item[0]))
    return [e for _n, e in waiting]


def places_given_back(p: Played, after: dt.datetime | None = None) -> list[tuple]:
    """(moment, drop-out) of each place given back: some before the first session (after
    `after`, two days into enrolment by default), some after one of the first sessions."""
    rng, start = p.rng, p.first_start
    since = after or p.activity.enrolment_opens_at + dt.timedelta(days=2)
    events = []
    if start - since > dt.timedelta(days=2):
        for _ in range(rng.choice(CANCELS_BEFORE_START)):
            events.append((since + (start - dt.timedelta(days=1) - since) * rng.random(), False))
    held = [s for s in p.sessions if not s.cancelled_at]
    if len(held) >= 4:
        for _ in range(rng.choice(DROP_OUTS)):
            after_session = held[rng.randrange(0, min(3, len(held) - 2))]
            events.append((after_session.ends_at + dt.timedelta(hours=rng.randint(16, 60)), True))
    return sorted(events)


def give_back(p: Played, moment: dt.datetime, *, drop_out: bool) -> None:
    """enrolment_cancel for a child holding a place (a drop-out: one who has been to a
    session): the place ends, the invite's sequence rises with its CANCEL, and the place is
    offered down the waiting list (waitlist_advance) until someone takes it."""
    holders = [
        e
        for e in p.enrolments
        if e.status == Status.CONFIRMED
        and e.placed_at < moment
        and (not drop_out or e.placed_at <= p.first_start)
    ]
    if not holders:
        return
    enrolment = p.rng.choice(holders)
    enrolment.status, enrolment.decided_at = Status.CANCELLED, moment
    enrolment.calendar_sequence += 1
    while (waiting := waiting_list(p)) and moment < p.sessions[-1].starts_at:
        moment = offer_place(p, waiting[0], moment)
        if waiting[0].status == Status.CONFIRMED:
            return


def offer_place(p: Played, e: Enrolment, offered: dt.datetime) -> dt.datetime:
    """The family accepts, declines or lets the offer expire; returns when that was."""
    outcome = p.rng.choices(*zip(*OFFER_OUTCOMES, strict=True))[0]
    if outcome == "accept":
        answered = offered + dt.timedelta(minutes=p.rng.randint(30, 40 * 60))
        e.status, e.decided_at, e.placed_at = Status.CONFIRMED, answered, answered
        return answered
    if outcome == "decline":
        answered = offered + dt.timedelta(minutes=p.rng.randint(20, 30 * 60))
        e.status = Status.DECLINED
    else:  # the expiry scan runs every few minutes
        answered = offered + dt.timedelta(hours=p.activity.offer_hours, minutes=p.rng.randint(1, 5))
        e.status = Status.EXPIRED
    e.decided_at = answered
    return answered


# The lottery


def draw_lotteries(played: list[Played]) -> None:
    """Applications in, the real draw a few minutes after the round closed (as beat would),
    its mail to families taken out again, then the term played on from the draw's result."""
    if not played:
        return
    Enrolment.objects.bulk_create([e for p in played for e in p.enrolments])
    by_activity = {p.activity.pk: p for p in played}
    rounds = {p.activity.lottery_round_id: p.activity.lottery_round for p in played}
    last_mail = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for round_ in rounds.values():
        seed = random.Random(f"loting:{round_.name}:{round_.closes_at}").getrandbits(62)
        lottery_draw(round=round_, now=round_.closes_at + dt.timedelta(minutes=3), seed=seed)
    Notification.objects.filter(pk__gt=last_mail).delete()
    for p in played:
        p.enrolments = []
    for e in Enrolment.objects.filter(activity_id__in=list(by_activity)).order_by("pk"):
        by_activity[e.activity_id].enrolments.append(e)
    for p in played:
        drawn = p.activity.lottery_round.closes_at + dt.timedelta(days=1)
        for moment, drop_out in places_given_back(p, after=drawn):
            give_back(p, moment, drop_out=drop_out)
    Enrolment.objects.bulk_update(
        [e for p in played for e in p.enrolments],
        ["status", "decided_at", "placed_at", "calendar_sequence"],
    )


# Registers


def take_registers(played: list[Played], now: dt.datetime) -> None:
    """A register for every session that went ahead, recorded at its end, and the absence
    notices families sent beforehand."""
    marks, notices = [], []
    for p in played:
        chance = {id(e): presence(p, e) for e in p.enrolments if e.placed_at}
        for session in p.sessions:
            if session.cancelled_at or session.starts_at > now:
                continue
            for e in p.enrolments:
                if not held_place(e, session.starts_at):
                    continue
                status = mark(p.rng, chance[id(e)])
                marks.append(
                    Attendance(
                        occurrence=session,
                        enrolment=e,
                        status=status,
                        recorded_by=p.activity.created_by,
                    )
                )
                if status == Attendance.Status.EXCUSED and p.rng.random() < NOTICE_SHARE:
                    notices.append(absence_notice(p.rng, session, e))
    Attendance.objects.bulk_create(marks, batch_size=500)
    AbsenceNotice.objects.bulk_create(notices, batch_size=500)
    ended = Occurrence.objects.filter(pk=OuterRef("occurrence_id")).values("ends_at")[:1]
    Attendance.objects.filter(occurrence__activity__in=[p.activity for p in played]).update(
        recorded_at=Subquery(ended)
    )


def held_place(e: Enrolment, start: dt.datetime) -> bool:
    """Had a place when the session began: placed before, and not given back yet."""
    if e.placed_at is None or e.placed_at > start:
        return False
    return e.status == Status.CONFIRMED or (e.status == Status.CANCELLED and e.decided_at > start)


def presence(p: Played, e: Enrolment) -> float:
    """How often the child comes; those who stop came less often before they did."""
    dropped = e.status == Status.CANCELLED and e.decided_at > p.first_start
    return 0.6 if dropped else p.rng.choice(PRESENCE)


def mark(rng: random.Random, chance: float) -> str:
    if rng.random() < chance:
        return Attendance.Status.PRESENT
    return Attendance.Status.EXCUSED if rng.random() < EXCUSED_SHARE else Attendance.Status.ABSENT


def absence_notice(rng: random.Random, session: Occurrence, e: Enrolment) -> AbsenceNotice:
    return AbsenceNotice(
        occurrence=session,
        enrolment=e,
        reason=rng.choice(ABSENCE_REASONS),
        reported_by_id=e.created_by_id,  # the guardian, who enrolled the child
        reported_at=session.starts_at - dt.timedelta(hours=rng.randint(2, 40)),
    )
