from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("mine/", views.my_enrolments, name="my_enrolments"),
]
