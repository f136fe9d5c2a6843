"""Field-level minimisation: staff see a child's first name, grade and class, never the
parent's contact details; a Local Hero sees a class, never a child."""

import datetime as dt

import pytest
from django.urls import reverse

from activities import services
from activities.models import Occurrence
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

PARENT_EMAIL, PARENT_NAME = "ouder.geheim@example.test", "Gerrit Geheimhouder"


@pytest.fixture
def enrolled():
    activity = factories.ActivityFactory()
    services.occurrences_regenerate(activity=activity, today=dt.date(2027, 1, 1))
    guardian = factories.parent(email=PARENT_EMAIL, name=PARENT_NAME)
    child = factories.ChildFactory(guardian=guardian, school=activity.school, first_name="Noor")
    factories.EnrolmentFactory(child=child, activity=activity)
    return activity, child


def _staff_pages(activity, child) -> list[str]:
    occurrence = Occurrence.objects.filter(activity=activity).first()
    return [
        reverse("activities:staff_detail", args=[activity.pk]),
        reverse("activities:staff_report", args=[activity.pk]),
        reverse("activities:staff_report_csv", args=[activity.pk]),
        reverse("activities:staff_register", args=[occurrence.pk]),
        reverse("activities:staff_child_report", args=[child.pk]),
        f"/api/v1/activities/{activity.pk}/register/?occurrence={occurrence.pk}",
        f"/api/v1/enrolments/?activity={activity.pk}",
    ]


def test_staff_see_the_child_never_the_parents_contact_details(client, enrolled):
    activity, child = enrolled
    login(client, factories.staff(activity.school))

    for url in _staff_pages(activity, child):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert PARENT_EMAIL not in body and PARENT_NAME not in body, url
    assert "Noor" in client.get(_staff_pages(activity, child)[0]).text


def test_a_hero_is_told_the_class_not_the_children(client, municipality):
    visit = factories.VisitFactory(request__group__school__neighbourhood__municipality=municipality)
    child = factories.ChildFactory(
        school=visit.request.school, group=visit.request.group, first_name="Yara"
    )
    login(client, visit.hero.user)

    page = client.get(reverse("scheduler:offer-detail", args=[visit.offer_id])).text
    api = client.get("/api/v1/visits/", HTTP_ACCEPT="application/json").content.decode()

    assert visit.request.group.name in page
    assert child.first_name not in page and child.first_name not in api
