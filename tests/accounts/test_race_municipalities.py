"""Two administrators add the same municipality at the same moment, or one form is sent twice
at once (a double tap that reaches two processes), on PostgreSQL: one municipality and one
invitation mail, never an error page. The unique constraints are the guard: the name's in any
case, and the form's key."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from notifications.models import Notification
from schools.models import Municipality
from tests import factories
from tests.concurrency import at_once
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _start(admin, name: str, key):
    return lambda: services.municipality_start(
        started_by=admin,
        name=name,
        holiday_region="midden",
        neighbourhoods=[("Centrum", False)],
        coordinator_name="Noor Bakker",
        coordinator_email="noor@example.test",
        now=timezone.now(),
        submission_key=key,
    )


def test_two_administrators_adding_one_name_at_once_add_it_once():
    admins = [factories.programme(is_admin=True) for _ in range(2)]

    results = at_once(
        [
            _start(admins[i % 2], "Utrecht" if i % 2 else "UTRECHT", uuid.uuid4())
            for i in range(THREADS)
        ]
    )

    made = [r for r in results if isinstance(r, Municipality)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == THREADS - 1, results
    assert all(list(r.message_dict) == ["name"] for r in refused)
    assert Municipality.objects.count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_one_form_sent_several_times_at_once_gives_everyone_the_same_municipality():
    admin = factories.programme(is_admin=True)
    key = uuid.uuid4()

    results = at_once([_start(admin, "Utrecht", key) for _ in range(THREADS)])

    assert all(isinstance(r, Municipality) for r in results), results
    assert {r.pk for r in results} == {Municipality.objects.get().pk}
    assert Notification.objects.filter(kind="account:invitation").count() == 1
