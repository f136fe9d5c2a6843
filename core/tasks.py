"""Handing work to Celery by the task's name.

Tasks import services; a service that must queue a task does it through this, by name, so it
never imports a tasks module (HackSoft's "circular imports between tasks & services"). Each
app's AppConfig.ready() imports its tasks, so the names are registered in every process, and
without a broker (settings.CELERY_TASK_ALWAYS_EAGER) the task runs in-process as usual.
"""

from __future__ import annotations

from celery import current_app


def queue_task(name: str, *args) -> None:
    """Queue the registered task `name` with `args`. Raises whatever the broker raises: the
    caller decides whether that may fail its change."""
    current_app.tasks[name].delay(*args)
