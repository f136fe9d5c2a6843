from celery import shared_task
from django.utils import timezone

from . import digest, services


@shared_task(acks_late=True)
def send_parent_message(message_id: int) -> int:
    """Send one message whose time has come (queued when it is saved for "now")."""
    return services.parent_message_send(message_id=message_id, now=timezone.now())


@shared_task
def send_due_parent_messages() -> int:
    """Send the messages whose time has come (beat runs this every minute)."""
    return services.parent_messages_send_due(now=timezone.now())


@shared_task
def send_monthly_digests() -> int:
    """Write this month's digests (beat runs this daily; one per parent and month)."""
    return digest.digests_send(now=timezone.now())
