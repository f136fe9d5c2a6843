"""Celery tasks of the scheduling core; thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def run_matching(run_id: int) -> str | None:
    run = services.run_execute(run_id)
    return run.status if run else None


@shared_task
def rematch_open_requests() -> int:
    """Periodic: queue a matching run for every municipality with open requests."""
    return services.runs_periodic(now=timezone.now())


@shared_task
def expire_offers() -> int:
    """Periodic: expire unanswered offers (their requests re-open and re-match) and mark
    requests whose visit has ended as done."""
    now = timezone.now()
    expired = services.offers_expire(now=now)
    services.visits_complete(now=now)
    return expired
