"""The whole app, plus the floor view the enrolment benchmark compares it with."""

from django.urls import include, path

from . import floor

urlpatterns = [
    path("bench/floor/", floor.floor, name="bench_floor"),
    path("", include("config.urls")),
]
