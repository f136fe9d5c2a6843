"""A class asks once: one live request of a kind per group at overlapping times, and a request
sent twice (the Back button, a double click, an API retry) is made once. Runs on Monday
2 November 2026, 09:00 (tests/scheduler/conftest)."""

import uuid

import pytest
from django.urls import reverse

from scheduler import errors, services
from scheduler.models import SessionRequest
from tests import factories
from tests.clock import NOW, THURSDAY, TUESDAY, at
from tests.helpers import api_post, login
from tests.scheduler.conftest import make_request
from tests.scheduler.test_api_requests import URL, body, window
from tests.scheduler.test_services_requests import create
from tests.scheduler.test_staff_views import CREATE, detail_url, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- the rule: one live request of a kind per group at overlapping times ---------------------


def test_an_overlapping_second_request_is_refused_naming_the_first(vo_school, group, vo_staff):
    first = create(vo_school, group, vo_staff)

    with pytest.raises(errors.DuplicateRequest) as refused:
        create(vo_school, group, vo_staff, windows=[(at(TUESDAY, 11), at(TUESDAY, 13))])

    assert refused.value.existing == first
    assert refused.value.status == 409
    assert refused.value.body()["existing"] == first.pk
    assert f"Group {group.name} already has a request" in str(refused.value.message)
    assert "10-11-2026 10:00" in str(refused.value.message)
    assert SessionRequest.objects.count() == 1


@pytest.mark.parametrize("status", ["offered", "confirmed"])
def test_a_request_on_its_way_counts_as_live(vo_school, group, vo_staff, status):
    make_request(vo_school, group, vo_staff, status=status)

    with pytest.raises(errors.DuplicateRequest):
        create(vo_school, group, vo_staff)


@pytest.mark.parametrize("status", ["cancelled", "done"])
def test_a_cancelled_or_past_request_leaves_room_for_a_new_one(vo_school, group, vo_staff, status):
    make_request(vo_school, group, vo_staff, status=status)

    assert create(vo_school, group, vo_staff).status == SessionRequest.Status.OPEN


def test_times_that_only_touch_or_another_day_are_no_overlap(vo_school, group, vo_staff):
    create(vo_school, group, vo_staff)  # Tuesday 10:00-12:00

    create(vo_school, group, vo_staff, windows=[(at(TUESDAY, 12), at(TUESDAY, 14))])
    create(vo_school, group, vo_staff, windows=[(at(THURSDAY, 10), at(THURSDAY, 12))])

    assert SessionRequest.objects.filter(group=group).count() == 3


def test_another_kind_or_another_group_is_no_duplicate(vo_school, group, vo_staff, kit):
    create(vo_school, group, vo_staff)
    other_group = factories.GroupFactory(school=vo_school, pupils=20)

    create(vo_school, group, vo_staff, kind="vr")
    create(vo_school, other_group, vo_staff)

    assert SessionRequest.objects.count() == 3


def test_new_times_that_overlap_another_live_request_are_refused(vo_school, group, vo_staff):
    first = create(vo_school, group, vo_staff)
    second = create(vo_school, group, vo_staff, windows=[(at(THURSDAY, 10), at(THURSDAY, 12))])

    with pytest.raises(errors.DuplicateRequest) as refused:
        services.request_reschedule(
            session_request=second, windows=[(at(TUESDAY, 9), at(TUESDAY, 11))], now=NOW
        )

    assert refused.value.existing == first
    assert [(w.starts_at, w.ends_at) for w in second.windows.all()] == [
        (at(THURSDAY, 10), at(THURSDAY, 12))
    ]


def test_new_times_may_overlap_the_request_own_old_times(vo_school, group, vo_staff):
    first = create(vo_school, group, vo_staff)

    services.request_reschedule(
        session_request=first, windows=[(at(TUESDAY, 11), at(TUESDAY, 13))], now=NOW
    )

    assert first.windows.get().starts_at == at(TUESDAY, 11)


# --- the same submission key makes one request ---------------------------------------------


def test_the_same_submission_key_gives_back_the_first_request(vo_school, group, vo_staff):
    key = uuid.uuid4()
    first = create(vo_school, group, vo_staff, submission_key=key)

    again = create(vo_school, group, vo_staff, submission_key=key)

    assert again == first
    assert SessionRequest.objects.get().submission_key == key


# --- the page -------------------------------------------------------------------------------


def test_a_resubmitted_request_form_makes_one_request_and_shows_the_first(client, group, vo_staff):
    login(client, vo_staff)
    page = client.get(CREATE)
    key = page.context["form"]["submission_key"].value()
    data = form_data(group, **{"submission_key": key})

    first = client.post(CREATE, data)
    again = client.post(CREATE, data, follow=True)

    session_request = SessionRequest.objects.get()
    assert first.url == detail_url(session_request)
    assert again.redirect_chain == [(detail_url(session_request), 302)]
    assert "it was saved once" in again.content.decode()
    assert session_request.submission_key is not None


def test_changed_after_back_the_form_makes_a_new_request(client, group, vo_staff, vo_school):
    """The browser puts the key back after Back; with other data it is a new request."""
    login(client, vo_staff)
    key = client.get(CREATE).context["form"]["submission_key"].value()
    other_group = factories.GroupFactory(school=vo_school, pupils=20, name="2B")
    client.post(CREATE, form_data(group, submission_key=key))

    response = client.post(CREATE, form_data(other_group, submission_key=key))

    second = SessionRequest.objects.get(group=other_group)
    assert response.url == detail_url(second)
    assert SessionRequest.objects.count() == 2


def test_a_second_form_for_the_same_times_shows_the_first_with_a_link(client, group, vo_staff):
    login(client, vo_staff)
    client.post(CREATE, form_data(group, submission_key=str(uuid.uuid4())))

    response = client.post(CREATE, form_data(group, submission_key=str(uuid.uuid4())))

    first = SessionRequest.objects.get()
    assert response.status_code == 200
    html = response.content.decode()
    assert "already has a request at an overlapping time" in html
    assert f'href="{detail_url(first)}"' in html


def test_a_form_without_a_key_still_works(client, group, vo_staff):
    login(client, vo_staff)

    response = client.post(CREATE, form_data(group, submission_key="not-a-key"))

    assert response.status_code == 302
    assert SessionRequest.objects.get().submission_key is None


def test_another_person_cannot_replay_a_key(client, group, vo_staff, vo_school):
    """The key is the person's: a colleague sending the same key makes their own attempt."""
    login(client, vo_staff)
    key = str(uuid.uuid4())
    client.post(CREATE, form_data(group, submission_key=key))
    colleague = factories.staff(vo_school)
    login(client, colleague)

    response = client.post(CREATE, form_data(group, submission_key=key))

    assert response.status_code == 200  # refused as a duplicate, not shown the first as theirs
    assert "already has a request at an overlapping time" in response.content.decode()


# --- the API: Idempotency-Key ----------------------------------------------------------------


def post(client, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        URL, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers
    )


def test_a_retry_with_the_same_key_answers_the_first_request(client, group, vo_staff):
    login(client, vo_staff)

    first = post(client, body(group), key="retry-1")
    again = post(client, body(group), key="retry-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert SessionRequest.objects.count() == 1


def test_the_same_key_with_other_data_is_a_422(client, group, vo_staff):
    login(client, vo_staff)
    post(client, body(group), key="retry-2")

    response = post(client, body(group, window("2026-11-12", "10:00", "12:00")), key="retry-2")

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert SessionRequest.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "sleutel\N{LATIN SMALL LETTER E WITH ACUTE}"])
def test_a_malformed_key_is_a_400_naming_the_header(client, group, vo_staff, key):
    response = post(login(client, vo_staff), body(group), key=key)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not SessionRequest.objects.exists()


def test_an_overlapping_request_is_a_409_naming_the_first(client, group, vo_staff):
    login(client, vo_staff)
    first = api_post(client, URL, body(group)).json()

    response = api_post(client, URL, body(group, window("2026-11-10", "11:00", "13:00")))

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_request"
    assert response.json()["existing"] == first["id"]


def test_an_outsider_with_the_same_key_gets_nothing_of_the_first(
    client, group, vo_staff, other_staff
):
    login(client, vo_staff)
    first = post(client, body(group), key="shared-key").json()
    login(client, other_staff)

    response = post(client, body(group), key="shared-key")

    assert response.status_code == 400  # not their group; the first request stays unseen
    assert "group" in response.json()
    assert str(first["id"]) not in response.content.decode()
    assert SessionRequest.objects.count() == 1


def test_a_parent_with_a_key_is_refused_before_anything(client, group):
    parent = factories.UserFactory()

    response = post(login(client, parent), body(group), key="k")

    assert response.status_code == 403


def test_the_schema_documents_the_header_and_the_replay(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")

    operation = schema.json()["paths"]["/api/v1/session-requests/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
    assert {"200", "201", "409", "422"} <= set(operation["responses"])
