import pytest
from django.urls import reverse

from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    """A site admin with a second factor: the admin needs one like any coordinator page."""
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    factories.give_mfa(admin)
    client.force_login(admin)
    return client


def notification(**fields) -> Notification:
    return Notification.objects.create(
        to_email="a@example.test",
        kind="test",
        subject="Onderwerp",
        body_text="Tekst",
        idempotency_key=fields.pop("key", "admin:1"),
        **fields,
    )


def test_admin_lists_and_filters_notifications(admin_client):
    notification(status=Notification.Status.FAILED)
    url = reverse("admin:notifications_notification_changelist")
    assert admin_client.get(url, {"status__exact": "failed"}).status_code == 200


def test_admin_shows_a_row_without_letting_it_be_edited(admin_client):
    row = notification()
    url = reverse("admin:notifications_notification_change", args=[row.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    admin_client.post(url, {"subject": "Anders"})
    row.refresh_from_db()
    assert row.subject == "Onderwerp"
    assert admin_client.get(reverse("admin:notifications_notification_add")).status_code == 403


def test_admin_action_resends_failed_rows(admin_client, django_capture_on_commit_callbacks):
    failed = notification(key="failed", status=Notification.Status.FAILED, attempts=5)
    sent = notification(key="sent", status=Notification.Status.SENT)
    url = reverse("admin:notifications_notification_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {"action": "resend", "_selected_action": [failed.pk, sent.pk]})
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert sent.status == Notification.Status.SENT
