"""Reads of the outbox, scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_about(roles) -> QuerySet[Notification]:
    """Messages about the municipalities the person coordinates (Notification.municipality_pk).
    Account mail (codes, links) is about no municipality and never appears here."""
    return Notification.objects.filter(municipality_pk__in=roles.coordinator_of)


def outbox_for(user, roles) -> QuerySet[Notification]:
    """The development outbox: a superuser sees every message, a coordinator those about their
    municipalities. Secret text stays hidden from both (see `readable_by`)."""
    if user.is_superuser:
        return Notification.objects.all()
    return notifications_about(roles)


def get_outbox_notification(user, roles, pk: int) -> Notification:
    return get_object_or_404(outbox_for(user, roles), pk=pk)


def readable_by(notification: Notification, user) -> bool:
    """Whether `user` may read the text: a code or a link with a token only by its recipient."""
    return not notification.is_secret or notification.recipient_id == user.pk
