"""Every app's API under /api/v1/, on one router so the root lists them all (plus the
addresses that are not collections: your calendar feed and the steering figures, and a JSON 404
for any other address)."""

from django.urls import path, re_path
from rest_framework import exceptions
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from accounts import api as accounts_api
from activities import api as activities_api
from campaigns import api as campaigns_api
from heroes import api as heroes_api
from notifications.api import CalendarFeedView
from reports import api as reports_api
from scheduler import api as scheduler_api
from schools import api as schools_api


class Router(DefaultRouter):
    """DRF's router with two rules for every resource: ids are numbers a database key can
    hold (anything else is a 404, not an error deep in a view), and no `.json` format-suffix
    addresses (JSON is the only format, and extra actions do not take a `format` argument)."""

    include_format_suffixes = False

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
        return f"(?P<{lookup_prefix}{lookup_url_kwarg}>[0-9]{{1,18}})"

    def get_api_root_view(self, api_urls=None):
        """The root lists each collection once: a viewset with only actions on another app's
        resource (activities' `venues/<id>/calendar/`) has no list and adds no entry, so it
        does not hide the resource's own (schools' `venues`)."""
        list_name = self.routes[0].name
        api_root_dict = {
            prefix: list_name.format(basename=basename)
            for prefix, viewset, basename in self.registry
            if hasattr(viewset, "list")
        }
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


class NotFoundView(APIView):
    """Any other address under /api/v1/ (an id that is not a number, a resource or action
    that does not exist) answers as the API does, in JSON, whatever the method: a 404."""

    authentication_classes = ()
    permission_classes = ()
    schema = None  # not an operation

    def not_found(self, request, *args, **kwargs):
        raise exceptions.NotFound

    get = post = put = patch = delete = options = http_method_not_allowed = not_found


router = Router()
schools_api.register(router)
activities_api.register(router)
heroes_api.register(router)
scheduler_api.register(router)
campaigns_api.register(router)
accounts_api.register(router)

urlpatterns = [
    path("calendar-feed/", CalendarFeedView.as_view(), name="calendar-feed"),
    *reports_api.urlpatterns,
    *router.urls,
    re_path(r"^[\s\S]*/$", NotFoundView.as_view(), name="api-not-found"),
]
