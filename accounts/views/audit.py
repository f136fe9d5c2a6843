"""The audit trail for coordinators: who created, changed, deleted, viewed or exported the
records of the municipalities they coordinate, newest first.

Every entry carries the municipality it is about (accounts.audit); entries of another
municipality never reach this page. The page costs the same number of queries for any number
of rows: the count, the page of entries with their actors, and at most one query per kind of
related record named in the changes (the names of schools, groups, activities...).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from auditlog import get_logentry_model
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import EVENT_EXPORT
from core.pagination import paginate
from core.views import coordinator_required

from ..audit import TRACKED

# Record kinds to filter on: the tracked models, the activities and sessions whose attendance
# is viewed, and people (whose data is exported).
KINDS = [*TRACKED, "activities.activity", "activities.occurrence", "accounts.user"]

ACTIONS = [
    ("create", gettext_lazy("Created")),
    ("update", gettext_lazy("Changed")),
    ("delete", gettext_lazy("Deleted")),
    ("view", gettext_lazy("Viewed")),
    ("export", gettext_lazy("Exported")),
]

# How a record a change points to is named: the fields read for it, joined.
NAMES: dict[str, tuple[str, ...]] = {
    "accounts.user": ("name", "email"),
    "activities.activity": ("title",),
    "activities.child": ("first_name",),
    "activities.enrolment": ("child__first_name", "activity__title"),
    "activities.occurrence": ("activity__title", "date"),
    "heroes.hero": ("display_name",),
    "scheduler.kit": ("name",),
    "schools.group": ("name",),
    "schools.municipality": ("name",),
    "schools.neighbourhood": ("name",),
    "schools.school": ("name",),
}

NONE = "None"  # how auditlog writes an empty value

# Names for the fields the models leave unnamed (a foreign key without a name of its own is
# called after the record it points to).
FIELD_LABELS = {
    "guardian": gettext_lazy("parent or guardian"),
    "created_by": gettext_lazy("created by"),
    "placed_by": gettext_lazy("placed by"),
    "recorded_by": gettext_lazy("recorded by"),
    "manual_by": gettext_lazy("assigned by hand by"),
    "consent_version": gettext_lazy("consent version"),
    "priority_tier": gettext_lazy("priority"),
    "sibling_group": gettext_lazy("siblings together"),
    "decided_at": gettext_lazy("decided at"),
    "responded_at": gettext_lazy("answered at"),
    "rule_warnings": gettext_lazy("rules broken"),
    "cancel_reason": gettext_lazy("reason"),
    "left_at": gettext_lazy("left the programme at"),
    "erased_at": gettext_lazy("erased at"),
}


def _kind_label(label: str) -> str:
    if label == "accounts.user":
        return _("Person")
    return capfirst(apps.get_model(label)._meta.verbose_name)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of record"), required=False)
    action = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        required=False,
        choices=[("", gettext_lazy("Everything")), *ACTIONS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = sorted(((label, _kind_label(label)) for label in KINDS), key=lambda k: k[1])
        self.fields["kind"].choices = [("", _("All kinds")), *kinds]

    def filter(self, entries):
        if not self.is_valid():
            return entries.none()
        kind, action = self.cleaned_data["kind"], self.cleaned_data["action"]
        if kind:
            app_label, _dot, model = kind.partition(".")
            entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
        if action:
            entries = entries.filter(_action_condition(action))
        return entries


def _action_condition(action: str) -> Q:
    Action = get_logentry_model().Action
    if action == "view":
        # Also the ACCESS entries auditlog writes itself, which have no event.
        not_export = ~Q(additional_data__has_key="event") | ~Q(additional_data__event=EVENT_EXPORT)
        return Q(action=Action.ACCESS) & not_export
    if action == "export":
        return Q(action=Action.ACCESS, additional_data__event=EVENT_EXPORT)
    return Q(action={"create": Action.CREATE, "update": Action.UPDATE}.get(action, Action.DELETE))


def entries_for(roles):
    """The entries about the municipalities the person coordinates, newest first."""
    return (
        get_logentry_model()
        .objects.filter(additional_data__municipality__in=sorted(roles.coordinator_of))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Row:
    entry: object
    action: str
    kind: str
    actor: str
    changes: list[Change] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    reason: str = ""


@coordinator_required
def audit_trail(request):
    form = AuditFilterForm(request.GET or None)
    entries = entries_for(request.roles)
    if form.is_bound:
        entries = form.filter(entries)
    page = paginate(request, entries)
    rows = _rows(list(page.object_list))
    return render(request, "accounts/audit_trail.html", {"form": form, "page": page, "rows": rows})


# --- how an entry reads -------------------------------------------------------------------


def _rows(entries: list) -> list[Row]:
    names = _related_names(entries)
    return [_row(entry, names) for entry in entries]


def _changed_fields(entry):
    """(model field or None, name, [old, new]) of a change entry; nothing for other kinds."""
    model = entry.content_type.model_class()
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    for name, values in changes.items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue  # a many-to-many change: not tracked here
        try:
            model_field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            model_field = None
        yield model_field, name, values


def _related_names(entries: list) -> dict[tuple[str, str], str]:
    """{(model label, pk): name} for the records the changes on this page point to: one
    query per kind of record, whatever the number of rows."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for model_field, _name, values in _changed_fields(entry):
            if model_field is not None and (model_field.many_to_one or model_field.one_to_one):
                label = model_field.related_model._meta.label_lower
                if label in NAMES:
                    wanted[label].update(str(v) for v in values if v not in (None, NONE))
    names = {}
    for label, pks in wanted.items():
        model = apps.get_model(label)
        fields = NAMES[label]
        valid = [pk for pk in pks if pk.isdigit()]
        rows = model._base_manager.filter(pk__in=valid).order_by().values_list("pk", *fields)
        for pk, *parts in rows:
            shown = " · ".join(_part(part) for part in parts if part not in (None, ""))
            names[(label, str(pk))] = shown or f"#{pk}"
    return names


def _part(value) -> str:
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _row(entry, names: dict) -> Row:
    Action = get_logentry_model().Action
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    event = data.get("event")
    if entry.action == Action.ACCESS:
        action = _("Exported") if event == EVENT_EXPORT else _("Viewed")
    else:
        action = {
            Action.CREATE: _("Created"),
            Action.UPDATE: _("Changed"),
            Action.DELETE: _("Deleted"),
        }.get(entry.action, "")
    row = Row(entry=entry, action=action, kind=_kind_of(entry), actor=_actor(entry))
    reasons = [str(data["reason"])] if data.get("reason") else []
    if event == "lottery":
        reasons.append(_("Lottery draw"))
    for model_field, name, (old, new) in _changed_fields(entry):
        label = _field_label(model_field, name)
        old_shown = _value(model_field, old, names)
        new_shown = _value(model_field, new, names)
        if entry.action == Action.CREATE and new in (None, NONE, ""):
            continue  # an empty field of a new record says nothing
        # A new record has no old values, a deleted one no new ones: show just the one side.
        if entry.action == Action.CREATE:
            old_shown = ""
        elif entry.action == Action.DELETE:
            new_shown = ""
        row.changes.append(Change(field=str(label), old=old_shown, new=new_shown))
        if name.endswith("reason") and new not in (None, NONE, ""):
            reasons.append(str(new))
    row.details = _details(entry, data)
    row.reason = "; ".join(reasons)
    return row


def _field_label(model_field, name: str) -> str:
    if model_field is None:
        return name
    if str(model_field.verbose_name) != name.replace("_", " "):
        return capfirst(model_field.verbose_name)  # named by its model
    if name in FIELD_LABELS:
        return capfirst(FIELD_LABELS[name])
    if model_field.is_relation:
        return capfirst(model_field.related_model._meta.verbose_name)
    return capfirst(model_field.verbose_name)


def _kind_of(entry) -> str:
    label = f"{entry.content_type.app_label}.{entry.content_type.model}"
    if label in KINDS:
        return _kind_label(label)
    return entry.content_type.model


def _actor(entry) -> str:
    if entry.actor is not None:
        return str(entry.actor)
    return entry.actor_email or _("The system")


def _details(entry, data: dict) -> list[str]:
    """What a view or an export was about."""
    details = []
    if data.get("event") == EVENT_EXPORT:
        details.append(_("All personal data of this person"))
    if data.get("what") == "attendance":
        details.append(_("Attendance"))
    child_ids = data.get("child_ids")
    if isinstance(child_ids, list):
        count = len(child_ids)
        details.append(ngettext("%(n)d child", "%(n)d children", count) % {"n": count})
    if data.get("format") == "csv":
        details.append(_("Downloaded as a spreadsheet (CSV)"))
    return details


def _value(model_field, value, names: dict) -> str:
    """A stored value as a person reads it: names instead of ids, labels instead of codes,
    local dates and times."""
    if value in (None, NONE, ""):
        return "—"
    text = str(value)
    if model_field is None:
        return text
    if model_field.is_relation:
        label = model_field.related_model._meta.label_lower
        return names.get((label, text), f"#{text}")
    if model_field.choices:
        return str({str(code): name for code, name in model_field.flatchoices}.get(text, text))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if text == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        return _moment(text)
    if isinstance(model_field, models.DateField):
        try:
            return date_format(dt.date.fromisoformat(text[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    return text


def _moment(text: str) -> str:
    """auditlog keeps times in UTC without a zone."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
