"""The outbox and the undelivered mail are scoped by the municipality a message is about, and
nobody but the recipient reads a login code or a link with a token."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notification_create
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _mail(municipality=None, *, secret=False, status="sent", text="Beste ouder", **extra):
    notification, _created = notification_create(
        to_email=extra.pop("to_email", "ouder@example.test"),
        kind="activity:confirmed" if not secret else "account:login_code",
        subject="Onderwerp",
        body_text=text,
        idempotency_key=f"k{Notification.objects.count()}",
        municipality_pk=municipality.pk if municipality else None,
        is_secret=secret,
        queue=False,
        **extra,
    )
    Notification.objects.filter(pk=notification.pk).update(status=status)
    return notification


@pytest.fixture
def outbox_on(settings):
    settings.DEBUG = True


def test_a_coordinator_reads_only_the_mail_about_their_municipality(
    client, outbox_on, coordinator, municipality, other_school
):
    ours = _mail(municipality, text="Over Zaanstad")
    theirs = _mail(other_school.neighbourhood.municipality, text="Over Amsterdam")
    client.force_login(coordinator)

    listing = client.get(reverse("notifications:outbox")).text
    assert reverse("notifications:outbox_detail", args=[ours.pk]) in listing
    assert reverse("notifications:outbox_detail", args=[theirs.pk]) not in listing
    assert client.get(reverse("notifications:outbox_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("notifications:outbox_detail", args=[theirs.pk])).status_code == 404
    resend = client.post(reverse("notifications:outbox_resend", args=[theirs.pk]))
    assert resend.status_code == 404


def test_account_mail_is_about_no_municipality_and_never_listed_for_coordinators(
    client, outbox_on, coordinator
):
    code = _mail(secret=True, text="Je code is 123456")
    client.force_login(coordinator)

    assert client.get(reverse("notifications:outbox_detail", args=[code.pk])).status_code == 404


def test_nobody_but_the_recipient_reads_a_secret_text_not_even_a_superuser(
    client, outbox_on, municipality
):
    invitation = _mail(municipality, secret=True, text="https://bot.example/invite/SECRET-TOKEN")
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    factories.give_mfa(admin)
    login(client, admin)

    page = client.get(reverse("notifications:outbox_detail", args=[invitation.pk])).text

    assert "SECRET-TOKEN" not in page
    assert "Only the person it was sent to may read it." in page


def test_the_outbox_pages_do_not_exist_in_production(client, coordinator, municipality):
    mail = _mail(municipality)
    client.force_login(coordinator)

    assert client.get(reverse("notifications:outbox")).status_code == 404
    assert client.get(reverse("notifications:outbox_detail", args=[mail.pk])).status_code == 404


def test_undelivered_mail_is_listed_for_the_municipality_it_is_about_not_the_familys_other_one(
    client, coordinator, municipality, other_school
):
    parent = factories.parent()
    factories.ChildFactory(
        guardian=parent, school=factories.SchoolFactory(neighbourhood__municipality=municipality)
    )
    factories.ChildFactory(guardian=parent, school=other_school)
    ours = _mail(municipality, status="failed", recipient=parent, to_email=parent.email)
    theirs = _mail(
        other_school.neighbourhood.municipality,
        status="failed",
        recipient=parent,
        to_email=parent.email,
    )
    client.force_login(coordinator)

    listing = client.get(reverse("undelivered_list")).text
    assert reverse("undelivered_resend", args=[ours.pk]) in listing
    assert reverse("undelivered_resend", args=[theirs.pk]) not in listing
    assert client.post(reverse("undelivered_resend", args=[theirs.pk])).status_code == 404
