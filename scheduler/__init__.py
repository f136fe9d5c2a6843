"""Django project and, later, the scheduling core (requests, visits, offers, matching)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
