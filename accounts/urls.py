from django.urls import path

from .views import account as views
from .views import audit, privacy, programme, undelivered

urlpatterns = [
    path("two-step-required/", views.mfa_required, name="mfa_required"),
    path("settings/", views.account_settings, name="account_settings"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("export/", privacy.data_export_request, name="data_export_request"),
    path("export/<str:token>/", privacy.data_export, name="data_export"),
    path("export/<str:token>/data.json", privacy.data_export_json, name="data_export_json"),
    path("delete/", privacy.account_delete, name="account_delete"),
    path("stop-as-hero/", privacy.hero_leave, name="hero_leave"),
    path("retention/", privacy.retention_overview, name="retention_overview"),
    path("audit/", audit.audit_trail, name="audit_trail"),
    path("undelivered/", undelivered.undelivered_list, name="undelivered_list"),
    path(
        "undelivered/<int:pk>/resend/",
        undelivered.undelivered_resend,
        name="undelivered_resend",
    ),
]

# The programme team's pages about the municipalities, under /programme/ (config.urls).
programme_urlpatterns = (
    [
        path("municipalities/", programme.municipality_list, name="municipality_list"),
        path("municipalities/new/", programme.municipality_create, name="municipality_create"),
    ],
    "programme",
)
