from django.contrib import admin

from .models import (
    CoordinatorMembership,
    Group,
    Municipality,
    Neighbourhood,
    ProgrammeMembership,
    School,
    SchoolClosure,
    StaffMembership,
    Venue,
)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "holiday_region"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "is_target_area"]
    list_filter = ["municipality", "is_target_area"]
    list_select_related = ["municipality"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin", "level", "neighbourhood"]
    list_filter = ["level", "neighbourhood__municipality"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name", "brin"]
    autocomplete_fields = ["neighbourhood"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "neighbourhood", "city"]
    list_filter = ["neighbourhood__municipality"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name"]
    autocomplete_fields = ["neighbourhood"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "grade", "school_year", "pupils"]
    list_filter = ["school_year", "school__level"]
    list_select_related = ["school"]
    search_fields = ["name", "school__name"]
    autocomplete_fields = ["school"]


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "school"]
    search_fields = ["user__email", "user__name", "school__name"]
    # raw ids: the user admin lives in accounts and may not offer search.
    raw_id_fields = ["user"]
    autocomplete_fields = ["school"]


@admin.register(CoordinatorMembership)
class CoordinatorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "created_at"]
    list_select_related = ["user", "municipality"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]


@admin.register(ProgrammeMembership)
class ProgrammeMembershipAdmin(admin.ModelAdmin):
    """The national programme team: a site admin adds a member here (there is no invitation
    for it: there are few of them, and they see every municipality's figures)."""

    list_display = ["user", "is_admin", "created_at"]
    list_filter = ["is_admin"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]


@admin.register(SchoolClosure)
class SchoolClosureAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "start_date", "end_date", "municipality", "school"]
    list_filter = ["kind", "municipality"]
    list_select_related = ["municipality", "school"]
    search_fields = ["name", "school__name"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["school"]
