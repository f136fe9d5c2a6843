"""The Celery app. Without REDIS_URL tasks run in-process (settings.CELERY_TASK_ALWAYS_EAGER).

Workers keep their database connection between tasks, as web processes do between requests:
Celery's Django fixup would otherwise close it around every task (CELERY_DB_REUSE_MAX unset),
and a new PostgreSQL connection costs more than delivering a mail. Django's own rule
(CONN_MAX_AGE, health checks) decides instead, applied around each task.
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    from django.db import close_old_connections

    # Not for eager tasks: they run inside the caller's request, maybe its transaction.
    if not getattr(task.request, "is_eager", False):
        close_old_connections()
