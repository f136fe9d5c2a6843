from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from core.tasks import queue_task

from . import relay, reminders, services

# Batches one drain delivers before it makes way for the mail queue's other tasks.
DRAIN_BATCHES = 50


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


@shared_task(acks_late=True)
def drain(batches: int = DRAIN_BATCHES) -> int:
    """Deliver the ids on the relay's list (notifications.relay), DELIVERY_BATCH at a time,
    until it is empty; after `batches` batches queue a drain again and stop, so other mail
    tasks get their turn in a long rush. Returns how many rows this drain sent."""
    sent = 0
    for _ in range(batches):
        ids = relay.take(services.DELIVERY_BATCH)
        if ids:
            sent += deliver_batch(ids)
        elif not relay.disarm():
            return sent
    queue_task(relay.DRAIN, batches)  # still armed: the list has more
    return sent


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
