from celery import shared_task
from django.utils import translation

from . import cached


@shared_task(ignore_result=True)
def count_figures(page: str, scope: dict, today: str, links: bool, language: str) -> None:
    """Count a dashboard's figures again, in the language of the view that asked
    (reports.cached: queued when the kept ones are out of date)."""
    with translation.override(language):
        cached.recount(page, scope, today, links)
