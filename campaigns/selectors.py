"""Reads of Be on Track messages, scoped: the sender sees their own, coordinators those of
their municipality; anyone else gets 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from notifications.models import Notification

from .audience import shown_count
from .models import ParentMessage


def messages_visible_to(user, roles) -> QuerySet[ParentMessage]:
    """With the families written to, delivered and failed, counted in the same query."""
    sent = Notification.Status.SENT
    failed = Notification.Status.FAILED
    # An erased family's mail is gone from the outbox: it counts as written, not as waiting.
    waiting = [Notification.Status.PENDING, Notification.Status.SENDING]
    return (
        ParentMessage.objects.filter(
            Q(created_by=user) | Q(municipality_id__in=roles.coordinator_of)
        )
        .select_related("created_by", "neighbourhood", "school", "activity", "municipality")
        .annotate(
            recipients=Count("deliveries"),
            delivered=Count("deliveries", filter=Q(deliveries__notification__status=sent)),
            failed=Count("deliveries", filter=Q(deliveries__notification__status=failed)),
            waiting=Count("deliveries", filter=Q(deliveries__notification__status__in=waiting)),
        )
        .order_by("-send_at", "-id")
    )


def get_message_for(user, roles, pk: int) -> ParentMessage:
    return get_object_or_404(messages_visible_to(user, roles), pk=pk)


def counts_exact_for(message: ParentMessage, roles) -> bool:
    """Staff of the message's school see its exact counts; others (coordinators) see "< 5" for
    1 to 4 families: so few, with the filters, could point at one family."""
    return message.school_id is not None and message.school_id in roles.staff_of


def shown_counts(message: ParentMessage, roles) -> dict[str, str]:
    """The log's counts (annotated by messages_visible_to) as this person may see them."""
    exact = counts_exact_for(message, roles)
    names = ("recipients", "waiting", "delivered", "failed")
    return {name: shown_count(getattr(message, name), exact=exact) for name in names}
