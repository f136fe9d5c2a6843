"""The one place that locks several rows: in a fixed order, with a time limit.

Two transactions that lock the same rows in different orders can deadlock, so every lock
taken here follows `LOCK_ORDER` (by model, then by primary key), and a wait longer than
`settings.DB_LOCK_TIMEOUT_S` ends in `Busy` ("try again in a moment") instead of a hung
request. On SQLite the database-wide write lock is taken when the transaction begins (the
IMMEDIATE mode in settings), and its wait is the connection's timeout; `locking()` turns that
wait into `Busy` too. (After pretix, base/services/locking.py.)

    with locking():
        lock(Hero.objects.filter(pk=offer.hero_id), Kit.objects.filter(pk=offer.kit_id))
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Model, QuerySet

from .prepared import Bound
from .refusals import Busy

# Models in the order their rows are locked, when one transaction locks rows of several. Named
# by label so this module needs no app; `lock()` refuses a model missing here.
LOCK_ORDER = (
    # a new activity: its school (no live twin of it may be made at the same moment)
    "schools.school",
    # an enrolment: the children, then the activity (the capacity guard), then the enrolment;
    # a lottery draw: the round, then its activities
    "activities.child",
    "activities.lotteryround",
    "activities.activity",
    "activities.enrolment",
    # a register: the session (two people saving it at once write each mark once)
    "activities.occurrence",
    # a new request or new times: the group (its live requests must not overlap), the request
    "schools.group",
    # an offer, a visit or a matching run's write: heroes, kits, requests, offers, visits
    "heroes.hero",
    "scheduler.kit",
    "scheduler.sessionrequest",
    "scheduler.offer",
    "scheduler.visit",
    # alone in their transactions
    "accounts.invitation",
)

# PostgreSQL: lock_not_available (lock_timeout) and deadlock_detected.
_PG_LOCK_ERRORS = {"55P03", "40P01"}


def _rank(queryset: QuerySet | Bound) -> int:
    label = queryset.query.model._meta.label_lower
    if label not in LOCK_ORDER:
        raise ValueError(f"{label} has no place in core.locking.LOCK_ORDER")
    return LOCK_ORDER.index(label)


def lock(*querysets: QuerySet | Bound, of: tuple[str, ...] = ("self",)) -> list[list[Model]]:
    """Lock the rows of each queryset until the transaction ends, models in LOCK_ORDER and rows
    by primary key; returns the locked rows per queryset, in the order given. Call it inside
    `locking()`: a second call in the same transaction must only lock models later in the order.

    A prepared statement (core.prepared, bound to its values) is run as it was written: it must
    lock (`select_for_update(of=...)`) and order by primary key itself.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("lock() needs a transaction: call it inside locking()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # SET LOCAL ends with the transaction; the value is ours, never user input.
            cursor.execute(f"SET LOCAL lock_timeout = '{int(settings.DB_LOCK_TIMEOUT_S * 1000)}'")
    order = sorted(range(len(querysets)), key=lambda i: _rank(querysets[i]))
    rows: list[list[Model]] = [[] for _ in querysets]
    for i in order:
        target = querysets[i]
        if isinstance(target, Bound):
            _check_locks(target)
            rows[i] = target.instances()
        else:
            rows[i] = list(target.select_for_update(of=of).order_by("pk"))
    return rows


def _check_locks(bound: Bound) -> None:
    query = bound.query
    if not query.select_for_update or tuple(query.order_by) != ("pk",):
        raise ValueError("a prepared statement given to lock() must lock its rows, by pk")


def is_lock_timeout(exc: OperationalError) -> bool:
    """A lock wait that ran out: PostgreSQL's lock_timeout or a deadlock, SQLite's "locked"."""
    code = getattr(exc.__cause__, "sqlstate", None) or getattr(exc.__cause__, "pgcode", None)
    return code in _PG_LOCK_ERRORS or "database is locked" in str(exc)


@contextmanager
def locking() -> Iterator[None]:
    """A transaction in which `lock()` may be called; a lock wait that runs out raises Busy
    (and rolls the transaction back, so nothing has changed)."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise Busy from exc
        raise
