"""The audit trail (AVG/GDPR), wired up: which records django-auditlog watches, the
municipality every entry is about, and what erasing a person does to the entries.

- `register()` (from AccountsConfig.ready) registers the tracked models with auditlog. Their
  saves and deletes through the ORM become entries with the time, the actor (the request's
  person, see `AuditMiddleware`) and the changed fields. Views and exports are written
  explicitly by core.audit.record_view / record_export.
- Each entry stores `{"municipality": <pk>}` in `additional_data`; coordinators' trail page
  (accounts.views.audit) filters on it. It is worked out from the record that is being saved,
  just before its entry is written, through the relations already loaded with it; what is not
  loaded costs one query, once per request for the same school, activity, session or hero.
- The lottery draw sets its applications' statuses with QuerySet.update() and bulk_update(),
  which send no signals: `_record_lottery_draw` writes their entries from the draw's log.
- `audit_forget` anonymises entries when a person is erased: the entries stay.

accounts sits on top of the domain apps, so this is the one module that knows them all.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from typing import Any

from auditlog import get_logentry_model
from auditlog.middleware import AuditlogMiddleware
from auditlog.registry import auditlog
from auditlog.signals import post_log, pre_log
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save, pre_save

from core import audit as core_audit

# What replaces an erased person's details in the entries.
ERASED = "[erased]"

# Each tracked model, with the fields left out of its entries because they change as a side
# effect rather than by anyone's decision (timestamps, counters), or hold free text the trail
# does not need (a hero's story).
TRACKED: dict[str, tuple[str, ...]] = {
    "activities.child": ("created_at",),
    "activities.enrolment": ("calendar_sequence",),
    "activities.attendance": ("recorded_at",),
    "activities.absencenotice": ("reported_at", "reason"),
    "scheduler.visit": ("sequence", "created_at", "updated_at"),
    "scheduler.offer": ("created_at",),
    "heroes.vogcheck": ("recorded_at",),
    "heroes.hero": ("created_at", "story"),
    "schools.staffmembership": ("created_at",),
    "schools.coordinatormembership": ("created_at",),
    # Added by a programme administrator (accounts.services.municipality_start).
    "schools.municipality": ("submission_key",),
}

# The way from a record to its municipality: foreign keys to follow, the last one pointing at
# the municipality. Enrolments and attendance belong to the activity's municipality (whose
# coordinators run it), a child to its school's, visits and offers to the hero's (who is always
# of the request's municipality). Activities and sessions are here for the views of their
# attendance (core.audit.record_view).
ROUTES: dict[str, tuple[str, ...]] = {
    "activities.child": ("school", "neighbourhood", "municipality"),
    "activities.enrolment": ("activity", "school", "neighbourhood", "municipality"),
    "activities.attendance": ("occurrence", "activity", "school", "neighbourhood", "municipality"),
    "activities.absencenotice": (
        "occurrence",
        "activity",
        "school",
        "neighbourhood",
        "municipality",
    ),
    "activities.activity": ("school", "neighbourhood", "municipality"),
    "activities.occurrence": ("activity", "school", "neighbourhood", "municipality"),
    "scheduler.visit": ("hero", "municipality"),
    "scheduler.offer": ("hero", "municipality"),
    "heroes.vogcheck": ("hero", "municipality"),
    "heroes.hero": ("municipality",),
    "schools.staffmembership": ("school", "neighbourhood", "municipality"),
    "schools.coordinatormembership": ("municipality",),
    "schools.municipality": ("id",),
}

# The request being answered (its person is the actor of the entries written meanwhile), and
# the municipalities looked up during it: {(model label, pk): municipality pk}.
_request: ContextVar[Any] = ContextVar("audit_request", default=None)
_memo: ContextVar[dict | None] = ContextVar("audit_municipality_memo", default=None)
# The record auditlog is about to write an entry for (between its pre_log and post_log).
_subject: ContextVar[models.Model | None] = ContextVar("audit_subject", default=None)


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, which also keeps the request at hand while it is answered: an API
    call with a token is authenticated by DRF inside the view, after auditlog's middleware has
    read an anonymous user, so the actor is read again when an entry is written."""

    def __call__(self, request):
        request_token = _request.set(request)
        memo_token = _memo.set({})
        try:
            return super().__call__(request)
        finally:
            _memo.reset(memo_token)
            _request.reset(request_token)


def register() -> None:
    """Register the tracked models with auditlog and connect the receivers (once)."""
    for label, churn in TRACKED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        # Reverse relations only name the manager of other rows, and the id is the entry's
        # object_pk already; leave them out.
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        auditlog.register(model, exclude_fields=[model._meta.pk.name, *reverse, *churn])
    core_audit.set_municipality_resolver(_municipality_for_view)
    LogEntry = get_logentry_model()
    pre_log.connect(_remember_subject, dispatch_uid="accounts.audit.subject")
    post_log.connect(_forget_subject, dispatch_uid="accounts.audit.subject_done")
    pre_save.connect(_complete_entry, sender=LogEntry, dispatch_uid="accounts.audit.complete")
    post_save.connect(
        _record_lottery_draw,
        sender=apps.get_model("activities.LotteryRound"),
        dispatch_uid="accounts.audit.lottery",
    )


# --- the municipality of an entry ----------------------------------------------------------


def municipality_of(obj: models.Model) -> int | None:
    """The pk of the municipality `obj` belongs to (None if it has no way to one)."""
    route = ROUTES.get(obj._meta.label_lower)
    if route is None:
        return None
    *steps, last = route
    for index, name in enumerate(steps):
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if value is None:
            return None
        cached = field.get_cached_value(obj) if field.is_cached(obj) else None
        if cached is None:
            return _look_up(field.related_model, value, route[index + 1 :])
        obj = cached
    return getattr(obj, obj._meta.get_field(last).attname)


def _look_up(model: type[models.Model], pk: Any, rest: tuple[str, ...]) -> int | None:
    """One query along the rest of the route, remembered for the rest of the request."""
    memo = _memo.get()
    key = (model._meta.label_lower, pk)
    if memo is not None and key in memo:
        return memo[key]
    found = model._base_manager.filter(pk=pk).values_list("__".join(rest), flat=True).first()
    if memo is not None:
        memo[key] = found
    return found


def _warm_content_types() -> None:
    """auditlog looks up the content type of each entry's record, a query the first time for
    each model. Read those of every audited model at once (a no-op once they are cached), so
    what a page costs does not depend on which kinds of record were written before it."""
    models_ = [apps.get_model(label) for label in ROUTES]
    ContentType.objects.get_for_models(*models_, get_user_model())


def _municipality_for_view(obj: models.Model) -> int | None:
    """What core.audit asks before it writes a view or an export."""
    _warm_content_types()
    return municipality_of(obj)


def _remember_subject(sender, instance, **kwargs) -> None:
    if instance._meta.label_lower in ROUTES:
        _warm_content_types()
        _subject.set(instance)


def _forget_subject(sender, **kwargs) -> None:
    _subject.set(None)


def _is_about(entry, obj: models.Model) -> bool:
    content_type = entry.content_type
    return (
        content_type.app_label == obj._meta.app_label
        and content_type.model == obj._meta.model_name
        and str(entry.object_pk) == str(obj.pk)
    )


def _complete_entry(sender, instance, **kwargs) -> None:
    """Before a new entry is saved: add its municipality, and its actor when auditlog's
    middleware could not know it yet (see AuditMiddleware)."""
    if not instance._state.adding:
        return
    if instance.actor_id is None:
        actor = _request_user()
        if actor is not None:
            instance.actor = actor
            instance.actor_email = getattr(actor, "email", None)
    data = instance.additional_data if isinstance(instance.additional_data, dict) else {}
    if "municipality" in data:
        return
    subject = _subject.get()
    if subject is not None and _is_about(instance, subject):
        municipality = municipality_of(subject)
    else:
        municipality = _municipality_from_database(instance)
    if municipality is not None:
        instance.additional_data = {**data, "municipality": municipality}


def _municipality_from_database(entry) -> int | None:
    """For an entry written outside auditlog's receivers without a municipality: read the
    record (it still exists unless this is a delete)."""
    model = entry.content_type.model_class()
    if model is None or model._meta.label_lower not in ROUTES:
        return None
    LogEntry = get_logentry_model()
    if entry.action == LogEntry.Action.DELETE:
        return None
    obj = model._base_manager.filter(pk=entry.object_pk).first()
    return municipality_of(obj) if obj is not None else None


def _request_user():
    request = _request.get()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


# --- writes that send no signals -----------------------------------------------------------


def _record_lottery_draw(sender, instance, update_fields=None, **kwargs) -> None:
    """A drawn lottery round: one "changed" entry per application it decided. The draw sets
    their statuses with QuerySet.update() and bulk_update() (no signals) just before it saves
    the round with its log, in the same transaction; every application it read was applied."""
    if not update_fields or "drawn_at" not in update_fields or instance.drawn_at is None:
        return
    draw = instance.draw_log if isinstance(instance.draw_log, dict) else {}
    pks = set(draw.get("cancelled") or [])
    for placed in (draw.get("activities") or {}).values():
        pks.update(placed.get("confirmed") or [])
        pks.update(placed.get("waitlisted") or [])
    if not pks:
        return
    Enrolment = apps.get_model("activities.Enrolment")
    LogEntry = get_logentry_model()
    enrolments = Enrolment.objects.filter(pk__in=pks).select_related(
        "child", "activity__school__neighbourhood"
    )
    applied = Enrolment.Status.APPLIED.value
    # One by one rather than in bulk, so the entries get their actor and address the way
    # auditlog's own do (its receiver on LogEntry's pre_save, during a request).
    for enrolment in enrolments.order_by("pk"):
        LogEntry.objects.log_create(
            enrolment,
            action=LogEntry.Action.UPDATE,
            changes={"status": [applied, enrolment.status]},
            additional_data={
                "event": "lottery",
                "lottery_round": instance.pk,
                "municipality": municipality_of(enrolment),
            },
        )


# --- erasure -------------------------------------------------------------------------------

_TEXT_FIELDS = ("object_repr", "changes_text")
_JSON_FIELDS = ("changes", "serialized_data", "additional_data")


def audit_forget(
    *, values: list[str], object_keys: list[tuple[str, int]], user_pk: int | None
) -> int:
    """Anonymise the trail of an erased person; returns the number of entries rewritten.

    Every entry that contains one of `values` (a child's first name, a parent's email or name:
    matched without regard to case, also inside longer text) gets it replaced by "[erased]",
    wherever it is: the record's description, the changes, the serialised record, the extra
    data, the actor's email. Entries about the erased records (`object_keys`: ("app.model",
    pk) pairs) lose their description altogether; entries whose actor is `user_pk` lose the
    actor's email and network address. No entry is deleted: who did what, when, stays."""
    needles = sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True)
    pattern = (
        re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
    )
    erased_records = _records(object_keys)
    LogEntry = get_logentry_model()
    pks = _candidates(needles, erased_records, user_pk)
    fields = [*_TEXT_FIELDS, *_JSON_FIELDS, "actor_email", "remote_addr", "remote_port"]
    rewritten = 0
    for start in range(0, len(pks), 500):
        chunk = LogEntry.objects.filter(pk__in=pks[start : start + 500])
        changed = [
            entry
            for entry in chunk.select_related("content_type")
            if _scrub(entry, pattern, erased_records, user_pk)
        ]
        # bulk_update sends no pre_save: auditlog's request receiver would otherwise stamp
        # the eraser as the actor of entries that have none.
        LogEntry.objects.bulk_update(changed, fields)
        rewritten += len(changed)
    return rewritten


def _records(object_keys: list[tuple[str, int]]) -> set[tuple[str, str, str]]:
    records = set()
    for label, pk in object_keys:
        app_label, _dot, model = label.lower().partition(".")
        records.add((app_label, model, str(pk)))
    return records


def _candidates(needles: list[str], records: set, user_pk: int | None) -> list[int]:
    """The pks of the entries that may hold the values: a superset, checked in Python. One
    query for the erased records and the person's own entries, and one per value."""
    LogEntry = get_logentry_model()
    where = Q(pk__in=[])
    for app_label, model, pk in records:
        where |= Q(content_type__app_label=app_label, content_type__model=model, object_pk=pk)
    if user_pk is not None:
        where |= Q(actor_id=user_pk)
    pks = set(LogEntry.objects.filter(where).values_list("pk", flat=True))
    for needle in needles:
        pks.update(LogEntry.objects.filter(_mentions(needle)).values_list("pk", flat=True))
    return sorted(pks)


def _mentions(needle: str) -> Q:
    # LIKE ignores case for ASCII letters only (SQLite; PostgreSQL in the C locale): try the
    # usual spellings of a name with other letters. JSON is stored as text with quotes and
    # backslashes escaped, and on SQLite other letters too (\u00eb): look for each form.
    cases = {needle}
    if not needle.isascii():
        cases |= {needle.lower(), needle.upper(), needle.capitalize(), needle.title()}
    where = Q(pk__in=[])
    for case in cases:
        where |= Q(object_repr__icontains=case) | Q(changes_text__icontains=case)
        where |= Q(actor_email__icontains=case)
        for form in {case, json.dumps(case)[1:-1], json.dumps(case, ensure_ascii=False)[1:-1]}:
            for field in _JSON_FIELDS:
                where |= Q(**{f"{field}__icontains": form})
    return where


def _scrub(entry, pattern: re.Pattern | None, records: set, user_pk: int | None) -> bool:
    before = [getattr(entry, name) for name in (*_TEXT_FIELDS, *_JSON_FIELDS)]
    before += [entry.actor_email, entry.remote_addr, entry.remote_port]
    for name in _TEXT_FIELDS:
        setattr(entry, name, _replace(getattr(entry, name), pattern))
    for name in _JSON_FIELDS:
        setattr(entry, name, _replace(getattr(entry, name), pattern))
    content_type = entry.content_type
    if (content_type.app_label, content_type.model, str(entry.object_pk)) in records:
        entry.object_repr = ERASED
    if user_pk is not None and entry.actor_id == user_pk:
        entry.actor_email = ERASED if entry.actor_email else entry.actor_email
        entry.remote_addr = entry.remote_port = None
    else:
        entry.actor_email = _replace(entry.actor_email, pattern)
    after = [getattr(entry, name) for name in (*_TEXT_FIELDS, *_JSON_FIELDS)]
    after += [entry.actor_email, entry.remote_addr, entry.remote_port]
    return after != before


def _replace(value: Any, pattern: re.Pattern | None) -> Any:
    """`value` with every match of `pattern` in its strings (not in its keys, which are field
    names) replaced by the marker."""
    if pattern is None or value is None:
        return value
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, pattern) for key, item in value.items()}
    return value
