from celery import shared_task
from django.utils import timezone

from . import waitlist


@shared_task
def expire_offers() -> int:
    """Pass on places whose offer ran out (beat runs this every few minutes)."""
    return waitlist.offers_expire(now=timezone.now())
