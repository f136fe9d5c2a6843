import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

OUTBOX = reverse("notifications:outbox")


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def make(n: int = 1, **fields) -> list[Notification]:
    """Messages about Zaanstad (the `coordinator` fixture's municipality) unless said otherwise."""
    start = Notification.objects.count()
    fields.setdefault(
        "municipality_pk", factories.MunicipalityFactory(name="Zaanstad", slug="zaanstad").pk
    )
    return [
        Notification.objects.create(
            **{
                "to_email": f"ouder{start + i}@example.test",
                "kind": "enrolment_confirmed",
                "subject": f"Bevestiging {start + i}",
                "body_text": "Je kind is ingeschreven.",
                "idempotency_key": f"view:{start + i}",
                **fields,
            }
        )
        for i in range(n)
    ]


def detail_url(notification: Notification) -> str:
    return reverse("notifications:outbox_detail", args=[notification.pk])


def resend_url(notification: Notification) -> str:
    return reverse("notifications:outbox_resend", args=[notification.pk])


def test_coordinator_reads_the_outbox_newest_first(client, coordinator):
    older, newer = make(2)
    client.force_login(coordinator)
    response = client.get(OUTBOX)
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert rows == [newer, older]
    content = response.content.decode()
    assert newer.subject in content and newer.to_email in content
    assert 'class="stack"' in content and 'data-label="' in content


def test_outbox_is_hidden_when_debug_is_off(client, coordinator, settings):
    settings.DEBUG = False
    notification = make()[0]
    client.force_login(coordinator)
    assert client.get(OUTBOX).status_code == 404
    assert client.get(detail_url(notification)).status_code == 404
    assert client.post(resend_url(notification)).status_code == 404


@pytest.mark.parametrize("who", ["staff", "parent", "hero"])
def test_outbox_is_for_coordinators_only(client, who, request, municipality):
    user = (
        factories.HeroFactory(municipality=municipality).user
        if who == "hero"
        else request.getfixturevalue(who)
    )
    notification = make(status=Notification.Status.FAILED)[0]
    client.force_login(user)
    assert client.get(OUTBOX).status_code == 403
    assert client.get(detail_url(notification)).status_code == 403
    assert client.post(resend_url(notification)).status_code == 403
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(OUTBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_filters_by_status_and_kind(client, coordinator):
    make(2)
    failed_invite = make(kind="invite", status=Notification.Status.FAILED)[0]
    make(kind="invite")
    client.force_login(coordinator)
    response = client.get(OUTBOX, {"status": "failed", "kind": "invite"})
    assert list(response.context["page"].object_list) == [failed_invite]


def test_unknown_filter_value_shows_an_error_and_no_rows(client, coordinator):
    make()
    client.force_login(coordinator)
    response = client.get(OUTBOX, {"status": "lost"})
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert list(response.context["page"].object_list) == []


def test_outbox_pages_by_25(client, coordinator):
    make(30)
    client.force_login(coordinator)
    first = client.get(OUTBOX)
    second = client.get(OUTBOX, {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_outbox_queries_do_not_grow_with_rows(client, coordinator, count_queries):
    client.force_login(coordinator)
    make(2, kind="a")
    small = count_queries(lambda: client.get(OUTBOX))
    make(6, kind="b")
    large = count_queries(lambda: client.get(OUTBOX))
    assert small == large


def test_detail_shows_text_sandboxed_html_and_calendar(client, coordinator):
    notification = make(
        body_html='<p onclick="x()">Hallo "ouder"</p>',
        ics="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        ics_method="REQUEST",
    )[0]
    client.force_login(coordinator)
    response = client.get(detail_url(notification))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Je kind is ingeschreven." in content
    html_url = reverse("notifications:outbox_html", args=[notification.pk])
    assert f'sandbox="" src="{html_url}"' in content
    assert "<iframe" in content and 'title="' in content
    assert "METHOD:REQUEST" in content
    # The mail's HTML comes from its own address, where nothing may run or load and only this
    # site may frame it; its inline styles are allowed there and nowhere else.
    framed = client.get(html_url)
    assert framed.content.decode() == '<p onclick="x()">Hallo "ouder"</p>'
    policy = framed["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy
    assert "frame-ancestors 'self'" in policy and "script-src" not in policy
    assert framed["X-Frame-Options"] == "SAMEORIGIN"


def test_detail_of_a_missing_row_is_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("notifications:outbox_detail", args=[999999])).status_code == 404


def test_resend_queues_a_failed_row_again(client, coordinator, django_capture_on_commit_callbacks):
    notification = make(status=Notification.Status.FAILED, attempts=5, last_error="550")[0]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(notification))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert len(mail.outbox) == 1


def test_resend_leaves_a_sent_row_alone(client, coordinator):
    notification = make(status=Notification.Status.SENT)[0]
    login(client, coordinator)
    response = client.post(resend_url(notification), follow=True)
    assert "Only a message that failed can be sent again." in response.content.decode()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert mail.outbox == []


def test_resend_needs_post(client, coordinator):
    notification = make(status=Notification.Status.FAILED)[0]
    client.force_login(coordinator)
    assert client.get(resend_url(notification)).status_code == 405
