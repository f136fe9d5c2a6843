"""The lottery draw: when a round closes, its applications become places or a waiting list.

The draw itself (`lottery_compute`) is a pure function of the applications, the free places
and a seed, so anyone can run it again from the record in `LotteryRound.draw_log` and get the
same answer. `lottery_draw` loads the round under lock, computes, and writes the result in
one transaction. docs/lottery.md explains the rules for staff.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from core.locking import lock, locking

from . import messages
from .calendar import future_sessions
from .models import Activity, Enrolment, LotteryRound
from .services import waitlist_position

logger = logging.getLogger(__name__)


# The pure draw: no database, no clock.


@dataclass(frozen=True)
class Application:
    enrolment_id: int
    child_id: int
    activity_id: int
    tier: int
    rank: int
    sibling_group: str | None = None


@dataclass(frozen=True)
class _Unit:
    """Applications placed as one: siblings who applied together, or a single child."""

    activity_id: int
    members: tuple[Application, ...]
    tier: int
    rank: int
    ticket: int

    @property
    def children(self) -> set[int]:
        return {member.child_id for member in self.members}

    @property
    def enrolment_ids(self) -> list[int]:
        return [member.enrolment_id for member in self.members]


@dataclass
class DrawResult:
    seed: int
    tickets: list[int]
    confirmed: dict[int, list[int]] = field(default_factory=dict)
    waitlisted: dict[int, list[int]] = field(default_factory=dict)
    cancelled: list[int] = field(default_factory=list)
    passes: int = 0

    def as_log(self) -> dict:
        activities = sorted(set(self.confirmed) | set(self.waitlisted))
        return {
            "seed": self.seed,
            "tickets": self.tickets,
            "passes": self.passes,
            "activities": {
                str(pk): {
                    "confirmed": self.confirmed.get(pk, []),
                    "waitlisted": self.waitlisted.get(pk, []),
                }
                for pk in activities
            },
            "cancelled": self.cancelled,
        }


def lottery_compute(
    *, applications: list[Application], places: dict[int, int], seed: int
) -> DrawResult:
    """Draw places for a round.

    1. Shuffle the children (sorted by id, so the order depends on the seed only) with
       random.Random(seed): that is the ticket order.
    2. Siblings who applied together to an activity form one unit with one ticket: the ticket
       of the sibling with the lowest id, so applying together neither helps nor hurts.
    3. Pass after pass, each child can get at most one place per pass. Units are tried in the
       order: children with fewer places first, then priority tier, then choice rank, then
       ticket. A unit gets a place only if all its children fit; otherwise the next one in
       line is tried. Stop after a pass that places nobody.
    4. Units without a place are waitlisted, in draw order. A unit is cancelled instead when
       every child in it has a place and none of those places is ranked lower than this
       choice: a family waits only for something it wanted more than what it got.
    """
    tickets = sorted({app.child_id for app in applications})
    random.Random(seed).shuffle(tickets)
    units = _units(applications, {child: i for i, child in enumerate(tickets)})
    result = DrawResult(seed=seed, tickets=tickets)
    placed, result.passes = _run_passes(units, dict(places))
    for unit in placed:
        result.confirmed.setdefault(unit.activity_id, []).extend(unit.enrolment_ids)
    placed_set = set(placed)
    _sort_out_unplaced(result, [u for u in units if u not in placed_set], placed)
    return result


def _units(applications: list[Application], ticket_of: dict[int, int]) -> list[_Unit]:
    grouped: dict[tuple, list[Application]] = defaultdict(list)
    for app in applications:
        key = (app.activity_id, app.sibling_group or f"solo:{app.enrolment_id}")
        grouped[key].append(app)
    units = []
    for (activity_id, _group), members in grouped.items():
        members.sort(key=lambda app: app.child_id)
        units.append(
            _Unit(
                activity_id=activity_id,
                members=tuple(members),
                tier=min(app.tier for app in members),
                rank=min(app.rank for app in members),
                ticket=ticket_of[members[0].child_id],
            )
        )
    # The draw order: also the order of every waiting list the draw writes.
    units.sort(key=lambda u: (u.tier, u.rank, u.ticket, u.activity_id))
    return units


def _run_passes(units: list[_Unit], free: dict[int, int]) -> tuple[list[_Unit], int]:
    """Give places pass by pass; a child gets its next place only in the next pass, so no
    child gets a second place while another child can still get a first."""
    held: Counter = Counter()
    placed: list[_Unit] = []
    waiting = list(units)
    passes = 0
    while waiting:
        passes += 1
        waiting.sort(key=lambda u: min(held[c] for c in u.children))  # stable: keeps draw order
        this_pass: set[int] = set()
        still_waiting = []
        for unit in waiting:
            if unit.children & this_pass:
                still_waiting.append(unit)
            elif len(unit.members) <= free.get(unit.activity_id, 0):
                free[unit.activity_id] -= len(unit.members)
                held.update(unit.children)
                this_pass |= unit.children
                placed.append(unit)
            # A unit that does not fit now never will: places only get fewer in a draw.
        if not this_pass:
            break
        waiting = still_waiting
    return placed, passes


def _sort_out_unplaced(result: DrawResult, unplaced: list[_Unit], placed: list[_Unit]) -> None:
    worst_place: dict[int, int] = {}
    for unit in placed:
        for child in unit.children:
            worst_place[child] = max(worst_place.get(child, 0), unit.rank)
    for unit in unplaced:
        if all(child in worst_place and unit.rank >= worst_place[child] for child in unit.children):
            result.cancelled.extend(unit.enrolment_ids)
        else:
            result.waitlisted.setdefault(unit.activity_id, []).extend(unit.enrolment_ids)


def lottery_replay(draw_log: dict) -> DrawResult:
    """Draw again from a round's record: the result must equal the recorded one."""
    recorded = draw_log["input"]
    return lottery_compute(
        applications=[Application(*row) for row in recorded["applications"]],
        places={int(pk): n for pk, n in recorded["places"].items()},
        seed=draw_log["seed"],
    )


# Against the database.


def _load(round: LotteryRound) -> tuple[list[Application], dict[int, int]]:
    activities = Activity.objects.filter(
        lottery_round=round, status=Activity.Status.PUBLISHED
    ).order_by("pk")
    places = {a.pk: a.places_left for a in activities}
    rows = (
        Enrolment.objects.filter(activity_id__in=places, status=Enrolment.Status.APPLIED)
        .order_by("pk")
        .values_list(
            "pk", "child_id", "activity_id", "priority_tier", "choice_rank", "sibling_group"
        )
    )
    applications = [
        Application(pk, child, activity, tier, rank, str(group) if group else None)
        for pk, child, activity, tier, rank, group in rows
    ]
    return applications, places


def lottery_simulate(round: LotteryRound, seed: int) -> DrawResult:
    """What a draw with this seed would give now; writes nothing."""
    applications, places = _load(round)
    return lottery_compute(applications=applications, places=places, seed=seed)


def lottery_draw(
    *,
    round: LotteryRound,
    now: dt.datetime,
    seed: int | None = None,
) -> LotteryRound:
    """Draw the round once, when it has closed. Safe to call twice, also at the same moment
    from two workers: the second one waits for the round's lock, then sees it was drawn."""
    drawn, _did_draw = _draw_once(round.pk, now, seed)
    return drawn


def _draw_once(round_pk: int, now: dt.datetime, seed: int | None) -> tuple[LotteryRound, bool]:
    with locking():
        [[locked]] = lock(LotteryRound.objects.filter(pk=round_pk))
        if locked.drawn_at is not None or now < locked.closes_at:
            return locked, False
        # Lock every activity of the round so no hand placement or cancellation changes the
        # free places mid-draw.
        lock(Activity.objects.filter(lottery_round=locked))
        applications, places = _load(locked)
        seed = secrets.randbits(63) if seed is None else seed
        result = lottery_compute(applications=applications, places=places, seed=seed)
        _write(result, locked, now)
        locked.seed = seed
        locked.drawn_at = now
        locked.draw_log = {
            **result.as_log(),
            "drawn_at": now.isoformat(),
            "input": {
                "places": {str(pk): n for pk, n in places.items()},
                "applications": [list(vars(app).values()) for app in applications],
            },
        }
        locked.save(update_fields=["seed", "drawn_at", "draw_log"])
        return locked, True


def _write(result: DrawResult, round: LotteryRound, now: dt.datetime) -> None:
    confirmed = [pk for pks in result.confirmed.values() for pk in pks]
    Enrolment.objects.filter(pk__in=confirmed).update(
        status=Enrolment.Status.CONFIRMED, decided_at=now, placed_at=now
    )
    for activity_pk, pks in result.confirmed.items():
        Activity.objects.filter(pk=activity_pk).update(seats_taken=F("seats_taken") + len(pks))
    Enrolment.objects.filter(pk__in=result.cancelled).update(
        status=Enrolment.Status.CANCELLED, decided_at=now
    )
    _write_waiting_lists(result, round)
    _tell_families(result, confirmed, now)


def _write_waiting_lists(result: DrawResult, round: LotteryRound) -> None:
    """The waiting list is ordered by (priority_tier, applied_at, pk): keep the tier and set
    applied_at to the close plus the draw position in microseconds, so the list follows the
    draw (ties of time would otherwise fall back to who applied first, which a lottery must
    not reward)."""
    waitlisted = []
    for pks in result.waitlisted.values():
        for position, pk in enumerate(pks, start=1):
            waitlisted.append(
                Enrolment(
                    pk=pk,
                    status=Enrolment.Status.WAITLISTED,
                    applied_at=round.closes_at + dt.timedelta(microseconds=position),
                    waitlisted_at=round.closes_at,
                )
            )
    Enrolment.objects.bulk_update(
        waitlisted, ["status", "applied_at", "waitlisted_at"], batch_size=500
    )


def _tell_families(result: DrawResult, confirmed: list[int], now: dt.datetime) -> None:
    waitlisted = [pk for pks in result.waitlisted.values() for pk in pks]
    enrolments = Enrolment.objects.filter(
        pk__in=[*confirmed, *waitlisted, *result.cancelled]
    ).select_related("child__guardian", "activity__school", "activity__venue")
    sessions = {}  # each activity's series, read once for all its families' invites
    for enrolment in enrolments.order_by("pk"):
        if enrolment.status == Enrolment.Status.CONFIRMED:
            activity = enrolment.activity
            if activity.pk not in sessions:
                sessions[activity.pk] = future_sessions(activity, now)
            messages.tell_family_confirmed(
                enrolment=enrolment, now=now, sessions=sessions[activity.pk]
            )
        elif enrolment.status == Enrolment.Status.WAITLISTED:
            position = waitlist_position(enrolment)
            messages.tell_family(enrolment=enrolment, event="not_placed", position=position)
        else:
            # A lower choice than the place the child got: the family hears it ended.
            messages.tell_family(enrolment=enrolment, event="cancelled")


def lotteries_draw_due(*, now: dt.datetime) -> int:
    """Draw every round that has closed and is not drawn yet, each in its own transaction.
    Returns how many this call drew."""
    due = LotteryRound.objects.filter(drawn_at=None, closes_at__lte=now).order_by("closes_at")
    drawn = 0
    for pk in due.values_list("pk", flat=True):
        try:
            _round, did_draw = _draw_once(pk, now, None)
        except Exception:
            # One broken round must not block the others; it stays undrawn and is retried.
            logger.exception("Lottery round %s could not be drawn", pk)
            continue
        drawn += did_draw
    return drawn
