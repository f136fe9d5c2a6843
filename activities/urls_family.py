from django.urls import path

from . import views_family as views

urlpatterns = [
    path("", views.browse, name="browse"),
    path("children/", views.children, name="children"),
    path("mine/", views.my_enrolments, name="my_enrolments"),
]
