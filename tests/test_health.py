import os
import socket

import pytest
from django.urls import reverse

from config.celery import app as celery_app

from .conftest import requires_redis

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")


@pytest.fixture
def broker_at():
    """Point the Celery app at a real broker for one test, then put it back."""
    conf = celery_app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}

    def point(url: str) -> None:
        conf.update(task_always_eager=False, broker_url=url)

    yield point
    conf.update(saved)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_health_reports_database_and_in_process_tasks(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_health_needs_no_login_and_is_not_cached(client):
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_answers_get_only(client):
    assert client.post(HEALTHZ).status_code == 405


@requires_redis
def test_health_says_ok_with_a_live_redis_broker(client, broker_at):
    broker_at(os.environ["REDIS_URL"])
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@requires_redis
def test_health_fails_when_the_broker_is_unreachable(client, broker_at):
    broker_at(closed_port_url())
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}
