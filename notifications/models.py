"""The outbox: every message the platform sends is first a row here, written in the same
transaction as the change it reports, then delivered by a Celery task. Also the secret
addresses of personal calendar feeds and which reminders each person gets."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_email = models.EmailField(_("to"))
    kind = models.CharField(_("kind"), max_length=50)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("calendar attachment"), blank=True)
    ics_method = models.CharField(max_length=20, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    # The municipality the message is about (a schools.Municipality pk; not a foreign key, so
    # notifications stays below the domain apps). Its coordinators may see the message when it
    # is undelivered; None for account mail, which is nobody's business but the recipient's.
    municipality_pk = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    # Holds a login code or a link with a token (verification, password reset, invitation):
    # only the recipient may read it; the outbox pages never show its text.
    is_secret = models.BooleanField(default=False)
    # For bulk mail a person may stop (programme messages): the one-click address sent as
    # List-Unsubscribe with List-Unsubscribe-Post (RFC 8058); empty for all other mail.
    list_unsubscribe = models.URLField(max_length=500, blank=True)
    # A message written at delivery (notifications.composers): the composer's name and its
    # arguments; subject and text stay empty until then. Empty for rows written at once.
    compose = models.CharField(max_length=50, blank=True)
    compose_args = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_pending_idx",
                condition=Q(status__in=["pending", "sending"]),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ics="") | Q(ics_method=""), name="notification_ics_method_needs_ics"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's calendar feed address. Revoked tokens stay (revoked_at set) so
    an old address keeps answering 404; a person has at most one token that works."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The feed's content hash when last fetched and when it last changed: Last-Modified is
    # that moment, so it never goes back when an event leaves the feed.
    etag = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_feed_token_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"


class ReminderPreference(models.Model):
    """The reminder kinds a person switched off; everything else is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    disabled_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user}: off {', '.join(self.disabled_kinds) or '-'}"
