"""Helpers of the audit trail tests: children registered and placed through the services, and
reading back the entries about a record."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from activities import services
from activities.models import Activity, Child, Enrolment
from tests.clock import ENROLLING


def child_of(parent, school, first_name: str) -> Child:
    """A child registered by the parent, as the family pages do."""
    return services.child_register(
        guardian=parent,
        data={"first_name": first_name, "school": school, "grade": 5},
        consent=True,
        now=ENROLLING,
    )


def place(activity: Activity, child: Child) -> Enrolment:
    """The guardian enrols the child (a place while there are free ones)."""
    return services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=ENROLLING
    )


def entries(obj=None, *, model=None, action=None) -> list[LogEntry]:
    """The entries about `obj` (or about any record of `model`), oldest first."""
    found = LogEntry.objects.all()
    if obj is not None:
        found = found.filter(
            content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
        )
    if model is not None:
        found = found.filter(content_type=ContentType.objects.get_for_model(model))
    if action is not None:
        found = found.filter(action=action)
    return list(found.order_by("timestamp", "pk"))


def only(found: list):
    assert len(found) == 1, found
    return found[0]


def municipality_of(entry: LogEntry) -> int | None:
    return (entry.additional_data or {}).get("municipality")
