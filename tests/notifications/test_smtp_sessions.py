"""A worker keeps one SMTP session for many messages, and a session the server closed costs
no message a retry."""

import pytest
from django.utils import timezone

from bench.smtp_sink import SmtpSink
from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """Django's real SMTP backend against a local server."""
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink
        services.mail_session_close()


def rows(n: int, prefix: str = "session") -> list[Notification]:
    """Outbox rows written directly, not queued: each test delivers them by hand."""
    return [
        Notification.objects.create(
            to_email=f"ouder{i}@example.test",
            kind="test",
            subject=f"Herinnering {i}",
            body_text="Morgen is er judo.",
            idempotency_key=f"{prefix}:{i}",
        )
        for i in range(n)
    ]


def deliver(notification: Notification) -> bool:
    return services.notification_deliver(notification_id=notification.pk, now=timezone.now())


def test_one_session_carries_many_messages(smtp):
    assert all(deliver(n) for n in rows(5))
    assert smtp.sessions == 1
    assert smtp.counts() == {f"session:{i}": 1 for i in range(5)}


def test_a_long_session_is_renewed(smtp, monkeypatch):
    monkeypatch.setattr(services, "MESSAGES_PER_SESSION", 2)
    assert all(deliver(n) for n in rows(5))
    assert smtp.sessions == 3
    assert len(smtp.keys) == 5


def test_a_session_the_server_closed_is_replaced_and_the_message_goes_at_once(smtp):
    first, second = rows(2)
    assert deliver(first) is True
    smtp.disconnect_all()

    assert deliver(second) is True

    second.refresh_from_db()
    assert (second.status, second.attempts) == (Notification.Status.SENT, 1)
    assert smtp.sessions == 2
    assert smtp.counts() == {"session:0": 1, "session:1": 1}


def test_an_idle_session_is_checked_before_use(smtp, monkeypatch):
    monkeypatch.setattr(services, "IDLE_BEFORE_CHECK_S", 0)
    first, second = rows(2)
    assert deliver(first) is True
    smtp.disconnect_all()
    assert deliver(second) is True
    assert smtp.sessions == 2
    assert smtp.counts() == {"session:0": 1, "session:1": 1}


def test_a_server_that_is_down_is_a_temporary_failure(smtp):
    [notification] = rows(1)
    smtp.stop()

    with pytest.raises(services.TemporaryDeliveryError):
        deliver(notification)

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Notification.Status.PENDING, 1)
    assert notification.last_error


def test_sessions_follow_the_mail_settings(smtp, settings, mailoutbox):
    first, second = rows(2)
    assert deliver(first) is True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver(second) is True
    assert smtp.counts() == {"session:0": 1}
    assert [m.extra_headers["X-Backontrack-Key"] for m in mailoutbox] == ["session:1"]
