"""Celery tasks of accounts: thin wrappers around the privacy services."""

from celery import shared_task
from django.utils import timezone

from . import privacy, retention


@shared_task(acks_late=True)
def build_data_export(export_id: int) -> bool:
    return privacy.data_export_build(export_id=export_id, now=timezone.now()) is not None


@shared_task
def retention_run() -> dict:
    """Daily: remove what is past its retention period (accounts.retention)."""
    return vars(retention.retention_run(now=timezone.now()))
