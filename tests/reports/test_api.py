"""The figures API: the same protected tables as the pages, scoped alike."""

import pytest

from tests import factories
from tests.helpers import API, api_get, login

from .conftest import PERIOD, grow

pytestmark = pytest.mark.django_db

MUNICIPALITY = f"{API}/reports/municipality/"
NATIONAL = f"{API}/reports/national/"


def _school(pk) -> str:
    return f"{API}/reports/schools/{pk}/"


def test_a_coordinator_gets_their_figures_with_hidden_cells_marked(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)

    response = api_get(client, MUNICIPALITY, period=PERIOD)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"]["start"] == "2026-08-01"
    offer = body["tables"]["offer"]
    assert offer["total"]["cells"]["taken"] == {"value": 34, "suppressed": False}
    dropouts = body["tables"]["reach"]["total"]["cells"]["dropouts"]
    assert dropouts == {"value": None, "suppressed": True}
    for table in body["tables"].values():
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            for column in table["columns"]:
                value = row["cells"][column["key"]]["value"]
                if column["kind"] == "count" and value is not None:
                    assert not 0 < value < 5


def test_a_wrong_filter_is_a_400_naming_the_field(client, town, coordinator_of_town):
    login(client, coordinator_of_town)

    response = api_get(client, MUNICIPALITY, period=PERIOD, start="2026-10-01", end="2026-09-01")

    assert response.status_code == 400
    assert "end" in response.json()


def test_outsiders_get_403_or_404(client, town):
    login(client, factories.parent())
    assert api_get(client, MUNICIPALITY).status_code == 403
    assert api_get(client, NATIONAL).status_code == 403

    login(client, factories.staff())
    assert api_get(client, _school(town.schools[0].pk)).status_code == 404
    assert api_get(client, MUNICIPALITY).status_code == 403

    login(client, factories.coordinator())
    assert api_get(client, _school(town.schools[0].pk)).status_code == 404
    assert api_get(client, NATIONAL).status_code == 403


def test_another_coordinator_cannot_ask_for_this_municipality(client, town):
    login(client, factories.coordinator())

    response = api_get(client, MUNICIPALITY, municipality=town.municipality.pk)

    assert response.status_code == 400
    assert "municipality" in response.json()


def test_staff_get_their_school(client, town):
    login(client, factories.staff(town.schools[0]))

    response = api_get(client, _school(town.schools[0].pk), period=PERIOD)

    assert response.status_code == 200
    assert response.json()["tables"]["activities"]["total"]["cells"]["taken"]["value"] == 16


def test_the_municipality_figures_cost_the_same_queries_at_two_sizes(
    client, town, coordinator_of_town, count_queries
):
    login(client, coordinator_of_town)

    def fetch():
        assert api_get(client, MUNICIPALITY, period=PERIOD).status_code == 200

    small = count_queries(fetch)
    grow(town, 2)
    assert count_queries(fetch) == small
