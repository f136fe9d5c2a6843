from django.urls import path

from .views import account as views
from .views import undelivered

urlpatterns = [
    path("two-step-required/", views.mfa_required, name="mfa_required"),
    path("settings/", views.account_settings, name="account_settings"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("undelivered/", undelivered.undelivered_list, name="undelivered_list"),
    path(
        "undelivered/<int:pk>/resend/",
        undelivered.undelivered_resend,
        name="undelivered_resend",
    ),
]
