from django.contrib import admin

from .models import Hero


@admin.register(Hero)
class HeroAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "municipality", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["display_name", "user__email", "user__name"]
    list_select_related = ["user", "municipality"]
    raw_id_fields = ["user"]
