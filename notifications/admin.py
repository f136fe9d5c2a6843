from django.contrib import admin, messages
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox is written by services only; the admin reads it and can re-send failures."""

    list_display = ["created_at", "to_email", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["to_email", "subject", "idempotency_key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["resend"]
    # The read-only form still builds its fields: say the scheme Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Rows are inspected, never edited: a changed body would no longer be what was sent.
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def resend(self, request, queryset):
        with transaction.atomic():
            count = sum(
                services.notification_resend(notification_id=pk)
                for pk in queryset.values_list("pk", flat=True)
            )
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
