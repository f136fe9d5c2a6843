"""System checks for production: `manage.py check --deploy --database default` refuses demo
accounts that skip two-step login (the flag is ignored with DEBUG off, but such an account
with the public demo password must not exist where real data lives)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .models import User


@register(Tags.security, deploy=True)
def no_accounts_without_two_step_login(app_configs=None, databases=None, **kwargs):
    if settings.DEBUG or not databases or "default" not in databases:
        return []
    exempt = list(User.objects.filter(mfa_exempt=True).values_list("email", flat=True)[:5])
    if not exempt:
        return []
    return [
        Error(
            "Accounts marked 'exempt from two-step login' exist in production: "
            + ", ".join(exempt),
            hint="These are demo accounts (manage.py demo). Delete them, or clear the flag in "
            "the admin.",
            id="accounts.E001",
        )
    ]
