"""A request sent twice at the same moment, on PostgreSQL: a double click (one key, two
submits) and two tabs (two keys, the same class and times). Each thread has its own database
connection. The control run takes the group lock away and shows the race is real."""

from __future__ import annotations

import uuid

import pytest

from scheduler import errors, services, tasks
from scheduler.models import SessionRequest
from scheduler.services import requests as request_services
from tests.concurrency import at_once

from ..clock import NOW, TUESDAY, at
from ..conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10
CONTROL_ROUNDS = 10


@pytest.fixture(autouse=True)
def _no_background_runs(monkeypatch):
    """A new request queues a matching run; here it stays queued."""
    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: None)


def _submit(school, group, user, key):
    return lambda: services.request_create(
        school=school,
        group=group,
        requested_by=user,
        kind="hero",
        windows=[(at(TUESDAY, 10), at(TUESDAY, 12))],
        now=NOW,
        submission_key=key,
    )


def _without_the_group_lock(monkeypatch):
    monkeypatch.setattr(request_services, "lock", lambda *querysets: [list(q) for q in querysets])


def test_a_double_click_makes_one_request_and_both_see_it(vo_school, group, vo_staff):
    key = uuid.uuid4()

    results = at_once([_submit(vo_school, group, vo_staff, key) for _ in range(THREADS)])

    assert all(isinstance(r, SessionRequest) for r in results), results
    assert {r.pk for r in results} == {SessionRequest.objects.get(group=group).pk}


def test_two_tabs_at_once_make_one_request_and_refuse_the_others(vo_school, group, vo_staff):
    results = at_once([_submit(vo_school, group, vo_staff, uuid.uuid4()) for _ in range(THREADS)])

    made = [r for r in results if isinstance(r, SessionRequest)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(made) == 1
    assert all(isinstance(r, errors.DuplicateRequest) for r in refused), refused
    assert {r.existing.pk for r in refused} == {made[0].pk}
    assert SessionRequest.objects.filter(group=group).count() == 1


def test_without_the_group_lock_two_tabs_make_two_requests(monkeypatch, vo_school, group, vo_staff):
    """Control: with the overlap check alone (no lock), submits at the same moment each see
    no request yet and each make one: two heroes for one class."""
    _without_the_group_lock(monkeypatch)
    raced = False
    for _round in range(CONTROL_ROUNDS):
        SessionRequest.objects.filter(group=group).delete()
        at_once([_submit(vo_school, group, vo_staff, uuid.uuid4()) for _ in range(THREADS)])
        if SessionRequest.objects.filter(group=group).count() > 1:
            raced = True
            break
    assert raced, f"no race in {CONTROL_ROUNDS} rounds of {THREADS} threads"


def test_without_lock_and_check_the_unique_key_still_makes_one(
    monkeypatch, vo_school, group, vo_staff
):
    """The database's guard for a double click: with the lock and the overlap check gone, the
    unique submission key refuses every second insert and its submit gets the first row."""
    _without_the_group_lock(monkeypatch)
    monkeypatch.setattr(request_services, "_check_no_overlap", lambda **kw: None)
    key = uuid.uuid4()

    results = at_once([_submit(vo_school, group, vo_staff, key) for _ in range(THREADS)])

    assert all(isinstance(r, SessionRequest) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert SessionRequest.objects.filter(group=group).count() == 1
