"""The Django project: settings, root urls, the API router, the Celery app, wsgi/asgi, health
and the API exception handler. Every domain app sits below it; nothing imports it but the
entry points (manage.py, wsgi, celery) and the tests."""

from .celery import app as celery_app

__all__ = ["celery_app"]
