"""What to bring: staff write it in the activity form; families read it on the activity page,
in the API and in their mails (tests/activities/test_mail_words.py)."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.activities.test_staff_views_form import form_data
from tests.helpers import API, api_get, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]

BRING = "Sportkleren en een fles water"


def test_staff_write_what_to_bring_in_the_activity_form(client, staff):
    login(client, staff).post(reverse("activities:staff_create"), form_data(bring=BRING))

    activity = Activity.objects.get(title="Judo")
    assert activity.bring == BRING
    detail = client.get(reverse("activities:staff_detail", args=[activity.pk]))
    assert BRING in detail.text


def test_what_to_bring_is_at_most_200_characters(client, staff):
    response = login(client, staff).post(
        reverse("activities:staff_create"), form_data(bring="x" * 201)
    )

    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_families_read_what_to_bring_on_the_page_and_in_the_api(client, parent, activity):
    activity.bring = BRING
    activity.save()
    login(client, parent)

    page = client.get(reverse("activities:browse_detail", args=[activity.pk]))
    body = api_get(client, f"{API}/activities/{activity.pk}/").json()

    assert BRING in page.text
    assert body["bring"] == BRING


def test_no_bring_line_on_the_page_when_empty(client, parent, activity):
    page = login(client, parent).get(reverse("activities:browse_detail", args=[activity.pk]))

    assert page.status_code == 200
    assert "What to bring" not in page.text and "Wat neem" not in page.text
