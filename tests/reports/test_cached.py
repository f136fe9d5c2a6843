"""The steering figures are kept for five minutes (reports.cached): a second view reads them
back, the page says when they were counted, and the key keeps every municipality, viewer
kind and language apart. Out of date, they are shown while a worker counts them again, on a
real Redis broker."""

import base64
import datetime as dt
import json

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reports import cached, tasks
from reports.cached import FIGURES_CACHE_S, FIGURES_STALE_S
from tests import factories
from tests.conftest import requires_redis
from tests.helpers import login
from tests.integration.test_celery_worker import (
    broker,
    closed_port_url,
    redis_database_as_broker,
)

from .conftest import PERIOD, build_town, grow

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
NATIONAL = "/reports/national/"


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"period": PERIOD, **params})
    assert response.status_code == 200
    return response, len(queries)


def _activities(response) -> float | None:
    return response.context["dashboard"].tables["offer"].cell("activities").value


def test_a_second_view_reads_the_kept_figures_until_five_minutes_have_passed(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)
    first, counted = _get(client, DASHBOARD)
    grow(town, 1)  # three activities more

    again, read_back = _get(client, DASHBOARD)
    assert _activities(again) == _activities(first) == 6
    assert read_back < counted - 10  # the figures' own queries are not run again
    # Noon UTC is 13:00 in the Netherlands in November.
    assert "Figures as of 13:00. They are counted again after 5 minutes." in again.text

    with time_machine.travel(dt.timedelta(seconds=FIGURES_CACHE_S + 60)):
        later, _queries = _get(client, DASHBOARD)
    assert _activities(later) == 9
    assert "Figures as of 13:06." in later.text


def test_kept_figures_are_never_another_municipalitys(client, town, coordinator_of_town):
    other_town = build_town(size=3)
    other_coordinator = factories.coordinator(other_town.municipality)
    login(client, coordinator_of_town)
    mine, _queries = _get(client, DASHBOARD)

    theirs, _queries = _get(login(client, other_coordinator), DASHBOARD)

    assert theirs.context["dashboard"].scope.municipality_ids == (other_town.municipality.pk,)
    assert (_activities(mine), _activities(theirs)) == (6, 9)
    assert town.schools[0].name not in theirs.text
    assert other_town.schools[0].name in theirs.text
    # Asking for the first town by its id, with its figures kept, still shows their own.
    asked, _queries = _get(client, DASHBOARD, municipality=town.municipality.pk)
    assert asked.context["dashboard"].scope.municipality_ids == (other_town.municipality.pk,)
    assert _activities(asked) == 9
    assert town.schools[0].name not in asked.text


def test_the_programme_team_gets_the_figures_without_the_coordinators_links(
    client, town, coordinator_of_town, programme
):
    link = f"/reports/schools/{town.schools[0].pk}/"
    coordinators, _queries = _get(login(client, coordinator_of_town), DASHBOARD)
    programmes, _queries = _get(
        login(client, programme), DASHBOARD, municipality=town.municipality.pk
    )
    assert link in coordinators.text
    assert link not in programmes.text
    assert _activities(programmes) == 6


def test_kept_figures_speak_the_viewers_language(client, town, coordinator_of_town):
    english, _queries = _get(login(client, coordinator_of_town, language="en"), DASHBOARD)
    dutch, _queries = _get(login(client, coordinator_of_town, language="nl"), DASHBOARD)
    assert "Activities and places" in english.text
    assert "Activiteiten en plekken" in dutch.text
    assert "Activities and places" not in dutch.text


def test_the_national_figures_are_kept_and_say_when_they_were_counted(client, town, programme):
    login(client, programme)
    first, counted = _get(client, NATIONAL)
    again, read_back = _get(client, NATIONAL)
    assert read_back < counted
    assert "Figures as of 13:00." in again.text
    assert again.context["dashboard"].tables == first.context["dashboard"].tables


# --- out of date: shown while a worker counts them again -----------------------------------

LATER = dt.timedelta(seconds=FIGURES_CACHE_S + 60)
RECOUNTING = "New figures are being counted: reload the page in a minute to see them."


@pytest.fixture
def redis_broker():
    """REDIS_URL's server, database 9, as this process's Celery broker, with no worker: the
    test reads what was queued and runs it."""
    with redis_database_as_broker(9) as client:
        yield client


def seen_then_grown(client, town, person) -> None:
    """`person` opens the dashboard (its figures are kept), then the town grows by three
    activities."""
    login(client, person)
    _get(client, DASHBOARD)
    grow(town, 1)


def queued_recounts(client) -> list[list]:
    """The arguments of each count_figures task on the default queue (kombu's Redis transport
    keeps a queue's messages in a list of its name)."""
    found = []
    for raw in client.lrange("default", 0, -1):
        message = json.loads(raw)
        assert message["headers"]["task"] == "reports.tasks.count_figures"
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append(args)
    return found


@requires_redis
def test_out_of_date_figures_are_shown_while_one_worker_task_counts_them_again(
    client, town, coordinator_of_town, redis_broker
):
    seen_then_grown(client, town, coordinator_of_town)

    with time_machine.travel(LATER):
        shown, _queries = _get(client, DASHBOARD)
        again, _queries = _get(client, DASHBOARD)  # a second viewer: no second recount
    assert _activities(shown) == _activities(again) == 6
    assert f"Figures as of 13:00. {RECOUNTING}" in shown.text
    [args] = queued_recounts(redis_broker)
    assert args[0] == "municipality" and args[-1] == "en"

    with time_machine.travel(LATER):
        tasks.count_figures(*args)  # as the worker runs it
        counted, _queries = _get(client, DASHBOARD)
    assert _activities(counted) == 9
    assert "Figures as of 13:06. They are counted again after 5 minutes." in counted.text
    assert RECOUNTING not in counted.text


@requires_redis
def test_the_recount_is_in_the_language_of_the_view_that_asked(
    client, town, coordinator_of_town, redis_broker
):
    login(client, coordinator_of_town, language="nl")
    _get(client, DASHBOARD)
    with time_machine.travel(LATER):
        _get(client, DASHBOARD)
        [args] = queued_recounts(redis_broker)
        tasks.count_figures(*args)
        counted, _queries = _get(client, DASHBOARD)
    assert "Activiteiten en plekken" in counted.text
    assert "Figures as of" not in counted.text


@requires_redis
def test_national_figures_out_of_date_are_recounted_by_a_worker_too(
    client, town, programme, redis_broker
):
    login(client, programme)
    first, _queries = _get(client, NATIONAL)
    with time_machine.travel(LATER):
        shown, _queries = _get(client, NATIONAL)
        [args] = queued_recounts(redis_broker)
        tasks.count_figures(*args)
        counted, _queries = _get(client, NATIONAL)
    assert RECOUNTING in shown.text
    assert args[0] == "national"
    assert "Figures as of 13:06." in counted.text
    assert counted.context["dashboard"].tables == first.context["dashboard"].tables


@requires_redis
def test_a_file_or_the_council_report_never_takes_figures_out_of_date(
    client, town, coordinator_of_town, redis_broker
):
    """A page says its figures are being counted again; a file or a printed report cannot."""
    seen_then_grown(client, town, coordinator_of_town)
    with time_machine.travel(LATER):
        report, _queries = _get(client, "/reports/council/")
        exported, _queries = _get(client, DASHBOARD, format="csv", table="offer")
    assert _activities(report) == 9
    assert RECOUNTING not in report.text
    assert exported["Content-Type"].startswith("text/csv")
    assert queued_recounts(redis_broker) == []


@requires_redis
def test_figures_nobody_opened_for_an_hour_are_counted_in_the_view(
    client, town, coordinator_of_town, redis_broker
):
    seen_then_grown(client, town, coordinator_of_town)
    with time_machine.travel(dt.timedelta(seconds=FIGURES_STALE_S + 60)):
        login(client, coordinator_of_town)  # after an idle hour, signed in again
        counted, _queries = _get(client, DASHBOARD)
    assert _activities(counted) == 9
    assert RECOUNTING not in counted.text
    assert queued_recounts(redis_broker) == []


@requires_redis
def test_when_the_broker_refuses_the_recount_the_view_counts(client, town, coordinator_of_town):
    seen_then_grown(client, town, coordinator_of_town)
    refusing = broker(
        closed_port_url(),
        task_publish_retry=False,
        broker_connection_timeout=1,
        broker_transport_options={"socket_connect_timeout": 1},
    )
    with refusing, time_machine.travel(LATER):
        counted, _queries = _get(client, DASHBOARD)
        with translation.override("en"):
            key = cached.key_for(
                "municipality",
                counted.context["dashboard"].scope,
                today=timezone.localdate(),
                links=True,
            )
    assert _activities(counted) == 9
    assert RECOUNTING not in counted.text
    # The refused recount does not hold the key: the next view out of date may queue one.
    assert cache.get(cached._recount_key(key)) is None


@requires_redis
def test_with_a_cache_of_its_own_the_view_counts(
    client, town, coordinator_of_town, redis_broker, settings
):
    """make run's local-memory cache is one per process: a worker's count would never reach
    the web, so the view counts, even with a worker on a broker."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    seen_then_grown(client, town, coordinator_of_town)
    with time_machine.travel(LATER):
        counted, _queries = _get(client, DASHBOARD)
    assert _activities(counted) == 9
    assert queued_recounts(redis_broker) == []


def test_in_process_tasks_count_in_the_view(client, town, coordinator_of_town):
    """Without a worker (make run without Redis), out-of-date figures are counted at once."""
    seen_then_grown(client, town, coordinator_of_town)
    with time_machine.travel(LATER):
        counted, _queries = _get(client, DASHBOARD)
    assert _activities(counted) == 9
    assert RECOUNTING not in counted.text
