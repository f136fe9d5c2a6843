from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import reminders, services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def deliver(self, notification_id: int) -> bool:
    try:
        return services.notification_deliver(notification_id=notification_id, now=timezone.now())
    except services.TemporaryDeliveryError as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(acks_late=True)
def deliver_batch(notification_ids: list[int]) -> int:
    """Deliver several rows in one task (bulk mail); a row that meets a temporary error is
    retried alone, with deliver's back-off. Safe to run twice: each row is claimed first."""
    again = services.notifications_deliver_batch(ids=notification_ids)
    for notification_id in again:
        deliver.apply_async((notification_id,), countdown=30)
    return len(notification_ids) - len(again)


@shared_task
def sweep_pending(older_than_s: float = 60, stale_after_s: float | None = None) -> int:
    """Queue again what is still pending, so a broker outage delays mail but loses none.
    The arguments shorten the waits in tests; beat runs it without any."""
    ids = services.notifications_requeue_pending(
        now=timezone.now(),
        older_than=timedelta(seconds=older_than_s),
        stale_after=services.STALE_CLAIM
        if stale_after_s is None
        else timedelta(seconds=stale_after_s),
    )
    for notification_id in ids:
        deliver.delay(notification_id)
    return len(ids)


@shared_task
def send_due_reminders() -> int:
    """Write the reminders that are due now (beat runs this every five minutes)."""
    return reminders.reminders_send_due(now=timezone.now())
