"""Several workers sending one message at the same moment, on PostgreSQL: every family is
written exactly once (the message's row lock makes the batches take turns; the outbox's
unique key would refuse a second row anyway)."""

from __future__ import annotations

import pytest

from campaigns import services
from campaigns.models import ParentMessage, ParentMessageDelivery
from notifications.models import Notification
from tests.concurrency import at_once
from tests.conftest import requires_postgres

from .helpers import NOW, family, town

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

FAMILIES = 30
WORKERS = 4


def test_workers_at_once_write_every_family_once():
    t = town()
    guardians = {family(t.school).pk for _ in range(FAMILIES)}
    message = ParentMessage.objects.create(
        municipality=t.municipality,
        sender_role=ParentMessage.SenderRole.COORDINATOR,
        subject_nl="Nieuws",
        text_nl="Hallo",
        send_at=NOW,
        created_at=NOW,
    )
    send = lambda: services.parent_message_send(message_id=message.pk, now=NOW, batch=5)  # noqa: E731

    results = at_once([send for _ in range(WORKERS)])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == FAMILIES
    assert set(ParentMessageDelivery.objects.values_list("guardian", flat=True)) == guardians
    assert Notification.objects.filter(kind="parent_message").count() == FAMILIES
    assert ParentMessage.objects.get(pk=message.pk).status == ParentMessage.Status.SENT
