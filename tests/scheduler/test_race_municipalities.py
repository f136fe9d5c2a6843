"""Matching runs of different municipalities run side by side, on PostgreSQL: a run holds only
its own municipality's rows (its heroes, kits and requests while it writes) and the one-active-
run index is per municipality, so Amsterdam's run never waits for Zaanstad's. Zaanstad's second
run is not started while its first is busy: asking for one returns the busy one.

Each thread has its own database connection, so these are real concurrent transactions."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from core.locking import lock, locking
from heroes.models import Hero
from scheduler import queue, services
from scheduler.models import MatchingRun, Offer
from tests import factories
from tests.conftest import requires_postgres
from tests.scheduler.conftest import make_hero, make_request

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

WAIT_S = 30


def in_thread(call, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects every outcome
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def hold_heroes(municipality, held: threading.Event, release: threading.Event):
    """Lock the municipality's heroes, as an accept or another writer does, until released."""

    def hold():
        with locking():
            lock(Hero.objects.filter(municipality=municipality))
            held.set()
            assert release.wait(WAIT_S)

    return hold


def wait_for_step(run: MatchingRun, step: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while MatchingRun.objects.get(pk=run.pk).step != step:
        assert time.monotonic() < deadline, f"the run never reached {step!r}"
        time.sleep(0.05)


@pytest.fixture
def two_cities(municipality, settings):
    settings.MATCHING_TIME_LIMIT_S = 2
    settings.DB_LOCK_TIMEOUT_S = WAIT_S  # the held lock outlasts the other city's whole run
    amsterdam = factories.MunicipalityFactory(name="Amsterdam", slug="amsterdam")
    cities = []
    for city in (municipality, amsterdam):
        school = factories.SchoolFactory(neighbourhood__municipality=city, level="vo")
        make_request(school)
        hero = make_hero(city)
        run = factories.MatchingRunFactory(municipality=city, status=MatchingRun.Status.QUEUED)
        cities.append((city, hero, run))
    return cities


def test_a_run_waiting_on_its_own_city_never_holds_up_another_city(two_cities):
    (zaanstad, zaanstad_hero, zaanstad_run), (_amsterdam, amsterdam_hero, amsterdam_run) = (
        two_cities
    )
    held, release, results = threading.Event(), threading.Event(), {}
    holder = in_thread(hold_heroes(zaanstad, held, release), results, "holder")
    assert held.wait(WAIT_S)
    waiting = in_thread(lambda: services.run_execute(zaanstad_run.pk), results, "zaanstad")
    try:
        # Zaanstad's run has solved and now waits for its hero's row.
        wait_for_step(zaanstad_run, "writing")

        # Zaanstad's second run is not started: asking returns the busy one.
        again, created = queue.run_request(
            municipality_id=zaanstad.pk, trigger=MatchingRun.Trigger.MANUAL
        )
        assert (again.pk, created) == (zaanstad_run.pk, False)

        # Amsterdam's run goes from start to end meanwhile.
        done = services.run_execute(amsterdam_run.pk)
        assert (done.status, done.offers_made) == (MatchingRun.Status.DONE, 1)
        assert Offer.objects.get(run=done).hero == amsterdam_hero
        still = MatchingRun.objects.get(pk=zaanstad_run.pk)
        assert (still.status, still.step) == (MatchingRun.Status.RUNNING, "writing")
        assert not Offer.objects.filter(run=zaanstad_run).exists()
    finally:
        release.set()
        holder.join(WAIT_S)
        waiting.join(WAIT_S)

    assert results["holder"] is None
    finished = results["zaanstad"]
    assert (finished.status, finished.offers_made) == (MatchingRun.Status.DONE, 1)
    assert Offer.objects.get(run=finished).hero == zaanstad_hero


def test_two_cities_runs_solve_at_the_same_time(two_cities):
    """Both runs in flight together: each reaches its writing step while the other has not
    finished, which a shared (national) lock would forbid."""
    (zaanstad, _h1, zaanstad_run), (amsterdam, _h2, amsterdam_run) = two_cities
    held = {city.pk: threading.Event() for city in (zaanstad, amsterdam)}
    release, results = threading.Event(), {}
    holders = [
        in_thread(hold_heroes(city, held[city.pk], release), results, f"hold{city.pk}")
        for city in (zaanstad, amsterdam)
    ]
    assert all(event.wait(WAIT_S) for event in held.values())
    threads = [
        in_thread(lambda pk=run.pk: services.run_execute(pk), results, str(run.pk))
        for run in (zaanstad_run, amsterdam_run)
    ]
    try:
        for run in (zaanstad_run, amsterdam_run):
            wait_for_step(run, "writing")
        running = MatchingRun.objects.filter(status=MatchingRun.Status.RUNNING)
        assert running.count() == 2
    finally:
        release.set()
        for thread in [*holders, *threads]:
            thread.join(WAIT_S)
    for run in (zaanstad_run, amsterdam_run):
        assert results[str(run.pk)].status == MatchingRun.Status.DONE
        assert results[str(run.pk)].offers_made == 1
