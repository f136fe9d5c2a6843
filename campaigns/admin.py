from django.contrib import admin

from .models import ParentMessage


@admin.register(ParentMessage)
class ParentMessageAdmin(admin.ModelAdmin):
    """Messages are written through the compose page (scope and audience checks); the admin
    reads them only: a message changed after sending would no longer be what families got."""

    list_display = ["send_at", "subject_nl", "municipality", "sender_role", "status"]
    list_filter = ["status", "sender_role", "municipality"]
    search_fields = ["subject_nl"]
    date_hierarchy = "send_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
