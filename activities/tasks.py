from celery import shared_task
from django.utils import timezone

from . import lottery, waitlist


@shared_task
def expire_place_offers() -> int:
    """Pass on places whose offer ran out (beat runs this every few minutes)."""
    return waitlist.place_offers_expire(now=timezone.now())


@shared_task
def draw_due_lotteries() -> int:
    """Draw the lottery rounds that have closed (beat runs this every few minutes)."""
    return lottery.lotteries_draw_due(now=timezone.now())
