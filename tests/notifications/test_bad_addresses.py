"""A bad address fails its own message at once, with the reason, and never holds up others."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from bench.smtp_sink import SmtpSink
from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db

GOOD = "ouder@example.test"
MALFORMED = ["not-an-address", "ouder@example.test\nBcc: spion@example.test", "a b@example.test"]


def create_batch(addresses: list[str]) -> list[Notification]:
    """One transaction writes them all, as a reminder scan or a cancelled activity does."""
    with transaction.atomic():
        return [
            services.notification_create(
                to_email=address,
                kind="test",
                subject=f"Bericht {i}",
                body_text="Tot woensdag.",
                idempotency_key=f"bad:{i}",
            )[0]
            for i, address in enumerate(addresses)
        ]


def statuses(notifications: list[Notification]) -> list[str]:
    return [Notification.objects.get(pk=n.pk).status for n in notifications]


def test_malformed_addresses_fail_with_the_reason_and_the_rest_is_sent(
    django_capture_on_commit_callbacks,
):
    addresses = [MALFORMED[0], GOOD, MALFORMED[1], "ander@example.test", MALFORMED[2]]
    with django_capture_on_commit_callbacks(execute=True):
        batch = create_batch(addresses)

    failed = Notification.Status.FAILED
    sent = Notification.Status.SENT
    assert statuses(batch) == [failed, sent, failed, sent, failed]
    for notification in (batch[0], batch[2], batch[4]):
        notification.refresh_from_db()
        assert notification.attempts == 1
        assert notification.last_error.startswith("Malformed address:")
        assert repr(notification.to_email) in notification.last_error
    assert [m.to for m in mail.outbox] == [[GOOD], ["ander@example.test"]]


def test_a_failed_bad_address_is_not_retried_by_the_sweep(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [bad] = create_batch([MALFORMED[0]])
    later = timezone.now() + services.STALE_CLAIM * 2
    assert services.notifications_requeue_pending(now=later, older_than=services.STALE_CLAIM) == []
    bad.refresh_from_db()
    assert (bad.status, bad.attempts) == (Notification.Status.FAILED, 1)


@pytest.fixture
def smtp(settings):
    """Django's real SMTP backend against a local server that refuses one address."""
    with SmtpSink(refuse=frozenset({"weg@example.test"})) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


def test_over_smtp_a_refused_and_a_malformed_address_fail_and_the_rest_arrives(
    smtp, django_capture_on_commit_callbacks
):
    addresses = ["weg@example.test", GOOD, MALFORMED[1], MALFORMED[0], "ander@example.test"]
    with django_capture_on_commit_callbacks(execute=True):
        batch = create_batch(addresses)

    failed = Notification.Status.FAILED
    sent = Notification.Status.SENT
    assert statuses(batch) == [failed, sent, failed, failed, sent]
    refused = Notification.objects.get(pk=batch[0].pk)
    assert refused.last_error.startswith("Address refused:")
    assert "weg@example.test" in refused.last_error and "550" in refused.last_error
    assert Notification.objects.get(pk=batch[2].pk).last_error.startswith("Malformed address:")
    # Only the good messages reached the server, once each; the injected Bcc never did.
    assert smtp.counts() == {"bad:1": 1, "bad:4": 1}
    assert all("spion" not in str(message) for message in smtp.messages)
