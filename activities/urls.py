from django.urls import include, path

app_name = "activities"

# Families' pages (browse, children, enrolments) and staff pages (publishing, lists,
# attendance) live in their own modules.
urlpatterns = [
    path("", include("activities.urls_family")),
    path("manage/", include("activities.urls_staff")),
]
