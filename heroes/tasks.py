from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def remind_vog_expiring() -> int:
    """Warn heroes and coordinators about VOGs that end soon (beat runs this daily)."""
    return services.vog_reminders_send(now=timezone.now())
