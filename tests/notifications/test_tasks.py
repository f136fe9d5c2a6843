from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Notification

from .backends import FLAKY, FlakyBackend

pytestmark = pytest.mark.django_db


def pending_row(key: str = "task:1", created_ago: timedelta = timedelta(0)) -> Notification:
    notification = Notification.objects.create(
        to_email="held@example.test",
        kind="test",
        subject="Bezoek bevestigd",
        body_text="Tot dinsdag.",
        idempotency_key=key,
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - created_ago)
    return notification


def test_deliver_task_retries_a_dropped_connection_until_sent(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures_left = 2
    notification = pending_row()

    tasks.deliver.delay(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 3
    assert len(mail.outbox) == 1


def test_deliver_task_marks_failed_when_the_server_stays_down(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures_left = 100
    notification = pending_row()

    tasks.deliver.delay(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == services.MAX_ATTEMPTS
    assert mail.outbox == []


def test_deliver_task_run_twice_sends_once():
    notification = pending_row()
    assert tasks.deliver.delay(notification.pk).get() is True
    assert tasks.deliver.delay(notification.pk).get() is False
    assert len(mail.outbox) == 1


def test_sweep_delivers_what_the_broker_lost_and_leaves_fresh_rows():
    lost = pending_row("lost", created_ago=timedelta(minutes=10))
    fresh = pending_row("fresh")

    assert tasks.sweep_pending.delay().get() == 1

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == Notification.Status.SENT
    assert fresh.status == Notification.Status.PENDING
    assert [m.extra_headers["X-Backontrack-Key"] for m in mail.outbox] == ["lost"]


def test_sweep_run_twice_sends_once():
    pending_row("lost", created_ago=timedelta(minutes=10))
    tasks.sweep_pending.delay()
    assert tasks.sweep_pending.delay().get() == 0
    assert len(mail.outbox) == 1


def test_deliver_batch_claims_together_sends_each_once_and_skips_rows_already_taken():
    rows = [pending_row(key=f"batch:{i}") for i in range(5)]
    Notification.objects.filter(pk=rows[0].pk).update(status=Notification.Status.SENT)

    assert tasks.deliver_batch.delay([row.pk for row in rows]).get() == 5
    assert tasks.deliver_batch.delay([row.pk for row in rows]).get() == 5  # a redelivery

    assert len(mail.outbox) == 4
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_deliver_batch_retries_a_temporary_failure_alone(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures_left = 1  # the first row meets a dropped connection
    rows = [pending_row(key=f"batch:{i}") for i in range(3)]

    tasks.deliver_batch.delay([row.pk for row in rows])

    # The other two went in the batch; the first was retried alone (eager: at once).
    assert sorted(Notification.objects.values_list("attempts", flat=True)) == [1, 1, 2]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3


def test_queue_sends_a_batch_per_delivery_batch(django_capture_on_commit_callbacks):
    batches = []

    def seen(task=None, args=(), **kwargs):
        if task.name == tasks.deliver_batch.name:
            batches.append(len(args[0]))

    rows = [pending_row(key=f"batch:{i}") for i in range(services.DELIVERY_BATCH + 3)]
    task_prerun.connect(seen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.notifications_queue([row.pk for row in rows])
    finally:
        task_prerun.disconnect(seen)

    assert batches == [services.DELIVERY_BATCH, 3]
    assert len(mail.outbox) == len(rows)
