"""The outbox: every message the platform sends is first a row here, written in the same
transaction as the change it reports, then delivered by a Celery task."""

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
