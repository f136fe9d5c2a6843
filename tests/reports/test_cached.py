"""The steering figures are kept for five minutes (reports.cached): a second view reads them
back, the page says when they were counted, and the key keeps every municipality, viewer
kind and language apart."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.cached import FIGURES_CACHE_S
from tests import factories
from tests.helpers import login

from .conftest import PERIOD, build_town, grow

pytestmark = pytest.mark.django_db

DASHBOARD = "/reports/"
NATIONAL = "/reports/national/"


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"period": PERIOD, **params})
    assert response.status_code == 200
    return response, len(queries)


def _activities(response) -> float | None:
    return response.context["dashboard"].tables["offer"].cell("activities").value


def test_a_second_view_reads_the_kept_figures_until_five_minutes_have_passed(
    client, town, coordinator_of_town
):
    login(client, coordinator_of_town)
    first, counted = _get(client, DASHBOARD)
    grow(town, 1)  # three activities more

    again, read_back = _get(client, DASHBOARD)
    assert _activities(again) == _activities(first) == 6
    assert read_back < counted - 10  # the figures' own queries are not run again
    # Noon UTC is 13:00 in the Netherlands in November.
    assert "Figures as of 13:00. They are counted again after 5 minutes." in again.text

    with time_machine.travel(dt.timedelta(seconds=FIGURES_CACHE_S + 60)):
        later, _queries = _get(client, DASHBOARD)
    assert _activities(later) == 9
    assert "Figures as of 13:06." in later.text


def test_kept_figures_are_never_another_municipalitys(client, town, coordinator_of_town):
    other_town = build_town(size=3)
    other_coordinator = factories.coordinator(other_town.municipality)
    login(client, coordinator_of_town)
    mine, _queries = _get(client, DASHBOARD)

    theirs, _queries = _get(login(client, other_coordinator), DASHBOARD)

    assert theirs.context["dashboard"].scope.municipality_ids == (other_town.municipality.pk,)
    assert (_activities(mine), _activities(theirs)) == (6, 9)
    assert town.schools[0].name not in theirs.text
    assert other_town.schools[0].name in theirs.text
    # Asking for the first town by its id, with its figures kept, still shows their own.
    asked, _queries = _get(client, DASHBOARD, municipality=town.municipality.pk)
    assert asked.context["dashboard"].scope.municipality_ids == (other_town.municipality.pk,)
    assert _activities(asked) == 9
    assert town.schools[0].name not in asked.text


def test_the_programme_team_gets_the_figures_without_the_coordinators_links(
    client, town, coordinator_of_town, programme
):
    link = f"/reports/schools/{town.schools[0].pk}/"
    coordinators, _queries = _get(login(client, coordinator_of_town), DASHBOARD)
    programmes, _queries = _get(
        login(client, programme), DASHBOARD, municipality=town.municipality.pk
    )
    assert link in coordinators.text
    assert link not in programmes.text
    assert _activities(programmes) == 6


def test_kept_figures_speak_the_viewers_language(client, town, coordinator_of_town):
    english, _queries = _get(login(client, coordinator_of_town, language="en"), DASHBOARD)
    dutch, _queries = _get(login(client, coordinator_of_town, language="nl"), DASHBOARD)
    assert "Activities and places" in english.text
    assert "Activiteiten en plekken" in dutch.text
    assert "Activities and places" not in dutch.text


def test_the_national_figures_are_kept_and_say_when_they_were_counted(client, town, programme):
    login(client, programme)
    first, counted = _get(client, NATIONAL)
    again, read_back = _get(client, NATIONAL)
    assert read_back < counted
    assert "Figures as of 13:00." in again.text
    assert again.context["dashboard"].tables == first.context["dashboard"].tables
