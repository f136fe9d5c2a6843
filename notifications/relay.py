"""Waking the mail workers: one Celery message per burst of mail, not one per message.

Publishing a Celery message costs the web process half a millisecond of CPU or more (its
headers and body, kombu's publish): 0.46-0.49 ms in a loop, and a fifth of a page enrolment's
time in the rush's profile (docs/benchmarks.md); a ring costs 0.12-0.13 ms. So when the broker
is Redis, a committed notification's id goes onto a Redis list beside the broker's queues
(`ring`, one round trip), and a drain task is queued only when none is armed (SET NX). The
drain (tasks.drain) delivers the list batch by batch until it is empty. With any other broker
each id gets its own task, as before; in-process (no broker) the task runs at once.

- The lost wake-up: a drain that finds the list empty disarms and then looks once more
  (`disarm`). A push after the disarm arms a new drain; a push before it is seen by the look.
- A worker killed mid-drain leaves its batch claimed (taken back after services.STALE_CLAIM)
  and the relay armed for up to ARMED_FOR_S, so for that long no ring wakes a new drain:
  tasks.sweep_pending queues the rows still pending within about three minutes, as after a
  broker outage. The list only says where to look; the outbox rows are the truth, and delivery
  claims each row once, so an id on the list and in a sweep's task is sent once.
- The keys carry the database's name, so two deployments (or a test run) sharing a Redis never
  deliver each other's ids.
"""

from __future__ import annotations

import functools

import redis
from celery import current_app
from django.db import connection

from core.tasks import queue_task

# An armed drain is expected within this time. Past it, the next ring arms another drain: two
# drains at once only share the list.
ARMED_FOR_S = 60
DRAIN = "notifications.tasks.drain"


def rings() -> bool:
    """Whether ids go onto the list: the broker is Redis and tasks are not run in-process."""
    conf = current_app.conf
    return not conf.task_always_eager and str(conf.broker_url).startswith(("redis://", "rediss://"))


def ring(ids: list[int]) -> None:
    """Put these committed notifications' ids on the list; queue a drain unless one is armed.
    Raises what Redis or the broker raises (the caller logs it; the sweep queues them later)."""
    pending, armed = _keys()
    client = _client(current_app.conf.broker_url)
    pipe = client.pipeline(transaction=False)
    pipe.rpush(pending, *ids)
    pipe.set(armed, 1, nx=True, ex=ARMED_FOR_S)
    _, newly_armed = pipe.execute()
    if newly_armed:
        try:
            queue_task(DRAIN)
        except Exception:
            client.delete(armed)  # so the next ring tries again
            raise


def take(count: int) -> list[int]:
    """Up to `count` ids from the head of the list, and the drain stays armed."""
    pending, armed = _keys()
    pipe = _client(current_app.conf.broker_url).pipeline(transaction=False)
    pipe.lpop(pending, count)
    pipe.set(armed, 1, ex=ARMED_FOR_S)
    ids, _ = pipe.execute()
    return [int(pk) for pk in ids or ()]


def disarm() -> bool:
    """The list looked empty: disarm, then look again. True when ids came meanwhile and this
    drain armed itself again (it goes on); False when it may stop."""
    pending, armed = _keys()
    client = _client(current_app.conf.broker_url)
    client.delete(armed)
    return bool(client.llen(pending)) and bool(client.set(armed, 1, nx=True, ex=ARMED_FOR_S))


def _keys() -> tuple[str, str]:
    prefix = f"bot:{connection.settings_dict['NAME']}:mail"
    return f"{prefix}:pending", f"{prefix}:armed"


@functools.cache
def _client(url: str) -> redis.Redis:
    """One client (and connection pool) per broker URL; redis-py renews the pool after a fork."""
    return redis.Redis.from_url(url)
