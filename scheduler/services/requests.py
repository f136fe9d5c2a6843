"""School staff's session requests: create, cancel, ask for other times.

Input problems raise django ValidationError keyed by field; refusals of a state change raise
scheduler.errors. Either way nothing has changed. A new request or new times queue a matching
run for the municipality once the transaction commits (scheduler.queue).

A group has at most one live request of a kind at any time: two would bring two heroes for
one class. New requests and new times of a group are therefore decided one at a time under
the group's lock, and a request sent twice (the same submission key, core.once) is made once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from activities.schedule import closures_for_school
from core.locking import lock, locking
from core.once import create_once
from core.time import LOCAL_TZ
from heroes.models import LANGUAGE_CODES
from schools.models import Group

from .. import errors, queue
from ..models import ROTATIONS, Kit, MatchingRun, Offer, RequestWindow, SessionRequest, Visit
from .messages import tell_hero, tell_school

MAX_WINDOWS = 10
MAX_DAYS_AHEAD = 366
DURATIONS = {45, 60, 90, 120}
# A request that still brings (or may bring) a hero; see SessionRequest.is_active.
LIVE = (SessionRequest.Status.OPEN, SessionRequest.Status.OFFERED, SessionRequest.Status.CONFIRMED)


def _check_windows(school, windows, duration_min: int, now: dt.datetime) -> list[tuple]:
    """Preferred windows as (start, end): each on one school day outside closures, in the
    future, long enough for the visit, not overlapping another."""
    windows = list(windows or [])
    if any(s is None or e is None for s, e in windows):
        raise ValidationError({"windows": _("Give a start and an end for every preferred time.")})
    windows.sort(key=lambda w: w[0])
    if not windows:
        raise ValidationError(
            {"windows": _("Give at least one time the class can receive the visit.")}
        )
    if len(windows) > MAX_WINDOWS:
        raise ValidationError(
            {"windows": _("Give at most %(n)s preferred times.") % {"n": MAX_WINDOWS}}
        )
    local = [(s.astimezone(LOCAL_TZ), e.astimezone(LOCAL_TZ)) for s, e in windows]
    first, last = local[0][0].date(), max(e for _s, e in local).date()
    closed = closures_for_school(school, first, last)
    for start, end in local:
        when = f"{start:%d-%m-%Y %H:%M}"
        if end <= start:
            msg = _("The preferred time of %(when)s must end after it starts.")
        elif start < now:
            msg = _("The preferred time of %(when)s is in the past.")
        elif start.date() != end.date():
            msg = _("The preferred time of %(when)s must start and end on the same day.")
        elif (end - start) < dt.timedelta(minutes=duration_min):
            msg = _("The preferred time of %(when)s is shorter than the session.")
        elif start.weekday() >= 5:
            msg = _("%(when)s is in a weekend; choose a school day.")
        elif any(a <= start.date() <= b for a, b in closed):
            msg = _("%(when)s falls in a holiday or closure of the school.")
        elif start.date() > now.date() + dt.timedelta(days=MAX_DAYS_AHEAD):
            msg = _("%(when)s is more than a year ahead.")
        else:
            continue
        raise ValidationError({"windows": msg % {"when": when}})
    for (_s1, e1), (s2, _e2) in itertools.pairwise(windows):
        if s2 < e1:
            raise ValidationError(
                {"windows": _("Two preferred times overlap; join them into one.")}
            )
    return windows


def _check_request(
    *, school, group, kind, topic, topic_required, language, duration_min, size
) -> None:
    found = {}
    if group.school_id != school.pk:
        found["group"] = _("Choose a group of this school.")
    if kind not in SessionRequest.Kind.values:
        found["kind"] = _("Choose a Local Hero visit or a VR game session.")
    elif kind == SessionRequest.Kind.VR:
        if school.level != school.Level.VO:
            found["kind"] = _("VR game sessions are for secondary schools (VO).")
        else:
            biggest = (
                Kit.objects.filter(
                    municipality_id=school.neighbourhood.municipality_id, is_active=True
                )
                .order_by("-headsets")
                .values_list("headsets", flat=True)
                .first()
            )
            if biggest is None:
                found["kind"] = _("The municipality has no VR kit in use.")
            elif biggest * ROTATIONS < size:
                found["group"] = _(
                    "No VR kit can serve a class of %(size)s pupils (at most %(max)s)."
                ) % {"size": size, "max": biggest * ROTATIONS}
    if topic is not None and topic.municipality_id != school.neighbourhood.municipality_id:
        found["topic"] = _("Choose a topic of your municipality.")
    elif topic is None and topic_required:
        found["topic"] = _("Choose the topic that is required, or say the topic is a wish.")
    if language not in LANGUAGE_CODES:
        found["language"] = _("Choose a language from the list.")
    if duration_min not in DURATIONS:
        found["duration_min"] = _("Choose a duration from the list.")
    if found:
        raise ValidationError(found)


def request_create(
    *,
    school,
    group,
    requested_by,
    kind: str,
    topic=None,
    topic_required: bool = False,
    language: str = "nl",
    duration_min: int = 60,
    notes: str = "",
    windows,
    now: dt.datetime,
    submission_key: uuid.UUID | None = None,
) -> SessionRequest:
    """A new request; the one made earlier with the same `submission_key` when it was sent
    twice. Refused (errors.DuplicateRequest) when the group has a live request of this kind
    at an overlapping time. A required topic is a hard rule for matching; else it is a wish."""
    _check_request(
        school=school,
        group=group,
        kind=kind,
        topic=topic,
        topic_required=topic_required,
        language=language,
        duration_min=duration_min,
        size=group.pupils,
    )
    windows = _check_windows(school, windows, duration_min, now)
    with locking():
        lock(Group.objects.filter(pk=group.pk))
        return create_once(
            SessionRequest,
            submission_key,
            lambda: _create(
                school=school,
                group=group,
                requested_by=requested_by,
                kind=kind,
                topic=topic,
                topic_required=topic_required,
                language=language,
                duration_min=duration_min,
                notes=notes,
                windows=windows,
                submission_key=submission_key,
            ),
        )


def _create(*, school, group, kind, windows, notes: str, **fields) -> SessionRequest:
    _check_no_overlap(group=group, kind=kind, windows=windows)
    session_request = SessionRequest.objects.create(
        school=school,
        group=group,
        kind=kind,
        class_size=group.pupils,
        notes=notes.strip(),
        **fields,
    )
    _windows_save(session_request, windows)
    queue.rematch_soon(school.neighbourhood.municipality_id, MatchingRun.Trigger.REQUEST)
    return session_request


def _check_no_overlap(*, group, kind: str, windows, exclude: int | None = None) -> None:
    """Refuse when another live request of the group of this kind has a window overlapping
    one of `windows`. The caller holds the group's lock, so no other can be made meanwhile."""
    overlaps = Q()
    for start, end in windows:
        overlaps |= Q(windows__starts_at__lt=end, windows__ends_at__gt=start)
    existing = (
        SessionRequest.objects.filter(
            overlaps,
            group=group,
            kind=kind,
            status__in=LIVE,
        )
        .exclude(pk=exclude)
        .select_related("group")
        .prefetch_related("windows")
        .order_by("created_at", "pk")
        .first()
    )
    if existing is not None:
        raise errors.DuplicateRequest(existing)


def _windows_save(session_request: SessionRequest, windows) -> None:
    RequestWindow.objects.bulk_create(
        [RequestWindow(request=session_request, starts_at=s, ends_at=e) for s, e in windows]
    )


def _lock_open(session_request: SessionRequest) -> SessionRequest:
    """The request, locked; a cancelled or past one is refused."""
    [[locked]] = lock(SessionRequest.objects.filter(pk=session_request.pk))
    if locked.status in (SessionRequest.Status.CANCELLED, SessionRequest.Status.DONE):
        raise errors.RequestClosed
    return locked


def request_release(session_request: SessionRequest, *, now: dt.datetime, reason: str) -> None:
    """Withdraw the request's pending offer and cancel its visit, telling the hero and the
    school (each with the CANCEL of the visit's invite). The caller holds the request's lock."""
    for offer in Offer.objects.select_related("hero__user").filter(
        request=session_request, status=Offer.Status.PENDING
    ):
        offer.status, offer.responded_at = Offer.Status.WITHDRAWN, now
        offer.save(update_fields=["status", "responded_at"])
        tell_hero(offer, "offer_withdrawn", reason=reason)
    for visit in Visit.objects.select_related("hero__user", "offer").filter(
        request=session_request, status=Visit.Status.CONFIRMED
    ):
        visit.status, visit.cancel_reason = Visit.Status.CANCELLED, reason
        visit.sequence += 1
        visit.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
        tell_hero(visit.offer, "visit_cancelled", reason=reason, visit=visit, now=now)
        tell_school(visit, "visit_cancelled", now=now)


def request_cancel(
    *, session_request: SessionRequest, reason: str = "", now: dt.datetime
) -> SessionRequest:
    reason = " ".join((reason or "").split())
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    with locking():
        session_request = _lock_open(session_request)
        request_release(
            session_request, now=now, reason=reason or _("The school cancelled the request.")
        )
        session_request.status = SessionRequest.Status.CANCELLED
        session_request.save(update_fields=["status", "updated_at"])
    return session_request


def request_reschedule(
    *, session_request: SessionRequest, windows, now: dt.datetime
) -> SessionRequest:
    """New preferred times: any offer or visit goes, and matching looks again."""
    with locking():
        lock(Group.objects.filter(pk=session_request.group_id))
        session_request = _lock_open(session_request)
        windows = _check_windows(session_request.school, windows, session_request.duration_min, now)
        _check_no_overlap(
            group=session_request.group,
            kind=session_request.kind,
            windows=windows,
            exclude=session_request.pk,
        )
        request_release(session_request, now=now, reason=_("The school asked for another time."))
        session_request.windows.all().delete()
        _windows_save(session_request, windows)
        session_request.status = SessionRequest.Status.OPEN
        session_request.unmatched_reason = ""
        session_request.reschedule_count += 1
        session_request.save(
            update_fields=["status", "unmatched_reason", "reschedule_count", "updated_at"]
        )
        queue.rematch_soon(
            session_request.school.neighbourhood.municipality_id, MatchingRun.Trigger.REQUEST
        )
    return session_request
