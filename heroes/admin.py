from django.contrib import admin

from .models import AvailabilityException, AvailabilityWindow, Hero, Topic, VOGCheck


class AvailabilityWindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


class VOGCheckInline(admin.TabularInline):
    model = VOGCheck
    extra = 0
    fields = ["issued_on", "valid_until", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # VOG checks are recorded through the coordinator page, which keeps who and when.
        return False


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "municipality", "max_visits_per_month", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["display_name", "user__email", "user__name"]
    list_select_related = ["user", "municipality"]
    raw_id_fields = ["user", "home_neighbourhood"]
    filter_horizontal = ["topics", "visit_neighbourhoods"]
    inlines = [AvailabilityWindowInline, AvailabilityExceptionInline, VOGCheckInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name"]
    list_select_related = ["municipality"]
