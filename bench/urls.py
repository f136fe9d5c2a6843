"""The whole app, plus the floor views the benchmarks compare it with."""

from django.urls import include, path

from . import floor

urlpatterns = [
    path("bench/floor/", floor.floor, name="bench_floor"),
    path("bench/enrol/<int:pk>/", floor.enrol_page, name="bench_enrol_page_floor"),
    path("bench/page/", floor.page, name="bench_page_floor"),
    path("", include("config.urls")),
]
