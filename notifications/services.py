"""Writing to the outbox and delivering from it.

Domain code calls `notification_create` (or `notification_create_from_template`) inside its
own transaction. The row commits with the change it reports; only then is delivery queued, so
a rolled-back change sends nothing and a broker outage only delays mail (see tasks.sweep).
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import smtplib
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from core.tasks import queue_task

from . import composers, relay
from .models import FeedToken, Notification, ReminderPreference

MAX_ATTEMPTS = 5
DELIVERY_BATCH = 20
STALE_CLAIM = timedelta(minutes=10)
# One SMTP session carries many messages; renew it now and then (servers cap messages per
# session) and check one that sat idle (servers close those) before using it.
MESSAGES_PER_SESSION = 100
IDLE_BEFORE_CHECK_S = 30

_sessions = threading.local()

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
    municipality_pk: int | None = None,
    is_secret: bool = False,
    list_unsubscribe: str = "",
    queue: bool = True,
) -> tuple[Notification, bool]:
    """Add a message to the outbox once per key; returns (notification, created). With
    `queue=False` the caller queues it (notifications_queue, several rows per task).
    `municipality_pk` names the municipality the message is about (its coordinators may see it
    when it is undelivered); `is_secret` marks a code or a link only the recipient may read."""
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
            "municipality_pk": municipality_pk,
            "is_secret": is_secret,
            "list_unsubscribe": list_unsubscribe,
        },
    )
    if created and queue:
        transaction.on_commit(lambda: _queue(notification.pk))
    return notification, created


def notifications_queue(ids) -> None:
    """Queue delivery of these rows once the transaction commits, DELIVERY_BATCH rows per
    task: for bulk mail (reminders) the Celery round trip is then paid once per batch."""
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _queue_batches(ids))


def _queue_batches(ids: list[int]) -> None:
    for start in range(0, len(ids), DELIVERY_BATCH):
        try:
            queue_task("notifications.tasks.deliver_batch", ids[start : start + DELIVERY_BATCH])
        except Exception:  # The broker is down: the sweep will queue them later.
            logger.warning(
                "Could not queue %s notifications; the sweep will retry.", len(ids), exc_info=True
            )
            return


def notifications_deliver_batch(*, ids: list[int]) -> list[int]:
    """Claim the batch's pending rows in one statement, then send and mark each as
    notification_deliver does. Returns the rows that met a temporary error: they are pending
    again, for the caller to retry alone. A worker that dies mid-batch leaves its claimed rows
    in `sending`; the sweep takes them back after STALE_CLAIM."""
    again = []
    for notification in _claim(list(ids), timezone.now()):
        try:
            _deliver_claimed(notification, timezone.now())
        except TemporaryDeliveryError:
            again.append(notification.pk)
    return again


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
    written = render_message(template, context, language)
    return notification_create(
        to_email=to_email,
        kind=kind,
        subject=written.subject,
        body_text=written.body_text,
        body_html=written.body_html,
        idempotency_key=idempotency_key,
        recipient=recipient,
        language=language,
        **extra,
    )


def render_message(
    template: str, context: dict, language: str, *, ics: str = "", ics_method: str = ""
) -> composers.Written:
    """The subject, text and HTML of `templates/<template>_*` in `language`."""
    context = {"site_name": settings.SITE_NAME, **context}
    with translation.override(language):
        # A subject is plain text: the template escaped "&" and "<" in names and titles.
        subject = html.unescape(
            " ".join(render_to_string(f"{template}_subject.txt", context).split())
        )
        body_text = render_to_string(f"{template}_message.txt", context).strip()
        body_html = render_to_string(f"{template}_message.html", context).strip()
    return composers.Written(subject, body_text, body_html, ics, ics_method)


def notification_create_later(
    *,
    compose: str,
    args: dict,
    to_email: str,
    kind: str,
    idempotency_key: str,
    recipient,
    municipality_pk: int | None = None,
) -> Notification:
    """Add a message that its composer (notifications.composers) writes at delivery: no
    template is rendered in the caller's transaction. The key must be new, an event of a row
    made in the same transaction: this is one INSERT, without get_or_create's read and
    savepoint."""
    notification = Notification.objects.create(
        recipient=recipient,
        to_email=to_email,
        kind=kind,
        language=recipient.language or settings.LANGUAGE_CODE,
        idempotency_key=idempotency_key,
        municipality_pk=municipality_pk,
        compose=compose,
        compose_args=args,
    )
    transaction.on_commit(lambda: _queue(notification.pk))
    return notification


def notifications_create_later(messages: list[dict]) -> list[Notification]:
    """Many notification_create_later calls at once (same keyword arguments per item): one
    bulk INSERT, delivery queued on commit in batches of DELIVERY_BATCH rows. For a job that
    tells many people at once (a matching run's offers); keys must be new, as there."""
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=m["recipient"],
                to_email=m["to_email"],
                kind=m["kind"],
                language=m["recipient"].language or settings.LANGUAGE_CODE,
                idempotency_key=m["idempotency_key"],
                municipality_pk=m.get("municipality_pk"),
                compose=m["compose"],
                compose_args=m["args"],
            )
            for m in messages
        ],
        batch_size=500,
    )
    notifications_queue([n.pk for n in rows])
    return rows


def notification_written(notification: Notification) -> composers.Written | None:
    """What the row says: its own text, or its composer's when that has not run yet (None
    when the message no longer applies). Writes nothing."""
    if notification.compose and not notification.subject:
        return composers.write(notification)
    return composers.Written(
        notification.subject,
        notification.body_text,
        notification.body_html,
        notification.ics,
        notification.ics_method,
    )


def _queue(notification_id: int) -> None:
    """Queue one committed row's delivery: on the relay's list when the broker is Redis (one
    Celery message per burst), else a task of its own."""
    try:
        if relay.rings():
            relay.ring([notification_id])
        else:
            queue_task("notifications.tasks.deliver", notification_id)
    except Exception:  # The broker is down: the sweep will queue it later.
        logger.warning(
            "Could not queue notification %s; the sweep will retry.", notification_id, exc_info=True
        )


def notification_deliver(*, notification_id: int, now: datetime) -> bool:
    """Send one notification; safe to run twice. Returns True when this call sent it."""
    claimed = _claim([notification_id], now)
    return bool(claimed) and _deliver_claimed(claimed[0], now)


def _deliver_claimed(notification: Notification, now: datetime) -> bool:
    """Send a row this worker has claimed and record the outcome (see notification_deliver)."""
    malformed = _malformed_address(notification.to_email)
    if malformed:
        _mark_failed(notification, malformed)
        return False
    if notification.compose and not notification.subject and not _write(notification):
        return False
    try:
        _send(_build_message(notification))
    except smtplib.SMTPRecipientsRefused as exc:
        _mark_failed(notification, f"Address refused: {exc.recipients}")
        return False
    except ValueError as exc:  # BadHeaderError and the like: sending again cannot help
        _mark_failed(notification, f"Message refused before sending: {exc}")
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


def _write(notification: Notification) -> bool:
    """Let the row's composer write it and keep the text on the row; False (and the row
    failed) when the message no longer applies."""
    written = composers.write(notification)
    if written is None:
        _mark_failed(notification, "Not sent: what it was about no longer exists.")
        return False
    fields = {
        "subject": written.subject[:255],
        "body_text": written.body_text,
        "body_html": written.body_html,
        "ics": written.ics,
        "ics_method": written.ics_method,
    }
    Notification.objects.filter(pk=notification.pk).update(**fields)
    for name, value in fields.items():
        setattr(notification, name, value)
    return True


def _claim(ids: list[int], now: datetime) -> list[Notification]:
    """Move the rows that are pending to sending and read them back (in the order of `ids`).

    Claim first: only one worker moves a row from pending to sending. One conditional UPDATE
    with RETURNING (PostgreSQL, SQLite 3.35+) does the claim and the read in a single round
    trip, for one row or a whole batch.
    """
    meta = Notification._meta
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    claimed_at = meta.get_field("claimed_at").get_db_prep_value(now, connection)
    marks = ", ".join(["%s"] * len(ids))
    rows = Notification.objects.raw(
        f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1"
        f" WHERE {pk} IN ({marks}) AND status = %s RETURNING *",
        [Notification.Status.SENDING, claimed_at, *ids, Notification.Status.PENDING],
    )
    by_pk = {row.pk: row for row in rows}
    return [by_pk[i] for i in ids if i in by_pk]


class _Session:
    """An open connection to the mail server and what it has done so far."""

    def __init__(self, key: tuple):
        self.key = key
        self.connection = get_connection()
        self.connection.open()
        self.sent = 0
        self.used_at = time.monotonic()

    def usable(self, key: tuple) -> bool:
        if key != self.key or self.sent >= MESSAGES_PER_SESSION:
            return False
        smtp = getattr(self.connection, "connection", None)  # smtplib.SMTP, for SMTP only
        if smtp is None or time.monotonic() - self.used_at < IDLE_BEFORE_CHECK_S:
            return True
        try:  # the server may have closed a session that sat idle
            return smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.connection.close()


def _session_key() -> tuple:
    names = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS")
    return (os.getpid(), *(getattr(settings, name, None) for name in names))


def _send(message: EmailMultiAlternatives) -> None:
    """Send over this thread's open mail session, opening one when needed: a worker sends
    many messages, and a new SMTP session costs a handshake and three round trips each. A
    session that errs is closed, so the next message (or the retry) starts a clean one.
    Other backends (file, console, memory) get a connection per message, as Django does."""
    if not issubclass(import_string(settings.EMAIL_BACKEND), SMTPBackend):
        message.send()
        return
    for attempt in (1, 2):
        session = _current_session()
        try:
            session.connection.send_messages([message])
        except (smtplib.SMTPServerDisconnected, ConnectionError):
            _drop_session(session)
            # A session kept open may have been closed by the server meanwhile (a restart, a
            # short idle limit): once more on a new one. A new session that fails is real.
            if session.sent and attempt == 1:
                continue
            raise
        except BaseException:
            _drop_session(session)
            raise
        session.sent += 1
        session.used_at = time.monotonic()
        return


def _current_session() -> _Session:
    key = _session_key()
    session = getattr(_sessions, "current", None)
    if session is not None and not session.usable(key):
        _drop_session(session)
        session = None
    if session is None:
        session = _sessions.current = _Session(key)
    return session


def mail_session_close() -> None:
    """Close this thread's mail session, if one is open (a worker shutting down, tests)."""
    session = getattr(_sessions, "current", None)
    if session is not None:
        _drop_session(session)


def _drop_session(session: _Session) -> None:
    session.close()
    if getattr(_sessions, "current", None) is session:
        _sessions.current = None


def _malformed_address(address: str) -> str:
    """Why `address` cannot be sent to (a typo, a header injection), or "" when it can."""
    try:
        validate_email(address)
    except ValidationError:
        return f"Malformed address: {address!r}"
    return ""


def _mark_failed(notification: Notification, reason: str) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.FAILED, last_error=reason[:2000]
    )


def _build_message(notification: Notification) -> EmailMultiAlternatives:
    headers = {"X-Backontrack-Key": notification.idempotency_key}
    if notification.list_unsubscribe:
        # RFC 8058: mail programs show an "unsubscribe" button that POSTs to the address.
        headers["List-Unsubscribe"] = f"<{notification.list_unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to_email],
        headers=headers,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.ics:
        content_type = f"text/calendar; method={notification.ics_method or 'PUBLISH'}"
        message.attach_alternative(notification.ics, content_type)
        message.attach("invite.ics", notification.ics, "application/ics")
    return message


def notifications_requeue_pending(
    *, now: datetime, older_than: timedelta, stale_after: timedelta = STALE_CLAIM
) -> list[int]:
    """Find rows that should have gone out by now: pending ones whose task was lost, and
    claims left by a worker that died mid-send (older than `stale_after`, which must exceed
    the longest send). Returns the ids to queue again."""
    stale = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - stale_after
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


def notifications_forget(*, user_pk: int, email: str) -> int:
    """Erase a person from the outbox: every message to them (by account or by address), their
    calendar feed addresses and their reminder choices. Returns the messages removed."""
    removed, _ = Notification.objects.filter(
        Q(recipient_id=user_pk) | Q(to_email__iexact=email)
    ).delete()
    FeedToken.objects.filter(user_id=user_pk).delete()
    ReminderPreference.objects.filter(user_id=user_pk).delete()
    return removed
