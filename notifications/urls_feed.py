"""The personal calendar feed, mounted at /calendar/ (no login: the token is the key)."""

from django.urls import path

from . import views_feed

app_name = "feeds"

urlpatterns = [
    path("<str:token>.ics", views_feed.feed, name="feed"),
]
