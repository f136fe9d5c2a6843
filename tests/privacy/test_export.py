"""Self-service export: built in the background, mailed as a link only its owner can open,
readable as a page and downloadable as JSON, until the link expires."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import DataExport
from accounts.privacy import data_export_request, personal_data
from activities import services as activity_services
from notifications.models import Notification
from scheduler import services as scheduler_services
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent_with_child():
    parent = factories.parent(name="Ilse Jansen")
    child = activity_services.child_register(
        guardian=parent,
        data={"first_name": "Sem", "school": factories.SchoolFactory(), "grade": 5},
        consent=True,
        now=timezone.now(),
    )
    factories.EnrolmentFactory(child=child, activity__school=child.school)
    return parent


def test_the_export_holds_the_account_the_children_and_their_activities(parent_with_child):
    data = personal_data(parent_with_child)

    assert data["account"]["email"] == parent_with_child.email
    [child] = data["children"]
    assert child["first_name"] == "Sem" and child["consent"]["version"] == "2026-1"
    assert len(child["enrolments"]) == 1
    json.dumps(data)  # plain data, ready for the file


def test_the_export_says_since_when_the_person_is_on_the_programme_team(client, programme):
    since = programme.programme_membership.created_at
    data = personal_data(programme)
    assert data["roles"]["programme_team_since"] == since.isoformat()
    assert personal_data(factories.parent())["roles"]["programme_team_since"] is None

    export = DataExport.objects.create(
        user=programme,
        created_at=timezone.now(),
        ready_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=1),
        data=data,
    )
    page = login(client, programme).get(reverse("data_export", args=[export.token]))

    assert f"On the national programme team since {since.date().isoformat()}" in page.text


def test_a_heros_export_holds_the_reason_they_chose_and_their_words_for_a_decline():
    offer = factories.OfferFactory()
    scheduler_services.offer_decline(
        offer=offer, code="distance", reason="Te ver fietsen", now=timezone.now()
    )

    [row] = personal_data(offer.hero.user)["local_hero"]["offers"]

    assert (row["status"], row["decline_code"], row["decline_reason"]) == (
        "declined",
        "distance",
        "Te ver fietsen",
    )


def test_asking_mails_a_secret_link_and_a_second_click_gives_the_same_export(
    client, parent_with_child, django_capture_on_commit_callbacks
):
    login(client, parent_with_child)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("data_export_request"))
        client.post(reverse("data_export_request"))

    export = DataExport.objects.get()
    assert export.ready_at is not None
    mail = Notification.objects.get(kind="account:data_export")
    assert mail.is_secret and mail.recipient == parent_with_child
    assert reverse("data_export", args=[export.token]) in mail.body_text


def test_only_the_owner_opens_the_export_and_only_until_it_expires(
    client, parent_with_child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=parent_with_child, now=timezone.now())
    page = reverse("data_export", args=[export.token])
    data = reverse("data_export_json", args=[export.token])

    login(client, factories.parent())
    assert client.get(page).status_code == 404
    assert client.get(data).status_code == 404

    login(client, parent_with_child)
    assert "Sem" in client.get(page).text
    download = client.get(data)
    assert download["Content-Disposition"].startswith("attachment")
    assert download.json()["children"][0]["first_name"] == "Sem"

    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert client.get(page).status_code == 404


def test_an_export_link_needs_a_login(client, parent_with_child):
    export = DataExport.objects.create(
        user=parent_with_child,
        created_at=timezone.now(),
        ready_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=1),
        data={},
    )

    response = client.get(reverse("data_export", args=[export.token]))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
