"""Personal calendar feeds: what goes in them, and the secret addresses they live at.

Domain apps register a feed source in their AppConfig.ready(): `fn(user, now)` returns that
person's events as `ical.CalendarEvent`s. This module imports no domain app; it gathers the
sources' events, renders them with `ical.feed()` and keeps the feed tokens.

What a feed holds: things that still happen, and things that happened up to FEED_HISTORY ago.
Cancelled visits, enrolments, activities and sessions are left out (a subscribed calendar
replaces its copy on every refresh, so a left-out event disappears there too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.urls import absolute_url

from . import ical
from .models import FeedToken

FEED_HISTORY = dt.timedelta(days=90)

FeedSource = Callable[[object, dt.datetime], Iterable[ical.CalendarEvent]]

_sources: dict[str, FeedSource] = {}


def register_feed_source(name: str, fn: FeedSource) -> None:
    """Add (or replace, so a second ready() is harmless) the source called `name`."""
    _sources[name] = fn


def feed_since(now: dt.datetime) -> dt.datetime:
    """The oldest end time a feed still shows."""
    return now - FEED_HISTORY


def events_for(user, now: dt.datetime) -> list[ical.CalendarEvent]:
    """Every source's events for this person, sorted by start, each UID once (a person who
    is staff and coordinator sees a visit through both roles; a calendar wants it once)."""
    seen: dict[str, ical.CalendarEvent] = {}
    for fn in _sources.values():
        for event in fn(user, now):
            seen.setdefault(event.uid, event)
    return sorted(seen.values(), key=lambda event: (event.start, event.uid))


def feed_render(user, now: dt.datetime) -> str:
    """The person's feed as iCalendar text, in their language."""
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        events = events_for(user, now)
        name = _("Back on Track")
    return ical.feed(name, events, stamp=now)


def feed_etag(text: str) -> str:
    """A hash of the feed without its DTSTAMP lines, which change on every request."""
    content = "\n".join(line for line in text.splitlines() if not line.startswith("DTSTAMP"))
    return hashlib.sha256(content.encode()).hexdigest()[:32]


# --- tokens -----------------------------------------------------------------------------------


def feed_token_active(user) -> FeedToken | None:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_token_get_or_create(user) -> FeedToken:
    """The person's working token; a new one when they have none."""
    token = feed_token_active(user)
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return FeedToken.objects.create(user=user)
    except IntegrityError:  # A second click made one at the same moment: use that one.
        return FeedToken.objects.get(user=user, revoked_at__isnull=True)


def feed_token_regenerate(user, *, now: dt.datetime | None = None) -> FeedToken:
    """A new address; the old one stops working at once."""
    with transaction.atomic():
        feed_token_revoke(user, now=now)
        return FeedToken.objects.create(user=user)


def feed_token_revoke(user, *, now: dt.datetime | None = None) -> int:
    return FeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now()
    )


def feed_token_find(token: str) -> FeedToken | None:
    """The working token with this secret, with its user; None for unknown or revoked."""
    if not token or len(token) > 64:
        return None
    return (
        FeedToken.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def feed_token_observe(feed_token: FeedToken, etag: str, now: dt.datetime) -> dt.datetime:
    """Record the feed's current hash; returns when its content last changed (never earlier
    than before, and a second later than the previous change so If-Modified-Since sees it)."""
    if feed_token.etag == etag and feed_token.changed_at is not None:
        return feed_token.changed_at
    changed_at = now
    if feed_token.changed_at is not None:
        changed_at = max(now, feed_token.changed_at + dt.timedelta(seconds=1))
    FeedToken.objects.filter(pk=feed_token.pk).update(etag=etag, changed_at=changed_at)
    feed_token.etag, feed_token.changed_at = etag, changed_at
    return changed_at


def feed_url(feed_token: FeedToken) -> str:
    return absolute_url("feeds:feed", feed_token.token)
