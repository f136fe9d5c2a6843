from django.contrib import admin
from django.db import models

from .models import ParentMessage


@admin.register(ParentMessage)
class ParentMessageAdmin(admin.ModelAdmin):
    """Messages are written through the compose page (scope and audience checks); the admin
    reads them only: a message changed after sending would no longer be what families got."""

    list_display = ["send_at", "subject_nl", "municipality", "sender_role", "status"]
    list_filter = ["status", "sender_role", "municipality"]
    search_fields = ["subject_nl"]
    date_hierarchy = "send_at"
    # The read-only form still builds its fields: say the scheme Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
