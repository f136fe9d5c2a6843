"""Matching runs, carried out: solve in the background, write offers at once; the periodic
re-match; a coordinator's assignment by hand. (Runs are queued by scheduler.queue.)

A run reads a snapshot (adapter.load), solves without holding any lock, then writes its offers
in one transaction under the heroes', kits' and requests' row locks, dropping any assignment
that the world has overtaken meanwhile (request no longer open, hero or kit now booked).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from core.locking import lock, locking
from core.time import local_date
from heroes.models import Hero

from .. import adapter, errors, queue
from ..matching import solver
from ..matching.model import Assignment
from ..matching.rules import TOPIC, fit_parts, validate
from ..models import Kit, MatchingRun, Offer, SessionRequest, Visit
from .kits import kit_fits
from .messages import tell_heroes_offered
from .offers import offer_create, offer_deadline
from .requests import request_release

log = logging.getLogger(__name__)
User = get_user_model()

STALE_AFTER = dt.timedelta(minutes=15)
REDISPATCH_AFTER = dt.timedelta(minutes=2)


def _progress(run: MatchingRun, percent: int, step: str, **fields) -> None:
    fields.update(progress=percent, step=step)
    MatchingRun.objects.filter(pk=run.pk).update(**fields)


def run_execute(run_id: int, *, now: dt.datetime | None = None) -> MatchingRun | None:
    """Claim the run (once), solve, write. Any failure marks the run failed and frees the lock."""
    claimed = MatchingRun.objects.filter(pk=run_id, status=MatchingRun.Status.QUEUED).update(
        status=MatchingRun.Status.RUNNING, started_at=timezone.now(), step="loading"
    )
    if not claimed:
        return None
    run = MatchingRun.objects.get(pk=run_id)
    try:
        _execute(run, now or timezone.now())
    except Exception as exc:
        log.exception("matching run %s failed", run_id)
        MatchingRun.objects.filter(pk=run_id).update(
            status=MatchingRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    run.refresh_from_db()
    return run


def _execute(run: MatchingRun, now: dt.datetime) -> None:
    loaded = adapter.load(run.municipality_id, now)
    open_count = len(loaded.requests)
    _progress(run, 20, "solving", requests_open=open_count)
    began = time.perf_counter()
    if open_count:
        result = solver.solve(
            loaded.instance,
            solver.Params(time_limit_s=settings.MATCHING_TIME_LIMIT_S, seed=run.pk % 1000),
        )
    else:
        result = None
    solve_s = time.perf_counter() - began
    _progress(run, 80, "writing", solve_s=round(solve_s, 3))
    made = 0
    if result is not None:
        fixed = set(loaded.instance.fixed)
        new = [
            a for a in result.assignments if a not in fixed and int(a.request) in loaded.requests
        ]
        made = write_offers(loaded, new, run=run, now=now)
        reasons = {int(u.request): u.reason for u in result.unmatched}
        for reason in sorted(set(reasons.values())):
            SessionRequest.objects.filter(
                pk__in=[pk for pk, r in reasons.items() if r == reason],
                status=SessionRequest.Status.OPEN,
            ).update(unmatched_reason=reason)
    asking, with_topic = _topic_fit(run)
    # Only while still running: a run declared stale meanwhile stays failed.
    MatchingRun.objects.filter(pk=run.pk, status=MatchingRun.Status.RUNNING).update(
        status=MatchingRun.Status.DONE,
        progress=100,
        step="done",
        finished_at=timezone.now(),
        offers_made=made,
        unmatched=open_count - made,
        offers_asking_topic=asking,
        offers_with_topic=with_topic,
        upper_bound=(result.upper_bound if result and result.upper_bound is not None else None),
        engine_status=result.status if result else "EMPTY",
    )


def _topic_fit(run: MatchingRun) -> tuple[int, int]:
    """The run's offers for requests that asked a topic, and how many of those heroes have it
    (the board's fit figure)."""
    asked = Offer.objects.filter(run=run, request__topic__isnull=False).values_list(
        "fit", flat=True
    )
    fits = list(asked)
    return len(fits), sum(1 for fit in fits if TOPIC in fit)


def write_offers(loaded: adapter.Loaded, assignments: list[Assignment], *, run, now) -> int:
    """Offers for the engine's assignments, skipping any the world has overtaken: the request
    is no longer open, the hero or kit is gone or booked, the kit retired, shrunk or blocked."""
    with locking():
        heroes, kits, open_requests = lock(
            Hero.objects.filter(pk__in={int(a.hero) for a in assignments}),
            Kit.objects.filter(pk__in={int(a.kit) for a in assignments if a.kit}),
            SessionRequest.objects.filter(
                pk__in=[int(a.request) for a in assignments], status=SessionRequest.Status.OPEN
            ).select_related("school__neighbourhood", "group"),
        )
        return _write(
            assignments,
            inst=loaded.instance,
            heroes={h.pk: h for h in heroes},
            kits={k.pk: k for k in kits},
            requests={r.pk: r for r in open_requests},
            run=run,
            now=now,
        )


def _write(assignments: list[Assignment], *, inst, heroes, kits, requests, run, now) -> int:
    """The offers in bulk: one INSERT for the offers, their audit entries, one UPDATE for the
    requests' status, one INSERT for the heroes' messages (written at delivery). What is booked
    since the snapshot is read once for all the run's heroes and kits and checked here, the new
    offers included, with the rule of `adapter.busy_clash`."""
    pending = set(
        Offer.objects.filter(request__in=list(requests), status=Offer.Status.PENDING).values_list(
            "request_id", flat=True
        )
    )
    busy = _Booked(heroes, kits, assignments)
    engine_requests = {r.id: r for r in inst.requests}
    engine_heroes = {h.id: h for h in inst.heroes}
    offers = []
    for a in sorted(assignments, key=lambda a: int(a.request)):
        session_request, hero = requests.get(int(a.request)), heroes.get(int(a.hero))
        if session_request is None or session_request.pk in pending or hero is None:
            continue
        kit = kits.get(int(a.kit)) if a.kit else None
        if a.kit and not kit_fits(kit, size=session_request.class_size, start=a.start, end=a.end):
            continue
        if busy.taken(hero.pk, kit.pk if kit else None, session_request.school_id, a.start, a.end):
            continue
        busy.add(hero.pk, kit.pk if kit else None, session_request.school_id, a.start, a.end)
        offers.append(
            Offer(
                request=session_request,
                hero=hero,
                kit=kit,
                starts_at=a.start,
                ends_at=a.end,
                expires_at=offer_deadline(start=a.start, now=now),
                run=run,
                fit=fit_parts(engine_requests[a.request], engine_heroes[a.hero]),
            )
        )
    Offer.objects.bulk_create(offers, batch_size=500)
    for offer in offers:
        # bulk_create sends no signals: send what a save would, so each offer is audited
        # (accounts.audit) as one made by hand is.
        post_save.send(Offer, instance=offer, created=True, update_fields=None, raw=False)
    SessionRequest.objects.filter(pk__in=[o.request_id for o in offers]).update(
        status=SessionRequest.Status.OFFERED, unmatched_reason="", updated_at=timezone.now()
    )
    users = User.objects.in_bulk({o.hero.user_id for o in offers})
    for offer in offers:
        offer.hero.user = users[offer.hero.user_id]
    tell_heroes_offered(offers)
    return len(offers)


class _Booked:
    """Confirmed visits and pending offers of the run's heroes and kits around its times, as
    (start, end, school) per hero and per kit."""

    def __init__(self, heroes, kits, assignments: list[Assignment]):
        self.buffer = dt.timedelta(minutes=settings.MATCHING_TRAVEL_BUFFER_MIN)
        self.by: dict[tuple[str, int], list] = defaultdict(list)
        if not assignments:
            return
        lo = min(a.start for a in assignments) - self.buffer
        hi = max(a.end for a in assignments) + self.buffer
        who = Q(hero_id__in=list(heroes)) | Q(kit_id__in=list(kits))
        for model, status in ((Visit, Visit.Status.CONFIRMED), (Offer, Offer.Status.PENDING)):
            rows = model.objects.filter(who, status=status, starts_at__lt=hi, ends_at__gt=lo)
            for hero_id, kit_id, school_id, start, end in rows.values_list(
                "hero_id", "kit_id", "request__school_id", "starts_at", "ends_at"
            ):
                self.add(hero_id, kit_id, school_id, start, end)

    def add(self, hero_id, kit_id, school_id, start, end) -> None:
        self.by[("hero", hero_id)].append((start, end, school_id))
        if kit_id is not None:
            self.by[("kit", kit_id)].append((start, end, school_id))

    def taken(self, hero_id, kit_id, school_id, start, end) -> bool:
        """Any overlap, or less than the travel buffer between different schools."""
        owners = [("hero", hero_id)] + ([("kit", kit_id)] if kit_id is not None else [])
        for owner in owners:
            for s, e, school in self.by.get(owner, ()):
                gap = dt.timedelta(0) if school == school_id else self.buffer
                if s < end + gap and start < e + gap:
                    return True
        return False


def runs_release_stale(*, now: dt.datetime) -> int:
    """A run whose worker died keeps the lock; after STALE_AFTER it is marked failed."""
    return MatchingRun.objects.filter(
        Q(status=MatchingRun.Status.RUNNING, started_at__lt=now - STALE_AFTER)
        | Q(status=MatchingRun.Status.QUEUED, created_at__lt=now - STALE_AFTER)
    ).update(status=MatchingRun.Status.FAILED, finished_at=now, error="No answer from the worker.")


def runs_periodic(*, now: dt.datetime) -> int:
    """Queue a run for every municipality with open requests (the periodic re-match), and
    hand over again runs still queued after REDISPATCH_AFTER (the broker lost them).

    Each municipality's run is a task of its own on the `matching` queue, so the runs of a
    national re-match spread over the workers. They are queued largest first (most open
    requests): workers take them in that order, and the small ones fill in at the end, so two
    workers finish about together instead of one starting the largest last."""
    runs_release_stale(now=now)
    waiting = MatchingRun.objects.filter(
        status=MatchingRun.Status.QUEUED, created_at__lt=now - REDISPATCH_AFTER
    ).values_list("pk", flat=True)
    for run_id in waiting:
        queue.run_dispatch(run_id)
    largest_first = (
        SessionRequest.objects.filter(status=SessionRequest.Status.OPEN)
        .values("school__neighbourhood__municipality_id")
        .annotate(open=Count("pk"))
        .order_by("-open", "school__neighbourhood__municipality_id")
        .values_list("school__neighbourhood__municipality_id", flat=True)
    )
    started = 0
    for municipality_id in largest_first:
        _run, created = queue.run_request(
            municipality_id=municipality_id, trigger=MatchingRun.Trigger.PERIODIC
        )
        started += created
    return started


def manual_check(
    *, session_request: SessionRequest, hero: Hero, kit: Kit | None, start, end, now
) -> list[str]:
    """The rules a hand-made assignment would break, in the engine's words (empty when none)."""
    warnings, _fit = _judge_manual(session_request, hero, kit, start, end, now)
    return warnings


def _judge_manual(session_request, hero, kit, start, end, now) -> tuple[list[str], list[str]]:
    """The rules a hand-made assignment breaks, and why the hero fits (rules.fit_parts)."""
    # The request need not be open (a coordinator may reassign an offered or confirmed one), so
    # the heroes' availability must reach this time whatever the open requests' windows are.
    loaded = adapter.load(
        session_request.school.neighbourhood.municipality_id,
        now,
        hero_ids=[hero.pk],
        until=local_date(end),
    )
    inst = loaded.instance
    me = str(session_request.pk)
    mine = adapter.engine_request(session_request, session_request.windows.all())
    inst = replace(
        inst,
        requests=(*(r for r in inst.requests if r.id != me), mine),
        fixed=tuple(a for a in inst.fixed if a.request != me),
    )
    kit_id = str(kit.pk) if kit else None
    # The fixed ones go along unchanged, so the check sees what the new one collides with.
    warnings = validate(inst, [*inst.fixed, Assignment(me, str(hero.pk), kit_id, start, end)])
    engine_hero = next((h for h in inst.heroes if h.id == str(hero.pk)), None)
    return warnings, fit_parts(mine, engine_hero) if engine_hero else []


def _check_manual(session_request: SessionRequest, hero: Hero, kit: Kit | None, starts_at, now):
    municipality_id = session_request.school.neighbourhood.municipality_id
    found = {}
    if hero.municipality_id != municipality_id:
        found["hero"] = _("Choose a hero of the request's municipality.")
    if kit is not None and kit.municipality_id != municipality_id:
        found["kit"] = _("Choose a kit of the request's municipality.")
    if session_request.kind == SessionRequest.Kind.VR and kit is None:
        found["kit"] = _("A VR session needs a kit.")
    if starts_at is None:
        found["starts_at"] = _("Give a start time.")
    elif starts_at <= now:
        found["starts_at"] = _("The start time is in the past.")
    if found:
        raise ValidationError(found)


def offer_assign_manually(
    *,
    session_request: SessionRequest,
    hero: Hero,
    kit: Kit | None,
    starts_at,
    by,
    force: bool,
    now,
) -> Offer:
    """A coordinator's own choice, offered to the hero like any other. When it breaks a rule
    it needs `force`; the broken rules stay on the offer for everyone to see."""
    if not session_request.is_active:
        raise errors.RequestClosed
    _check_manual(session_request, hero, kit, starts_at, now)
    ends_at = starts_at + dt.timedelta(minutes=session_request.duration_min)
    warnings, fit = _judge_manual(session_request, hero, kit, starts_at, ends_at, now)
    if warnings and not force:
        raise errors.RuleWarnings(warnings)
    with locking():
        *_held, [session_request] = lock(
            Hero.objects.filter(pk=hero.pk),
            *([Kit.objects.filter(pk=kit.pk)] if kit is not None else []),
            SessionRequest.objects.filter(pk=session_request.pk),
        )
        if not session_request.is_active:
            raise errors.RequestClosed
        request_release(
            session_request, now=now, reason=_("The coordinator chose another hero or time.")
        )
        return offer_create(
            session_request=session_request,
            hero=hero,
            kit=kit,
            starts_at=starts_at,
            ends_at=ends_at,
            now=now,
            manual_by=by,
            warnings=warnings,
            fit=fit,
        )
