"""Writing to the outbox and delivering from it.

Domain code calls `notification_create` (or `notification_create_from_template`) inside its
own transaction. The row commits with the change it reports; only then is delivery queued, so
a rolled-back change sends nothing and a broker outage only delays mail (see tasks.sweep).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)

logger = logging.getLogger(__name__)


class TemporaryDeliveryError(Exception):
    """Delivery failed in a way that may pass (SMTP 4xx, connection refused); try again."""


def notification_create(
    *,
    to_email: str,
    kind: str,
    subject: str,
    body_text: str,
    idempotency_key: str,
    recipient=None,
    body_html: str = "",
    ics: str = "",
    ics_method: str = "",
    language: str = "nl",
) -> tuple[Notification, bool]:
    """Add a message to the outbox once per key; returns (notification, created)."""
    notification, created = Notification.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "recipient": recipient,
            "to_email": to_email,
            "kind": kind,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
            "ics": ics,
            "ics_method": ics_method,
            "language": language,
        },
    )
    if created:
        transaction.on_commit(lambda: _queue(notification.pk))
    return notification, created


def notification_create_from_template(
    *,
    template: str,
    context: dict,
    to_email: str,
    kind: str,
    idempotency_key: str,
    recipient=None,
    language: str | None = None,
    **extra,
) -> tuple[Notification, bool]:
    """Render `templates/<template>_subject.txt`, `_message.txt` and `_message.html` in the
    recipient's language and add the result to the outbox."""
    language = language or (recipient.language if recipient else "nl")
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body_text = render_to_string(f"{template}_message.txt", context).strip()
        body_html = render_to_string(f"{template}_message.html", context).strip()
    return notification_create(
        to_email=to_email,
        kind=kind,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        idempotency_key=idempotency_key,
        recipient=recipient,
        language=language,
        **extra,
    )


def _queue(notification_id: int) -> None:
    from .tasks import deliver

    try:
        deliver.delay(notification_id)
    except Exception:  # The broker is down: the sweep will queue it later.
        logger.warning(
            "Could not queue notification %s; the sweep will retry.", notification_id, exc_info=True
        )


def notification_deliver(*, notification_id: int, now: datetime) -> bool:
    """Send one notification; safe to run twice. Returns True when this call sent it."""
    # Claim first: only one worker moves a row from pending to sending.
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        _build_message(notification).send()
    except smtplib.SMTPRecipientsRefused as exc:
        _mark_failed(notification, f"Address refused: {exc.recipients}")
        return False
    except (smtplib.SMTPException, OSError) as exc:
        if notification.attempts >= MAX_ATTEMPTS:
            _mark_failed(notification, f"Gave up after {notification.attempts} attempts: {exc}")
            return False
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.PENDING, last_error=str(exc)[:2000]
        )
        raise TemporaryDeliveryError(str(exc)) from exc
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=now, last_error=""
    )
    return True


def _mark_failed(notification: Notification, reason: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, last_error=reason[:2000]
    )


def _build_message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        headers={"X-Backontrack-Key": notification.idempotency_key},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.ics:
        content_type = f"text/calendar; method={notification.ics_method or 'PUBLISH'}"
        message.attach_alternative(notification.ics, content_type)
        message.attach("invite.ics", notification.ics, "application/ics")
    return message


def notifications_requeue_pending(*, now: datetime, older_than: timedelta) -> list[int]:
    """Find rows that should have gone out by now: pending ones whose task was lost, and
    claims left by a worker that died mid-send. Returns the ids to queue again."""
    stale = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    # A row that keeps killing its worker must not be retried forever.
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Notification.Status.FAILED, last_error="Delivery stopped without an answer."
    )
    stale.update(status=Notification.Status.PENDING)
    # A row tried a moment ago waits for its own retry (with back-off) instead of the sweep.
    return list(
        Notification.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - older_than),
            status=Notification.Status.PENDING,
            created_at__lt=now - older_than,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )


def notification_resend(*, notification_id: int) -> bool:
    """Give a failed notification a fresh set of attempts and queue it; False if not failed."""
    reset = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.FAILED
    ).update(status=Notification.Status.PENDING, attempts=0, claimed_at=None)
    if reset:
        transaction.on_commit(lambda: _queue(notification_id))
    return bool(reset)
