"""A worker started as CI starts it (tests/integration/test_celery_worker.py) reads all three
queues: a periodic re-match sent to `default` queues a matching run on `matching`, whose offer
mail goes out through `mail`. tests/test_queues.py checks where each task is routed."""

import datetime as dt
import time

import pytest

from core.time import local_date
from notifications.models import Notification
from scheduler import tasks
from scheduler.models import MatchingRun, Offer
from tests import factories
from tests.conftest import requires_postgres, requires_redis
from tests.integration.test_celery_worker import (  # noqa: F401 - fixtures
    WAIT_SECONDS,
    broker,
    mail_dir,
    worker,
    worker_redis_url,
)
from tests.scheduler.conftest import make_hero, make_request

pytestmark = [requires_postgres, requires_redis, pytest.mark.django_db(transaction=True)]


def next_tuesday() -> dt.date:
    today = local_date(dt.datetime.now(dt.UTC))
    return today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)


def wait_for(predicate, log):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(0.2)
    pytest.fail(f"not within {WAIT_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")


def test_the_worker_reads_default_matching_and_mail(worker, municipality):  # noqa: F811
    hero = make_hero(municipality)
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    make_request(school, day=next_tuesday())

    with broker(worker_redis_url()):
        tasks.rematch_open_requests.delay()  # -> default
        run = wait_for(
            lambda: MatchingRun.objects.filter(
                municipality=municipality, status=MatchingRun.Status.DONE
            ).first(),
            worker,
        )  # run_matching -> matching
        offer = Offer.objects.get(run=run)
        sent = wait_for(
            lambda: Notification.objects.filter(
                recipient=hero.user, status=Notification.Status.SENT
            ).first(),
            worker,
        )  # deliver -> mail

    assert (run.offers_made, offer.hero) == (1, hero)
    assert sent.kind == "scheduler:offer_new"
    banner = worker.read_text(errors="replace")
    for queue in ("mail", "matching", "default"):
        assert f".> {queue} " in banner
