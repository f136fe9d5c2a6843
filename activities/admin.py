"""Admin pages to look into activities.

Seats, sessions and the waiting list only stay right when writes go through
activities.services, so activities, rounds, enrolments and attendance are shown read-only
here; staff change them on the staff pages. A child may be corrected here, and deleting one
goes through `child_delete`, which frees its places for the waiting list.
"""

from django.contrib import admin
from django.utils import timezone

from . import services
from .models import Activity, Attendance, Child, Enrolment, LotteryRound, Occurrence


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    fields = ["date", "starts_at", "ends_at", "cancelled_at", "cancel_reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "school",
        "venue",
        "category",
        "status",
        "allocation",
        "seats_taken",
        "capacity",
        "first_date",
    ]
    list_filter = [
        "status",
        "allocation",
        "category",
        "level",
        "school__neighbourhood__municipality",
    ]
    list_select_related = ["school", "venue"]
    search_fields = ["title", "school__name", "venue__name"]
    date_hierarchy = "first_date"
    inlines = [OccurrenceInline]


@admin.register(LotteryRound)
class LotteryRoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "school", "closes_at", "drawn_at", "seed"]
    list_filter = ["drawn_at"]
    list_select_related = ["school"]
    search_fields = ["name", "school__name"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["first_name", "school", "grade", "guardian", "consent_at"]
    list_filter = ["school__level", "grade"]
    list_select_related = ["school", "guardian"]
    search_fields = ["first_name", "guardian__email", "school__name"]
    raw_id_fields = ["guardian"]
    autocomplete_fields = ["school", "neighbourhood"]
    readonly_fields = ["consent_at", "consent_version", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # Consent is given by the parent, on the children page.

    def get_deleted_objects(self, objs, request):
        # Enrolments and attendance are read-only here, yet go with the child: child_delete
        # ends them properly, so their missing delete permission must not block it.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        cascaded = {str(Enrolment._meta.verbose_name), str(Attendance._meta.verbose_name)}
        return deleted, counts, perms_needed - cascaded, protected

    def delete_model(self, request, obj) -> None:
        services.child_delete(child=obj, now=timezone.now())

    def delete_queryset(self, request, queryset) -> None:
        now = timezone.now()
        for child in queryset:
            services.child_delete(child=child, now=now)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = [
        "child",
        "activity",
        "status",
        "priority_tier",
        "applied_at",
        "offer_expires_at",
    ]
    list_filter = ["status", "activity"]
    list_select_related = ["child", "activity"]
    search_fields = ["child__first_name", "activity__title", "child__guardian__email"]
    date_hierarchy = "applied_at"


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["occurrence", "enrolment", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "occurrence__activity"]
    list_select_related = ["occurrence__activity", "enrolment__child", "recorded_by"]
    search_fields = ["enrolment__child__first_name", "occurrence__activity__title"]
