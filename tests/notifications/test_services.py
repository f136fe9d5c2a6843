import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.conftest import requires_postgres

from .backends import FLAKY, REFUSING, SLOW, FlakyBackend, RefusingBackend, SlowBackend

pytestmark = pytest.mark.django_db

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def create(key: str = "test:1", **extra) -> Notification:
    fields = {
        "to_email": "ouder@example.test",
        "kind": "test",
        "subject": "Inschrijving bevestigd",
        "body_text": "Je kind is ingeschreven.",
        "idempotency_key": key,
        **extra,
    }
    return services.notification_create(**fields)[0]


def deliver(notification: Notification) -> bool:
    return services.notification_deliver(notification_id=notification.pk, now=timezone.now())


def test_same_key_makes_one_row():
    first, created_first = services.notification_create(
        to_email="a@example.test", kind="k", subject="s", body_text="t", idempotency_key="k:1"
    )
    second, created_second = services.notification_create(
        to_email="other@example.test", kind="k", subject="s2", body_text="t", idempotency_key="k:1"
    )
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Notification.objects.get().to_email == "a@example.test"


def test_committed_change_queues_delivery_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        create()
        create()
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_rolled_back_change_queues_and_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        create()
        raise RuntimeError("the enrolment failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_second_delivery_is_a_no_op():
    notification = create()
    assert deliver(notification) is True
    assert deliver(notification) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None


def test_message_is_text_and_html_with_calendar_invite():
    notification = create(body_html="<p>Je kind is <b>ingeschreven</b>.</p>", ics=ICS)
    Notification.objects.filter(pk=notification.pk).update(ics_method="REQUEST")
    deliver(notification)

    parsed = message_from_bytes(mail.outbox[0].message().as_bytes())
    types = {part.get_content_type(): part for part in parsed.walk()}
    assert {"text/plain", "text/html", "text/calendar", "application/ics"} <= types.keys()
    assert types["text/calendar"].get_param("method") == "REQUEST"
    assert types["application/ics"].get_filename() == "invite.ics"
    assert "METHOD:REQUEST" in types["text/calendar"].get_payload(decode=True).decode()
    assert mail.outbox[0].extra_headers["X-Backontrack-Key"] == "test:1"


def test_message_without_html_or_ics_is_plain_text():
    deliver(create())
    message = mail.outbox[0]
    assert message.alternatives == []
    assert message.attachments == []


def test_dropped_connection_goes_back_to_pending_and_is_retried(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures_left = 1
    notification = create()

    with pytest.raises(services.TemporaryDeliveryError):
        deliver(notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert "Connection unexpectedly closed" in notification.last_error
    assert mail.outbox == []

    assert deliver(notification) is True
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.SENT, 2)
    assert notification.last_error == ""
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures_left = 100
    notification = create()

    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(services.TemporaryDeliveryError):
            deliver(notification)
    assert deliver(notification) is False

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == services.MAX_ATTEMPTS
    assert f"after {services.MAX_ATTEMPTS} attempts" in notification.last_error
    assert deliver(notification) is False
    assert notification.attempts == services.MAX_ATTEMPTS


def test_refused_address_fails_at_once_and_others_still_go(settings):
    settings.EMAIL_BACKEND = REFUSING
    RefusingBackend.refused = frozenset({"weg@example.test"})
    refused = create("test:refused", to_email="weg@example.test")
    fine = create("test:fine", to_email="goed@example.test")

    assert deliver(refused) is False
    assert deliver(fine) is True

    refused.refresh_from_db()
    fine.refresh_from_db()
    assert refused.status == Notification.Status.FAILED
    assert refused.attempts == 1
    assert "weg@example.test" in refused.last_error
    assert fine.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [["goed@example.test"]]


def _make(key: str, *, status: str, created_ago: timedelta, claimed_ago=None, attempts=0):
    now = timezone.now()
    notification = create(key)
    Notification.objects.filter(pk=notification.pk).update(
        status=status,
        created_at=now - created_ago,
        claimed_at=None if claimed_ago is None else now - claimed_ago,
        attempts=attempts,
    )
    return notification.pk


def test_requeue_finds_lost_pending_rows_and_stale_claims():
    pending = Notification.Status.PENDING
    sending = Notification.Status.SENDING
    old = timedelta(minutes=30)
    lost = _make("lost", status=pending, created_ago=old)
    stale = _make("stale", status=sending, created_ago=old, claimed_ago=timedelta(minutes=20))
    _make("fresh", status=pending, created_ago=timedelta(seconds=5))
    busy = _make("busy", status=sending, created_ago=old, claimed_ago=timedelta(seconds=30))
    _make("backing-off", status=pending, created_ago=old, claimed_ago=timedelta(seconds=20))
    _make("done", status=Notification.Status.SENT, created_ago=old)
    dead = _make(
        "dead", status=sending, created_ago=old, claimed_ago=timedelta(hours=1), attempts=5
    )

    ids = services.notifications_requeue_pending(
        now=timezone.now(), older_than=timedelta(minutes=1)
    )

    assert sorted(ids) == sorted([lost, stale])
    assert Notification.objects.get(pk=stale).status == pending
    assert Notification.objects.get(pk=busy).status == sending
    assert Notification.objects.get(pk=dead).status == Notification.Status.FAILED


def test_resend_only_touches_failed_rows(django_capture_on_commit_callbacks):
    failed = create("failed")
    sent = create("sent")
    Notification.objects.filter(pk=failed.pk).update(
        status=Notification.Status.FAILED, attempts=5, last_error="boom"
    )
    Notification.objects.filter(pk=sent.pk).update(status=Notification.Status.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_resend(notification_id=failed.pk) is True
        assert services.notification_resend(notification_id=sent.pk) is False

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Notification.Status.SENT, 1)
    assert len(mail.outbox) == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_send_it_once(settings):
    settings.EMAIL_BACKEND = SLOW
    # Written directly: outside a transaction notification_create would deliver at once.
    notification = Notification.objects.create(
        to_email="ouder@example.test",
        kind="test",
        subject="s",
        body_text="t",
        idempotency_key="test:1",
    )
    start = threading.Barrier(2)
    results = []

    def worker():
        try:
            start.wait()
            results.append(deliver(notification))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert SlowBackend.sent == ["test:1"]
    assert Notification.objects.get().status == Notification.Status.SENT
