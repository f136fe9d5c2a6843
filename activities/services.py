"""Every write about activities: publishing, schedules, children, enrolment, attendance.

Enrolment and cancellation lock the activity row (`SELECT ... FOR UPDATE` on PostgreSQL; on
SQLite the whole write transaction is serialised by BEGIN IMMEDIATE, see settings) before
reading `seats_taken`, so two parents can never both take the last place; the check constraint
`activity_never_oversold` backs that up in the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.once import create_once
from core.prepared import Param, Prepared
from core.time import local_date, local_datetime
from schools.models import School

from . import consent as consent_versions
from . import errors, messages
from .models import (
    AbsenceNotice,
    Activity,
    Attendance,
    Child,
    Enrolment,
    LotteryRound,
    Occurrence,
)
from .schedule import closures_for_school, past_session_dates, schedule_dates, session_dates
from .waitlist import waitlist_advance

SCHEDULE_FIELDS = ("weekday", "start_time", "end_time", "first_date", "last_date")


# Activities


@transaction.atomic
def activity_create(
    *,
    school,
    created_by,
    data: dict,
    neighbourhoods=(),
    now: dt.datetime,
    submission_key: uuid.UUID | None = None,
):
    """A draft activity with its sessions; lottery activities join or open a round. Sent twice
    with the same `submission_key` (core.once), the first one made."""
    return create_once(
        Activity,
        submission_key,
        lambda: _create(school, created_by, data, neighbourhoods, now, submission_key),
    )


def _create(school, created_by, data: dict, neighbourhoods, now: dt.datetime, submission_key):
    with locking():
        # The school's lock: of two twins sent at once (two tabs), the second sees the first.
        lock(School.objects.filter(pk=school.pk))
        if twin := _live_twin(school, data):
            raise errors.DuplicateActivity(twin)
        return _make(school, created_by, data, neighbourhoods, now, submission_key)


def _live_twin(school, data: dict) -> Activity | None:
    """The school's activity (not cancelled) with the same title, day, start and first date."""
    return (
        Activity.objects.filter(
            school=school,
            title__iexact=(data.get("title") or "").strip(),
            weekday=data.get("weekday"),
            start_time=data.get("start_time"),
            first_date=data.get("first_date"),
        )
        .exclude(status=Activity.Status.CANCELLED)
        .first()
    )


def _make(school, created_by, data: dict, neighbourhoods, now: dt.datetime, submission_key):
    activity = Activity(school=school, created_by=created_by, submission_key=submission_key, **data)
    if activity.allocation == Activity.Allocation.LOTTERY and activity.lottery_round_id is None:
        activity.lottery_round = _round_for(activity)
    activity.full_clean(exclude=["seats_taken", "submission_key"])
    activity.save()
    activity.priority_neighbourhoods.set(neighbourhoods)
    occurrences_regenerate(activity=activity, today=local_date(now))
    return activity


def activity_update(*, activity: Activity, data: dict, neighbourhoods=None, now: dt.datetime):
    """Save changes; a new schedule regenerates future sessions and tells enrolled families."""
    with locking():
        return _update(activity, data, neighbourhoods, now)


def _update(activity: Activity, data: dict, neighbourhoods, now: dt.datetime) -> Activity:
    [[activity]] = lock(Activity.objects.filter(pk=activity.pk))
    before = {field: getattr(activity, field) for field in SCHEDULE_FIELDS}
    for field, value in data.items():
        setattr(activity, field, value)
    if activity.allocation == Activity.Allocation.LOTTERY and (
        activity.lottery_round_id is None
        or activity.lottery_round.closes_at != activity.enrolment_closes_at
    ):
        activity.lottery_round = _round_for(activity)
    if activity.capacity < activity.seats_taken:
        raise ValidationError(
            {"capacity": _("%(n)d children already have a place.") % {"n": activity.seats_taken}}
        )
    activity.full_clean(exclude=["seats_taken"])
    activity.save()
    if neighbourhoods is not None:
        activity.priority_neighbourhoods.set(neighbourhoods)
    if "capacity" in data:
        waitlist_advance(activity=activity, now=now)
    changed = any(getattr(activity, field) != value for field, value in before.items())
    if changed:
        occurrences_regenerate(activity=activity, today=local_date(now))
        if activity.status == Activity.Status.PUBLISHED:
            messages.tell_families_schedule_changed(
                enrolments=_active(activity).filter(status__in=Enrolment.HOLDS_SEAT), now=now
            )
    return activity


def _round_for(activity: Activity) -> LotteryRound:
    """The school's round that closes at the same moment, or a new one."""
    round_, _created = LotteryRound.objects.get_or_create(
        school=activity.school,
        closes_at=activity.enrolment_closes_at,
        drawn_at=None,
        defaults={"name": activity.title},
    )
    return round_


@transaction.atomic
def activity_publish(*, activity: Activity, now: dt.datetime) -> Activity:
    """Publish a draft. Refused when no session is ahead (every date has passed, or falls in a
    closure): families could enrol but never come. Past dates of a partly past activity are
    the page's warning (schedule.past_session_dates), not a refusal."""
    if activity.status == Activity.Status.DRAFT:
        dates = schedule_dates(activity)
        if not dates:
            raise errors.NoSessions
        if len(past_session_dates(activity, now, dates=dates)) == len(dates):
            raise errors.AllDatesPast
    Activity.objects.filter(pk=activity.pk, status=Activity.Status.DRAFT).update(
        status=Activity.Status.PUBLISHED
    )
    activity.refresh_from_db()
    return activity


def activity_cancel(*, activity: Activity, now: dt.datetime) -> Activity:
    """Cancel the whole activity: every enrolment ends and every family is told."""
    with locking():
        [[activity]] = lock(Activity.objects.filter(pk=activity.pk))
        if activity.status == Activity.Status.CANCELLED:
            return activity
        for enrolment in _active(activity):
            had_place = enrolment.status == Enrolment.Status.CONFIRMED
            _end(enrolment, Enrolment.Status.CANCELLED, now)
            messages.tell_family_ended(
                enrolment=enrolment, event="activity_cancelled", had_place=had_place, now=now
            )
        activity.status = Activity.Status.CANCELLED
        activity.seats_taken = 0
        activity.save(update_fields=["status", "seats_taken", "updated_at"])
        activity.occurrences.filter(date__gte=local_date(now), cancelled_at=None).update(
            cancelled_at=now
        )
        return activity


def occurrences_regenerate(*, activity: Activity, today: dt.date) -> None:
    """Make future sessions match the schedule. Past sessions, and their attendance, stay."""
    first = max(activity.first_date, today)
    dates = session_dates(
        weekday=activity.weekday,
        first=first,
        last=activity.last_date,
        closed=closures_for_school(activity.school, first, activity.last_date),
    )
    future = activity.occurrences.filter(date__gte=today)
    future.exclude(date__in=dates).filter(attendance__isnull=True).delete()
    existing = set(future.values_list("date", flat=True))
    Occurrence.objects.bulk_create(
        Occurrence(activity=activity, date=day, **_times(activity, day))
        for day in dates
        if day not in existing
    )
    for occurrence in future.filter(date__in=dates):
        times = _times(activity, occurrence.date)
        if (occurrence.starts_at, occurrence.ends_at) != (times["starts_at"], times["ends_at"]):
            Occurrence.objects.filter(pk=occurrence.pk).update(**times)


def _times(activity: Activity, day: dt.date) -> dict:
    return {
        "starts_at": local_datetime(day, activity.start_time),
        "ends_at": local_datetime(day, activity.end_time),
    }


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence, reason: str, now: dt.datetime) -> Occurrence:
    updated = Occurrence.objects.filter(pk=occurrence.pk, cancelled_at=None).update(
        cancelled_at=now, cancel_reason=reason
    )
    occurrence.refresh_from_db()
    if updated:
        messages.tell_families_session_cancelled(occurrence=occurrence, now=now)
    return occurrence


# Children


@transaction.atomic
def child_register(
    *,
    guardian,
    data: dict,
    consent: bool,
    now: dt.datetime,
    submission_key: uuid.UUID | None = None,
) -> Child:
    """A parent's child; sent twice with the same `submission_key` (core.once), the first."""
    if not consent:
        raise ValidationError({"consent": _("We need your permission to save this.")})
    return create_once(
        Child, submission_key, lambda: _register(guardian, data, now, submission_key)
    )


def _register(guardian, data: dict, now: dt.datetime, submission_key) -> Child:
    child = Child(
        guardian=guardian,
        consent_at=now,
        consent_version=consent_versions.CURRENT,
        submission_key=submission_key,
        **data,
    )
    child.full_clean(exclude=["submission_key"])
    child.save()
    if not guardian.is_parent:
        get_user_model().objects.filter(pk=guardian.pk).update(is_parent=True)
        guardian.is_parent = True
    return child


@transaction.atomic
def child_update(*, child: Child, data: dict) -> Child:
    for field, value in data.items():
        setattr(child, field, value)
    child.full_clean()
    child.save()
    return child


@transaction.atomic
def child_consent_renew(*, child: Child, agreed: bool, now: dt.datetime) -> Child:
    """The parent agrees to the current consent text (after it changed)."""
    if not agreed:
        raise ValidationError({"consent": _("We need your permission to save this.")})
    child.consent_at, child.consent_version = now, consent_versions.CURRENT
    child.save(update_fields=["consent_at", "consent_version"])
    return child


@transaction.atomic
def child_delete(*, child: Child, now: dt.datetime) -> None:
    """The family forgets a child: its enrolments end (freeing places for others) and the
    child is erased (child_erase)."""
    child_erase(child=child, now=now)


def child_erase(*, child: Child, now: dt.datetime) -> Child:
    """Remove everything personal about a child: the name, the guardian, the class and the
    consent given. Enrolments in activities still running end first (freeing places, without
    mail); the row stays, anonymous, so past activities keep their counts and attendance."""
    running = Enrolment.objects.filter(
        child=child, status__in=Enrolment.ACTIVE, activity__last_date__gte=local_date(now)
    )
    for enrolment in running:
        enrolment_cancel(enrolment=enrolment, now=now, notify=False)
    # What the family wrote about absences is personal; the marks (counts) stay.
    AbsenceNotice.objects.filter(enrolment__child=child).delete()
    child.first_name = ""
    child.guardian = None
    child.group = None
    child.consent_version = ""
    child.erased_at = now
    child.save(update_fields=["first_name", "guardian", "group", "consent_version", "erased_at"])
    return child


# Enrolment


def enrolment_create(*, guardian, child: Child, activity: Activity, now: dt.datetime, **kw):
    """Enrol one child; see `enrolments_create`."""
    [enrolment] = enrolments_create(
        guardian=guardian, child_ids=[child.pk], activity=activity, now=now, **kw
    )
    return enrolment


def enrolments_create(
    *,
    guardian,
    child_ids: list[int],
    activity: Activity,
    now: dt.datetime,
    choice_rank: int = 1,
) -> list[Enrolment]:
    """Enrol children (siblings together: all get a place or none does).

    First come: confirmed while places last, else the waiting list. Lottery: an application,
    drawn when enrolment closes. Raises a refusal (activities.errors, or core.refusals.Busy)
    and changes nothing when the enrolment is not allowed.

    This is the path of the enrolment rush (docs/benchmarks.md), so it reads little: the
    children come locked with what the rules ask of them (a clash, a priority neighbourhood),
    the activity locked with whether anyone waits, and the family's message is written when it
    is delivered, not here.
    """
    if len(set(child_ids)) != len(child_ids):
        raise errors.AlreadyEnrolled
    with locking():
        # Lock the children against the same child being enrolled elsewhere at the same time,
        # then the activity (the capacity guard). Everyone in a rush queues for the activity's
        # lock, so nothing is checked or read between taking it and writing.
        children, locked = _lock_for_enrolment(child_ids, activity)
        if len(children) != len(child_ids) or any(
            child.guardian_id != guardian.pk for child in children
        ):
            raise errors.NotYourChild
        _check_open(locked, now)  # it may have been cancelled or closed meanwhile
        for child in children:
            _check_can_enrol(child, locked)
            child.guardian = guardian  # the message needs it; saves a query per child
        by_pk = {child.pk: child for child in children}
        return _enrol(
            locked,
            [by_pk[pk] for pk in child_ids],
            now,
            created_by=guardian,
            choice_rank=choice_rank,
        )


def _lock_for_enrolment(child_ids: list[int], activity: Activity) -> tuple[list[Child], Activity]:
    """The children and the activity, locked until the transaction ends, with what the rules
    ask of them: each child's school level, whether it lives in a priority neighbourhood and its
    first clashing enrolment (`clash_id`), and whether anyone waits for the activity
    (`has_waiting`).

    The clashes and the waiting list are read by a statement of their own after both locks:
    PostgreSQL takes a statement's snapshot when it starts, so what another enrolment
    committed while this one waited for a lock shows only in a later statement. All three
    statements are prepared (core.prepared): in a rush, compiling them cost more than running
    them."""
    size = len(child_ids)
    children_ids = {f"child{i}": pk for i, pk in enumerate(child_ids)}
    children, [locked] = lock(
        _CHILDREN_TO_ENROL.bind(size, activity=activity.pk, **children_ids),
        _ACTIVITY_TO_ENROL.bind(activity=activity.pk),
    )
    # Two columns per child, as asked for; the locked rows come by pk. A child already in the
    # activity clashes with it first.
    has_waiting, *facts = _ENROLMENT_FACTS.rows(size, activity=locked.pk, **children_ids)[0]
    locked.has_waiting = has_waiting
    clash_of = {
        pk: locked.pk if enrolled else overlap
        for pk, enrolled, overlap in zip(child_ids, facts[::2], facts[1::2], strict=True)
    }
    for child in children:
        child.clash_id = clash_of[child.pk]
    return children, locked


def _children_to_enrol(size: int):
    """`size` children with their school's level and whether each lives in one of the
    activity's priority neighbourhoods (`in_priority_neighbourhood`), locked."""
    priority = Activity.priority_neighbourhoods.through.objects.filter(
        activity_id=Param("activity"), neighbourhood_id=OuterRef("neighbourhood_id")
    )
    return (
        Child.objects.filter(pk__in=[Param(f"child{i}") for i in range(size)])
        .annotate(school_level=F("school__level"), in_priority_neighbourhood=Exists(priority))
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _activity_to_enrol(size: int):
    """The activity, locked, with its school and neighbourhood (the municipality of the
    family's message and of the audit entry)."""
    return (
        Activity.objects.filter(pk=Param("activity"))
        .select_related("school__neighbourhood")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _enrolment_facts(size: int):
    """Whether anyone waits for the activity, and for each of `size` children whether it is in
    the activity already and the first activity it is in at an overlapping time."""
    waiting = Enrolment.objects.filter(activity=OuterRef("pk"), status=Enrolment.Status.WAITLISTED)
    clashes = {
        f"{name}{i}": fact
        for i in range(size)
        for name, fact in _clash_facts(Param(f"child{i}")).items()
    }
    return (
        Activity.objects.filter(pk=Param("activity"))
        .annotate(has_waiting=Exists(waiting), **clashes)
        .values_list("has_waiting", *clashes)
    )


_CHILDREN_TO_ENROL = Prepared(_children_to_enrol)
_ACTIVITY_TO_ENROL = Prepared(_activity_to_enrol)
_ENROLMENT_FACTS = Prepared(_enrolment_facts)

# The activity of the outer query, for a subquery about the enrolments in it or overlapping it.
_OUTER_ACTIVITY = SimpleNamespace(
    pk=OuterRef("pk"),
    **{
        name: OuterRef(name)
        for name in ("weekday", "start_time", "end_time", "first_date", "last_date")
    },
)


def _clash_facts(child) -> dict[str, Exists | Subquery]:
    """Whether the child is already in the outer query's activity (`enrolled`), and the first
    activity it is in at an overlapping time (`overlap`)."""
    active = Enrolment.objects.filter(child_id=child, status__in=Enrolment.ACTIVE)
    return {
        "enrolled": Exists(active.filter(activity=_OUTER_ACTIVITY.pk)),
        "overlap": Subquery(
            active.filter(_overlapping(_OUTER_ACTIVITY))
            .order_by("activity_id")
            .values("activity_id")[:1]
        ),
    }


def _lock_activity(pk: int) -> Activity:
    """The activity row, locked until the transaction ends (the capacity guard). Its school
    and venue come along (unlocked) for the families' messages."""
    [[activity]] = lock(
        Activity.objects.filter(pk=pk).select_related("school__neighbourhood", "venue")
    )
    return activity


def _check_open(activity: Activity, now: dt.datetime) -> None:
    if activity.status != Activity.Status.PUBLISHED:
        raise errors.NotPublished
    if not activity.window_is_open(now):
        raise errors.WindowClosed


def _check_can_enrol(child: Child, activity: Activity) -> None:
    """The rules for a child read by `_lock_for_enrolment` (consent, grade, clashes)."""
    if not consent_versions.is_current(child.consent_version):
        raise errors.ConsentOutdated
    if child.school_level != activity.level or not (
        activity.grade_min <= child.grade <= activity.grade_max
    ):
        raise errors.WrongGrade
    if child.clash_id == activity.pk:
        raise errors.AlreadyEnrolled
    if child.clash_id is not None:
        raise errors.Overlap(child, Activity.objects.get(pk=child.clash_id))


def _overlapping(activity: Activity | SimpleNamespace) -> Q:
    """Enrolments in activities on the same weekday whose times and date ranges overlap
    `activity`'s (an activity, or `_OUTER_ACTIVITY` in a subquery)."""
    return Q(
        activity__weekday=activity.weekday,
        activity__start_time__lt=activity.end_time,
        activity__end_time__gt=activity.start_time,
        activity__first_date__lte=activity.last_date,
        activity__last_date__gte=activity.first_date,
    ) & ~Q(activity__status=Activity.Status.CANCELLED)


def priority_tier(activity: Activity, child: Child, in_priority_neighbourhood: bool) -> int:
    """0 is served first: each priority rule the child meets moves it one tier up."""
    tier = 2
    if activity.priority_own_school and child.school_id == activity.school_id:
        tier -= 1
    if in_priority_neighbourhood:
        tier -= 1
    return tier


def _enrol(activity, children, now, *, created_by, choice_rank=1, placed_by=None):
    """Write the enrolments. `activity` is locked and carries `has_waiting`, each child
    `in_priority_neighbourhood` (see _lock_for_enrolment)."""
    sibling_group = uuid.uuid4() if len(children) > 1 else None
    if activity.allocation == Activity.Allocation.LOTTERY and placed_by is None:
        status = Enrolment.Status.APPLIED
    elif activity.places_left >= len(children) and not activity.has_waiting:
        status = Enrolment.Status.CONFIRMED
    else:
        status = Enrolment.Status.WAITLISTED
    enrolments = [
        Enrolment.objects.create(
            child=child,
            activity=activity,
            status=status,
            priority_tier=priority_tier(activity, child, child.in_priority_neighbourhood),
            choice_rank=choice_rank,
            sibling_group=sibling_group,
            applied_at=now,
            decided_at=now if status == Enrolment.Status.CONFIRMED else None,
            placed_at=now if status == Enrolment.Status.CONFIRMED else None,
            waitlisted_at=now if status == Enrolment.Status.WAITLISTED else None,
            created_by=created_by,
            placed_by=placed_by,
        )
        for child in children
    ]
    if status == Enrolment.Status.CONFIRMED:
        Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") + len(children))
    # Only while a place is free (the activity is locked, so places_left is current): in a
    # rush most children join a full activity's list, and that needs no look at the list.
    if (
        status == Enrolment.Status.WAITLISTED
        and activity.places_left > 0
        and waitlist_advance(activity=activity, now=now)
    ):
        # A place was free but a pair of siblings ahead needed two: it may be this child's.
        for enrolment in enrolments:
            enrolment.refresh_from_db()
    for enrolment in enrolments:
        enrolment.waitlist_position = waitlist_position(enrolment)
        if enrolment.status == Enrolment.Status.OFFERED:
            continue  # waitlist_advance told the family already
        messages.tell_family_enrolled(
            enrolment=enrolment, now=now, position=enrolment.waitlist_position
        )
    return enrolments


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the head of the waiting list; None when not waiting."""
    if enrolment.status != Enrolment.Status.WAITLISTED:
        return None
    counted = _WAITING_AHEAD.rows(
        activity=enrolment.activity_id,
        tier=enrolment.priority_tier,
        applied_at=enrolment.applied_at,
        enrolment=enrolment.pk,
    )
    return (counted[0][0] if counted else 0) + 1


def _waiting_ahead(size: int):
    """How many wait ahead of an enrolment: a better tier, or the same tier and applied
    earlier (the pk decides a tie), in selectors.with_waitlist_position's order. Prepared: in
    a rush most parents are told their place in the queue."""
    tier, applied_at = Param("tier"), Param("applied_at", DateTimeField())
    return (
        Enrolment.objects.filter(activity_id=Param("activity"), status=Enrolment.Status.WAITLISTED)
        .filter(
            Q(priority_tier__lt=tier)
            | Q(priority_tier=tier, applied_at__lt=applied_at)
            | Q(priority_tier=tier, applied_at=applied_at, pk__lt=Param("enrolment"))
        )
        .order_by()  # the model's ordering would join the activity
        .values("activity_id")
        .annotate(ahead=Count("pk"))
        .values_list("ahead")
    )


_WAITING_AHEAD = Prepared(_waiting_ahead)


def enrolment_place(*, activity: Activity, child: Child, placed_by, now: dt.datetime) -> Enrolment:
    """Staff place a child by hand: confirmed if a place is free, outside the window too."""
    with locking():
        locked = _lock_activity(activity.pk)
        if locked.status != Activity.Status.PUBLISHED:
            raise errors.NotPublished
        if locked.places_left < 1:
            raise errors.Full
        active = Enrolment.objects.filter(child=child, status__in=Enrolment.ACTIVE)
        existing = active.filter(activity=locked).first()
        if existing and existing.status in Enrolment.HOLDS_SEAT:
            raise errors.AlreadyEnrolled
        if existing:
            _end(existing, Enrolment.Status.CANCELLED, now)
        other = (
            active.exclude(activity=locked).filter(_overlapping(locked)).select_related("activity")
        )
        if clash := other.first():
            raise errors.Overlap(child, clash.activity)
        enrolment = Enrolment.objects.create(
            child=child,
            activity=locked,
            status=Enrolment.Status.CONFIRMED,
            priority_tier=0,
            applied_at=now,
            decided_at=now,
            placed_at=now,
            created_by=placed_by,
            placed_by=placed_by,
        )
        Activity.objects.filter(pk=locked.pk).update(seats_taken=F("seats_taken") + 1)
        messages.tell_family_confirmed(enrolment=enrolment, now=now)
        return enrolment


def enrolment_cancel(*, enrolment: Enrolment, now: dt.datetime, notify: bool = True) -> Enrolment:
    """End an enrolment; a freed place is offered to the waiting list at once."""
    with locking():
        activity = _lock_activity(enrolment.activity_id)
        [[enrolment]] = lock(Enrolment.objects.filter(pk=enrolment.pk))
        if enrolment.status not in Enrolment.ACTIVE:
            raise errors.NotActive
        held_seat = enrolment.status in Enrolment.HOLDS_SEAT
        had_place = enrolment.status == Enrolment.Status.CONFIRMED
        _end(enrolment, Enrolment.Status.CANCELLED, now)
        if notify:
            messages.tell_family_ended(
                enrolment=enrolment, event="cancelled", had_place=had_place, now=now
            )
        if held_seat:
            Activity.objects.filter(pk=activity.pk).update(seats_taken=F("seats_taken") - 1)
        # Also when no place was held: a waiting sibling who leaves can let the rest of the
        # list move up to a place that was too small for the pair.
        waitlist_advance(activity=activity, now=now)
        return enrolment


def _end(enrolment: Enrolment, status: str, now: dt.datetime) -> None:
    enrolment.status = status
    enrolment.decided_at = now
    enrolment.offer_expires_at = None
    enrolment.save(update_fields=["status", "decided_at", "offer_expires_at"])


def _active(activity: Activity):
    return Enrolment.objects.filter(activity=activity, status__in=Enrolment.ACTIVE).select_related(
        "child__guardian", "activity__school", "activity__venue"
    )


# Attendance


@transaction.atomic
def attendance_record(
    *,
    occurrence: Occurrence,
    marks: dict[int, str],
    recorded_by,
    now: dt.datetime,
    everyone_present: bool = False,
) -> int:
    """Save the register of one session: {enrolment id: status}. Returns the marks saved.

    With `everyone_present` (the one tap on a phone), every child with a place that is not in
    `marks` and has no mark yet is marked too: present, or excused when the family reported
    the child absent. A register is kept from the session's start, not before: a mark made
    in advance would be a guess.

    Only what changed is written: a new mark, or a mark changed (then its recorder is the
    person saving). A mark saved again as it was keeps who recorded it and when, and writes
    nothing, not even an audit entry. The session's row is locked first, so two people saving
    the register at once write each mark once."""
    if occurrence.is_cancelled:
        raise ValidationError({"marks": _("This session was cancelled.")})
    if occurrence.starts_at > now:
        raise errors.SessionNotStarted
    allowed = set(
        occurrence.activity.enrolments.filter(status=Enrolment.Status.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    if set(marks) - allowed:
        raise ValidationError({"marks": _("Only children with a place can be on the register.")})
    if set(marks.values()) - set(Attendance.Status.values):
        raise ValidationError({"marks": _("Choose present, absent or excused.")})
    marks = dict(marks)
    with locking():
        lock(Occurrence.objects.filter(pk=occurrence.pk))
        # Read after the lock, from the table: never a caller's prefetched, older marks.
        saved = {
            mark.enrolment_id: mark for mark in Attendance.objects.filter(occurrence=occurrence)
        }
        if everyone_present:
            marks.update(_the_rest(occurrence, allowed - set(marks) - set(saved)))
        for enrolment_id, status in marks.items():
            mark = saved.get(enrolment_id)
            if mark is None:
                Attendance.objects.create(
                    occurrence=occurrence,
                    enrolment_id=enrolment_id,
                    status=status,
                    recorded_by=recorded_by,
                )
            elif mark.status != status:
                mark.status, mark.recorded_by = status, recorded_by
                mark.save(update_fields=["status", "recorded_by", "recorded_at"])
    return len(marks)


def _the_rest(occurrence: Occurrence, unmarked: set[int]) -> dict[int, str]:
    """Marks for children not yet on the register: excused when reported absent, else present."""
    away = set(occurrence.absence_notices.values_list("enrolment_id", flat=True))
    return {
        pk: Attendance.Status.EXCUSED if pk in away else Attendance.Status.PRESENT
        for pk in unmarked
    }


# Absence notices ("afmelden")

ABSENCE_REASON_MAX = 200


def _coming_session_of(enrolment: Enrolment, occurrence: Occurrence, now: dt.datetime) -> None:
    if occurrence.activity_id != enrolment.activity_id:
        raise ValidationError({"occurrence": _("This session is not of this activity.")})
    if occurrence.is_cancelled:
        raise errors.SessionCancelled
    if occurrence.starts_at <= now:
        raise errors.SessionStarted


def absence_report(
    *, enrolment: Enrolment, occurrence: Occurrence, reason: str, reported_by, now: dt.datetime
) -> AbsenceNotice:
    """The family says the child will miss a coming session. Reporting again changes the
    reason. Only for a confirmed place, and only until the session starts."""
    reason = " ".join((reason or "").split())
    if len(reason) > ABSENCE_REASON_MAX:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": ABSENCE_REASON_MAX}}
        )
    if enrolment.status != Enrolment.Status.CONFIRMED:
        raise errors.NotActive
    _coming_session_of(enrolment, occurrence, now)
    notice, _created = AbsenceNotice.objects.update_or_create(
        occurrence=occurrence,
        enrolment=enrolment,
        defaults={"reason": reason, "reported_by": reported_by, "reported_at": now},
    )
    return notice


def absence_withdraw(*, enrolment: Enrolment, occurrence: Occurrence, now: dt.datetime) -> None:
    """The child comes after all: the notice goes, until the session starts. Taking back a
    notice that is not there changes nothing."""
    _coming_session_of(enrolment, occurrence, now)
    AbsenceNotice.objects.filter(occurrence=occurrence, enrolment=enrolment).delete()
