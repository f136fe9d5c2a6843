import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.services import notification_create


def site_context() -> dict:
    """What allauth's mail templates call the site. Without django.contrib.sites and with
    send_mail overridden, `current_site` was missing and every mail read "Hello from !"."""
    site = SimpleNamespace(
        name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
    )
    return {"current_site": site, "site_name": site.name}


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail (verification, codes, password reset) through the outbox, and makes
    people who sign up themselves parents: staff, heroes and coordinators are invited."""

    # A run of wrong passwords locks the password login of that address for a while (anyone
    # may try someone else's address); the emailed code still lets its owner in.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed login attempts. Try again later, or log in with a code sent to "
            "your email."
        ),
    }

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        user = get_user_model().objects.filter(email__iexact=email).first()
        # A person with an account reads it in their own language, whatever the language of
        # the page that asked for it (a code asked for from a borrowed phone).
        language = getattr(user, "language", "") or translation.get_language() or "nl"
        with translation.override(language):
            message = self.render_mail(
                template_prefix, email, {"email": email, **context, **site_context()}
            )
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        notification_create(
            to_email=email,
            recipient=user,
            kind=f"account:{template_prefix.rsplit('/', 1)[-1]}",
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            language=language,
            # Each call is a new request by the person (a code, a link, a reset): never deduplicate.
            idempotency_key=f"account:{uuid.uuid4()}",
            is_secret=True,
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.is_parent = True
        # Chosen on the sign-up form (its default is the page's language), saved before the
        # confirmation mail goes out so that it speaks the same language.
        user.language = form.cleaned_data.get("language") or translation.get_language() or "nl"
        if commit:
            user.save()
        return user
