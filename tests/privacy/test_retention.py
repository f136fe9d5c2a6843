"""Retention, run by the scheduler: children after the school year following their last
activity, closed invitations, old mail texts, expired exports, and unused accounts after a
warning. A second run does nothing more."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import DataExport, Invitation, User
from accounts.retention import retention_due, retention_run
from activities.models import Child
from notifications.models import Notification
from notifications.services import notification_create
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

# Tuesday 1 August 2028: the school year 2027-2028 ended yesterday.
NOW = dt.datetime(2028, 8, 1, 3, 0, tzinfo=dt.UTC)


def _child_with_activity_ending(last_date: dt.date) -> Child:
    activity = factories.ActivityFactory(
        first_date=last_date - dt.timedelta(weeks=8), last_date=last_date
    )
    return factories.EnrolmentFactory(activity=activity, child__school=activity.school).child


def test_a_child_goes_at_the_end_of_the_school_year_after_its_last_activity():
    due = _child_with_activity_ending(dt.date(2027, 3, 31))  # 2026-2027, kept through 2027-2028
    kept = _child_with_activity_ending(dt.date(2027, 9, 29))  # 2027-2028, kept through 2028-2029

    assert retention_due(NOW).children == 1
    retention_run(now=NOW)

    due.refresh_from_db()
    kept.refresh_from_db()
    assert due.erased_at == NOW and due.first_name == "" and due.guardian is None
    assert kept.erased_at is None
    assert retention_run(now=NOW).children == 0, "a second run does nothing more"


def test_a_child_that_never_took_part_counts_from_its_registration():
    child = factories.ChildFactory()
    Child.objects.filter(pk=child.pk).update(created_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))

    retention_run(now=NOW)

    assert Child.objects.get(pk=child.pk).erased_at == NOW


def test_closed_invitations_go_after_thirty_days():
    coordinator = factories.coordinator()
    municipality = coordinator.coordinator_memberships.get().municipality
    old = Invitation.objects.create(
        municipality=municipality,
        role="hero",
        email="old@example.test",
        invited_by=coordinator,
        expires_at=NOW - dt.timedelta(days=31),
    )
    open_one = Invitation.objects.create(
        municipality=municipality,
        role="hero",
        email="new@example.test",
        invited_by=coordinator,
        expires_at=NOW + dt.timedelta(days=3),
    )

    retention_run(now=NOW)

    assert not Invitation.objects.filter(pk=old.pk).exists()
    assert Invitation.objects.filter(pk=open_one.pk).exists()


def _sent(key: str, *, secret: bool, sent_days_ago: int) -> Notification:
    notification, _ = notification_create(
        to_email="a@example.test",
        kind="k",
        subject="Onderwerp",
        body_text="Je code is 424242",
        idempotency_key=key,
        is_secret=secret,
        queue=False,
    )
    when = NOW - dt.timedelta(days=sent_days_ago)
    Notification.objects.filter(pk=notification.pk).update(
        status="sent", sent_at=when, created_at=when
    )
    return notification


def test_mail_texts_go_after_ninety_days_and_codes_after_a_day_the_record_stays():
    old = _sent("old", secret=False, sent_days_ago=91)
    recent = _sent("recent", secret=False, sent_days_ago=10)
    code = _sent("code", secret=True, sent_days_ago=2)

    retention_run(now=NOW)

    for notification, emptied in ((old, True), (recent, False), (code, True)):
        notification.refresh_from_db()
        assert (notification.body_text == "") is emptied
        assert notification.subject == "Onderwerp"


def test_expired_exports_go():
    user = factories.parent()
    DataExport.objects.create(
        user=user, created_at=NOW, expires_at=NOW - dt.timedelta(seconds=1), data={}
    )

    retention_run(now=NOW)

    assert not DataExport.objects.exists()


def test_an_unused_account_is_warned_then_erased_unless_it_logs_in():
    unused = factories.parent(last_login=NOW - dt.timedelta(days=800))
    came_back = factories.parent(last_login=NOW - dt.timedelta(days=800))

    assert retention_run(now=NOW).accounts_to_warn == 2
    warning = Notification.objects.get(recipient=unused, kind="account:inactive_warning")
    assert "Log dan in vóór 31 augustus 2028" in warning.body_text  # Dutch, their language
    User.objects.filter(pk=came_back.pk).update(last_login=NOW + dt.timedelta(days=5))

    later = NOW + dt.timedelta(days=31)
    retention_run(now=later)

    assert User.objects.get(pk=unused.pk).erased_at == later
    assert User.objects.get(pk=came_back.pk).erased_at is None


def test_a_coordinator_sees_which_children_of_their_municipality_are_due(
    client, coordinator, municipality, other_school, time_machine
):
    time_machine.move_to(NOW, tick=False)
    ours = _child_with_activity_ending(dt.date(2027, 3, 31))
    ours.school.neighbourhood.municipality = municipality
    ours.school.neighbourhood.save()
    theirs = _child_with_activity_ending(dt.date(2027, 3, 31))
    theirs.school = other_school
    theirs.save()
    login(client, coordinator)

    page = client.get(reverse("retention_overview"), HTTP_ACCEPT_LANGUAGE="en").text

    assert "1 child" in page
    assert ours.school.name in page and other_school.name not in page
    assert ours.first_name not in page, "names are not needed to see what is due"
