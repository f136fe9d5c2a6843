from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("After-school activities")

    def ready(self) -> None:
        from . import calendar, messages  # noqa: F401 (messages registers its composer)

        calendar.register()
