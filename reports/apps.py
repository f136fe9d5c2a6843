from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Steering figures")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the recount for reports.cached, by name)
