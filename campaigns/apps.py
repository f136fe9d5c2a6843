from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Be on Track messages")

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the task names for core.tasks.queue_task)
