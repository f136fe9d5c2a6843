"""The outbox pages (mounted at /outbox/) and the personal calendar feed (mounted at /calendar/,
no login: the token is the key)."""

from django.urls import path

from .views import feed, outbox

app_name = "notifications"

urlpatterns = [
    path("", outbox.outbox, name="outbox"),
    path("<int:pk>/", outbox.outbox_detail, name="outbox_detail"),
    path("<int:pk>/html/", outbox.outbox_html, name="outbox_html"),
    path("<int:pk>/resend/", outbox.outbox_resend, name="outbox_resend"),
]

feed_urlpatterns = ([path("<str:token>.ics", feed.feed, name="feed")], "feeds")
