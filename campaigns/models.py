"""Be on Track messages: a coordinator or school staff writes to the families of a part of
the programme (a neighbourhood, a school, grades, an activity). Each family gets the message
once, in its language, through the outbox; a family may switch these messages off.

A message's texts live in one row, a pair of fields per language: Dutch is required, the
others are optional, and the set of languages is small and fixed (settings.LANGUAGES)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Dutch first: every family can fall back on it.
LANGUAGES = ("nl", "tr", "ar", "en")


class ParentMessage(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    class SenderRole(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        STAFF = "staff", _("School staff")

    municipality = models.ForeignKey(
        "schools.Municipality", on_delete=models.CASCADE, related_name="parent_messages"
    )
    sender_role = models.CharField(max_length=20, choices=SenderRole.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="parent_messages",
        verbose_name=_("sender"),
    )
    # The audience: the families of children that match every filter that is set. Staff
    # always have `school` set (their own); a coordinator may leave all of them empty.
    neighbourhood = models.ForeignKey(
        "schools.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parent_messages",
        verbose_name=_("school"),
    )
    grade_min = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    grade_max = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parent_messages",
        verbose_name=_("activity"),
    )
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=150)
    text_nl = models.TextField(_("text (Dutch)"), max_length=5000)
    subject_tr = models.CharField(_("subject (Turkish)"), max_length=150, blank=True)
    text_tr = models.TextField(_("text (Turkish)"), max_length=5000, blank=True)
    subject_ar = models.CharField(_("subject (Arabic)"), max_length=150, blank=True)
    text_ar = models.TextField(_("text (Arabic)"), max_length=5000, blank=True)
    subject_en = models.CharField(_("subject (English)"), max_length=150, blank=True)
    text_en = models.TextField(_("text (English)"), max_length=5000, blank=True)
    link = models.URLField(_("link"), blank=True)
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    created_at = models.DateTimeField(_("created"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-send_at", "-id"]
        verbose_name = _("Be on Track message")
        verbose_name_plural = _("Be on Track messages")
        indexes = [
            models.Index(
                fields=["send_at"],
                name="parent_message_due_idx",
                condition=Q(status__in=["scheduled", "sending"]),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_min__isnull=True)
                | Q(grade_max__isnull=True)
                | Q(grade_min__lte=models.F("grade_max")),
                name="parent_message_grade_range",
            ),
            models.CheckConstraint(
                condition=~Q(sender_role="staff") | Q(school__isnull=False),
                name="parent_message_staff_has_school",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_nl

    def audience_label(self) -> str:
        """Whom it is for, in words: the filters that are set (select_related them)."""
        parts = [
            str(place)
            for place in (self.neighbourhood, self.school, self.activity)
            if place is not None
        ]
        if self.grade_min or self.grade_max:
            parts.append(
                _("grades %(low)s to %(high)s")
                % {"low": self.grade_min or 1, "high": self.grade_max or 8}
            )
        return ", ".join(parts) or str(_("all families of the municipality"))

    def languages(self) -> list[str]:
        """The languages this message is written in (Dutch always)."""
        return [code for code in LANGUAGES if self.text_for(code)[1]]

    def text_for(self, language: str) -> tuple[str, str]:
        """(subject, text) in `language`, empty when not written in it."""
        if language not in LANGUAGES:
            return "", ""
        subject, text = getattr(self, f"subject_{language}"), getattr(self, f"text_{language}")
        return (subject, text) if subject and text else ("", "")

    def language_for(self, preferred: str) -> str:
        """The language a family gets: its own when the message has it, else Dutch."""
        return preferred if self.text_for(preferred)[1] else "nl"


class ParentMessageDelivery(models.Model):
    """One family (a guardian) that got a message: the record that makes sending safe to run
    twice, and the row the log counts delivered and failed mail by."""

    message = models.ForeignKey(ParentMessage, on_delete=models.CASCADE, related_name="deliveries")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    language = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "guardian"], name="parent_message_once_per_family"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.guardian_id}"


class MessagePreference(models.Model):
    """What a parent chose about Be on Track messages; without a row: messages on, digest
    off. Confirmations of the family's own bookings are not programme messages: always sent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preference"
    )
    messages_off = models.BooleanField(default=False)
    digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message preference")
        verbose_name_plural = _("message preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: off={self.messages_off} digest={self.digest}"
