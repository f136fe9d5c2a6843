"""The messages API: read one's own (and the municipality's), write within one's scope."""

from __future__ import annotations

import pytest
from django.test import TestCase

from campaigns.models import ParentMessage
from notifications.models import Notification
from tests import factories
from tests.conftest import assert_max_queries
from tests.helpers import API, api_get, api_post, login

from .helpers import coordinator_roles, family, town, write

pytestmark = pytest.mark.django_db

URL = f"{API}/parent-messages/"


def test_a_coordinator_writes_to_a_neighbourhood_and_reads_the_counts(client):
    t = town()
    reached = family(t.school, neighbourhood=t.east, language="ar")
    family(t.school, neighbourhood=t.west)
    login(client, factories.coordinator(t.municipality))
    body = {
        "neighbourhood": t.east.pk,
        "subject_nl": "Sportdag",
        "text_nl": "Kom ook!",
        "subject_ar": "يوم رياضي",
        "text_ar": "تعالوا!",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api_post(client, URL, body)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "scheduled"  # the send runs once the write commits
    (sent,) = Notification.objects.all()
    assert (sent.to_email, sent.language) == (reached.email, "ar")
    detail = api_get(client, f"{URL}{created.json()['id']}/")
    # One family: a coordinator sees no number (as "< 5" on the page).
    assert detail.json()["recipients"] is None and detail.json()["delivered"] is None
    assert detail.json()["audience"] == "Oost" and detail.json()["status"] == "sent"


def test_bad_input_names_the_field(client):
    t = town()
    family(t.school)
    login(client, factories.coordinator(t.municipality))
    answer = api_post(client, URL, {"subject_nl": "Hoi", "text_nl": "Hoi", "subject_ar": "x"})
    assert answer.status_code == 400 and "text_ar" in answer.json()
    answer = api_post(client, URL, {"text_nl": "Hoi"})
    assert answer.status_code == 400 and "subject_nl" in answer.json()


def test_another_municipality_is_not_a_choice_nor_visible(client):
    t = town()
    family(t.school)
    message = write(coordinator_roles(t.municipality), t.municipality)
    elsewhere = factories.coordinator(factories.MunicipalityFactory())
    login(client, elsewhere)
    assert api_get(client, f"{URL}{message.pk}/").status_code == 404
    assert api_get(client, URL).json()["results"] == []
    body = {"neighbourhood": t.east.pk, "subject_nl": "x", "text_nl": "x"}
    answer = api_post(client, URL, body)
    assert answer.status_code == 400 and "neighbourhood" in answer.json()
    assert ParentMessage.objects.count() == 1


def test_staff_write_to_their_school_and_parents_may_not_write(client):
    t = town()
    family(t.school)
    login(client, factories.staff(t.school))
    body = {"school": t.school.pk, "subject_nl": "x", "text_nl": "x"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api_post(client, URL, body)
    assert created.status_code == 201
    assert api_get(client, f"{URL}{created.json()['id']}/").json()["recipients"] == 1
    assert api_post(client, URL, {**body, "school": t.other_school.pk}).status_code == 400
    login(client, factories.parent())
    assert api_post(client, URL, body).status_code == 403


@pytest.mark.parametrize("size", [1, 4])
def test_the_list_costs_the_same_at_any_size(client, size):
    t = town()
    for _ in range(size):
        family(t.school)
        write(coordinator_roles(t.municipality), t.municipality)
    login(client, factories.coordinator(t.municipality))
    with assert_max_queries(6):
        answer = api_get(client, URL)
    assert answer.json()["count"] == size
