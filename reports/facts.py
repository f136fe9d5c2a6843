"""The raw facts behind the steering figures, per school, in a fixed number of queries.

`school_facts` reads everything a dashboard counts for the schools of a scope and files it
under each school; `rollup` adds schools up to any level (a neighbourhood, a municipality, the
whole scope) with the unique counts (children, classes, heroes) kept unique. Nothing here is
shown: `reports.figures` turns facts into protected tables (reports.tables).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncWeek

from activities.models import Activity, Attendance, Enrolment, LotteryRound, Occurrence
from core.time import LOCAL_TZ
from heroes.models import VOG_WARNING_DAYS as VOG_SOON_DAYS
from heroes.models import Hero
from heroes.selectors import with_vog
from scheduler.models import Kit, Offer, SessionRequest, Visit
from schools.models import Group

from .filters import Scope

DAY = dt.timedelta(days=1)
OPEN = (SessionRequest.Status.OPEN, SessionRequest.Status.OFFERED)
SERVED = (SessionRequest.Status.CONFIRMED, SessionRequest.Status.DONE)


@dataclass(frozen=True)
class SchoolInfo:
    pk: int
    name: str
    level: str
    neighbourhood_id: int
    neighbourhood: str
    municipality_id: int
    municipality: str
    is_target_area: bool


@dataclass
class Facts:
    """What happened at one school (or, added up, at several) in the period."""

    activities: int = 0
    places: int = 0
    taken: int = 0
    waiting: int = 0
    placed: int = 0
    dropouts: int = 0
    wait_days: list[float] = field(default_factory=list)
    reached: set[int] = field(default_factory=set)
    pupils_reached: set[int] = field(default_factory=set)
    pupils: int = 0
    present: int = 0
    recorded: int = 0
    applicants: set[int] = field(default_factory=set)
    drawn_places: set[int] = field(default_factory=set)
    first_choices: set[int] = field(default_factory=set)
    requested: int = 0
    open: int = 0
    served: int = 0
    confirm_days: list[float] = field(default_factory=list)
    visits: int = 0
    classes: set[int] = field(default_factory=set)
    vr_sessions: int = 0
    heroes: set[int] = field(default_factory=set)
    # Attendance per week (its Monday): (present, recorded).
    marks_by_week: dict[dt.date, tuple[int, int]] = field(default_factory=dict)

    def add(self, other: Facts) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, set):
                mine |= value
            elif isinstance(mine, list):
                mine.extend(value)
            elif isinstance(mine, dict):
                for week, (present, recorded) in value.items():
                    was = mine.get(week, (0, 0))
                    mine[week] = (was[0] + present, was[1] + recorded)
            else:
                setattr(self, name, mine + value)


def median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def rollup(
    facts: dict[int, Facts], schools: dict[int, SchoolInfo], key: Callable[[SchoolInfo], object]
) -> dict[object, Facts]:
    """Schools' facts added up by `key` (a neighbourhood, a municipality)."""
    groups: dict[object, Facts] = defaultdict(Facts)
    for pk, school_facts in facts.items():
        groups[key(schools[pk])].add(school_facts)
    return dict(groups)


def total(facts: Iterable[Facts]) -> Facts:
    whole = Facts()
    for one in facts:
        whole.add(one)
    return whole


def school_infos(scope: Scope) -> dict[int, SchoolInfo]:
    rows = scope.schools().values_list(
        "pk",
        "name",
        "level",
        "neighbourhood_id",
        "neighbourhood__name",
        "neighbourhood__municipality_id",
        "neighbourhood__municipality__name",
        "neighbourhood__is_target_area",
    )
    return {row[0]: SchoolInfo(*row) for row in rows.order_by("name", "pk")}


def _activities(scope: Scope, school_ids):
    period = scope.period
    return Activity.objects.filter(
        school_id__in=school_ids,
        status=Activity.Status.PUBLISHED,
        first_date__lte=period.end,
        last_date__gte=period.start,
    )


def school_facts(
    scope: Scope, schools: dict[int, SchoolInfo], now: dt.datetime
) -> dict[int, Facts]:
    """Every school's facts: ten queries, whatever the number of schools."""
    facts = {pk: Facts() for pk in schools}
    activities = _activities(scope, list(schools))
    _offer(facts, activities)
    _enrolments(facts, activities)
    _attendance(facts, activities, scope)
    _lotteries(facts, scope, schools)
    _pupils(facts, scope, schools)
    for school in facts.values():
        if not school.pupils:
            # Only schools whose group sizes are known count towards the share of pupils.
            school.pupils_reached.clear()
    _requests(facts, scope, schools)
    _visits(facts, scope, schools, now)
    return facts


def _offer(facts, activities) -> None:
    rows = activities.values("school_id").annotate(n=Count("pk"), places=Sum("capacity"))
    for row in rows.order_by():
        school = facts[row["school_id"]]
        school.activities, school.places = row["n"], row["places"] or 0


def _enrolments(facts, activities) -> None:
    """Places, waiting lists, children reached, waiting times and drop-out: four queries that
    return counts, ids and durations (reading 20,000 rows of time-zoned datetimes into Python
    took a second in a city)."""
    status = Enrolment.Status
    enrolments = Enrolment.objects.filter(activity__in=activities)
    counts = enrolments.values("activity__school_id").annotate(
        taken=Count("pk", filter=Q(status=status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=status.WAITLISTED)),
        placed=Count("pk", filter=Q(placed_at__isnull=False)),
    )
    for row in counts.order_by():
        school = facts[row["activity__school_id"]]
        school.taken, school.waiting, school.placed = row["taken"], row["waiting"], row["placed"]
    placed = enrolments.filter(placed_at__isnull=False)
    reached = placed.values_list("activity__school_id", "child_id", "child__school_id")
    for school_id, child, own_school in reached.order_by().distinct():
        facts[school_id].reached.add(child)
        if own_school in facts:
            facts[own_school].pupils_reached.add(child)
    waited = (
        placed.filter(waitlisted_at__isnull=False)
        .annotate(waited=_duration("waitlisted_at", "placed_at"))
        .values_list("activity__school_id", "waited")
    )
    for school_id, waited_for in waited:
        facts[school_id].wait_days.append(waited_for / DAY)
    # Drop-out: a place given back after the activity's first session.
    first_session = Occurrence.objects.filter(
        activity=OuterRef("activity_id"), cancelled_at=None
    ).order_by("starts_at")
    left = (
        placed.filter(status=status.CANCELLED)
        .filter(decided_at__gt=Subquery(first_session.values("starts_at")[:1]))
        .values("activity__school_id")
        .annotate(n=Count("pk"))
    )
    for row in left.order_by():
        facts[row["activity__school_id"]].dropouts = row["n"]


def _attendance(facts, activities, scope: Scope) -> None:
    """Marks per school and week, in one query: the week-by-week table reads them too."""
    rows = (
        Attendance.objects.filter(
            occurrence__activity__in=activities,
            occurrence__date__gte=scope.period.start,
            occurrence__date__lte=scope.period.end,
        )
        .values("occurrence__activity__school_id", week=TruncWeek("occurrence__date"))
        .annotate(
            present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)), recorded=Count("pk")
        )
    )
    for row in rows.order_by():
        school = facts[row["occurrence__activity__school_id"]]
        school.present += row["present"]
        school.recorded += row["recorded"]
        school.marks_by_week[_day(row["week"])] = (row["present"], row["recorded"])


def _lotteries(facts, scope: Scope, schools) -> None:
    """Applicants, placed children and granted first choices, from each drawn round's record
    (the enrolments themselves move on after the draw)."""
    rounds = LotteryRound.objects.filter(
        school_id__in=list(schools),
        drawn_at__gte=scope.period.starts_at,
        drawn_at__lt=scope.period.ends_at,
    ).values_list("school_id", "draw_log")
    for school_id, log in rounds:
        school = facts[school_id]
        applications = (log.get("input") or {}).get("applications") or []
        confirmed = {
            pk for one in (log.get("activities") or {}).values() for pk in one["confirmed"]
        }
        for enrolment, child, _activity, _tier, rank, *_group in applications:
            school.applicants.add(child)
            if enrolment in confirmed:
                school.drawn_places.add(child)
                if rank == 1:
                    school.first_choices.add(child)


def _pupils(facts, scope: Scope, schools) -> None:
    rows = (
        Group.objects.filter(school_id__in=list(schools), school_year=scope.period.school_year)
        .values("school_id")
        .annotate(pupils=Sum("pupils"))
    )
    for row in rows.order_by():
        facts[row["school_id"]].pupils = row["pupils"] or 0


def _requests(facts, scope: Scope, schools) -> None:
    rows = (
        _requests_in(scope, schools)
        .values("school_id")
        .annotate(
            n=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN)),
            served=Count("pk", filter=Q(status__in=SERVED)),
        )
    )
    for row in rows.order_by():
        school = facts[row["school_id"]]
        school.requested, school.open, school.served = row["n"], row["open"], row["served"]


def _requests_in(scope: Scope, schools):
    return SessionRequest.objects.filter(
        school_id__in=list(schools),
        created_at__gte=scope.period.starts_at,
        created_at__lt=scope.period.ends_at,
    )


def _visits_in(scope: Scope, schools):
    return Visit.objects.filter(
        request__school_id__in=list(schools),
        status=Visit.Status.CONFIRMED,
        starts_at__gte=scope.period.starts_at,
        starts_at__lt=scope.period.ends_at,
    )


def _duration(start: str, end: str) -> ExpressionWrapper:
    """The time between two moments, worked out by the database."""
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _visits(facts, scope: Scope, schools, now: dt.datetime) -> None:
    """Visits, classes and heroes reached, VR sessions given and the time from request to
    visit; the database works out the times (no datetimes read into Python)."""
    rows = (
        _visits_in(scope, schools)
        .annotate(
            vr_done=Q(request__kind=SessionRequest.Kind.VR, ends_at__lte=now),
            waited=_duration("request__created_at", "created_at"),
        )
        .values_list("request__school_id", "request__group_id", "hero_id", "vr_done", "waited")
    )
    for school_id, group, hero, vr_done, waited in rows:
        school = facts[school_id]
        school.visits += 1
        school.heroes.add(hero)
        if group is not None:
            school.classes.add(group)
        school.vr_sessions += bool(vr_done)
        school.confirm_days.append(max(waited / DAY, 0))


# Figures that are not per school.


def open_reasons(scope: Scope, schools) -> dict[str, int]:
    """Requests still open, by the engine's reason (empty: not matched yet)."""
    rows = (
        _requests_in(scope, schools)
        .filter(status__in=OPEN)
        .values("unmatched_reason")
        .annotate(n=Count("pk"))
    )
    return {row["unmatched_reason"]: row["n"] for row in rows.order_by()}


def declines(scope: Scope, schools) -> dict[str, int]:
    """Offers heroes declined in the period, by the reason they chose."""
    rows = (
        Offer.objects.filter(
            request__school_id__in=list(schools),
            status=Offer.Status.DECLINED,
            responded_at__gte=scope.period.starts_at,
            responded_at__lt=scope.period.ends_at,
        )
        .values("decline_code")
        .annotate(n=Count("pk"))
    )
    return {row["decline_code"]: row["n"] for row in rows.order_by()}


@dataclass(frozen=True)
class KitUse:
    pk: int
    name: str
    sessions: int
    hours: float


def kit_use(scope: Scope, schools) -> list[KitUse]:
    """Each active kit of the municipalities with its VR sessions in the period (the schools'
    filter applies to the sessions, not to the kits)."""
    used = defaultdict(lambda: [0, 0.0])
    rows = (
        _visits_in(scope, schools)
        .filter(kit__isnull=False)
        .values_list("kit_id", "starts_at", "ends_at")
    )
    for kit, starts_at, ends_at in rows:
        used[kit][0] += 1
        used[kit][1] += (ends_at - starts_at).total_seconds() / 3600
    kits = Kit.objects.filter(municipality_id__in=scope.municipality_ids, is_active=True)
    return [
        KitUse(pk, name, used[pk][0], round(used[pk][1], 1))
        for pk, name in kits.order_by("name", "pk").values_list("pk", "name")
    ]


def vogs_ending_soon(scope: Scope, today: dt.date) -> int:
    """Heroes still in the programme whose current VOG ends within the warning period."""
    return (
        with_vog(Hero.objects.active().filter(municipality_id__in=scope.municipality_ids))
        .filter(
            vog_valid_until__gte=today,
            vog_valid_until__lte=today + dt.timedelta(days=VOG_SOON_DAYS),
        )
        .count()
    )


@dataclass
class Week:
    placed: int = 0
    present: int = 0
    recorded: int = 0
    requested: int = 0
    visits: int = 0


def weeks(scope: Scope, schools, marks: dict[dt.date, tuple[int, int]]) -> dict[dt.date, Week]:
    """The period week by week (weeks start on Monday), every week present; `marks` is the
    attendance per week the schools' facts hold."""
    period = scope.period
    first = period.start - dt.timedelta(days=period.start.weekday())
    found = {
        first + dt.timedelta(weeks=n): Week() for n in range((period.end - first).days // 7 + 1)
    }
    activities = _activities(scope, list(schools))
    bounds = {"gte": period.starts_at, "lt": period.ends_at}

    def by_week(queryset, moment: str, **counts):
        rows = (
            queryset.filter(**{f"{moment}__{op}": value for op, value in bounds.items()})
            .annotate(week=TruncWeek(moment, tzinfo=LOCAL_TZ))
            .values("week")
            .annotate(**counts)
        )
        for row in rows.order_by():
            week = found.setdefault(_day(row["week"]), Week())
            for name in counts:
                setattr(week, name, getattr(week, name) + row[name])

    by_week(Enrolment.objects.filter(activity__in=activities), "placed_at", placed=Count("pk"))
    for monday, (present, recorded) in marks.items():
        week = found.setdefault(monday, Week())
        week.present, week.recorded = present, recorded
    by_week(_requests_in(scope, schools), "created_at", requested=Count("pk"))
    by_week(_visits_in(scope, schools), "starts_at", visits=Count("pk"))
    return dict(sorted(found.items()))


def _day(value) -> dt.date:
    """TruncWeek gives a datetime (or, on SQLite, sometimes a string)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(LOCAL_TZ).date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class ActivityFacts:
    pk: int
    title: str
    places: int
    taken: int
    waiting: int
    present: int
    recorded: int


def activity_facts(scope: Scope, school_id: int) -> list[ActivityFacts]:
    """One school's activities in the period with their places and attendance: one query."""
    marks = Attendance.objects.filter(
        occurrence__activity=OuterRef("pk"),
        occurrence__starts_at__gte=scope.period.starts_at,
        occurrence__starts_at__lt=scope.period.ends_at,
    )
    status = Enrolment.Status
    rows = (
        _activities(scope, [school_id])
        .annotate(
            taken=Count("enrolments", filter=Q(enrolments__status=status.CONFIRMED)),
            waiting=Count("enrolments", filter=Q(enrolments__status=status.WAITLISTED)),
            present=_count(marks.filter(status=Attendance.Status.PRESENT)),
            recorded=_count(marks),
        )
        .order_by("first_date", "title", "pk")
        .values_list("pk", "title", "capacity", "taken", "waiting", "present", "recorded")
    )
    return [ActivityFacts(*row) for row in rows]


def _count(queryset) -> Coalesce:
    """A correlated COUNT(*) as a subquery (two counts over joins would multiply)."""
    counted = queryset.order_by().values("occurrence__activity").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)
