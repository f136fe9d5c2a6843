"""Undelivered messages: coordinators see the failed mail about their municipality and send it
again; nobody else sees any."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Invitation
from notifications.models import Notification
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

LIST = reverse("undelivered_list")


def failed(
    recipient=None, *, about=None, to_email=None, status=Notification.Status.FAILED, **fields
):
    """A message about the municipality `about` (as the service that wrote it says)."""
    n = Notification.objects.count()
    return Notification.objects.create(
        municipality_pk=about.pk if about else None,
        recipient=recipient,
        to_email=to_email or (recipient.email if recipient else f"nobody{n}@example.test"),
        kind=fields.pop("kind", "activity:confirmed"),
        subject=fields.pop("subject", f"Inschrijving bevestigd {n}"),
        body_text="Je kind is ingeschreven.",
        idempotency_key=f"undelivered:{n}",
        status=status,
        attempts=fields.pop("attempts", 5),
        last_error=fields.pop("last_error", "Gave up after 5 attempts: Connection refused"),
        claimed_at=timezone.now(),
        **fields,
    )


def resend_url(notification: Notification) -> str:
    return reverse("undelivered_resend", args=[notification.pk])


def guardian_at(school):
    return factories.ChildFactory(school=school).guardian


@pytest.fixture
def in_scope(school, municipality, coordinator, staff):
    """One failed message for each kind of person a coordinator answers for."""
    invitation = Invitation.objects.create(
        email="nieuw@example.test",
        role=Invitation.Role.STAFF,
        municipality=municipality,
        school=school,
        invited_by=coordinator,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    return [
        failed(guardian_at(school), about=municipality),
        failed(staff, about=municipality),
        failed(factories.HeroFactory(municipality=municipality).user, about=municipality),
        failed(factories.coordinator(municipality), about=municipality),
        failed(to_email=invitation.email, kind="account:invitation", about=municipality),
    ]


@pytest.fixture
def out_of_scope(school, municipality, other_school):
    other = other_school.neighbourhood.municipality
    return [
        failed(guardian_at(other_school), about=other),
        failed(factories.HeroFactory(municipality=other).user, about=other),
        failed(to_email="stranger@example.test"),
        failed(
            guardian_at(school), about=municipality, status=Notification.Status.SENT, last_error=""
        ),
        failed(
            guardian_at(school),
            about=municipality,
            status=Notification.Status.PENDING,
            last_error="",
        ),
    ]


def test_coordinator_sees_the_failed_mail_about_their_municipality(
    client, coordinator, in_scope, out_of_scope
):
    login(client, coordinator)

    response = client.get(LIST)

    assert response.status_code == 200
    assert set(response.context["page"].object_list) == set(in_scope)
    content = response.content.decode()
    assert "Undelivered messages" in content
    row = in_scope[0]
    for shown in (row.to_email, row.subject, row.kind, "Gave up after 5 attempts", "Send again"):
        assert shown in content
    assert escape(row.recipient.name) in content  # escaped: "d' Heripon" has an apostrophe
    assert resend_url(row) in content
    assert 'class="stack"' in content and 'scope="col"' in content
    for hidden in out_of_scope:
        assert hidden.subject not in content


def test_an_outsider_coordinator_sees_none_and_cannot_resend(
    client, outsider_coordinator, in_scope
):
    client.force_login(outsider_coordinator)
    assert list(client.get(LIST).context["page"].object_list) == []
    target = in_scope[0]
    assert client.post(resend_url(target)).status_code == 404
    target.refresh_from_db()
    assert target.status == Notification.Status.FAILED


@pytest.mark.parametrize("who", ["staff", "parent", "hero"])
def test_the_page_is_for_coordinators_only(client, who, request, municipality, in_scope):
    user = (
        factories.HeroFactory(municipality=municipality).user
        if who == "hero"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    target = in_scope[0]
    assert client.get(LIST).status_code == 403
    assert client.post(resend_url(target)).status_code == 403
    target.refresh_from_db()
    assert target.status == Notification.Status.FAILED


def test_anonymous_visitor_is_sent_to_login(client, in_scope):
    target = in_scope[0]
    for response in (client.get(LIST), client.post(resend_url(target))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    target.refresh_from_db()
    assert target.status == Notification.Status.FAILED


def test_send_again_queues_the_message_on_commit_and_it_goes_out(
    client, coordinator, in_scope, django_capture_on_commit_callbacks
):
    login(client, coordinator)
    target = in_scope[0]

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(resend_url(target), {"page": "1"})

    assert response.status_code == 302
    assert response.url == f"{LIST}?page=1"
    assert len(callbacks) == 1
    target.refresh_from_db()
    assert (target.status, target.attempts, target.claimed_at) == (
        Notification.Status.PENDING,
        0,
        None,
    )
    assert mail.outbox == []

    callbacks[0]()  # the commit's queued task (in-process without Redis)
    target.refresh_from_db()
    assert target.status == Notification.Status.SENT
    assert target.last_error == ""
    assert [m.to for m in mail.outbox] == [[target.to_email]]
    assert "queued to be sent again" in client.get(LIST).content.decode()
    assert target not in client.get(LIST).context["page"].object_list


def test_send_again_twice_sends_once(
    client, coordinator, in_scope, django_capture_on_commit_callbacks
):
    login(client, coordinator)
    target = in_scope[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resend_url(target))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(resend_url(target), follow=True)
    assert callbacks == []
    assert "no longer undelivered" in response.content.decode()
    assert len(mail.outbox) == 1


def test_send_again_needs_post(client, coordinator, in_scope):
    client.force_login(coordinator)
    assert client.get(resend_url(in_scope[0])).status_code == 405


def test_unknown_message_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("undelivered_resend", args=[999999])).status_code == 404


def test_the_list_pages_by_25(client, coordinator, school, municipality):
    guardian = guardian_at(school)
    for _ in range(30):
        failed(guardian, about=municipality)
    client.force_login(coordinator)
    assert len(client.get(LIST).context["page"].object_list) == 25
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 5
    assert client.get(LIST, {"page": "x"}).status_code == 200


def test_empty_list_says_so(client, coordinator):
    login(client, coordinator)
    assert "There are no undelivered messages." in client.get(LIST).content.decode()


def test_the_list_runs_the_same_queries_for_3_or_12_messages(
    client, coordinator, school, municipality, count_queries
):
    client.force_login(coordinator)

    def make(n):
        for i in range(n):
            people = [
                guardian_at(school),
                factories.staff(school),
                factories.HeroFactory(municipality=municipality).user,
            ]
            failed(people[i % 3], about=municipality)

    make(3)
    small = count_queries(lambda: client.get(LIST))
    make(9)
    large = count_queries(lambda: client.get(LIST))
    assert small == large
    assert client.get(LIST).context["page"].paginator.count == 12
