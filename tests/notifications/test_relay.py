"""The relay (notifications.relay) on a real Redis broker, without a worker: what a ring queues,
what a drain delivers, and the interleavings that could lose a wake-up. The whole path through a
real worker is in tests/integration/test_celery_worker.py."""

import pytest
from django.core import mail

from config.celery import app as celery_app
from notifications import relay, services, tasks
from notifications.models import Notification
from tests.conftest import requires_redis
from tests.integration.test_celery_worker import broker, create, redis_database_as_broker

pytestmark = [requires_redis, pytest.mark.django_db]

MAIL_QUEUE = "mail"  # kombu's Redis transport keeps a queue's messages in a list of its name


@pytest.fixture
def redis_broker():
    """REDIS_URL's server, database 11 (emptied), as this process's Celery broker."""
    with redis_database_as_broker(11) as client:
        yield client


def drains_queued(client) -> int:
    return client.llen(MAIL_QUEUE)


def pending(client) -> list[int]:
    return [int(pk) for pk in client.lrange(relay._keys()[0], 0, -1)]


def outbox(count: int, prefix: str = "relay") -> list[Notification]:
    return [
        services.notification_create(
            to_email=f"ouder{i}@example.test",
            kind="test",
            subject="Welkom",
            body_text="Fijn dat je er bent.",
            idempotency_key=f"{prefix}:{i}",
            queue=False,
        )[0]
        for i in range(count)
    ]


def test_rings_only_on_a_redis_broker_with_a_worker(redis_broker):
    assert relay.rings()
    with broker("memory://localhost/"):
        celery_app.conf.task_always_eager = True
        assert not relay.rings()


def test_a_burst_queues_one_drain_and_lists_every_id(redis_broker):
    rows = outbox(3)
    for row in rows:
        relay.ring([row.pk])
    assert drains_queued(redis_broker) == 1
    assert pending(redis_broker) == [row.pk for row in rows]


def test_a_committed_notification_rings_the_relay(redis_broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = create("relay:commit")
        assert pending(redis_broker) == []  # nothing before the commit
    assert pending(redis_broker) == [notification.pk]
    assert drains_queued(redis_broker) == 1


def test_a_drain_delivers_the_list_once_and_disarms(redis_broker):
    rows = outbox(services.DELIVERY_BATCH + 5)
    relay.ring([row.pk for row in rows])

    assert tasks.drain() == len(rows)

    assert pending(redis_broker) == []
    assert not redis_broker.exists(relay._keys()[1])
    assert {m.to[0] for m in mail.outbox} == {row.to_email for row in rows}
    assert len(mail.outbox) == len(rows)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    # Disarmed: the next ring queues a new drain.
    relay.ring([outbox(1, "later")[0].pk])
    assert drains_queued(redis_broker) == 2


def test_a_ring_while_the_drain_finds_the_list_empty_is_not_lost(redis_broker):
    first, second = outbox(2)
    relay.ring([first.pk])
    assert relay.take(20) == [first.pk]
    assert relay.take(20) == []  # the drain sees an empty list ...
    relay.ring([second.pk])  # ... a parent enrols before it disarms: no new drain is queued
    assert drains_queued(redis_broker) == 1

    assert relay.disarm()  # so the drain goes on
    assert relay.take(20) == [second.pk]
    assert not relay.disarm()


def test_a_ring_after_the_drain_disarmed_queues_a_new_drain(redis_broker):
    first, second = outbox(2)
    relay.ring([first.pk])
    relay.take(20)
    assert not relay.disarm()
    relay.ring([second.pk])
    assert drains_queued(redis_broker) == 2


def test_a_long_list_is_drained_in_turns(redis_broker):
    rows = outbox(services.DELIVERY_BATCH * 2 + 1)
    relay.ring([row.pk for row in rows])

    assert tasks.drain(batches=2) == services.DELIVERY_BATCH * 2
    assert pending(redis_broker) == [rows[-1].pk]
    assert drains_queued(redis_broker) == 2  # the ring's, and the one it queued to go on


def test_a_drain_that_cannot_be_queued_leaves_the_relay_disarmed(redis_broker, monkeypatch):
    [row] = outbox(1)

    def broker_down(name, *args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(relay, "queue_task", broker_down)
    with pytest.raises(ConnectionError):
        relay.ring([row.pk])
    assert not redis_broker.exists(relay._keys()[1])
    assert pending(redis_broker) == [row.pk]  # the next ring's drain takes it along
