"""Shared pieces of the activities API tests (test_api_*.py): a published activity of the
school with two places, a draft, and the parent's child."""

import pytest

from activities.models import Activity
from tests import factories


@pytest.fixture
def activity(school):
    return factories.ActivityFactory(school=school, capacity=2)


@pytest.fixture
def draft(school):
    return factories.ActivityFactory(school=school, status=Activity.Status.DRAFT)


@pytest.fixture
def child(parent, school):
    return factories.ChildFactory(guardian=parent, school=school, grade=5)


@pytest.fixture
def other_parent(db):
    return factories.parent()
