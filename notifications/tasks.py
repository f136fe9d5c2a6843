from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def deliver(self, notification_id: int) -> bool:
    try:
        return services.notification_deliver(notification_id=notification_id, now=timezone.now())
    except services.TemporaryDeliveryError as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task
def sweep_pending() -> int:
    """Queue again what is still pending, so a broker outage delays mail but loses none."""
    ids = services.notifications_requeue_pending(
        now=timezone.now(), older_than=timedelta(minutes=1)
    )
    for notification_id in ids:
        deliver.delay(notification_id)
    return len(ids)
