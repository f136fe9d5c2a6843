from django.urls import path

from . import views

urlpatterns = [
    path("two-step-required/", views.mfa_required, name="mfa_required"),
    path("settings/", views.account_settings, name="account_settings"),
    path("invitations/", views.invitation_list, name="invitation_list"),
]
