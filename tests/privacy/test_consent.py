"""Consent by version: the text a parent agreed to is stored and shown; a new version asks
again before the next enrolment."""

import pytest
from django.urls import reverse
from django.utils import translation

from activities import consent, errors, services
from activities.models import Child, Enrolment
from tests import factories
from tests.helpers import api_post, api_send, login

pytestmark = pytest.mark.django_db

NOW = factories.OPENS.replace(day=2)


@pytest.fixture
def new_text(monkeypatch):
    """The programme changed its text: version 2027-1 is now current."""
    monkeypatch.setitem(consent.TEXTS, "2027-1", "Ik ga akkoord met de nieuwe tekst.")
    monkeypatch.setattr(consent, "CURRENT", "2027-1")


def test_registering_stores_the_version_agreed_to():
    child = services.child_register(
        guardian=factories.parent(),
        data={"first_name": "Sem", "school": factories.SchoolFactory(), "grade": 5},
        consent=True,
        now=NOW,
    )

    assert child.consent_version == consent.CURRENT
    with translation.override("en"):
        assert consent.consent_text(child.consent_version).startswith("I agree that Back on Track")


def test_the_child_page_shows_the_text_the_parent_agreed_to(client):
    child = factories.ChildFactory()
    login(client, child.guardian)

    page = client.get(reverse("activities:child_edit", args=[child.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert "you agreed to:" in page.text
    assert "I agree that Back on Track saves this information" in page.text


def test_after_a_new_version_enrolling_is_refused_until_the_parent_agrees_again(new_text):
    child = factories.ChildFactory()
    activity = factories.ActivityFactory(school=child.school)

    with pytest.raises(errors.ConsentOutdated):
        services.enrolment_create(guardian=child.guardian, child=child, activity=activity, now=NOW)
    assert not Enrolment.objects.exists()

    services.child_consent_renew(child=child, agreed=True, now=NOW)
    services.enrolment_create(guardian=child.guardian, child=child, activity=activity, now=NOW)
    assert Child.objects.get(pk=child.pk).consent_version == "2027-1"


def test_the_enrol_page_asks_for_the_new_consent_and_enrols_once_given(
    client, new_text, time_machine
):
    time_machine.move_to(NOW, tick=False)
    child = factories.ChildFactory()
    activity = factories.ActivityFactory(school=child.school)
    login(client, child.guardian)
    url = reverse("activities:browse_detail", args=[activity.pk])

    refused = client.post(url, {"children": [child.pk]}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Ik ga akkoord met de nieuwe tekst." in refused.text
    assert "has changed" in refused.text
    assert not Enrolment.objects.exists()

    client.post(url, {"children": [child.pk], "consent": "on"})
    assert Enrolment.objects.filter(child=child).count() == 1


def test_the_child_page_asks_again_and_saves_the_new_version(client, new_text):
    child = factories.ChildFactory()
    login(client, child.guardian)
    url = reverse("activities:child_edit", args=[child.pk])
    data = {"first_name": child.first_name, "school": child.school_id, "grade": child.grade}

    assert "The text has changed" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    client.post(url, {**data, "consent": "on"})

    assert Child.objects.get(pk=child.pk).consent_version == "2027-1"


def test_the_api_shows_the_version_and_renews_it_and_enrolling_waits_for_it(client, new_text):
    child = factories.ChildFactory()
    activity = factories.ActivityFactory(school=child.school)
    login(client, child.guardian)
    url = f"/api/v1/children/{child.pk}/"

    shown = client.get(url).json()
    assert shown["consent_version"] == "2026-1" and shown["consent_current"] is False
    refused = api_post(client, "/api/v1/enrolments/", {"child": child.pk, "activity": activity.pk})
    assert refused.status_code == 409 and refused.json()["code"] == "consent_outdated"

    api_send(client, "patch", url, {"consent": True})

    assert client.get(url).json()["consent_current"] is True
