"""Input the schemathesis run showed the API took though nothing sensible could come of it."""

from __future__ import annotations

import pytest
import time_machine

from tests import factories
from tests.clock import MONDAY, NOW, TUESDAY, at
from tests.helpers import API, api_post, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_and_kit(client):
    municipality = factories.MunicipalityFactory()
    kit = factories.KitFactory(municipality=municipality)
    login(client, factories.coordinator(municipality))
    with time_machine.travel(NOW, tick=False):
        yield client, kit


def _block(client, kit, starts_at: str, ends_at: str):
    data = {"starts_at": starts_at, "ends_at": ends_at}
    return api_post(client, f"{API}/kits/{kit.pk}/blocks/", data)


def test_a_kit_block_from_centuries_ago_is_refused(coordinator_and_kit):
    # Before the fix it was saved, and read back with Amsterdam's mean time of the year 413
    # ("+00:19:32"), which is no RFC 3339 date-time: the schema could not describe the answer.
    client, kit = coordinator_and_kit

    response = _block(client, kit, "0413-12-19T00:24:19+05:05", "2027-01-01T00:00:00+01:00")

    assert response.status_code == 400
    assert list(response.json()) == ["starts_at"]


def test_a_kit_block_that_is_already_over_is_refused(coordinator_and_kit):
    client, kit = coordinator_and_kit

    response = _block(client, kit, at(MONDAY, 7).isoformat(), at(MONDAY, 8).isoformat())

    assert response.status_code == 400
    assert list(response.json()) == ["ends_at"]


@pytest.mark.parametrize("start", [at(MONDAY, 7), at(TUESDAY, 8)], ids=["this-morning", "ahead"])
def test_a_kit_block_from_this_morning_or_later_is_taken(coordinator_and_kit, start):
    client, kit = coordinator_and_kit

    response = _block(client, kit, start.isoformat(), at(TUESDAY, 17).isoformat())

    assert response.status_code == 201, response.content
    assert response.json()["starts_at"] == start.isoformat()
