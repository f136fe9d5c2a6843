from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("council/", views.council_report, name="council"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("national/", views.national, name="national"),
]
