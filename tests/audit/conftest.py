"""Fixtures of the audit trail tests: the clock while enrolment is open, an activity with its
sessions at the municipality's school, and a child with a place in it."""

import datetime as dt

import pytest
import time_machine

from activities import services
from activities.models import Activity, Child, Enrolment, Occurrence
from tests import factories
from tests.clock import ENROLLING

from .helpers import child_of, place


@pytest.fixture(autouse=True)
def _enrolling():
    """The clock stands at 1 December 2026, while enrolment is open."""
    with time_machine.travel(ENROLLING, tick=False):
        yield


@pytest.fixture
def activity(school) -> Activity:
    activity = factories.ActivityFactory(school=school, capacity=20, title="Judo")
    services.occurrences_regenerate(activity=activity, today=ENROLLING.date())
    return activity


@pytest.fixture
def session(activity) -> Occurrence:
    return activity.occurrences.order_by("date").first()


@pytest.fixture
def child(parent, school) -> Child:
    return child_of(parent, school, "Noor")


@pytest.fixture
def enrolment(activity, child) -> Enrolment:
    return place(activity, child)


@pytest.fixture
def during_session(_enrolling, session):
    """The clock ten minutes into the session: a register is kept from its start."""
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=10), tick=False):
        yield
