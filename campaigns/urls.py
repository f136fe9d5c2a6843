from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("new/", views.message_compose, name="compose"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/edit/", views.message_edit, name="edit"),
    path("stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
