"""Be on Track messages: who gets them, in which language, and never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from campaigns import services
from campaigns.audience import Audience, audience_count, audience_guardians, shown_count
from campaigns.models import ParentMessage, ParentMessageDelivery
from core.roles import Roles
from notifications.models import Notification
from tests import factories

from .helpers import NOW, coordinator_roles, family, town, write

pytestmark = pytest.mark.django_db


def _sent_to(message) -> dict[str, str]:
    """email → language of the notifications written for `message`."""
    rows = Notification.objects.filter(idempotency_key__startswith=f"parent-message:{message.pk}:")
    return {row.to_email: row.language for row in rows}


def test_one_neighbourhood_reaches_its_families_once_each_in_their_language():
    t = town()
    dutch = family(t.school, neighbourhood=t.east, children=2)
    arabic = family(t.other_school, neighbourhood=t.east, language="ar")
    turkish = family(t.school, neighbourhood=t.east, language="tr")
    family(t.school, neighbourhood=t.west)  # another neighbourhood
    stopped = family(t.school, neighbourhood=t.east)
    services.message_preference_set(user_pk=stopped.pk, messages_off=True)

    message = write(
        coordinator_roles(t.municipality),
        t.municipality,
        neighbourhood=t.east,
        subject_ar="أخبار",
        text_ar="مرحبا بالجميع",
    )
    message.refresh_from_db()

    # Turkish was not written: that family reads Dutch.
    assert _sent_to(message) == {dutch.email: "nl", arabic.email: "ar", turkish.email: "nl"}
    assert message.status == ParentMessage.Status.SENT
    arabic_mail = Notification.objects.get(to_email=arabic.email)
    assert arabic_mail.subject == "أخبار"
    assert 'dir="rtl"' in arabic_mail.body_html and 'lang="ar"' in arabic_mail.body_html
    assert "مرحبا بالجميع" in arabic_mail.body_text
    assert len(mail.outbox) == 3


def test_sending_twice_writes_nothing_new():
    t = town()
    family(t.school, neighbourhood=t.east)
    message = write(coordinator_roles(t.municipality), t.municipality)
    assert services.parent_message_send(message_id=message.pk, now=NOW) == 0
    ParentMessage.objects.filter(pk=message.pk).update(status=ParentMessage.Status.SENDING)
    assert services.parent_messages_send_due(now=NOW) == 0
    assert Notification.objects.count() == ParentMessageDelivery.objects.count() == 1


def test_batches_cover_every_family_once():
    t = town()
    for _ in range(5):
        family(t.school)
    message = write(
        coordinator_roles(t.municipality), t.municipality, send_at=NOW + dt.timedelta(hours=1)
    )
    assert Notification.objects.count() == 0  # not yet: its time has not come
    assert services.parent_messages_send_due(now=NOW + dt.timedelta(hours=1), batch=2) == 5
    assert Notification.objects.count() == 5
    assert ParentMessage.objects.get(pk=message.pk).status == ParentMessage.Status.SENT


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"east5", "west7", "active"}),
        ({"grade_min": 6, "grade_max": 8}, {"west7"}),
        ({"school": "other"}, {"west7"}),
        ({"activity": True}, {"active"}),
    ],
)
def test_audience_filters(filters, expected):
    t = town()
    people = {
        "east5": family(t.school, neighbourhood=t.east),
        "west7": family(t.other_school, neighbourhood=t.west, grade=7),
        "active": family(t.school, grade=3),
    }
    activity = factories.ActivityFactory(school=t.school)
    factories.EnrolmentFactory(activity=activity, child=people["active"].children.get())
    # A cancelled place, an erased child and a family of another town are not in any audience.
    factories.EnrolmentFactory(
        activity=activity, child=people["east5"].children.get(), status="cancelled"
    )
    factories.ChildFactory(school=t.school, erased_at=NOW)
    factories.ChildFactory()
    if filters.get("school"):
        filters["school_id"] = t.other_school.pk
        del filters["school"]
    if filters.get("activity"):
        filters = {"activity_id": activity.pk}
    audience = Audience(municipality_id=t.municipality.pk, **filters)
    emails = {person.email: name for name, person in people.items()}
    assert {emails[g.email] for g in audience_guardians(audience)} == expected
    assert audience_count(audience) == len(expected)


def test_staff_write_to_their_own_school_only():
    t = town()
    family(t.school)
    family(t.other_school)
    roles = Roles(staff_of=frozenset({t.school.pk}))
    message = write(roles, t.municipality, school=t.school)
    assert len(_sent_to(message)) == 1
    with pytest.raises(services.OutOfScope):
        write(roles, t.municipality, school=t.other_school)


def test_a_coordinator_of_another_town_is_refused():
    t = town()
    family(t.school)
    elsewhere = factories.MunicipalityFactory()
    with pytest.raises(services.OutOfScope):
        write(coordinator_roles(elsewhere), t.municipality)
    with pytest.raises(services.OutOfScope):
        write(coordinator_roles(t.municipality), t.municipality, school=factories.SchoolFactory())


def test_no_families_is_refused():
    t = town()
    with pytest.raises(services.NoFamilies):
        write(coordinator_roles(t.municipality), t.municipality)


def test_small_counts_are_hidden_from_coordinators():
    assert shown_count(3, exact=False) == "< 5"
    assert shown_count(3, exact=True) == "3"
    assert shown_count(0, exact=False) == "0"
    assert shown_count(5, exact=False) == "5"


def test_unsubscribe_token_names_its_person_and_nothing_else():
    person = factories.parent()
    token = services.unsubscribe_url(person.pk).rstrip("/").rsplit("/", 1)[1]
    assert services.unsubscribe_user_pk(token) == person.pk
    assert services.unsubscribe_user_pk(token[:-2] + "xx") is None
    assert services.unsubscribe_user_pk(str(person.pk)) is None


def test_the_mail_carries_one_click_unsubscribe_headers():
    t = town()
    guardian = family(t.school)
    write(coordinator_roles(t.municipality), t.municipality)
    (sent,) = mail.outbox
    assert sent.extra_headers["List-Unsubscribe"] == f"<{services.unsubscribe_url(guardian.pk)}>"
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_staff_write_to_one_activity_of_their_school_only():
    t = town()
    placed = family(t.school)
    family(t.school)  # same school, not in the activity
    activity = factories.ActivityFactory(school=t.school)
    factories.EnrolmentFactory(activity=activity, child=placed.children.get(), status="waitlisted")
    roles = Roles(staff_of=frozenset({t.school.pk}))
    message = write(roles, t.municipality, school=t.school, activity=activity)
    assert set(_sent_to(message)) == {placed.email}
    elsewhere = factories.ActivityFactory(school=t.other_school)
    with pytest.raises(services.OutOfScope):
        write(roles, t.municipality, school=t.school, activity=elsewhere)


def test_an_erased_account_leaves_its_choices_and_gets_nothing():
    t = town()
    guardian = family(t.school)
    services.message_preference_set(user_pk=guardian.pk, digest=True)
    assert services.message_choices_of(guardian) == {"messages": True, "monthly_digest": True}
    services.message_choices_forget(user_pk=guardian.pk)
    assert services.message_choices_of(guardian)["monthly_digest"] is False
    type(guardian).objects.filter(pk=guardian.pk).update(erased_at=NOW)
    with pytest.raises(services.NoFamilies):
        write(coordinator_roles(t.municipality), t.municipality)


def test_a_message_cannot_change_once_its_time_has_come():
    t = town()
    family(t.school)
    roles = coordinator_roles(t.municipality)
    later = write(roles, t.municipality, send_at=NOW + dt.timedelta(hours=1))
    changed = services.parent_message_update(
        message_id=later.pk, roles=roles, now=NOW, subject_nl="Nieuw"
    )
    assert changed.subject_nl == "Nieuw"
    with pytest.raises(services.AlreadyGoing):
        services.parent_message_update(
            message_id=later.pk, roles=roles, now=NOW + dt.timedelta(hours=1), subject_nl="x"
        )
    with pytest.raises(services.OutOfScope):
        services.parent_message_update(
            message_id=later.pk, roles=coordinator_roles(factories.MunicipalityFactory()), now=NOW
        )
