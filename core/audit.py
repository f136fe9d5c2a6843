"""Explicit events for the audit trail (AVG/GDPR): someone viewed a child's record or
attendance, or personal data was exported. They are django-auditlog entries (action ACCESS)
next to the create/change/delete entries auditlog writes itself.

Every entry carries the municipality it is about in `additional_data["municipality"]`, which is
how coordinators' trail page scopes it. core imports no app of ours, so it cannot know how a
record leads to its municipality: accounts.audit hands that in at start-up through
`set_municipality_resolver` (and registers the models auditlog watches).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditlog import get_logentry_model
from django.db import models
from django.http import HttpRequest

# What `additional_data["event"]` says about an ACCESS entry.
EVENT_VIEW = "view"
EVENT_EXPORT = "export"

MunicipalityResolver = Callable[[models.Model], "int | None"]

_resolver: MunicipalityResolver | None = None


def set_municipality_resolver(resolver: MunicipalityResolver | None) -> None:
    """accounts.audit calls this once, in AccountsConfig.ready()."""
    global _resolver
    _resolver = resolver


def municipality_of(obj: models.Model) -> int | None:
    """The pk of the municipality `obj` belongs to, or None when unknown."""
    return _resolver(obj) if _resolver is not None else None


def _actor(user) -> Any:
    return user if user is not None and user.is_authenticated else None


def record_view(request: HttpRequest, obj: models.Model, *, reason: str = "", **extra: Any):
    """Write one "viewed" entry: the person of `request` opened `obj` (a child, or the
    attendance of an activity or a session). `extra` must be JSON-safe (say `child_ids`: the
    children whose data the page showed); `reason` is kept when the caller has one."""
    data: dict[str, Any] = {"event": EVENT_VIEW, **extra}
    if reason:
        data["reason"] = reason
    municipality = municipality_of(obj)
    if municipality is not None:
        data["municipality"] = municipality
    actor = _actor(getattr(request, "user", None))
    LogEntry = get_logentry_model()
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=actor,
        actor_email=getattr(actor, "email", None),
        additional_data=data,
    )


def record_export(*, actor, subject_user, municipality_pks: list[int], note: str = "") -> None:
    """Write that `subject_user`'s personal data was exported by `actor` (the person, or None
    for the system). One entry per municipality the data is about, so each municipality's
    coordinators see it; one without a municipality when there is none."""
    actor = _actor(actor)
    LogEntry = get_logentry_model()
    for municipality in sorted(set(municipality_pks)) or [None]:
        data: dict[str, Any] = {"event": EVENT_EXPORT}
        if note:
            data["reason"] = note
        if municipality is not None:
            data["municipality"] = municipality
        LogEntry.objects.log_create(
            subject_user,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            actor=actor,
            actor_email=getattr(actor, "email", None),
            additional_data=data,
        )
