from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="school_list"),
    path("new/", views.school_create, name="school_create"),
    path("<int:pk>/", views.school_detail, name="school_detail"),
    path("<int:pk>/edit/", views.school_update, name="school_update"),
    path("<int:pk>/delete/", views.school_delete, name="school_delete"),
    path("<int:school_pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/edit/", views.group_update, name="group_update"),
    path("groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
    path("neighbourhoods/", views.neighbourhood_list, name="neighbourhood_list"),
    path("neighbourhoods/new/", views.neighbourhood_create, name="neighbourhood_create"),
    path("neighbourhoods/<int:pk>/edit/", views.neighbourhood_update, name="neighbourhood_update"),
    path(
        "neighbourhoods/<int:pk>/delete/", views.neighbourhood_delete, name="neighbourhood_delete"
    ),
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/edit/", views.venue_update, name="venue_update"),
    path("venues/<int:pk>/delete/", views.venue_delete, name="venue_delete"),
    path("closures/", views.closure_list, name="closure_list"),
    path("closures/new/", views.closure_create, name="closure_create"),
    path("closures/<int:pk>/edit/", views.closure_update, name="closure_update"),
    path("closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
]
