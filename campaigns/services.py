"""Writing, sending and stopping Be on Track messages.

A message is saved with its send time; the send task (beat, and at once for "now") writes one
outbox notification per family in batches, each batch in its own transaction under the
message's row lock, so the page shows progress and a second run (or a second worker) finds the
families already written and adds nobody twice."""

from __future__ import annotations

import logging
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.refusals import Refusal
from core.tasks import queue_task
from core.urls import absolute_url
from notifications.services import notification_create, notifications_queue

from .audience import Audience, audience_count, audience_guardians, shown_count
from .models import MessagePreference, ParentMessage, ParentMessageDelivery

logger = logging.getLogger(__name__)

BATCH = 200
KIND = "parent_message"
UNSUBSCRIBE_SALT = "campaigns.unsubscribe"


class OutOfScope(Refusal):
    code = "out_of_scope"
    status = 400


class NoFamilies(Refusal):
    code = "no_families"
    status = 400


class AlreadyGoing(Refusal):
    code = "already_going"
    status = 409


def parent_message_create(*, sender, roles, now: datetime, **fields) -> ParentMessage:
    """Save a message within the sender's scope and queue it when its time has come.

    Coordinators write to families of their municipality; staff to those of their school
    (`school` required, an `activity` of that school optional)."""
    message = ParentMessage(created_by=sender, created_at=now, **fields)
    message.send_at = message.send_at or now
    _check_scope(message, roles)
    if audience_count(Audience.of(message)) == 0:
        raise NoFamilies(_("No family matches this choice. Choose a wider group."))
    message.save()
    if message.send_at <= now:
        transaction.on_commit(lambda: _queue_send(message.pk))
    return message


def parent_message_update(*, message_id: int, roles, now: datetime, **fields) -> ParentMessage:
    """Change a message before its time; once its time has come (the send may be running)
    or it went out, it stays as the families got it."""
    with transaction.atomic():
        message = ParentMessage.objects.select_for_update().get(pk=message_id)
        if message.status != ParentMessage.Status.SCHEDULED or message.send_at <= now:
            raise AlreadyGoing(_("This message is going out or was sent: it can no longer change."))
        for name, value in fields.items():
            setattr(message, name, value)
        message.send_at = message.send_at or now
        _check_scope(message, roles)
        if audience_count(Audience.of(message)) == 0:
            raise NoFamilies(_("No family matches this choice. Choose a wider group."))
        message.save()
        if message.send_at <= now:
            transaction.on_commit(lambda: _queue_send(message.pk))
    return message


def _check_scope(message: ParentMessage, roles) -> None:
    """Every filter must lie inside the sender's own municipality (and school, for staff)."""
    municipality = message.municipality_id
    school = message.school
    activity = message.activity
    if message.sender_role == ParentMessage.SenderRole.STAFF:
        inside = school is not None and school.pk in roles.staff_of
    else:
        inside = municipality in roles.coordinator_of
    if school is not None:
        inside = inside and school.neighbourhood.municipality_id == municipality
    if activity is not None:
        inside = inside and activity.school.neighbourhood.municipality_id == municipality
        inside = inside and (school is None or activity.school_id == school.pk)
    if message.neighbourhood is not None:
        inside = inside and message.neighbourhood.municipality_id == municipality
    if not inside:
        raise OutOfScope(_("You can only write to families of your own school or municipality."))


def _queue_send(message_id: int) -> None:
    try:
        queue_task("campaigns.tasks.send_parent_message", message_id)
    except Exception:  # The broker is down: beat's scan sends it a little later.
        logger.warning("Could not queue message %s; beat will send it.", message_id, exc_info=True)


def parent_messages_send_due(*, now: datetime, batch: int = BATCH) -> int:
    """Send every message whose time has come (beat). Returns the families written."""
    due = ParentMessage.objects.filter(
        status__in=[ParentMessage.Status.SCHEDULED, ParentMessage.Status.SENDING], send_at__lte=now
    ).values_list("pk", flat=True)
    return sum(parent_message_send(message_id=pk, now=now, batch=batch) for pk in list(due))


def parent_message_send(*, message_id: int, now: datetime, batch: int = BATCH) -> int:
    """Write the message to the outbox for every family of its audience not yet written to,
    a batch at a time; safe to run twice and side by side. Returns the families written."""
    written = 0
    while True:
        count, done = _send_batch(message_id, now, batch)
        written += count
        if done:
            return written


def _send_batch(message_id: int, now: datetime, batch: int) -> tuple[int, bool]:
    with transaction.atomic():
        # The row lock makes batches of two workers take turns; each then skips the families
        # the other wrote, so nobody is written twice.
        message = (
            ParentMessage.objects.select_for_update()
            .filter(pk=message_id, send_at__lte=now)
            .exclude(status=ParentMessage.Status.SENT)
            .first()
        )
        if message is None:
            return 0, True
        guardians = list(
            audience_guardians(Audience.of(message)).exclude(
                pk__in=ParentMessageDelivery.objects.filter(message=message).values("guardian")
            )[:batch]
        )
        ids = [_write(message, guardian) for guardian in guardians]
        notifications_queue([pk for pk in ids if pk])
        done = len(guardians) < batch
        message.status = ParentMessage.Status.SENT if done else ParentMessage.Status.SENDING
        message.started_at = message.started_at or now
        message.finished_at = now if done else None
        message.save(update_fields=["status", "started_at", "finished_at"])
        return len(guardians), done


def _write(message: ParentMessage, guardian) -> int | None:
    """The family's notification and its delivery record; the notification id if new."""
    language = message.language_for(guardian.language)
    subject, body_text, body_html = parent_message_render(
        message=message, language=language, unsubscribe_url=unsubscribe_url(guardian.pk)
    )
    notification, created = notification_create(
        to_email=guardian.email,
        recipient=guardian,
        kind=KIND,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        idempotency_key=f"parent-message:{message.pk}:{guardian.pk}",
        language=language,
        municipality_pk=message.municipality_id,
        list_unsubscribe=unsubscribe_url(guardian.pk),
        queue=False,
    )
    ParentMessageDelivery.objects.get_or_create(
        message=message,
        guardian=guardian,
        defaults={"notification": notification, "language": language},
    )
    return notification.pk if created else None


def parent_message_render(
    *, message: ParentMessage, language: str, unsubscribe_url: str
) -> tuple[str, str, str]:
    """(subject, text, HTML) of the mail as a family in `language` gets it."""
    language = message.language_for(language)
    subject, text = message.text_for(language)
    context = {
        "subject": subject,
        "text": text,
        "link": message.link,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute_url("account_settings"),
    }
    with translation.override(language):
        body_text = render_to_string("campaigns/email/message.txt", context).strip()
        body_html = render_to_string("campaigns/email/message.html", context).strip()
    return " ".join(subject.split()), body_text, body_html


def unsubscribe_url(user_pk: int) -> str:
    """The signed one-click address that stops Be on Track messages for this person."""
    token = signing.dumps(user_pk, salt=UNSUBSCRIBE_SALT, compress=True)
    return absolute_url("campaigns:unsubscribe", token=token)


def unsubscribe_user_pk(token: str) -> int | None:
    """The person a one-click address is for, or None when it was not made by us."""
    try:
        user_pk = int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    # An erased account has nothing left to stop.
    return user_pk if get_user_model().objects.filter(pk=user_pk).exists() else None


def message_preference_set(
    *, user_pk: int, messages_off: bool | None = None, digest: bool | None = None
) -> MessagePreference:
    """Switch Be on Track messages (or the monthly digest) on or off for a person."""
    preference, _created = MessagePreference.objects.get_or_create(user_id=user_pk)
    if messages_off is not None:
        preference.messages_off = messages_off
    if digest is not None:
        preference.digest = digest
    preference.save()
    return preference


def message_preference_of(user) -> MessagePreference:
    return MessagePreference.objects.filter(user=user).first() or MessagePreference(user=user)


def parent_message_preview(*, roles, **fields) -> tuple[str, list[dict]]:
    """What the sender sees before sending: how many families it reaches (as they may see
    it: "< 5" for a coordinator) and the mail in each language written."""
    message = ParentMessage(**fields)
    _check_scope(message, roles)
    count = audience_count(Audience.of(message))
    exact = message.sender_role == ParentMessage.SenderRole.STAFF
    mails = []
    for language in message.languages():
        subject, text, html = parent_message_render(
            message=message, language=language, unsubscribe_url="#"
        )
        mails.append({"language": language, "subject": subject, "text": text, "html": html})
    return shown_count(count, exact=exact), mails


def message_choices_of(user) -> dict:
    """The person's choices about Be on Track messages, for their data export."""
    preference = message_preference_of(user)
    return {"messages": not preference.messages_off, "monthly_digest": preference.digest}


def message_choices_forget(*, user_pk: int) -> None:
    """Erase a person's choices (their account is being erased)."""
    MessagePreference.objects.filter(user_id=user_pk).delete()
