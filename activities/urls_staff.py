from django.urls import path

from . import views_staff as views

urlpatterns = [
    path("", views.activity_list, name="staff_list"),
]
