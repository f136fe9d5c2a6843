from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from .roles import roles_for

# Paths a staff member or coordinator without a second factor may still reach: allauth's pages
# (where they set one up, log out, confirm their email), an invitation link, the language switch
# and static files. Everything else, our own /accounts/ pages included, waits for the factor.
MFA_SETUP_PATHS = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/signup/",
    "/accounts/reauthenticate/",
    "/accounts/password/",
    "/accounts/email/",
    "/accounts/confirm-email/",
    "/accounts/inactive/",
    "/accounts/2fa/",
    "/accounts/two-step-required/",
    "/accounts/invite/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/favicon.ico",
)


class RolesMiddleware:
    """Puts the person's roles on the request, read lazily once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.roles = SimpleLazyObject(lambda: roles_for(request.user))
        return self.get_response(request)


class UserLanguageMiddleware:
    """Speak the language a signed-in person chose in their settings, unless they just picked
    another with the language switch (its cookie wins, as LocaleMiddleware reads it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language != request.LANGUAGE_CODE
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
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
