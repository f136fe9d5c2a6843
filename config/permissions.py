"""API permissions shared by every app (kept apart from config.exceptions: DRF imports these
while rest_framework.views is still loading)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class SecondFactorRequired(permissions.BasePermission):
    """Staff and coordinators need a second factor for the API too. Token requests pass
    accounts.middleware as anonymous, so check again once DRF has authenticated them."""

    message = _("Set up two-step login before you continue.")
    code = "mfa_required"

    def has_permission(self, request, view) -> bool:
        user = request.user
        return not (
            user.is_authenticated
            and not user.skips_second_factor
            and request.roles.needs_mfa
            and not request.roles.has_mfa
        )
