"""core.locking: rows locked in one order, and a lock that is not free in time answers "busy"
instead of hanging. The waits are real: another connection holds the lock (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from activities import services
from activities.models import Activity, Enrolment
from core.locking import lock, locking
from core.refusals import Busy
from heroes.models import Hero
from scheduler.models import Kit
from tests import factories
from tests.conftest import requires_postgres
from tests.helpers import login

NOW = factories.OPENS.replace(day=2)


@pytest.mark.django_db
def test_lock_takes_models_in_the_house_order_whatever_the_order_asked():
    hero = factories.HeroFactory()
    kit = Kit.objects.create(municipality=hero.municipality, name="Kit", headsets=10)
    with locking(), CaptureQueriesContext(connection) as queries:
        kits, heroes = lock(Kit.objects.filter(pk=kit.pk), Hero.objects.filter(pk=hero.pk))

    assert (kits, heroes) == ([kit], [hero])
    tables = [q["sql"] for q in queries.captured_queries if "SELECT" in q["sql"]]
    assert "heroes_hero" in tables[0] and "scheduler_kit" in tables[1]


@pytest.mark.django_db
def test_lock_refuses_a_model_without_a_place_in_the_order():
    with locking(), pytest.raises(ValueError, match="LOCK_ORDER"):
        lock(factories.VenueFactory._meta.model.objects.all())


@pytest.mark.django_db(transaction=True)
def test_lock_outside_a_transaction_is_a_mistake():
    with pytest.raises(RuntimeError, match="transaction"):
        lock(Hero.objects.all())


def _hold_activity_lock(activity_pk: int, locked: threading.Event, release: threading.Event):
    """In another connection: lock the activity row until told to let go."""

    def run():
        try:
            with transaction.atomic():
                list(Activity.objects.select_for_update().filter(pk=activity_pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert locked.wait(timeout=10)
    return thread


@pytest.fixture
def held_activity(settings):
    """An open activity whose row another connection holds locked; a short lock timeout."""
    settings.DB_LOCK_TIMEOUT_S = 0.3
    activity = factories.ActivityFactory(capacity=5)
    locked, release = threading.Event(), threading.Event()
    thread = _hold_activity_lock(activity.pk, locked, release)
    yield activity
    release.set()
    thread.join(timeout=10)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_an_enrolment_that_waits_too_long_for_the_lock_is_busy_and_writes_nothing(
    held_activity, time_machine
):
    time_machine.move_to(NOW, tick=False)
    child = factories.ChildFactory(school=held_activity.school)

    with pytest.raises(Busy):
        services.enrolment_create(
            guardian=child.guardian, child=child, activity=held_activity, now=NOW
        )

    assert not Enrolment.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_busy_with_503_and_retry_after(held_activity, time_machine):
    time_machine.move_to(NOW, tick=False)
    child = factories.ChildFactory(school=held_activity.school)
    client = APIClient()
    client.force_authenticate(child.guardian)

    response = client.post(
        "/api/v1/enrolments/", {"child": child.pk, "activity": held_activity.pk}, format="json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["code"] == "busy"
    assert not Enrolment.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_the_family_page_says_busy_and_keeps_the_form(held_activity, client, time_machine):
    time_machine.move_to(NOW, tick=False)
    child = factories.ChildFactory(school=held_activity.school)
    login(client, child.guardian)

    response = client.post(f"/activities/{held_activity.pk}/", {"children": [child.pk]})

    assert response.status_code == 200
    assert "Please try again in a moment." in response.text
    assert not Enrolment.objects.exists()
