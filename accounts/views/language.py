"""The language switch in the header: one setting, the account's language once signed in."""

from django.conf import settings
from django.views.i18n import set_language

from .. import services


def language_set(request):
    """Django's switch (the cookie, back to `next`); a signed-in person's choice is also their
    account's language, so the next mail speaks it too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.user_language_set(user=request.user, language=language)
    return response
