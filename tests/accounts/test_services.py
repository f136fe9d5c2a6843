from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.authentication import token_digest
from accounts.models import ApiToken, Invitation
from core.roles import Roles
from heroes.models import Hero
from notifications.models import Notification
from schools.models import StaffMembership
from tests import factories

pytestmark = pytest.mark.django_db


def invite_staff(coordinator, school, email="new.teacher@example.test", now=None):
    return services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role=Invitation.Role.STAFF,
        email=email,
        school=school,
        staff_role=StaffMembership.Role.CONTACT,
        now=now or timezone.now(),
    )


def invite_hero(coordinator, municipality, email="hero@example.test"):
    return services.invitation_create(
        invited_by=coordinator,
        municipality=municipality,
        role=Invitation.Role.HERO,
        email=email,
        display_name="Sam",
        now=timezone.now(),
    )


def test_create_writes_invitation_valid_for_its_term_and_mails_it_in_dutch(coordinator, school):
    now = timezone.now()
    invitation = invite_staff(coordinator, school, email="New.Teacher@Example.test", now=now)
    assert invitation.email == "new.teacher@example.test"
    assert invitation.expires_at == now + Invitation.VALID_FOR
    mail = Notification.objects.get(idempotency_key=f"invitation:{invitation.pk}:1")
    assert mail.to_email == "new.teacher@example.test"
    assert mail.language == "nl"
    assert invitation.token in mail.body_text
    assert school.name in mail.subject
    assert invitation.token in mail.body_html


def test_create_mails_an_existing_person_in_their_language(coordinator, school):
    factories.UserFactory(email="known@example.test", language="en")
    invite_staff(coordinator, school, email="known@example.test")
    mail = Notification.objects.get(kind="account:invitation")
    assert mail.language == "en"
    assert "invited" in mail.subject


def test_staff_invitation_for_a_school_of_another_municipality_is_refused(
    coordinator, municipality, other_school
):
    with pytest.raises(services.InvitationError):
        services.invitation_create(
            invited_by=coordinator,
            municipality=municipality,
            role=Invitation.Role.STAFF,
            email="x@example.test",
            school=other_school,
            now=timezone.now(),
        )
    assert not Invitation.objects.exists()


def test_resend_sends_a_new_mail_and_renews_the_term(coordinator, school):
    invitation = invite_staff(coordinator, school)
    later = timezone.now() + timedelta(days=20)
    services.invitation_resend(invitation=invitation, now=later)
    invitation.refresh_from_db()
    assert invitation.expires_at == later + Invitation.VALID_FOR
    assert Notification.objects.filter(kind="account:invitation").count() == 2


def test_accept_creates_the_staff_membership_once(coordinator, school):
    invitation = invite_staff(coordinator, school)
    user = factories.UserFactory(email="new.teacher@example.test")
    now = timezone.now()
    services.invitation_accept(invitation=invitation, user=user, now=now)
    services.invitation_accept(invitation=invitation, user=user, now=now + timedelta(hours=1))
    membership = StaffMembership.objects.get(user=user)
    assert membership.school == school
    assert membership.role == StaffMembership.Role.CONTACT
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at == now


def test_accept_hero_invitation_creates_the_hero_with_the_display_name(coordinator, municipality):
    invitation = invite_hero(coordinator, municipality)
    user = factories.UserFactory(email="hero@example.test")
    services.invitation_accept(invitation=invitation, user=user, now=timezone.now())
    hero = Hero.objects.get(user=user)
    assert hero.display_name == "Sam"
    assert hero.municipality == municipality


def test_expired_invitation_is_refused(coordinator, school):
    invitation = invite_staff(coordinator, school)
    user = factories.UserFactory(email="new.teacher@example.test")
    with pytest.raises(services.InvitationError):
        services.invitation_accept(
            invitation=invitation, user=user, now=invitation.expires_at + timedelta(seconds=1)
        )
    assert not StaffMembership.objects.filter(user=user).exists()


def test_invitation_for_another_email_is_refused(coordinator, school):
    invitation = invite_staff(coordinator, school)
    stranger = factories.UserFactory(email="someone.else@example.test")
    with pytest.raises(services.InvitationError):
        services.invitation_accept(invitation=invitation, user=stranger, now=timezone.now())
    assert not StaffMembership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_revoked_invitation_cannot_be_accepted(coordinator, school):
    invitation = invite_staff(coordinator, school)
    services.invitation_revoke(invitation=invitation, now=timezone.now())
    user = factories.UserFactory(email="new.teacher@example.test")
    with pytest.raises(services.InvitationError):
        services.invitation_accept(invitation=invitation, user=user, now=timezone.now())
    assert not StaffMembership.objects.filter(user=user).exists()


def test_an_accepted_invitation_cannot_be_revoked(coordinator, school):
    invitation = invite_staff(coordinator, school)
    user = factories.UserFactory(email="new.teacher@example.test")
    services.invitation_accept(invitation=invitation, user=user, now=timezone.now())
    with pytest.raises(services.InvitationError):
        services.invitation_revoke(invitation=invitation, now=timezone.now())
    assert StaffMembership.objects.filter(user=user).exists()


def test_hero_of_another_municipality_cannot_accept_and_nothing_is_saved(coordinator, municipality):
    invitation = invite_hero(coordinator, municipality)
    user = factories.UserFactory(email="hero@example.test")
    factories.HeroFactory(user=user)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(invitation=invitation, user=user, now=timezone.now())
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_signup_creates_a_verified_account_with_the_role(coordinator, school):
    invitation = invite_staff(coordinator, school)
    user = services.invitation_signup(
        invitation=invitation,
        name="Nieuwe Leraar",
        password="a-long-and-Unusual-pass-42",
        language="en",
        now=timezone.now(),
    )
    assert user.check_password("a-long-and-Unusual-pass-42")
    assert user.emailaddress_set.get().verified
    assert not user.is_parent
    assert StaffMembership.objects.filter(user=user, school=school).exists()


def test_api_token_create_replaces_the_old_one(parent):
    _first, first_key = services.api_token_create(user=parent, now=timezone.now())
    _second, key = services.api_token_create(user=parent, now=timezone.now())
    assert first_key != key
    assert list(ApiToken.objects.filter(user=parent).values_list("digest", flat=True)) == [
        token_digest(key)
    ]
    services.api_token_revoke(user=parent)
    assert not ApiToken.objects.filter(user=parent).exists()


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        (Roles(staff_of=frozenset({1})), True),
        (Roles(coordinator_of=frozenset({1})), True),
        (Roles(is_site_admin=True), True),
        (Roles(is_programme=True), True),
        (Roles(is_parent=True), False),
        (Roles(hero_municipality=1), False),
        (Roles(is_parent=True, hero_municipality=1), False),
    ],
)
def test_only_staff_coordinators_the_programme_team_and_admins_are_issued_a_token(
    parent, roles, allowed
):
    now = timezone.now()
    if allowed:
        _token, key = services.api_token_issue(user=parent, roles=roles, now=now)
        assert ApiToken.objects.get(user=parent).digest == token_digest(key)
    else:
        with pytest.raises(services.ApiTokenNotAllowed):
            services.api_token_issue(user=parent, roles=roles, now=now)
        assert not ApiToken.objects.filter(user=parent).exists()
