"""The steering figures, kept for a few minutes (issue 14).

Counting a municipality's or the nation's figures reads every enrolment, attendance mark and
visit of the period: about 0.3 s alone for a city, seconds for the nation, and under load
every other page queues behind it. Figures for steering change with registers and
enrolments, not by the second, so a computed dashboard is kept in Django's cache (Redis in
production) for `FIGURES_CACHE_S`, and the page says when it was counted ("Figures as of").

The key holds everything the figures depend on: the page, the municipalities of the scope, the
period and the filters, whether the figures link to lists (coordinators) or not, the language
the labels are in, and the day. The scope comes from the filter form, which offers a viewer
only the municipalities they may see, so one coordinator's key never names another's
municipality.

Stored as pickled bytes with every translatable text already a plain string: unpickling
Django's lazy texts builds a class per text, which made reading a city's dashboard back take
longer (0.5 s) than counting it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
from collections.abc import Callable

from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import get_language

from . import figures
from .filters import Scope

FIGURES_CACHE_S = 5 * 60
FIGURES_CACHE_MINUTES = FIGURES_CACHE_S // 60
KEY_VERSION = 1


def municipality_dashboard(
    scope: Scope, *, today: dt.date, now: dt.datetime, links: bool
) -> figures.Dashboard:
    return _kept(
        key_for("municipality", scope, today=today, links=links),
        lambda: figures.municipality_dashboard(scope, today=today, now=now, links=links),
        now,
    )


def national_dashboard(scope: Scope, *, today: dt.date, now: dt.datetime) -> figures.Dashboard:
    return _kept(
        key_for("national", scope, today=today, links=False),
        lambda: figures.national_dashboard(scope, now=now),
        now,
    )


def key_for(page: str, scope: Scope, *, today: dt.date, links: bool) -> str:
    municipalities = ",".join(map(str, scope.municipality_ids))
    if len(municipalities) > 64:  # a nation of them: short enough for any cache
        municipalities = "sha1-" + hashlib.sha1(municipalities.encode()).hexdigest()
    period = scope.period
    parts = [
        "reports",
        f"v{KEY_VERSION}",
        page,
        f"m{municipalities}",
        f"{period.key}:{period.start}:{period.end}",
        f"n{scope.neighbourhood_id or ''}",
        f"s{scope.school_id or ''}",
        f"l{scope.level}",
        f"t{int(scope.target_only)}",
        f"links{int(links)}",
        get_language() or "",
        today.isoformat(),
    ]
    return ":".join(parts)


def _kept(key: str, compute: Callable[[], figures.Dashboard], now: dt.datetime):
    """The kept dashboard while it is younger than FIGURES_CACHE_S by `now` (the cache's own
    expiry is a backstop on the cache server's clock), else a freshly counted one, kept."""
    stored = cache.get(key)
    if stored is not None:
        computed_at, pickled = stored
        if dt.timedelta(0) <= now - computed_at < dt.timedelta(seconds=FIGURES_CACHE_S):
            return pickle.loads(pickled)  # our own bytes, from our own cache
    dashboard = compute()
    dashboard.computed_at = now
    cache.set(key, (now, _dumps(dashboard)), FIGURES_CACHE_S)
    return dashboard


class _PlainTextPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented


def _dumps(dashboard: figures.Dashboard) -> bytes:
    buffer = io.BytesIO()
    _PlainTextPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(dashboard)
    return buffer.getvalue()
