"""The Celery app for benchmark workers: the app's own tasks plus `bench.noop`.

    celery -A bench.worker worker ...

`bench.noop` does nothing but count itself in Redis (one INCR, so the benchmark can tell
when all are done without a result backend): the floor a task costs on these workers. Like
every worker started without -Q, these read all three queues (mail, matching, default).

"""

from functools import cache

import redis

from config.celery import app

NOOP_COUNTER = "bench:noop:done"

__all__ = ["app", "noop"]


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(app.conf.broker_url)


@app.task(name="bench.noop")
def noop() -> None:
    _redis().incr(NOOP_COUNTER)
