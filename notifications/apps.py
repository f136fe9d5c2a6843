from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the delivery tasks by name, for services that queue them (core.tasks).
        from . import tasks  # noqa: F401
