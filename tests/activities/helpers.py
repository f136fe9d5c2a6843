"""Helpers of the activities tests: enrolling as a parent does (through the services or on the
page), the invariants the enrolment services keep, and activities and places as staff make
them. Moments not given are the clock's (tests/clock.py; each module freezes its own)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Child, Enrolment, Occurrence
from notifications.models import Notification
from notifications.services import notification_deliver
from tests import factories
from tests.clock import ENROLLING


def enrol(activity: Activity, child: Child | None = None, *, now=ENROLLING) -> Enrolment:
    """The guardian enrols the child (a new one at the activity's school unless given)."""
    child = child or factories.ChildFactory(school=activity.school)
    return services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=now
    )


def assert_seats_match(activity: Activity) -> None:
    """The invariant: seats_taken counts exactly the confirmed places and open offers."""
    activity = Activity.objects.get(pk=activity.pk)
    holding = activity.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
    assert activity.seats_taken == holding


def told(event: str, enrolment: Enrolment | None = None) -> int:
    """How many `activity:<event>` messages were sent (about `enrolment`, when given)."""
    sent = Notification.objects.filter(kind=f"activity:{event}")
    if enrolment is not None:
        sent = sent.filter(idempotency_key__startswith=f"enrolment:{enrolment.pk}:")
    return sent.count()


def deliver_outbox(now=ENROLLING) -> None:
    """Deliver what is pending, as the worker does: a message queued to be written at
    delivery (a new enrolment's) gets its text and invite then."""
    for pk in Notification.objects.filter(status=Notification.Status.PENDING).values_list(
        "pk", flat=True
    ):
        notification_deliver(notification_id=pk, now=now)


def enrol_siblings(activity: Activity, *, now=ENROLLING) -> list[Enrolment]:
    """A parent enrols twins (new children at the activity's school) together."""
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    return services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in twins], activity=activity, now=now
    )


def fresh(activity: Activity) -> Activity:
    return Activity.objects.get(pk=activity.pk)


def snapshot(activity: Activity) -> tuple:
    """What a refused enrolment must leave as it was."""
    return (
        fresh(activity).seats_taken,
        list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        Notification.objects.count(),
    )


def session_with(activity: Activity) -> Occurrence:
    """The activity's first session (its sessions made on the enrolling day)."""
    services.occurrences_regenerate(activity=activity, today=ENROLLING.date())
    return activity.occurrences.earliest("date")


# --- the staff pages -----------------------------------------------------------------------


def activity_for(school, **kwargs) -> Activity:
    """An activity of `school` (published unless told otherwise) with its sessions, as staff
    made it."""
    # `created_by` is set as the create page sets it (the model refuses to re-validate without).
    kwargs.setdefault("created_by", factories.staff(school))
    activity = factories.ActivityFactory(school=school, **kwargs)
    services.occurrences_regenerate(activity=activity, today=timezone.localdate())
    return activity


def place(activity, n=1, **child_kwargs) -> list[Enrolment]:
    """Staff place `n` new children of the activity's school (with `child_kwargs`)."""
    children = factories.ChildFactory.create_batch(n, school=activity.school, **child_kwargs)
    return [
        services.enrolment_place(activity=activity, child=child, placed_by=None, now=timezone.now())
        for child in children
    ]


def wait(activity, n=1) -> list[Enrolment]:
    """`n` new children on the waiting list, a minute apart."""
    children = factories.ChildFactory.create_batch(n, school=activity.school)
    return [
        factories.EnrolmentFactory(
            activity=activity,
            child=child,
            status=Enrolment.Status.WAITLISTED,
            applied_at=timezone.now() + dt.timedelta(minutes=i),
        )
        for i, child in enumerate(children)
    ]


# --- the family pages ----------------------------------------------------------------------


def enrol_on_page(client, activity, *children, **extra):
    """A parent ticks `children` on the activity's page and enrols them."""
    url = reverse("activities:browse_detail", args=[activity.pk])
    return client.post(url, {"children": [c.pk for c in children], **extra}, follow=True)


def child_form(school, **overrides) -> dict:
    """The form of a child, filled in with consent."""
    data = {"first_name": "Noor", "school": school.pk, "grade": 5, "consent": "on"}
    return {**data, **overrides}
