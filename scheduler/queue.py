"""Matching runs, queued: the bottom of the scheduling app.

Services (a new request, a decline, an expiry), the periodic task and the coordinator's "run
now" ask for a run here; tasks.run_matching carries it out (services.runs). Nothing here
imports services or tasks, so neither imports the other.

The lock against overlapping runs is the database: a partial unique index allows one queued or
running MatchingRun per municipality. Asking for a run while one is active returns that one.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from core.tasks import queue_task

from .models import MatchingRun

log = logging.getLogger(__name__)

RUN_TASK = "scheduler.tasks.run_matching"


def run_request(*, municipality_id: int, trigger: str, started_by=None) -> tuple[MatchingRun, bool]:
    """Queue a run (returns (run, True)) or return the one already queued or running."""
    try:
        with transaction.atomic():
            run = MatchingRun.objects.create(
                municipality_id=municipality_id, trigger=trigger, started_by=started_by
            )
    except IntegrityError:
        active = MatchingRun.objects.filter(
            municipality_id=municipality_id,
            status__in=[MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING],
        ).first()
        if active is not None:
            return active, False
        return run_request(municipality_id=municipality_id, trigger=trigger, started_by=started_by)
    transaction.on_commit(lambda: run_dispatch(run.pk))
    return run, True


def run_dispatch(run_id: int) -> None:
    """Hand the run to a worker. With the broker down the run stays queued and the periodic
    task hands it over again; the person who asked is not shown an error for it."""
    try:
        queue_task(RUN_TASK, run_id)
    except Exception:
        log.warning(
            "Could not queue matching run %s; the periodic task will.", run_id, exc_info=True
        )


def rematch_soon(municipality_id: int, trigger: str = MatchingRun.Trigger.DECLINE) -> None:
    """After a new request, a decline or an expiry: queue a run once this transaction commits
    (when one is already queued or running, that one will do; the periodic run catches up).
    Robust: the change that asked for it has committed and must not fail over it."""
    transaction.on_commit(
        lambda: run_request(municipality_id=municipality_id, trigger=trigger), robust=True
    )
