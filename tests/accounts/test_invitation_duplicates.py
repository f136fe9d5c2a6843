"""One pending invitation per address, role and place: inviting again sends the same one again
(a coordinator who invites again wants the person to get the mail; a second link would only
confuse), and a resubmitted invite form sends nothing more."""

import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from notifications.models import Notification
from tests import factories
from tests.accounts.test_services import invite_hero, invite_staff
from tests.helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("invitation_list")


def mails() -> int:
    return Notification.objects.filter(kind="account:invitation").count()


# --- the rule -------------------------------------------------------------------------------


def test_inviting_an_address_again_resends_the_pending_invitation(coordinator, school):
    first = invite_staff(coordinator, school, email="Ann@example.test")
    later = timezone.now() + timedelta(days=10)

    again = invite_staff(coordinator, school, email="ann@EXAMPLE.test", now=later)

    assert again.pk == first.pk
    assert again.resent and not first.resent
    assert again.token == first.token  # the link in the first mail keeps working
    assert again.expires_at == later + Invitation.VALID_FOR
    assert Invitation.objects.count() == 1
    assert mails() == 2


def test_an_expired_pending_invitation_is_renewed_not_doubled(coordinator, school):
    first = invite_staff(coordinator, school, now=timezone.now() - timedelta(days=30))

    again = invite_staff(coordinator, school)

    assert again.pk == first.pk
    assert again.is_open(timezone.now())


def test_another_school_or_role_is_another_invitation(coordinator, school, municipality):
    other_school = factories.SchoolFactory(neighbourhood__municipality=municipality)
    invite_staff(coordinator, school, email="sam@example.test")

    invite_staff(coordinator, other_school, email="sam@example.test")
    invite_hero(coordinator, municipality, email="sam@example.test")

    assert Invitation.objects.count() == 3


@pytest.mark.parametrize("closed", ["accepted_at", "revoked_at"])
def test_after_an_accepted_or_withdrawn_one_a_new_invitation_is_made(coordinator, school, closed):
    first = invite_staff(coordinator, school)
    Invitation.objects.filter(pk=first.pk).update(**{closed: timezone.now()})

    again = invite_staff(coordinator, school)

    assert again.pk != first.pk
    assert not again.resent


def test_the_database_refuses_a_second_pending_invitation(coordinator, school, municipality):
    invite_hero(coordinator, municipality, email="hero@example.test")
    invite_staff(coordinator, school, email="t@example.test")
    common = {"invited_by": coordinator, "municipality": municipality}
    common["expires_at"] = timezone.now()

    for row in (
        {"role": "hero", "email": "HERO@example.test"},
        {"role": "staff", "email": "T@example.test", "school": school},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Invitation.objects.create(**common, **row)


def test_the_same_submission_key_sends_one_mail(coordinator, school):
    key = uuid.uuid4()
    first = services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role="staff",
        email="once@example.test",
        school=school,
        now=timezone.now(),
        submission_key=key,
    )

    again = services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role="staff",
        email="once@example.test",
        school=school,
        now=timezone.now(),
        submission_key=key,
    )

    assert again.pk == first.pk
    assert mails() == 1


# --- the page -------------------------------------------------------------------------------


def staff_invite(school, email="teacher@example.test", **extra) -> dict:
    return {
        "kind": "staff",
        "staff-email": email,
        "staff-school": school.pk,
        "staff-staff_role": "teacher",
        **extra,
    }


def test_a_resubmitted_invite_form_makes_and_mails_one_invitation(client, coordinator, school):
    login(client, coordinator)
    key = client.get(LIST).context["staff_form"]["submission_key"].value()
    data = staff_invite(school, **{"staff-submission_key": key})

    client.post(LIST, data)
    again = client.post(LIST, data, follow=True)

    assert again.redirect_chain == [(LIST, 302)]
    assert "it was saved once" in again.content.decode()
    assert Invitation.objects.count() == 1
    assert mails() == 1


def test_inviting_again_on_the_page_says_it_was_sent_again(client, coordinator, school):
    login(client, coordinator)
    client.post(LIST, staff_invite(school, **{"staff-submission_key": str(uuid.uuid4())}))

    again = client.post(
        LIST,
        staff_invite(school, "Teacher@example.test", **{"staff-submission_key": str(uuid.uuid4())}),
        follow=True,
    )

    assert "already had an open invitation. It was sent again" in again.content.decode()
    assert Invitation.objects.count() == 1
    assert mails() == 2
