import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
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
    "/privacy/",
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
    """A signed-in person's pages speak their account's language (accounts.User.language: the
    header's switch and the settings page save it, and mails use it). Before sign-in,
    LocaleMiddleware decides from the cookie and Accept-Language.

    The login sets the cookie from the account, and every change sets both, so the cookie
    (which LocaleMiddleware reads) and the account agree; the pages after logging out keep
    speaking the same language. A device still signed in when the language was changed on
    another keeps its cookie until it logs in again."""

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
        response = self.get_response(request)
        language = getattr(request, "account_language", None)
        if language and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            _set_language_cookie(response, language)
        return response


@receiver(user_logged_in)
def _speak_the_account_language(sender, request, user, **kwargs) -> None:
    """At login the account's language becomes the cookie's (UserLanguageMiddleware sets it
    on this response), and the rest of this request speaks it too."""
    # Only a request that came through LocaleMiddleware (a test's force_login has a bare
    # one, and its language must not leak into the test).
    if request is not None and hasattr(request, "LANGUAGE_CODE"):
        request.account_language = user.language
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


def _set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@receiver(user_logged_in)
def _start_the_idle_clock(sender, request, user, **kwargs) -> None:
    """The idle clock starts at login, which writes the session anyway."""
    if hasattr(request, "session"):
        request.session["seen_at"] = int(time.time())


class IdleSessionMiddleware:
    """A signed-in session ends after a time without activity: settings.SESSION_IDLE_STAFF_S for
    people who see children's data or every municipality's figures (staff, coordinators,
    admins, the programme team: Roles.needs_mfa), SESSION_IDLE_S for others.
    The last activity is written at most once a minute, so a busy page costs no extra writes."""

    WRITE_EVERY_S = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            seen = request.session.get("seen_at", now)
            limit = (
                settings.SESSION_IDLE_STAFF_S
                if request.roles.needs_mfa
                else settings.SESSION_IDLE_S
            )
            if now - seen > limit:
                logout(request)
                messages.info(request, _("You were away for a while, so we logged you out."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            if now - seen >= self.WRITE_EVERY_S or "seen_at" not in request.session:
                request.session["seen_at"] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """Staff, coordinators and the programme team (Roles.needs_mfa) reach nothing but the MFA
    setup until they have a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.skips_second_factor
            and not request.path.startswith(MFA_SETUP_PATHS)
            and request.roles.needs_mfa
            and not request.roles.has_mfa
        ):
            message = _("Set up two-step login before you continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "mfa_required"}, status=403)
            return redirect("mfa_required")
        return self.get_response(request)
