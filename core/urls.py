"""Absolute addresses for links that leave the site: mail, calendar invites and feeds."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args, **kwargs) -> str:
    """The full address of a named URL on the public site (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args or None, kwargs=kwargs or None)
