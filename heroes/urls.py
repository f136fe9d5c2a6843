from django.urls import path

from . import views

app_name = "heroes"

urlpatterns = [
    path("me/", views.my_profile, name="my_profile"),
    path("me/edit/", views.my_profile_edit, name="my_profile_edit"),
    path("me/availability/", views.my_availability, name="my_availability"),
    path("me/availability/<int:pk>/remove/", views.window_remove, name="window_remove"),
    path("me/away/<int:pk>/remove/", views.away_remove, name="away_remove"),
    path("", views.hero_list, name="hero_list"),
    path("<int:pk>/", views.hero_detail, name="hero_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<int:pk>/", views.topic_edit, name="topic_edit"),
]
