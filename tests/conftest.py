import os
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.celery import app as celery_app

from . import clock, factories


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Unit and API tests run Celery tasks in-process; tests/integration use a real worker."""
    celery_app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # A fast hasher: real PBKDF2 costs ~0.3 s a user and the suite makes hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def monday_noon():
    """The clock stands at noon (UTC) on Monday 2 November 2026 (tests/clock.py)."""
    with time_machine.travel(clock.MONDAY_NOON, tick=False):
        yield


@pytest.fixture
def enrolling():
    """The clock stands at 1 December 2026, while enrolment is open (tests/clock.py)."""
    with time_machine.travel(clock.ENROLLING, tick=False):
        yield


@contextmanager
def assert_max_queries(limit: int):
    """Fail when the block runs more than `limit` queries; print them so an N+1 is plain.
    The cache starts empty (cached roles are read again): the budget is for a first visit."""
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
    executed = len(ctx.captured_queries)
    listing = "\n".join(q["sql"] for q in ctx.captured_queries)
    assert executed <= limit, f"{executed} queries, budget {limit}:\n{listing}"


@pytest.fixture
def query_budget():
    return assert_max_queries


@pytest.fixture
def count_queries():
    """count_queries(fn) -> number of queries fn() ran: compare two data sizes for an N+1.
    Each count starts with an empty cache (cached roles read again), so two counts compare."""
    from django.core.cache import cache

    def run(fn) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    return run


requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)",
)
requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL=redis://... (CI does)"
)


@pytest.fixture
def municipality(db):
    return factories.MunicipalityFactory(name="Zaanstad", slug="zaanstad")


@pytest.fixture
def school(municipality):
    return factories.SchoolFactory(neighbourhood__municipality=municipality)


@pytest.fixture
def other_school(db):
    """A school in another municipality: its people are outsiders to `school`."""
    return factories.SchoolFactory(neighbourhood__municipality__name="Amsterdam")


@pytest.fixture
def coordinator(municipality):
    return factories.coordinator(municipality)


@pytest.fixture
def outsider_coordinator(other_school):
    return factories.coordinator(other_school.neighbourhood.municipality)


@pytest.fixture
def staff(school):
    return factories.staff(school)


@pytest.fixture
def outsider_staff(municipality):
    """Staff at another school in the same municipality."""
    return factories.staff(factories.SchoolFactory(neighbourhood__municipality=municipality))


@pytest.fixture
def parent(db):
    return factories.parent()


@pytest.fixture
def programme(db):
    """A member of the national programme team (no other role)."""
    return factories.programme()
