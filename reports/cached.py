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

Counted again by a worker. Once the kept figures are older than `FIGURES_CACHE_S` (but younger
than `FIGURES_STALE_S`), the viewer gets them at once, marked as being counted again, and one
`reports.tasks.count_figures` task counts them anew for the next view: a web process never
spends a city's third of a second, or a nation's seconds, on a recount that every other page
would queue behind, and a crowd opening the same dashboard starts one recount, not one each.
Figures older than that, or never counted, or with no worker to count them into a cache the
web shares (tasks run in-process, or `make run`'s local-memory cache), are counted during the
view, as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import pickle

from celery import current_app
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from core.tasks import queue_task

from . import figures
from .filters import Period, Scope

logger = logging.getLogger(__name__)

FIGURES_CACHE_S = 5 * 60
FIGURES_CACHE_MINUTES = FIGURES_CACHE_S // 60
# Kept figures older than FIGURES_CACHE_S are still shown, while a worker counts them again,
# up to this age; a dashboard nobody opened for longer is counted during the view.
FIGURES_STALE_S = 60 * 60
# One recount of a key at a time; a worker that died with it frees the key after this.
RECOUNT_LOCK_S = 5 * 60
KEY_VERSION = 1


def municipality_dashboard(
    scope: Scope, *, today: dt.date, now: dt.datetime, links: bool, out_of_date: bool = True
) -> figures.Dashboard:
    """`out_of_date`: kept figures past FIGURES_CACHE_S may be shown while a worker counts them
    again (a page, which says so); False for a file or a printed report, which count them."""
    return _kept("municipality", scope, today=today, now=now, links=links, out_of_date=out_of_date)


def national_dashboard(
    scope: Scope, *, today: dt.date, now: dt.datetime, out_of_date: bool = True
) -> figures.Dashboard:
    return _kept("national", scope, today=today, now=now, links=False, out_of_date=out_of_date)


def count(
    page: str, scope: Scope, *, today: dt.date, now: dt.datetime, links: bool
) -> figures.Dashboard:
    """Count a dashboard's figures and keep them (the view's and the task's count)."""
    if page == "national":
        dashboard = figures.national_dashboard(scope, now=now)
    else:
        dashboard = figures.municipality_dashboard(scope, today=today, now=now, links=links)
    dashboard.computed_at = now
    cache.set(
        key_for(page, scope, today=today, links=links), (now, _dumps(dashboard)), FIGURES_STALE_S
    )
    return dashboard


def recount(page: str, scope: dict, today: str, links: bool) -> None:
    """count() for reports.tasks.count_figures, from what _count_later() queued; frees the key
    for the next recount when done."""
    scope_ = scope_from_dict(scope)
    day = dt.date.fromisoformat(today)
    try:
        count(page, scope_, today=day, now=timezone.now(), links=links)
    finally:
        cache.delete(_recount_key(key_for(page, scope_, today=day, links=links)))


def scope_to_dict(scope: Scope) -> dict:
    period = scope.period
    return {
        "municipality_ids": list(scope.municipality_ids),
        "period": [period.key, str(period.label), period.start.isoformat(), period.end.isoformat()],
        "neighbourhood_id": scope.neighbourhood_id,
        "school_id": scope.school_id,
        "level": scope.level,
        "target_only": scope.target_only,
    }


def scope_from_dict(data: dict) -> Scope:
    key, label, start, end = data["period"]
    return Scope(
        municipality_ids=tuple(data["municipality_ids"]),
        period=Period(key, label, dt.date.fromisoformat(start), dt.date.fromisoformat(end)),
        neighbourhood_id=data["neighbourhood_id"],
        school_id=data["school_id"],
        level=data["level"],
        target_only=data["target_only"],
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


def _kept(
    page: str, scope: Scope, *, today: dt.date, now: dt.datetime, links: bool, out_of_date: bool
) -> figures.Dashboard:
    """The kept dashboard while it is younger than FIGURES_CACHE_S by `now` (the cache's own
    expiry is a backstop on the cache server's clock); up to FIGURES_STALE_S, the kept one
    marked `recounting` while a worker counts it again; else a freshly counted one."""
    key = key_for(page, scope, today=today, links=links)
    stored = cache.get(key)
    if stored is not None:
        computed_at, pickled = stored
        age = now - computed_at
        fresh = dt.timedelta(0) <= age < dt.timedelta(seconds=FIGURES_CACHE_S)
        if fresh or (
            out_of_date
            and dt.timedelta(0) <= age < dt.timedelta(seconds=FIGURES_STALE_S)
            and _count_later(key, page, scope, today=today, links=links)
        ):
            dashboard = pickle.loads(pickled)  # our own bytes, from our own cache
            dashboard.recounting = not fresh
            return dashboard
    return count(page, scope, today=today, now=now, links=links)


def _recount_key(key: str) -> str:
    return f"{key}:recount"


def _count_later(key: str, page: str, scope: Scope, *, today: dt.date, links: bool) -> bool:
    """Have a worker count the figures again, once at a time per key. False when there is no
    worker (tasks run in-process), when the cache is this process's own (`make run` without
    Redis: the worker would keep its count to itself) or when the broker refused the task:
    then the view counts."""
    if current_app.conf.task_always_eager or isinstance(caches["default"], LocMemCache):
        return False  # no worker, or one whose count this process would never see
    if not cache.add(_recount_key(key), 1, RECOUNT_LOCK_S):
        return True  # already being counted
    try:
        queue_task(
            "reports.tasks.count_figures",
            page,
            scope_to_dict(scope),
            today.isoformat(),
            links,
            get_language(),
        )
    except Exception:
        logger.exception("Could not queue a recount of %s; counting it in the view", key)
        cache.delete(_recount_key(key))
        return False
    return True


class _PlainTextPickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented


def _dumps(dashboard: figures.Dashboard) -> bytes:
    buffer = io.BytesIO()
    _PlainTextPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(dashboard)
    return buffer.getvalue()
