"""The message pages: compose with preview, the log, progress, and the one-click stop link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import MessagePreference, ParentMessage
from notifications.models import Notification
from tests import factories
from tests.conftest import assert_max_queries
from tests.helpers import login

from .helpers import coordinator_roles, family, town, write

pytestmark = pytest.mark.django_db

COMPOSE = reverse("campaigns:compose")
LIST = reverse("campaigns:list")


def _form(t, **extra) -> dict:
    data = {
        "municipality": t.municipality.pk,
        "subject_nl": "Sportdag",
        "text_nl": "Kom ook!",
        "when": "now",
    }
    data.update(extra)
    return data


def test_coordinator_previews_then_sends_to_one_neighbourhood(client):
    t = town()
    reached = [family(t.school, neighbourhood=t.east) for _ in range(2)]
    family(t.school, neighbourhood=t.west)
    login(client, factories.coordinator(t.municipality))
    data = _form(t, neighbourhood=t.east.pk, subject_ar="يوم رياضي", text_ar="تعالوا!")

    page = client.post(COMPOSE, {**data, "action": "preview"})
    assert "Families it reaches: &lt; 5" in page.content.decode()
    assert "تعالوا!" in page.content.decode()
    assert not ParentMessage.objects.exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client.post(COMPOSE, {**data, "action": "send"})
    message = ParentMessage.objects.get()
    assert sent.url == reverse("campaigns:detail", args=[message.pk])
    assert {n.to_email for n in Notification.objects.all()} == {g.email for g in reached}


def test_staff_see_exact_counts_of_their_school(client):
    t = town()
    family(t.school)
    family(t.other_school)
    login(client, factories.staff(t.school))
    page = client.post(COMPOSE, {**_form(t, school=t.school.pk), "action": "preview"})
    assert "Families it reaches: 1<" in page.content.decode()
    other = client.post(COMPOSE, {**_form(t, school=t.other_school.pk), "action": "preview"})
    assert "school" in other.context["form"].errors


def test_a_later_message_needs_its_time(client):
    t = town()
    family(t.school)
    login(client, factories.coordinator(t.municipality))
    page = client.post(COMPOSE, {**_form(t, when="later"), "action": "send"})
    assert "send_at" in page.context["form"].errors
    assert not ParentMessage.objects.exists()


def test_outsiders_get_404_and_parents_403(client):
    t = town()
    family(t.school)
    message = write(coordinator_roles(t.municipality), t.municipality)
    detail = reverse("campaigns:detail", args=[message.pk])
    login(client, factories.coordinator(factories.MunicipalityFactory()))
    assert client.get(detail).status_code == 404
    assert message.subject_nl not in client.get(LIST).content.decode()
    login(client, factories.staff(t.school))  # a colleague who did not send it
    assert client.get(detail).status_code == 404
    login(client, factories.parent())
    assert client.get(LIST).status_code == 403
    login(client, factories.coordinator(t.municipality))
    assert client.get(detail).status_code == 200


def test_progress_shows_the_counts_and_updates_itself(client):
    t = town()
    family(t.school)
    sender = factories.coordinator(t.municipality)
    message = write(coordinator_roles(t.municipality), t.municipality, sender=sender)
    login(client, sender)
    page = client.get(reverse("campaigns:detail", args=[message.pk]), HTTP_HX_REQUEST="true")
    assert page.templates[0].name == "campaigns/_progress.html"
    assert page.context["message"].delivered == 1
    assert page.context["message"].shown["delivered"] == "< 5"  # a coordinator: so few hide
    assert not page.context["busy"]


def test_one_click_stop_without_login(client):
    guardian = factories.parent()
    url = services.unsubscribe_url(guardian.pk)
    path = url[url.index("/messages/") :]
    asked = client.get(path)
    assert asked.status_code == 200
    assert not MessagePreference.objects.exists()  # a link scanner stops nothing
    done = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert MessagePreference.objects.get(user=guardian).messages_off
    assert client.post(path[:-3] + "xx/").status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_the_log_costs_the_same_at_any_size(client, size):
    t = town()
    for _ in range(size):
        family(t.school)
    roles = coordinator_roles(t.municipality)
    for _ in range(size):
        write(roles, t.municipality)
    login(client, factories.coordinator(t.municipality))
    with assert_max_queries(5):  # session, user, roles, count, page
        page = client.get(LIST)
    assert len(page.context["rows"]) == size
    assert all(row.recipients == size for row in page.context["rows"])


def test_a_parent_switches_messages_off_and_the_digest_on_in_settings(client):
    guardian = factories.parent()
    login(client, guardian)
    page = client.get(reverse("account_settings")).content.decode()
    assert "Send me Be on Track messages" in page
    client.post(reverse("account_settings"), {"action": "parent_messages", "digest": "1"})
    preference = MessagePreference.objects.get(user=guardian)
    assert preference.messages_off and preference.digest
    client.post(reverse("account_settings"), {"action": "parent_messages", "messages_on": "1"})
    preference.refresh_from_db()
    assert not preference.messages_off and not preference.digest


def test_the_sender_changes_a_later_message_until_its_time(client):
    t = town()
    family(t.school, neighbourhood=t.east)
    family(t.school, neighbourhood=t.west)
    sender = factories.coordinator(t.municipality)
    later = timezone.now() + dt.timedelta(days=2)
    message = write(coordinator_roles(t.municipality), t.municipality, sender=sender, send_at=later)
    edit = reverse("campaigns:edit", args=[message.pk])
    login(client, sender)
    assert "Sportdag" not in client.get(edit).content.decode()
    form = _form(t, neighbourhood=t.west.pk, when="later", send_at=f"{later:%Y-%m-%dT%H:%M}")
    client.post(edit, {**form, "action": "send"})
    message.refresh_from_db()
    assert (message.subject_nl, message.neighbourhood) == ("Sportdag", t.west)
    assert not Notification.objects.exists()

    ParentMessage.objects.filter(pk=message.pk).update(send_at=timezone.now())
    page = client.post(edit, {**_form(t, subject_nl="Te laat"), "action": "send"})
    assert "can no longer change" in page.content.decode()
    login(client, factories.coordinator(t.municipality))  # a colleague: not theirs to change
    assert client.get(edit).status_code == 404


def test_a_family_erased_after_sending_leaves_the_page_at_rest(client):
    t = town()
    guardian = family(t.school)
    sender = factories.coordinator(t.municipality)
    message = write(coordinator_roles(t.municipality), t.municipality, sender=sender)
    Notification.objects.filter(recipient=guardian).delete()  # as notifications_forget does
    login(client, sender)
    page = client.get(reverse("campaigns:detail", args=[message.pk]))
    assert page.context["message"].recipients == 1
    assert page.context["message"].waiting == 0 and not page.context["busy"]
