import os
import socket
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from config.celery import app as celery_app

from .conftest import requires_redis

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")


@pytest.fixture
def broker_at():
    """Point the Celery app at a real broker for one test, then put it back."""
    conf = celery_app.conf
    saved = {
        "task_always_eager": conf.task_always_eager,
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
    }

    def point(url: str, **transport_options) -> None:
        conf.update(
            task_always_eager=False, broker_url=url, broker_transport_options=transport_options
        )

    yield point
    conf.update(saved)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def folder_broker(broker_at, tmp_path):
    """The broker `make run` uses: kombu's filesystem transport, a folder and no server."""
    broker_at("filesystem://", data_folder_in=str(tmp_path), data_folder_out=str(tmp_path))


def beat_ran(ago: dict[str, timedelta]) -> None:
    """Record the schedule as beat's database scheduler does, each job last run `ago` before
    now (a job not named never ran)."""
    for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=celery_app, **entry)
        if name in ago:
            PeriodicTask.objects.filter(name=name).update(last_run_at=timezone.now() - ago[name])


def every_job_ran(ago: timedelta) -> dict[str, timedelta]:
    return dict.fromkeys(django_settings.CELERY_BEAT_SCHEDULE, ago)


def test_health_reports_database_and_in_process_tasks(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "in-process",
        "scheduled_work": "off",
    }


def test_health_fails_in_production_when_nothing_runs_scheduled_work(client, settings):
    settings.SCHEDULED_WORK_OPTIONAL = False
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["scheduled_work"] == "error"


def test_health_fails_while_beat_has_never_run(client, folder_broker):
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "ok",
        "scheduled_work": "never ran",
        "scheduled_last_ran": None,
    }


def test_health_says_when_scheduled_work_last_ran(client, folder_broker):
    beat_ran(every_job_ran(timedelta(minutes=1)) | {"notifications-sweep": timedelta(seconds=5)})
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    body = response.json()
    assert body["scheduled_work"] == "ok"
    last = PeriodicTask.objects.get(name="notifications-sweep").last_run_at
    assert body["scheduled_last_ran"] == last.isoformat()


def test_health_fails_when_a_job_has_missed_its_turns(client, folder_broker):
    """The sweep runs every 2 minutes: 15 minutes without it is a dead beat. The daily jobs
    that ran 25 hours ago are on time."""
    beat_ran(
        every_job_ran(timedelta(minutes=1))
        | {"notifications-sweep": timedelta(minutes=15)}
        | {"accounts-retention": timedelta(hours=25)}
    )
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["scheduled_work"] == "overdue"
    assert response.json()["overdue"] == ["notifications-sweep"]


def test_a_job_beat_never_started_counts_from_when_beat_first_saw_it(client, folder_broker):
    beat_ran(
        {
            name: ago
            for name, ago in every_job_ran(timedelta(minutes=1)).items()
            if name != "accounts-retention"
        }
    )
    assert client.get(HEALTHZ).status_code == 200
    PeriodicTask.objects.filter(name="accounts-retention").update(
        date_changed=timezone.now() - timedelta(days=3)
    )
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["overdue"] == ["accounts-retention"]


def test_health_needs_no_login_and_is_not_cached(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_answers_get_only(client):
    assert client.post(HEALTHZ).status_code == 405


@requires_redis
def test_health_says_ok_with_a_live_redis_broker(client, broker_at):
    broker_at(os.environ["REDIS_URL"])
    beat_ran(every_job_ran(timedelta(minutes=1)))
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@requires_redis
def test_health_fails_when_the_broker_is_unreachable(client, broker_at):
    broker_at(closed_port_url())
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["status"] == "error"
