"""The activity flows in a real browser on a phone-sized screen: a parent enrols a child,
staff publish an activity and take attendance, a lottery is drawn and a waiting-list offer
is accepted. Every page on the way passes axe and fits 360 px."""

import datetime as dt

import pytest
from django.utils import timezone

from activities import services
from activities.models import Activity, Attendance, Enrolment
from schools.models import StaffMembership
from tests import factories

from .helpers import assert_good_page, log_in, person

pytestmark = pytest.mark.django_db(transaction=True)


def _open_activity(school, **kwargs) -> Activity:
    now = timezone.now()
    today = timezone.localdate()
    defaults = {
        "school": school,
        "title": "Streetdance",
        "enrolment_opens_at": now - dt.timedelta(days=1),
        "enrolment_closes_at": now + dt.timedelta(days=14),
        "weekday": (today + dt.timedelta(days=7)).weekday(),
        "first_date": today - dt.timedelta(days=7),
        "last_date": today + dt.timedelta(days=60),
    }
    activity = factories.ActivityFactory(**{**defaults, **kwargs})
    services.occurrences_regenerate(activity=activity, today=defaults["first_date"])
    return activity


def test_parent_finds_an_activity_enrols_a_child_and_sees_the_status(page, school):
    parent = person(is_parent=True)
    factories.ChildFactory(guardian=parent, school=school, first_name="Sami", grade=6)
    activity = _open_activity(school, bring="Sportschoenen")

    log_in(page, parent.email, factories.PASSWORD)
    page.goto("/activities/")
    assert_good_page(page)
    page.get_by_role("link", name="Streetdance").first.click()
    page.wait_for_load_state()
    assert_good_page(page)
    assert page.get_by_text("Sportschoenen").count() == 1
    page.get_by_label("Sami").check()
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_load_state()

    assert page.get_by_text("Sami has a place at Streetdance").count() == 1
    assert_good_page(page)
    assert Enrolment.objects.get(activity=activity).status == Enrolment.Status.CONFIRMED
    page.goto("/activities/mine/")
    assert page.get_by_text("Has a place").count() >= 1
    assert_good_page(page)


def test_staff_publish_an_activity_and_take_attendance(page, school):
    teacher = person(mfa_exempt=True)
    StaffMembership.objects.create(user=teacher, school=school)
    today = timezone.localdate()
    log_in(page, teacher.email, factories.PASSWORD)

    page.goto("/activities/manage/new/")
    assert_good_page(page)
    fields = {
        "title": "Robotica",
        "description": "We bouwen en programmeren robots.",
        "bring": "Een laptop als je die hebt",
        "capacity": "10",
        "enrolment_opens_at": f"{today - dt.timedelta(days=1):%Y-%m-%d}T09:00",
        "enrolment_closes_at": f"{today + dt.timedelta(days=10):%Y-%m-%d}T18:00",
        "start_time": "14:00",
        "end_time": "15:30",
        "first_date": f"{today - dt.timedelta(days=7):%Y-%m-%d}",
        "last_date": f"{today + dt.timedelta(days=60):%Y-%m-%d}",
    }
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    page.locator("[name=grade_min]").select_option("5")
    page.locator("[name=grade_max]").select_option("8")
    page.locator("[name=category]").select_option("technology")
    page.locator("[name=weekday]").select_option(str(today.weekday()))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert_good_page(page)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()

    activity = Activity.objects.get(title="Robotica")
    assert activity.status == Activity.Status.PUBLISHED
    assert activity.bring == "Een laptop als je die hebt"
    child = factories.ChildFactory(school=school, grade=6, first_name="Lina")
    services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=timezone.now()
    )
    session = activity.occurrences.get(date=today)
    # A register is kept from the session's start: let today's session have begun.
    began = timezone.now() - dt.timedelta(minutes=5)
    type(session).objects.filter(pk=session.pk).update(
        starts_at=began, ends_at=began + dt.timedelta(hours=1)
    )

    page.goto(f"/activities/manage/sessions/{session.pk}/register/")
    assert_good_page(page)
    page.get_by_role("group", name="Lina").get_by_label("Present").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()

    assert Attendance.objects.get(occurrence=session).status == Attendance.Status.PRESENT


def test_a_lottery_is_drawn_and_a_waiting_list_offer_is_accepted(page, school):
    teacher = person(mfa_exempt=True)
    StaffMembership.objects.create(user=teacher, school=school)
    closed = timezone.now() - dt.timedelta(hours=1)
    activity = factories.LotteryActivityFactory(
        school=school,
        title="Koken",
        capacity=1,
        enrolment_opens_at=closed - dt.timedelta(days=7),
        enrolment_closes_at=closed,
        lottery_round__closes_at=closed,
    )
    parents = [person(is_parent=True) for _ in range(2)]
    for parent in parents:
        child = factories.ChildFactory(guardian=parent, school=school, grade=5)
        factories.EnrolmentFactory(child=child, activity=activity, status="applied")

    log_in(page, teacher.email, factories.PASSWORD)
    page.goto(f"/activities/manage/{activity.pk}/")
    page.get_by_role("button", name="Draw now").click()
    page.wait_for_load_state()
    assert_good_page(page)

    winner = Enrolment.objects.get(activity=activity, status=Enrolment.Status.CONFIRMED)
    waiting = Enrolment.objects.get(activity=activity, status=Enrolment.Status.WAITLISTED)
    services.enrolment_cancel(enrolment=winner, now=timezone.now())
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED

    page.context.clear_cookies()
    log_in(page, waiting.child.guardian.email, factories.PASSWORD)
    page.goto("/activities/mine/")
    assert_good_page(page)
    page.get_by_role("button", name="wants the place at Koken").click()
    page.wait_for_load_state()

    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.CONFIRMED
