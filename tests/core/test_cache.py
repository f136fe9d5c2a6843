"""core.cache.RedisCache: Django's Redis cache with one client per connection pool."""

import os
import threading

import pytest

from core.cache import RedisCache
from tests.conftest import requires_redis

pytestmark = requires_redis


@pytest.fixture
def cache():
    url = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/10"
    backend = RedisCache(url, {"KEY_PREFIX": "test-core-cache"})
    backend.clear()
    yield backend
    backend.clear()


def test_reads_and_writes_as_django_s_backend_does(cache):
    assert cache.get("roles:7") is None
    cache.set("roles:7", {"staff_of": frozenset({3})}, 60)
    assert cache.get("roles:7") == {"staff_of": frozenset({3})}
    assert cache.add("roles:7", "other", 60) is False
    cache.delete("roles:7")
    assert cache.get("roles:7", "gone") == "gone"


def test_one_client_serves_every_call(cache):
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("a", write=True) is first  # one server: one pool


def test_the_client_is_shared_by_threads(cache):
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"k{n}:{i}", i, 60)
                assert cache.get(f"k{n}:{i}") == i
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
