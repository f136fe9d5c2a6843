from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # The production checks, the tasks by name for services that queue them, and the idle
        # clock's start at login (a receiver in middleware, which Django would otherwise import
        # only with the first request: a login before it, as in a test, would miss it).
        from . import checks, middleware, tasks  # noqa: F401

        # The audit trail: the models auditlog watches and the municipality of each entry.
        from .audit import register as register_audit_trail

        register_audit_trail()

        # Cached roles are forgotten when a membership, a hero or a second factor changes.
        from .roles import connect_signals

        connect_signals()
