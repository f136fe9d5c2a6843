from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    name = "scheduler"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # Models are loaded only now (Django's rule for ready()); tasks are registered by name
        # for scheduler.queue, calendars and reminders are offered to notifications.
        from . import calendar, tasks  # noqa: F401

        calendar.register()
