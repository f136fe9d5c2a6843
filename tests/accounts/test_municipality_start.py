"""A programme administrator adds a municipality and its first coordinator: the service
(accounts.services.municipality_start, schools.services.municipality_create) and the roles
it rests on."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import Invitation
from accounts.roles import roles_for
from notifications.models import Notification
from schools.models import CoordinatorMembership, Municipality
from tests import factories

pytestmark = pytest.mark.django_db


def start(admin, name="Haarlem", key=None, **extra):
    fields = {
        "holiday_region": Municipality.HolidayRegion.NORTH,
        "neighbourhoods": [("Schalkwijk", True), ("Centrum", False)],
        "coordinator_name": "Noor Bakker",
        "coordinator_email": "Noor.Bakker@Example.test",
        **extra,
    }
    return services.municipality_start(
        started_by=admin, name=name, now=timezone.now(), submission_key=key, **fields
    )


@pytest.fixture
def admin(db):
    return factories.programme(is_admin=True, name="Jeroen Visser")


def test_roles_tell_an_administrator_from_a_member(admin):
    member = factories.programme()

    assert roles_for(admin).is_programme_admin and roles_for(admin).is_programme
    assert roles_for(member).is_programme and not roles_for(member).is_programme_admin
    assert not roles_for(factories.coordinator()).is_programme_admin


def test_it_adds_the_municipality_its_neighbourhoods_and_invites_the_coordinator(admin):
    municipality = start(admin)

    assert municipality.slug == "haarlem"
    hoods = {n.name: n.is_target_area for n in municipality.neighbourhoods.all()}
    assert hoods == {"Schalkwijk": True, "Centrum": False}
    invitation = Invitation.objects.get(municipality=municipality)
    assert invitation.role == Invitation.Role.COORDINATOR
    assert invitation.email == "noor.bakker@example.test"
    assert invitation.display_name == "Noor Bakker"
    assert invitation.invited_by == admin
    # No coordinator yet: they become one by accepting.
    assert not CoordinatorMembership.objects.filter(municipality=municipality).exists()


def test_the_coordinator_reads_the_mail_in_dutch_with_the_site_and_the_link(
    admin, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        municipality = start(admin)
    invitation = Invitation.objects.get(municipality=municipality)

    [sent] = mail.outbox
    assert sent.to == ["noor.bakker@example.test"]
    assert sent.subject == "Je bent uitgenodigd voor Back on Track"
    text = sent.body
    assert text.startswith("Hallo Noor Bakker,")
    assert "Jeroen Visser nodigt je uit om Back on Track te coördineren in Haarlem." in text
    link = f"{settings.SITE_URL}/accounts/invite/{invitation.token}/"
    assert link in text
    html = sent.alternatives[0][0]
    assert link in html and 'lang="nl"' in html


def test_the_invitation_link_opens_a_signup_with_the_name_filled_in(admin, client):
    start(admin)
    invitation = Invitation.objects.get()

    response = client.get(f"/accounts/invite/{invitation.token}/")

    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "Noor Bakker"


def test_accepting_makes_them_the_coordinator(admin):
    municipality = start(admin)
    invitation = Invitation.objects.get()

    user = services.invitation_signup(
        invitation=invitation,
        name="Noor Bakker",
        password="a long pass phrase 42",
        language="nl",
        now=timezone.now(),
    )

    assert roles_for(user).coordinator_of == {municipality.pk}


@pytest.mark.parametrize("name", ["haarlem", " HAARLEM ", "Haarlem"])
def test_a_name_that_exists_in_any_case_is_an_error_on_the_name(admin, name):
    start(admin)

    with pytest.raises(ValidationError) as refused:
        start(admin, name=name, coordinator_email="other@example.test")

    assert list(refused.value.message_dict) == ["name"]
    assert Municipality.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_the_same_submission_twice_adds_one_municipality_and_sends_one_mail(admin):
    key = uuid.uuid4()

    first = start(admin, key=key)
    again = start(admin, key=key)

    assert again.pk == first.pk
    assert Municipality.objects.count() == 1
    assert Notification.objects.filter(kind="account:invitation").count() == 1


def test_a_refused_start_leaves_nothing_behind(admin):
    with pytest.raises(ValidationError) as refused:
        start(admin, neighbourhoods=[("x" * 101, False)])

    assert list(refused.value.message_dict) == ["neighbourhoods"]
    assert not Municipality.objects.exists()
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()


def test_neighbourhoods_are_added_once_and_a_target_in_either_line_counts(admin):
    municipality = start(
        admin, neighbourhoods=[("Oost", False), ("  oost ", True), ("", False), ("West", False)]
    )

    hoods = {n.name: n.is_target_area for n in municipality.neighbourhoods.all()}
    assert hoods == {"Oost": True, "West": False}


def test_a_name_with_the_same_letters_gets_its_own_address(admin):
    start(admin, name="Bergen (NH)")

    second = start(admin, name="Bergen NH", coordinator_email="b@example.test")

    assert second.slug == "bergen-nh-2"


def test_the_audit_trail_says_who_added_the_municipality(admin, client):
    client.force_login(admin)
    municipality = start(admin)

    entry = LogEntry.objects.get_for_object(municipality).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.additional_data["municipality"] == municipality.pk
