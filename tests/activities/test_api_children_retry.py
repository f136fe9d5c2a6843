"""A parent's app that retries registering a child (a time-out on a phone) with its
Idempotency-Key registers the child once; another body or another parent's key finds nothing."""

import pytest

from activities.models import Child
from tests import factories
from tests.activities.test_api_children import child_data
from tests.helpers import API, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]

URL = f"{API}/children/"


def post(client, data, key):
    return client.post(
        URL,
        data,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retry_with_the_same_key_registers_the_child_once(client, parent, school):
    login(client, parent)

    first = post(client, child_data(school), "phone-1")
    again = post(client, child_data(school), "phone-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Child.objects.filter(guardian=parent).count() == 1


def test_the_same_key_for_another_child_is_a_422(client, parent, school):
    login(client, parent)
    post(client, child_data(school), "phone-2")

    response = post(client, child_data(school, first_name="Daan"), "phone-2")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Child.objects.filter(guardian=parent).count() == 1


def test_another_parents_key_finds_nothing_of_the_first(client, parent, school):
    login(client, parent)
    first = post(client, child_data(school), "shared").json()
    other = factories.UserFactory(is_parent=True)
    login(client, other)

    response = post(client, child_data(school), "shared")

    assert response.status_code == 201
    assert response.json()["id"] != first["id"]
    assert Child.objects.get(guardian=other).pk == response.json()["id"]


def test_without_a_key_each_post_registers(client, parent, school):
    login(client, parent)

    for _ in range(2):
        client.post(URL, child_data(school), content_type="application/json")

    assert Child.objects.filter(guardian=parent).count() == 2
