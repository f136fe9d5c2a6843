"""Staff pages for activities: publishing and cancelling an activity or a session, the detail
page's lists, cancelling and placing enrolments, and drawing a lottery."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import Activity, Enrolment
from notifications.models import Notification
from tests import factories
from tests.activities.helpers import activity_for, place, wait
from tests.clock import ENROLLING as TODAY
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# Publishing and cancelling


def test_staff_publish_a_draft(client, staff, school):
    activity = activity_for(school, status=Activity.Status.DRAFT)
    response = login(client, staff).post(reverse("activities:staff_publish", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_publish_needs_post(client, staff, school):
    activity = activity_for(school, status=Activity.Status.DRAFT)
    url = reverse("activities:staff_publish", args=[activity.pk])
    assert login(client, staff).get(url).status_code == 405
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DRAFT


def test_cancelling_an_activity_asks_first(client, staff, school):
    activity = activity_for(school)
    response = login(client, staff).get(reverse("activities:staff_cancel", args=[activity.pk]))
    assert "Yes, cancel the activity" in response.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED


def test_cancelling_an_activity_tells_every_family(client, staff, school):
    activity = activity_for(school)
    placed = place(activity, 2)
    waiting = wait(activity, 1)
    url = reverse("activities:staff_cancel", args=[activity.pk])
    response = login(client, staff).post(url, follow=True)
    assert "Families have been told" in response.text
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED
    told = Notification.objects.filter(kind="activity:activity_cancelled")
    assert told.count() == 3
    assert {n.recipient_id for n in told} == {e.child.guardian_id for e in [*placed, *waiting]}
    assert not activity.occurrences.filter(cancelled_at=None).exists()


def test_cancelling_one_session_tells_families_with_a_place(client, staff, school):
    activity = activity_for(school)
    place(activity, 2)
    wait(activity, 1)
    occurrence = activity.occurrences.first()
    url = reverse("activities:staff_occurrence_cancel", args=[occurrence.pk])
    login(client, staff).post(url, {"reason": "De gymzaal is dicht."})
    occurrence.refresh_from_db()
    assert occurrence.is_cancelled
    assert occurrence.cancel_reason == "De gymzaal is dicht."
    assert Notification.objects.filter(kind="activity:session_cancelled").count() == 2
    assert activity.occurrences.filter(cancelled_at=None).count() == 12


def test_cancelling_a_session_needs_a_reason(client, staff, school):
    activity = activity_for(school)
    occurrence = activity.occurrences.first()
    url = reverse("activities:staff_occurrence_cancel", args=[occurrence.pk])
    response = login(client, staff).post(url, {"reason": ""})
    assert "reason" in response.context["form"].errors
    occurrence.refresh_from_db()
    assert not occurrence.is_cancelled


# The detail page: lists and actions


def test_detail_shows_class_list_offers_and_waiting_list_in_order(client, staff, school):
    activity = activity_for(school, capacity=2)
    (confirmed,) = place(activity, first_name="Anouk")
    first, second = wait(activity, 2)
    Enrolment.objects.filter(pk=first.pk).update(status="offered", offer_expires_at=TODAY)
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert [e.pk for e in response.context["class_list"]] == [confirmed.pk]
    assert [e.pk for e in response.context["offers"]] == [first.pk]
    assert response.context["waiting"] == [(1, second)]
    assert "Anouk" in response.text


def test_detail_shows_the_seed_and_time_of_a_drawn_lottery(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    round_ = activity.lottery_round
    round_.seed = 987654321
    round_.drawn_at = TODAY
    round_.save()
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert "987654321" in response.text
    assert "Lottery drawn at" in response.text


def test_detail_lists_lottery_applications_before_the_draw(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    child = factories.ChildFactory(school=school, first_name="Zeynep")
    factories.EnrolmentFactory(activity=activity, child=child, status="applied")
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert [e.child for e in response.context["applications"]] == [child]
    assert "Lottery applications" in response.text


def test_staff_cancel_an_enrolment_and_the_place_is_offered(client, staff, school):
    activity = activity_for(school, capacity=1)
    (confirmed,) = place(activity)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_enrolment_cancel", args=[activity.pk, confirmed.pk])
    login(client, staff)
    assert "Yes, cancel the enrolment" in client.get(url).text
    client.post(url)
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.OFFERED
    assert Notification.objects.filter(kind="activity:cancelled").count() == 1


def test_an_enrolment_of_another_activity_is_404(client, staff, school):
    activity = activity_for(school)
    other = activity_for(school)
    (enrolment,) = place(other)
    url = reverse("activities:staff_enrolment_cancel", args=[activity.pk, enrolment.pk])
    assert login(client, staff).post(url).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_staff_place_a_waiting_child_when_a_place_is_free(client, staff, school):
    activity = activity_for(school, capacity=2)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_place", args=[activity.pk])
    login(client, staff).post(url, {"enrolment": waiting.pk})
    placed = Enrolment.objects.get(child=waiting.child, status=Enrolment.Status.CONFIRMED)
    assert placed.placed_by == staff
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CANCELLED
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1


def test_placing_by_hand_in_a_full_activity_says_it_is_full(client, staff, school):
    activity = activity_for(school, capacity=1)
    place(activity)
    (waiting,) = wait(activity)
    url = reverse("activities:staff_place", args=[activity.pk])
    response = login(client, staff).post(url, {"enrolment": waiting.pk}, follow=True)
    assert "There are no places left in this activity." in response.text
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITLISTED


def test_placing_refuses_a_child_not_waiting_for_this_activity(client, staff, school):
    activity = activity_for(school, capacity=3)
    (elsewhere,) = wait(activity_for(school))
    url = reverse("activities:staff_place", args=[activity.pk])
    response = login(client, staff).post(url, {"enrolment": elsewhere.pk}, follow=True)
    assert "Choose a child from the list." in response.text
    assert not Enrolment.objects.filter(activity=activity).exists()


def test_detail_links_to_the_register_of_the_next_session(client, staff, school):
    activity = activity_for(school)
    first = activity.occurrences.order_by("starts_at").first()
    response = login(client, staff).get(reverse("activities:staff_detail", args=[activity.pk]))
    assert response.context["next_session"] == first
    assert reverse("activities:staff_register", args=[first.pk]) in response.text


def test_draw_now_is_refused_before_enrolment_closes(client, staff, school):
    activity = factories.LotteryActivityFactory(school=school)
    response = login(client, staff).post(
        reverse("activities:staff_draw", args=[activity.pk]), follow=True
    )
    assert "This lottery cannot be drawn now." in response.text
    activity.lottery_round.refresh_from_db()
    assert activity.lottery_round.drawn_at is None


def test_draw_now_after_close_when_the_lottery_module_exists(client, staff, school):
    pytest.importorskip("activities.lottery")
    activity = factories.LotteryActivityFactory(school=school)
    factories.EnrolmentFactory(
        activity=activity, child=factories.ChildFactory(school=school), status="applied"
    )
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        login(client, staff)
        detail = client.get(reverse("activities:staff_detail", args=[activity.pk]))
        assert "Draw now" in detail.text
        client.post(reverse("activities:staff_draw", args=[activity.pk]))
    activity.lottery_round.refresh_from_db()
    assert activity.lottery_round.drawn_at is not None
