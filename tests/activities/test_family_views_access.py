"""Who may see the family pages: parents only, each family its own children and enrolments."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Child, Enrolment
from tests import factories
from tests.activities.helpers import child_form, enrol_on_page
from tests.clock import ENROLLING as NOW
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# Who may see what


@pytest.mark.parametrize(
    "name", ["browse", "my_enrolments", "enrol_result"], ids=["browse", "mine", "result"]
)
def test_family_pages_are_forbidden_to_people_who_are_not_parents(client, staff, name):
    assert login(client, staff).get(reverse(f"activities:{name}")).status_code == 403


def test_activity_detail_is_forbidden_to_people_who_are_not_parents(client, staff, school):
    activity = factories.ActivityFactory(school=school)
    url = reverse("activities:browse_detail", args=[activity.pk])
    assert login(client, staff).get(url).status_code == 403


def test_family_pages_send_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("activities:children"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["child_edit", "child_forget"])
def test_another_familys_child_is_not_found(client, parent, school, method, name):
    stranger = factories.ChildFactory(school=school)
    url = reverse(f"activities:{name}", args=[stranger.pk])
    response = getattr(login(client, parent), method)(url, child_form(school))
    assert response.status_code == 404
    assert Child.objects.filter(pk=stranger.pk, first_name=stranger.first_name).exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("my_enrolment_cancel", "get"),
        ("my_enrolment_cancel", "post"),
        ("my_offer_accept", "post"),
        ("my_offer_decline", "post"),
        ("my_offer_decline", "get"),
    ],
)
def test_another_familys_enrolment_or_offer_is_not_found(client, parent, school, name, method):
    theirs = factories.EnrolmentFactory(
        activity__school=school, status="offered", offer_expires_at=NOW + dt.timedelta(hours=4)
    )
    url = reverse(f"activities:{name}", args=[theirs.pk])
    assert getattr(login(client, parent), method)(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrolment.Status.OFFERED


def test_enrolling_another_familys_child_is_not_found(client, parent, school):
    activity = factories.ActivityFactory(school=school)
    factories.ChildFactory(guardian=parent, school=school)
    stranger = factories.ChildFactory(school=school)
    response = enrol_on_page(login(client, parent), activity, stranger)
    assert response.status_code == 404
    assert not Enrolment.objects.exists()


def test_another_familys_enrolment_result_is_not_found(client, parent, school):
    theirs = factories.EnrolmentFactory(activity__school=school)
    url = reverse("activities:enrol_result")
    assert login(client, parent).get(url, {"e": theirs.pk}).status_code == 404
