from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .roles import roles_for

# Paths a staff member or coordinator without a second factor may still reach: the account
# pages where they set one up, log out, switch language, and static files.
MFA_SETUP_PATHS = ("/accounts/", "/i18n/", "/static/", "/healthz", "/favicon.ico")


class RolesMiddleware:
    """Puts the person's roles on the request, read lazily once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))
        return self.get_response(request)


class RequireMFAMiddleware:
    """Staff and coordinators reach nothing but the MFA setup until they have a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.mfa_exempt
            and not request.path.startswith(MFA_SETUP_PATHS)
            and request.roles.needs_mfa
            and not request.roles.has_mfa
        ):
            message = _("Set up two-step login before you continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "mfa_required"}, status=403)
            return redirect("mfa_required")
        return self.get_response(request)
