from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Invitation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_parent", "is_staff", "is_active", "language"]
    list_filter = ["is_parent", "is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "language", "is_parent", "mfa_exempt"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "municipality", "school", "created_at", "expires_at"]
    list_filter = ["role", "municipality"]
    search_fields = ["email", "display_name"]
    list_select_related = ["municipality", "school"]
    raw_id_fields = ["school", "invited_by", "accepted_by"]
    # The token is the secret in the email link: never shown or edited here.
    exclude = ["token"]
    readonly_fields = ["created_at", "accepted_at", "accepted_by", "revoked_at"]
