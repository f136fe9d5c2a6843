from allauth.account.decorators import secure_admin_login
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpResponseNotAllowed
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from accounts import urls as account_urls
from accounts.views import account as account_views
from accounts.views import language as language_views
from accounts.views import privacy as privacy_views
from notifications import urls as notification_urls

from . import health


class SwaggerView(SpectacularSwaggerSplitView):
    """The API docs page, for GET only: another method would render its HTML template with no
    template name (a 500), so it gets a plain 405."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["GET", "HEAD"])

    options = http_method_not_allowed


# The admin signs in through the site's own login: rate limits and two-step login included (its
# own password-only form would bypass both). Its pages then need the second factor like any
# coordinator page (accounts.middleware.RequireMFAMiddleware).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("privacy/", privacy_views.privacy_statement, name="privacy"),
    path("i18n/setlang/", language_views.language_set, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("schools/", include("schools.urls")),
    path("activities/", include("activities.urls")),
    path("heroes/", include("heroes.urls")),
    path("sessions/", include("scheduler.urls")),
    path("messages/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("programme/", include(account_urls.programme_urlpatterns)),
    path("outbox/", include("notifications.urls")),
    path("calendar/", include(notification_urls.feed_urlpatterns)),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its script from a URL of its own (no inline script); Redoc writes its
    # styles at run time, so its page alone may use inline styles (never inline script).
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "api/redoc/",
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    path("admin/", admin.site.urls),
]
