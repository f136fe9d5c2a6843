from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("neighbourhoods/", views.neighbourhood_list, name="neighbourhood_list"),
    path("venues/", views.venue_list, name="venue_list"),
]
