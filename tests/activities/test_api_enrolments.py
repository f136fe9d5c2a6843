"""The activities API on enrolments: enrolling (first come, waiting list, lottery, siblings),
every refusal a 4xx with its code, reading them, cancelling, and answering an offered place."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from rest_framework import serializers

from accounts.roles import roles_for
from activities import services
from activities.api import VisibleActivityField, _visible
from activities.models import Activity, Enrolment
from tests import factories
from tests.activities.helpers import enrol
from tests.clock import ENROLLING as NOW
from tests.helpers import API, api_get, api_post, ids, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# --- enrolments: create ---------------------------------------------------------------------


def test_enrolling_answers_201_with_the_status(client, parent, child, activity):
    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
    )

    assert response.status_code == 201, response.content
    enrolment = Enrolment.objects.get(child=child)
    assert response.json() == {
        "id": enrolment.pk,
        "child": {"id": child.pk, "first_name": child.first_name},
        "activity": {"id": activity.pk, "title": activity.title},
        "status": "confirmed",
        "waitlist_position": None,
        "offer_expires_at": None,
        "choice_rank": 1,
        "siblings_together": False,
        "applied_at": "2026-12-01T13:00:00+01:00",
    }


def test_a_full_activity_answers_waitlisted_with_the_position(client, parent, school, activity):
    for kid in factories.ChildFactory.create_batch(3, school=school):
        enrol(activity, kid)  # two places taken, one child waiting
    child = factories.ChildFactory(guardian=parent, school=school)

    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2


def test_a_lottery_activity_answers_applied(client, parent, child, school):
    lottery = factories.LotteryActivityFactory(school=school)

    response = api_post(
        login(client, parent),
        f"{API}/enrolments/",
        {"child": child.pk, "activity": lottery.pk, "choice_rank": 2},
    )

    assert response.status_code == 201
    assert response.json()["status"] == "applied"
    assert response.json()["choice_rank"] == 2


def test_siblings_enrol_together_and_get_a_list(client, parent, child, school, activity):
    sister = factories.ChildFactory(guardian=parent, school=school, grade=7)

    response = api_post(
        login(client, parent),
        f"{API}/enrolments/",
        {"children": [child.pk, sister.pk], "activity": activity.pk},
    )

    assert response.status_code == 201
    body = response.json()
    assert [row["child"]["id"] for row in body] == [child.pk, sister.pk]
    assert {row["status"] for row in body} == {"confirmed"}
    assert all(row["siblings_together"] for row in body)


def test_siblings_wait_together_when_only_one_place_is_left(client, parent, child, school):
    activity = factories.ActivityFactory(school=school, capacity=1)
    sister = factories.ChildFactory(guardian=parent, school=school)

    response = api_post(
        login(client, parent),
        f"{API}/enrolments/",
        {"children": [child.pk, sister.pk], "activity": activity.pk},
    )

    assert response.status_code == 201
    assert [row["status"] for row in response.json()] == ["waitlisted", "waitlisted"]
    assert [row["waitlist_position"] for row in response.json()] == [1, 2]


@pytest.mark.parametrize("whose", ["unknown", "other_parent"])
def test_a_child_not_yours_is_404_and_nothing_is_saved(
    client, parent, child, other_parent, activity, whose
):
    theirs = 999999 if whose == "unknown" else factories.ChildFactory(guardian=other_parent).pk
    client = login(client, parent)

    one = api_post(client, f"{API}/enrolments/", {"child": theirs, "activity": activity.pk})
    both = api_post(
        client, f"{API}/enrolments/", {"children": [child.pk, theirs], "activity": activity.pk}
    )

    for response in (one, both):
        assert response.status_code == 404
        assert response.json() == {
            "detail": "We could not find this child.",
            "code": "not_your_child",
        }
    assert not Enrolment.objects.exists()


def test_a_closed_window_is_409_with_its_code(client, parent, child, activity):
    with time_machine.travel(dt.datetime(2027, 2, 2, tzinfo=dt.UTC), tick=False):
        response = api_post(
            login(client, parent),
            f"{API}/enrolments/",
            {"child": child.pk, "activity": activity.pk},
        )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Enrolment for this activity is not open now.",
        "code": "window_closed",
    }
    assert not Enrolment.objects.exists()


def test_enrolling_twice_is_409_duplicate(client, parent, child, activity):
    enrol(activity, child)

    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert Enrolment.objects.count() == 1


def test_a_wrong_grade_is_400_with_its_code(client, parent, school):
    toddler = factories.ChildFactory(guardian=parent, school=school, grade=1)
    activity = factories.ActivityFactory(school=school)  # grades 3 to 8

    response = api_post(
        login(client, parent),
        f"{API}/enrolments/",
        {"child": toddler.pk, "activity": activity.pk},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_grade"


def test_an_overlapping_activity_is_409_overlap(client, parent, child, school, activity):
    enrol(activity, child)
    same_time = factories.ActivityFactory(school=school)

    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": same_time.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "overlap"


def test_staff_enrolling_their_child_in_their_own_draft_is_409_not_published(
    client, staff, school, draft
):
    own = factories.ChildFactory(guardian=staff, school=school)

    response = api_post(
        login(client, staff), f"{API}/enrolments/", {"child": own.pk, "activity": draft.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_published"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "child"),
        ({"child": 1, "children": [1]}, "child"),
        ({"children": []}, "children"),
        ({"children": ["x"]}, "children"),
        ({"children": [7, 7]}, "children"),
        # Longer than any key: refused, not sent to the database (SQLite would overflow).
        ({"child": 10**25}, "child"),
        ({"children": [7, 10**25]}, "children"),
        ({"choice_rank": 0}, "choice_rank"),
    ],
)
def test_bad_enrolment_input_is_a_400_naming_the_field(client, parent, activity, data, field):
    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"activity": activity.pk, **data}
    )

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("which", ["draft", "missing"])
def test_an_activity_you_cannot_see_is_a_400_naming_activity(client, parent, child, draft, which):
    pk = draft.pk if which == "draft" else 999999

    response = api_post(
        login(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": pk}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["activity"]


@pytest.mark.parametrize(
    "value", ["published", "as text", "draft", 0, -1, 10**25, "abc", "7x", True, [1], {"id": 1}]
)
def test_a_parents_activity_field_answers_as_the_visible_queryset_does(
    parent, activity, draft, value
):
    """For a parent the field reads a prepared statement, not its queryset: same answers."""
    found = value in ("published", "as text")
    value = {"published": activity.pk, "as text": str(activity.pk), "draft": draft.pk}.get(
        str(value), value
    )
    request = SimpleNamespace(roles=roles_for(parent))

    def answer(field):
        field.bind("activity", serializers.Serializer(context={"request": request}))
        try:
            return field.to_internal_value(value)
        except serializers.ValidationError as refused:
            return refused.detail

    prepared = answer(VisibleActivityField(queryset=Activity.objects.none()))
    queryset = Activity.objects.filter(_visible(request.roles))

    assert prepared == answer(serializers.PrimaryKeyRelatedField(queryset=queryset))
    assert (prepared == activity) is found


def test_a_parents_activity_field_refuses_a_fraction(parent, activity):
    """The ORM would read 1.5 as 1; the prepared read says it is not an id."""
    field = VisibleActivityField(queryset=Activity.objects.none())
    field.bind(
        "activity",
        serializers.Serializer(context={"request": SimpleNamespace(roles=roles_for(parent))}),
    )

    with pytest.raises(serializers.ValidationError) as refused:
        field.to_internal_value(float(activity.pk) + 0.5)

    assert refused.value.detail[0].code == "incorrect_type"


# --- enrolments: read and answer ------------------------------------------------------------


def test_parent_lists_only_their_childrens_enrolments_with_positions(
    client, parent, child, school, other_parent
):
    full = factories.ActivityFactory(school=school, capacity=1)
    enrol(full, factories.ChildFactory(guardian=other_parent, school=school))
    waiting = [
        enrol(full, factories.ChildFactory(guardian=other_parent, school=school)),
        enrol(full, child),
    ]
    mine = enrol(factories.ActivityFactory(school=school, weekday=3), child)

    body = api_get(login(client, parent), f"{API}/enrolments/").json()

    positions = {row["id"]: row["waitlist_position"] for row in body["results"]}
    assert positions == {waiting[1].pk: 2, mine.pk: None}
    assert services.waitlist_position(waiting[1]) == 2


def test_enrolments_filter_by_child_and_status(client, parent, child, school, activity):
    sister = factories.ChildFactory(guardian=parent, school=school)
    one = enrol(activity, child)
    two = enrol(activity, sister)
    services.enrolment_cancel(enrolment=two, now=NOW)
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/enrolments/", child=child.pk)) == {one.pk}
    assert ids(api_get(client, f"{API}/enrolments/", status="cancelled")) == {two.pk}


@pytest.mark.parametrize("outsider", ["other_parent", "staff", "outsider_staff", "coordinator"])
def test_someone_elses_enrolment_is_404_to_read_or_answer(
    client, request, child, activity, outsider
):
    enrolment = enrol(activity, child)
    client = login(client, request.getfixturevalue(outsider))

    assert api_get(client, f"{API}/enrolments/{enrolment.pk}/").status_code == 404
    for verb in ("cancel", "accept", "decline"):
        assert api_post(client, f"{API}/enrolments/{enrolment.pk}/{verb}/").status_code == 404
    assert ids(api_get(client, f"{API}/enrolments/")) == set()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_cancel_ends_the_enrolment_and_offers_the_place_to_the_next(
    client, parent, child, school, activity
):
    mine = enrol(activity, child)
    enrol(activity, factories.ChildFactory(school=school))
    waiting = enrol(activity, factories.ChildFactory(school=school))
    client = login(client, parent)

    response = api_post(client, f"{API}/enrolments/{mine.pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED
    again = api_post(client, f"{API}/enrolments/{mine.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "not_active"


@pytest.fixture
def offered(child, school):
    """The parent's child holds an offer for the last place; another child waits behind."""
    activity = factories.ActivityFactory(school=school, capacity=1)
    first = enrol(activity, factories.ChildFactory(school=school))
    mine = enrol(activity, child)
    behind = enrol(activity, factories.ChildFactory(school=school))
    services.enrolment_cancel(enrolment=first, now=NOW)
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.OFFERED
    return mine, behind


def test_accepting_an_open_offer_confirms_the_place(client, parent, offered):
    mine, _behind = offered

    response = api_post(login(client, parent), f"{API}/enrolments/{mine.pk}/accept/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["offer_expires_at"] is None


def test_an_open_offer_shows_its_deadline(client, parent, offered):
    mine, _behind = offered

    body = api_get(login(client, parent), f"{API}/enrolments/{mine.pk}/").json()

    assert body["status"] == "offered"
    assert body["offer_expires_at"] == "2026-12-03T13:00:00+01:00"


def test_declining_an_offer_passes_the_place_on(client, parent, offered):
    mine, behind = offered

    response = api_post(login(client, parent), f"{API}/enrolments/{mine.pk}/decline/")

    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    behind.refresh_from_db()
    assert behind.status == Enrolment.Status.OFFERED


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_an_expired_offer_is_409_offer_not_open_and_nothing_changes(client, parent, offered, verb):
    mine, behind = offered

    with time_machine.travel(NOW + dt.timedelta(hours=49), tick=False):
        response = api_post(login(client, parent), f"{API}/enrolments/{mine.pk}/{verb}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This offer has expired or was already answered.",
        "code": "offer_not_open",
    }
    mine.refresh_from_db()
    behind.refresh_from_db()
    assert (mine.status, behind.status) == (Enrolment.Status.OFFERED, Enrolment.Status.WAITLISTED)


def test_accepting_a_place_that_was_never_offered_is_409(client, parent, child, activity):
    enrolment = enrol(activity, child)

    response = api_post(login(client, parent), f"{API}/enrolments/{enrolment.pk}/accept/")

    assert response.status_code == 409
    assert response.json()["code"] == "offer_not_open"
