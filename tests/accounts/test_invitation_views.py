from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import services
from accounts.models import Invitation
from heroes.models import Hero
from notifications.models import Notification
from schools.models import StaffMembership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(coordinator, school):
    return services.invitation_create(
        invited_by=coordinator,
        municipality=school.neighbourhood.municipality,
        role=Invitation.Role.STAFF,
        email="invitee@example.test",
        school=school,
        now=timezone.now(),
    )


def accept_url(invitation):
    return reverse("invitation_accept", args=[invitation.token])


# --- the coordinator's list ----------------------------------------------------------------


def test_coordinator_sees_their_municipalitys_invitations(client, coordinator, invitation):
    client.force_login(coordinator)
    response = client.get(reverse("invitation_list"))
    assert response.status_code == 200
    assert b"invitee@example.test" in response.content


def test_fellow_coordinator_of_the_municipality_sees_them_too(client, municipality, invitation):
    client.force_login(factories.coordinator(municipality))
    response = client.get(reverse("invitation_list"))
    assert b"invitee@example.test" in response.content


def test_other_municipalitys_coordinator_does_not_see_them(
    client, outsider_coordinator, invitation
):
    client.force_login(outsider_coordinator)
    response = client.get(reverse("invitation_list"))
    assert response.status_code == 200
    assert b"invitee@example.test" not in response.content


@pytest.mark.parametrize("person", ["staff", "parent"])
def test_staff_and_parents_may_not_see_invitations(client, request, person, invitation):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("invitation_list")).status_code == 403
    url = reverse("invitation_revoke", args=[invitation.pk])
    assert client.post(url).status_code == 403


def test_coordinator_without_second_factor_is_sent_to_set_it_up(client, municipality):
    user = factories.UserFactory()
    factories.CoordinatorMembershipFactory(user=user, municipality=municipality)
    client.force_login(user)
    response = client.get(reverse("invitation_list"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")


def test_invitation_list_runs_the_same_queries_for_2_or_8_invitations(
    client, coordinator, school, count_queries
):
    client.force_login(coordinator)

    def make(n):
        for i in range(n):
            Invitation.objects.create(
                email=f"p{Invitation.objects.count()}-{i}@example.test",
                role=Invitation.Role.STAFF,
                municipality=school.neighbourhood.municipality,
                school=school,
                invited_by=coordinator,
                expires_at=timezone.now() + Invitation.VALID_FOR,
            )

    make(2)
    small = count_queries(lambda: client.get(reverse("invitation_list")))
    make(6)
    large = count_queries(lambda: client.get(reverse("invitation_list")))
    assert small == large


def test_coordinator_invites_staff_to_a_school_of_their_municipality(client, coordinator, school):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_list"),
        {
            "kind": "staff",
            "staff-email": "Teacher@Example.test",
            "staff-school": school.pk,
            "staff-staff_role": "teacher",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.school, invitation.role) == (
        "teacher@example.test",
        school,
        "staff",
    )
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_coordinator_cannot_invite_staff_to_another_municipalitys_school(
    client, coordinator, other_school
):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_list"),
        {"kind": "staff", "staff-email": "t@example.test", "staff-school": other_school.pk},
    )
    assert response.status_code == 200
    assert b'id="id_staff-school_error"' in response.content
    assert not Invitation.objects.exists()


def test_coordinator_invites_a_local_hero(client, coordinator, municipality):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_list"),
        {
            "kind": "hero",
            "hero-email": "hero@example.test",
            "hero-display_name": "Mo",
            "hero-municipality": municipality.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.display_name, invitation.municipality) == (
        "hero",
        "Mo",
        municipality,
    )


def test_invalid_invite_shows_the_error_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_list"), {"kind": "hero", "hero-email": "not-an-email"}
    )
    assert response.status_code == 200
    assert b'id="id_hero-email_error"' in response.content
    assert not Invitation.objects.exists()


def test_coordinator_revokes_and_resends(client, coordinator, invitation):
    client.force_login(coordinator)
    client.post(reverse("invitation_resend", args=[invitation.pk]))
    assert Notification.objects.filter(kind="account:invitation").count() == 2
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_other_municipalitys_coordinator_cannot_revoke_or_resend(
    client, outsider_coordinator, invitation
):
    client.force_login(outsider_coordinator)
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("invitation_resend", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert Notification.objects.filter(kind="account:invitation").count() == 1


# --- the page the email links to ------------------------------------------------------------


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("invitation_accept", args=["no-such-token"])).status_code == 404


def test_open_invitation_shows_who_invited_to_what(client, coordinator, school, invitation):
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    # Escaped as the page writes them: a name like "Meis-'s Gravensande" has an apostrophe.
    assert escape(school.name) in response.content.decode()
    assert escape(str(coordinator)) in response.content.decode()


def test_newcomer_makes_an_account_with_a_verified_address_and_gets_the_role(
    client, school, invitation
):
    response = client.post(
        accept_url(invitation),
        {
            "name": "Fatma Yilmaz",
            "password1": "Zaanse-Schans-1697",
            "password2": "Zaanse-Schans-1697",
        },
    )
    assert response.status_code == 302
    user = StaffMembership.objects.get(school=school).user
    assert user.email == "invitee@example.test"
    assert user.name == "Fatma Yilmaz"
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("mfa_required")).context["user"] == user


def test_newcomer_with_a_weak_password_sees_why_and_nothing_is_saved(client, invitation):
    response = client.post(
        accept_url(invitation), {"name": "X", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert b'id="id_password1_error"' in response.content
    assert not StaffMembership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_existing_account_is_asked_to_log_in_first(client, invitation):
    factories.UserFactory(email="invitee@example.test")
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    assert response.context["login_url"].endswith(
        "next=" + accept_url(invitation).replace("/", "%2F")
    )
    assert not StaffMembership.objects.exists()


def test_logged_in_invitee_accepts_once(client, school, invitation):
    user = factories.UserFactory(email="invitee@example.test")
    client.force_login(user)
    assert client.get(accept_url(invitation)).status_code == 200
    assert client.post(accept_url(invitation)).status_code == 302
    assert client.post(accept_url(invitation)).status_code == 200
    assert StaffMembership.objects.filter(user=user, school=school).count() == 1


def test_logged_in_as_someone_else_changes_nothing(client, parent, invitation):
    client.force_login(parent)
    response = client.post(accept_url(invitation))
    assert response.status_code == 403
    assert b"invitee@example.test" in response.content
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not StaffMembership.objects.exists()


def test_expired_invitation_shows_a_clear_page(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert response.context["status"] == "expired"


def test_revoked_invitation_shows_a_clear_page(client, invitation):
    services.invitation_revoke(invitation=invitation, now=timezone.now())
    response = client.post(accept_url(invitation))
    assert response.status_code == 410
    assert response.context["status"] == "revoked"
    assert not StaffMembership.objects.exists()


def test_hero_invitation_accepted_makes_a_hero(client, coordinator, municipality):
    invitation = services.invitation_create(
        invited_by=coordinator,
        municipality=municipality,
        role=Invitation.Role.HERO,
        email="hero@example.test",
        display_name="Mo",
        now=timezone.now(),
    )
    user = factories.UserFactory(email="hero@example.test")
    client.force_login(user)
    client.post(accept_url(invitation))
    assert Hero.objects.get(user=user).display_name == "Mo"
