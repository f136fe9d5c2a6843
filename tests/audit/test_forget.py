"""Erasing a person keeps the audit trail but not them: audit_forget replaces their details in
every entry (descriptions, changes, extra data, the actor's email), and deletes nothing."""

import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry

from accounts.audit import ERASED, audit_forget
from activities import services
from core.audit import record_export, record_view
from tests import factories

from .helpers import child_of, entries, place

pytestmark = pytest.mark.django_db

FIELDS = (
    "object_repr",
    "changes",
    "changes_text",
    "serialized_data",
    "additional_data",
    "actor_email",
)


def everything(entry: LogEntry) -> str:
    """All an entry says, as one lower-case text (JSON as Python keeps it, unescaped)."""
    values = [getattr(entry, name) for name in FIELDS]
    return json.dumps(values, ensure_ascii=False).lower()


@pytest.fixture
def erased_family(school, activity, rf):
    """A parent who acted themself, a child with a name with an accent, and entries about
    them of every kind: created, changed, enrolled, viewed, exported, and one entry about
    another record that happens to mention the child."""
    parent = factories.parent(name="Fatima El Amrani", email="fatima@example.test")
    with set_actor(parent, remote_addr="192.0.2.9"):
        child = child_of(parent, school, "Zoë")
        services.child_update(child=child, data={"grade": 6})
        enrolment = place(activity, child)
    request = rf.get("/")
    request.user = factories.staff(school)
    record_view(request, child, reason="Zoë's father asked")
    municipality = school.neighbourhood.municipality_id
    record_export(actor=parent, subject_user=parent, municipality_pks=[municipality])
    bystander = child_of(factories.parent(), school, "Ilse")
    # Found by the JSON of its changes alone (SQLite keeps "zo\u00eb" there), and by its text.
    LogEntry.objects.log_create(
        bystander, action=LogEntry.Action.UPDATE, changes={"first_name": ["zoë", "Ilse"]}
    )
    LogEntry.objects.log_create(
        bystander,
        action=LogEntry.Action.UPDATE,
        changes_text="first_name: ZOË → Ilse",
        force_log=True,
    )
    return parent, child, enrolment, bystander


def test_the_values_are_gone_and_the_entries_stay(erased_family):
    parent, child, _enrolment, _bystander = erased_family
    values = ["Zoë", "Fatima El Amrani", "fatima@example.test"]
    before = LogEntry.objects.count()
    mentioning = [e.pk for e in LogEntry.objects.all() if "zoë" in everything(e)]
    assert mentioning

    rewritten = audit_forget(
        values=values, object_keys=[("activities.child", child.pk)], user_pk=parent.pk
    )

    assert LogEntry.objects.count() == before
    assert rewritten >= len(mentioning)
    for entry in LogEntry.objects.all():
        text = everything(entry)
        for value in values:
            assert value.lower() not in text, (entry.pk, text)


def test_who_did_what_remains(erased_family):
    parent, child, enrolment, bystander = erased_family
    kinds = [(e.content_type_id, e.object_pk, e.action, e.actor_id) for e in entries()]

    audit_forget(
        values=["Zoë", "fatima@example.test"],
        object_keys=[("activities.child", child.pk)],
        user_pk=parent.pk,
    )

    assert [(e.content_type_id, e.object_pk, e.action, e.actor_id) for e in entries()] == kinds
    created = entries(child)[0]
    assert created.object_repr == ERASED
    assert created.changes["first_name"] == ["None", ERASED]
    assert created.changes["grade"] == ["None", "5"]  # what is not theirs stays
    assert created.actor_email == ERASED
    assert created.remote_addr is None
    assert entries(enrolment)[0].object_repr == f"{ERASED} → Judo (confirmed)"
    *_created, by_json, by_text = entries(bystander)
    assert by_json.object_repr == "Ilse"  # not erased: only the name goes
    assert by_json.changes == {"first_name": [ERASED, "Ilse"]}
    assert by_text.changes_text == f"first_name: {ERASED} → Ilse"


def test_the_reason_of_a_view_loses_the_name_too(erased_family):
    _parent, child, _enrolment, _bystander = erased_family
    audit_forget(values=["Zoë"], object_keys=[], user_pk=None)
    viewed = entries(child, action=LogEntry.Action.ACCESS)[0]
    assert viewed.additional_data["reason"] == f"{ERASED}'s father asked"
    assert viewed.actor_email != ERASED  # the staff member who looked is no subject


def test_forgetting_twice_changes_nothing_more(erased_family):
    parent, child, _enrolment, _bystander = erased_family
    arguments = {
        "values": ["Zoë", "fatima@example.test"],
        "object_keys": [("activities.child", child.pk)],
        "user_pk": parent.pk,
    }
    assert audit_forget(**arguments) > 0
    assert audit_forget(**arguments) == 0


def test_nothing_to_forget(erased_family):
    assert audit_forget(values=["", "  "], object_keys=[], user_pk=None) == 0
