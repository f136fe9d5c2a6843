"""Health: the database, the broker and scheduled work, for load balancers and monitoring."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask

from .celery import app as celery_app

logger = logging.getLogger(__name__)

# Beat writes each job's last run to the database every few minutes (its sync interval), so a
# job counts as overdue only when it has missed two of its turns and this much more.
SCHEDULE_GRACE = timedelta(minutes=5)


@never_cache
@require_GET
def healthz(request):
    """Database, broker and scheduled work for load balancers and monitoring; 503 when any is
    down or overdue."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    scheduled = _check_schedule(timezone.now()) if checks["database"] == "ok" else {}
    healthy = all(state in {"ok", "in-process"} for state in checks.values()) and (
        scheduled.get("scheduled_work") in {"ok", "off"}
    )
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks, **scheduled},
        status=200 if healthy else 503,
    )


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # Any failure means "down"; the reason goes to the logs.
        logger.exception("Health check: database unreachable")
        return "error"
    return "ok"


def _check_broker() -> str:
    if celery_app.conf.task_always_eager:
        return "in-process"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.exception("Health check: broker unreachable")
        return "error"
    return "ok"


def _check_schedule(now) -> dict:
    """When beat last started each job of settings.CELERY_BEAT_SCHEDULE, and which are overdue.

    Without a broker nothing runs on a schedule: allowed in development ("off"), an error in
    production. A job beat has never started counts from when beat first saw it."""
    if celery_app.conf.task_always_eager:
        return {"scheduled_work": "off" if settings.SCHEDULED_WORK_OPTIONAL else "error"}
    jobs = PeriodicTask.objects.filter(
        name__in=settings.CELERY_BEAT_SCHEDULE, enabled=True, interval__isnull=False
    ).select_related("interval")
    last_runs, overdue = [], []
    for job in jobs:
        last_run = job.last_run_at or job.date_changed
        period = timedelta(seconds=job.interval.every * _PERIOD_SECONDS[job.interval.period])
        if now - last_run > 2 * period + SCHEDULE_GRACE:
            overdue.append(job.name)
        if job.last_run_at:
            last_runs.append(job.last_run_at)
    return {
        "scheduled_work": "overdue" if overdue else "ok" if jobs else "never ran",
        "scheduled_last_ran": max(last_runs).isoformat() if last_runs else None,
        **({"overdue": sorted(overdue)} if overdue else {}),
    }


_PERIOD_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}
