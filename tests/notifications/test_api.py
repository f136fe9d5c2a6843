"""The calendar feed address over the API: your own, new on request, stopped on request."""

from urllib.parse import urlparse

import pytest

from notifications.calendar import feed_token_active
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar-feed/"


@pytest.fixture
def me(client):
    user = factories.parent()
    client.force_login(user)
    return user


def test_anonymous_gets_403(client):
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403


def test_without_a_feed_the_address_is_null(client, me):
    assert client.get(URL).json() == {"url": None, "created_at": None}


def test_a_new_address_replaces_the_old_one_which_then_answers_404(client, me):
    first = client.post(URL)
    assert first.status_code == 201
    old = first.json()["url"]
    assert old.endswith(".ics") and feed_token_active(me).token in old
    assert client.get(urlparse(old).path).status_code == 200

    second = client.post(URL).json()["url"]
    assert second != old
    assert client.get(URL).json()["url"] == second
    assert client.get(urlparse(old).path).status_code == 404


def test_delete_stops_the_feed(client, me):
    url = client.post(URL).json()["url"]
    assert client.delete(URL).status_code == 204
    assert client.get(URL).json()["url"] is None
    assert client.get(urlparse(url).path).status_code == 404


def test_staff_without_a_second_factor_are_refused(client, school):
    user = factories.UserFactory()
    factories.StaffMembershipFactory(user=user, school=school)
    client.force_login(user)
    response = client.get(URL, HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
