"""Every app's API under /api/v1/, on one router so the root lists them all (plus the one
address that is not a collection: your calendar feed)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from activities import api as activities_api
from heroes import api as heroes_api
from notifications.api import CalendarFeedView
from scheduler import api as scheduler_api
from schools import api as schools_api

router = DefaultRouter()
schools_api.register(router)
activities_api.register(router)
heroes_api.register(router)
scheduler_api.register(router)

urlpatterns = [
    path("calendar-feed/", CalendarFeedView.as_view(), name="calendar-feed"),
    *router.urls,
]
