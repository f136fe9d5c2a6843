"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

django.core.cache.backends.redis makes a new `redis.Redis` for every cache operation, and
redis-py's constructor builds its table of response callbacks each time: nearly half the CPU of
a cache read (0.17 ms a read with Django's, 0.09 ms with this, in one process), paid on every
request that reads a person's roles. A client only wraps its pool and is safe to share between
threads, so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _Client
