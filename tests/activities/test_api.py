"""The activities API: browsing, a parent's children and enrolments, offers, and the staff
register; every object scoped to its owner, every refusal a 4xx with a reason."""

import datetime as dt

import pytest
import time_machine

from activities import services
from activities.models import Activity, Attendance, Child, Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # inside the factories' enrolment window


@pytest.fixture(autouse=True)
def _fixed_now():
    with time_machine.travel(NOW, tick=False):
        yield


def as_user(client, user):
    client.force_login(user)
    # The person's own language (Dutch by default) wins over Accept-Language; the cookie wins
    # over both, so messages asserted below are English.
    client.cookies["django_language"] = "en"
    return client


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT="application/json")


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def enrol(child, activity) -> Enrolment:
    return services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=NOW
    )


@pytest.fixture
def activity(school):
    return factories.ActivityFactory(school=school, capacity=2)


@pytest.fixture
def child(parent, school):
    return factories.ChildFactory(guardian=parent, school=school, grade=5)


@pytest.fixture
def other_parent(db):
    return factories.parent()


# --- activities: what is shown ------------------------------------------------------------


def test_activity_detail_shows_sessions_places_waiting_list_allocation_and_window(
    client, parent, activity
):
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    first = activity.occurrences.first()
    services.occurrence_cancel(occurrence=first, reason="Studiedag", now=NOW)
    for kid in factories.ChildFactory.create_batch(3, school=activity.school):
        enrol(kid, activity)

    body = get(as_user(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["places_left"] == 0
    assert body["waitlist_length"] == 1
    assert body["allocation"] == "first_come"
    assert body["enrolment_window"] == {
        "opens_at": "2026-11-01T10:00:00+01:00",
        "closes_at": "2027-02-01T00:00:00+01:00",
        "is_open": True,
    }
    assert body["school"] == {"id": activity.school_id, "name": activity.school.name}
    assert body["neighbourhood"]["id"] == activity.school.neighbourhood_id
    assert len(body["occurrences"]) == activity.occurrences.count() == 13
    assert body["occurrences"][0] == {
        "id": first.pk,
        "date": "2027-01-06",
        "starts_at": "2027-01-06T14:00:00+01:00",
        "ends_at": "2027-01-06T15:30:00+01:00",
        "cancelled": True,
        "cancel_reason": "Studiedag",
    }
    assert body["occurrences"][1]["cancelled"] is False


def test_activity_list_shows_places_left_but_not_the_sessions(client, parent, activity):
    body = get(as_user(client, parent), f"{API}/activities/").json()

    (row,) = body["results"]
    assert row["places_left"] == 2
    assert row["waitlist_length"] == 0
    assert "occurrences" not in row


def test_an_activity_at_a_venue_shows_the_venues_neighbourhood(client, parent, school):
    venue = factories.VenueFactory(neighbourhood__municipality=school.neighbourhood.municipality)
    activity = factories.ActivityFactory(school=school, venue=venue)

    body = get(as_user(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["venue"] == {"id": venue.pk, "name": venue.name}
    assert body["neighbourhood"] == {"id": venue.neighbourhood_id, "name": venue.neighbourhood.name}


def test_the_window_shows_closed_once_enrolment_has_closed(client, parent, activity):
    with time_machine.travel(dt.datetime(2027, 2, 2, tzinfo=dt.UTC), tick=False):
        body = get(as_user(client, parent), f"{API}/activities/{activity.pk}/").json()

    assert body["enrolment_window"]["is_open"] is False


# --- activities: who sees what --------------------------------------------------------------


@pytest.fixture
def draft(school):
    return factories.ActivityFactory(school=school, status=Activity.Status.DRAFT)


@pytest.fixture
def elsewhere(other_school):
    return factories.ActivityFactory(school=other_school)


def test_parent_sees_every_published_activity_but_no_draft(
    client, parent, activity, draft, elsewhere
):
    client = as_user(client, parent)

    assert ids(get(client, f"{API}/activities/")) == {activity.pk, elsewhere.pk}
    assert get(client, f"{API}/activities/{draft.pk}/").status_code == 404


def test_staff_also_see_their_own_schools_drafts(client, staff, activity, draft, elsewhere):
    client = as_user(client, staff)

    assert ids(get(client, f"{API}/activities/")) == {activity.pk, draft.pk, elsewhere.pk}
    assert get(client, f"{API}/activities/{draft.pk}/").json()["status"] == "draft"


def test_coordinator_sees_the_drafts_of_their_municipality(client, coordinator, draft):
    assert get(as_user(client, coordinator), f"{API}/activities/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("outsider", ["outsider_staff", "outsider_coordinator", "other_parent"])
def test_outsiders_get_404_on_a_draft_and_do_not_list_it(client, request, draft, outsider):
    client = as_user(client, request.getfixturevalue(outsider))

    assert get(client, f"{API}/activities/{draft.pk}/").status_code == 404
    assert draft.pk not in ids(get(client, f"{API}/activities/"))


@pytest.mark.parametrize("path", ["activities/", "children/", "enrolments/"])
def test_anonymous_gets_403_on_lists(client, activity, path):
    response = client.get(f"{API}/{path}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_anonymous_gets_403_on_details_and_writes(client, activity, child):
    enrolment = factories.EnrolmentFactory(child=child, activity=activity)

    assert client.get(f"{API}/activities/{activity.pk}/").status_code == 403
    assert client.get(f"{API}/children/{child.pk}/").status_code == 403
    assert (
        post(client, f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}).status_code
        == 403
    )
    assert post(client, f"{API}/enrolments/{enrolment.pk}/cancel/").status_code == 403
    assert get(client, f"{API}/activities/{activity.pk}/register/").status_code == 403


# --- activities: filters --------------------------------------------------------------------


def test_filter_by_school_weekday_category_and_level(client, parent, school, other_school):
    wednesday = factories.ActivityFactory(school=school)
    friday = factories.ActivityFactory(
        school=school, weekday=4, category="culture", title="Theater"
    )
    vo = factories.ActivityFactory(
        school=factories.SchoolFactory(level="vo"), grade_min=1, grade_max=2
    )
    there = factories.ActivityFactory(school=other_school)
    client = as_user(client, parent)
    url = f"{API}/activities/"

    assert ids(get(client, url, school=school.pk)) == {wednesday.pk, friday.pk}
    assert ids(get(client, url, weekday=4)) == {friday.pk}
    assert ids(get(client, url, category="culture")) == {friday.pk}
    assert ids(get(client, url, level="vo")) == {vo.pk}
    assert ids(get(client, url, school=other_school.pk)) == {there.pk}


def test_filter_by_neighbourhood_matches_the_school_or_the_venue(client, parent, school):
    municipality = school.neighbourhood.municipality
    hub = factories.VenueFactory(neighbourhood__municipality=municipality)
    at_school = factories.ActivityFactory(school=school)
    at_hub = factories.ActivityFactory(school=school, venue=hub)
    hub_school = factories.SchoolFactory(neighbourhood=hub.neighbourhood)
    near_hub = factories.ActivityFactory(school=hub_school)
    client = as_user(client, parent)
    url = f"{API}/activities/"

    assert ids(get(client, url, neighbourhood=school.neighbourhood_id)) == {at_school.pk}
    assert ids(get(client, url, neighbourhood=hub.neighbourhood_id)) == {at_hub.pk, near_hub.pk}


def test_filter_by_grade_finds_ranges_that_include_it(client, parent, school):
    young = factories.ActivityFactory(school=school, grade_min=1, grade_max=3)
    old = factories.ActivityFactory(school=school, grade_min=6, grade_max=8)
    client = as_user(client, parent)
    url = f"{API}/activities/"

    assert ids(get(client, url, grade=3)) == {young.pk}
    assert ids(get(client, url, grade=6)) == {old.pk}
    assert ids(get(client, url, grade=5)) == set()


def test_filter_by_places_left(client, parent, school):
    full = factories.ActivityFactory(school=school, capacity=1)
    enrol(factories.ChildFactory(school=school), full)
    free = factories.ActivityFactory(school=school)
    client = as_user(client, parent)
    url = f"{API}/activities/"

    assert ids(get(client, url, places_left="true")) == {free.pk}
    assert ids(get(client, url, places_left="false")) == {full.pk}


def test_search_matches_title_and_description(client, parent, school):
    chess = factories.ActivityFactory(school=school, title="Schaakclub")
    robots = factories.ActivityFactory(school=school, description="We bouwen robots.")
    client = as_user(client, parent)

    assert ids(get(client, f"{API}/activities/", search="schaak")) == {chess.pk}
    assert ids(get(client, f"{API}/activities/", search="robots")) == {robots.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"grade": "six"}, "grade"),
        ({"grade": "9"}, "grade"),
        ({"weekday": "9"}, "weekday"),
        ({"places_left": "maybe"}, "places_left"),
        ({"category": "darts"}, "category"),
        ({"school": "abc"}, "school"),
        ({"neighbourhood": "999999"}, "neighbourhood"),
    ],
)
def test_a_bad_activity_filter_is_a_400_naming_it(client, parent, activity, params, field):
    response = get(as_user(client, parent), f"{API}/activities/", **params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- children -------------------------------------------------------------------------------


def child_data(school, **overrides):
    return {"first_name": "Noor", "school": school.pk, "grade": 5, "consent": True, **overrides}


def test_parent_registers_a_child_with_consent(client, parent, school):
    group = factories.GroupFactory(school=school, grade=5)

    response = post(as_user(client, parent), f"{API}/children/", child_data(school, group=group.pk))

    assert response.status_code == 201, response.content
    child = Child.objects.get(guardian=parent)
    assert response.json() == {
        "id": child.pk,
        "first_name": "Noor",
        "school": school.pk,
        "grade": 5,
        "group": group.pk,
        "neighbourhood": None,
        "consent_at": "2026-12-01T13:00:00+01:00",
    }
    assert child.consent_version == services.CONSENT_VERSION


def test_registering_a_child_makes_the_person_a_parent(client, school):
    user = factories.UserFactory()

    response = post(as_user(client, user), f"{API}/children/", child_data(school))

    assert response.status_code == 201
    user.refresh_from_db()
    assert user.is_parent


@pytest.mark.parametrize("consent", [None, False])
def test_a_child_without_consent_is_a_400_naming_consent(client, parent, school, consent):
    data = child_data(school, consent=consent)
    if consent is None:
        del data["consent"]

    response = post(as_user(client, parent), f"{API}/children/", data)

    assert response.status_code == 400
    assert list(response.json()) == ["consent"]
    assert response.json()["consent"] == ["We need your permission to save this."]
    assert not Child.objects.exists()


@pytest.mark.parametrize(("level", "grade"), [("vo", 7), ("po", 9), ("po", 0)])
def test_a_grade_the_school_type_does_not_have_is_a_400_naming_grade(client, parent, level, grade):
    school = factories.SchoolFactory(level=level)

    response = post(as_user(client, parent), f"{API}/children/", child_data(school, grade=grade))

    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    assert not Child.objects.exists()


def test_a_group_at_another_school_is_a_400_naming_group(client, parent, school, other_school):
    group = factories.GroupFactory(school=other_school)

    response = post(as_user(client, parent), f"{API}/children/", child_data(school, group=group.pk))

    assert response.status_code == 400
    assert response.json() == {"group": ["This group is not at the school you chose."]}


def test_parent_lists_and_changes_only_their_own_children(client, parent, child, other_parent):
    theirs = factories.ChildFactory(guardian=other_parent)
    client = as_user(client, parent)

    assert ids(get(client, f"{API}/children/")) == {child.pk}
    response = client.patch(
        f"{API}/children/{child.pk}/", {"grade": 6}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["grade"] == 6
    child.refresh_from_db()
    assert child.grade == 6
    assert get(client, f"{API}/children/{theirs.pk}/").status_code == 404


def test_moving_a_child_to_a_vo_school_checks_the_grade_against_it(client, parent, child):
    vo = factories.SchoolFactory(level="vo")

    response = as_user(client, parent).patch(
        f"{API}/children/{child.pk}/",
        {"school": vo.pk, "grade": 8},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["grade"]


def test_moving_a_child_to_another_school_drops_the_old_group(client, parent, school):
    child = factories.ChildFactory(
        guardian=parent, school=school, group=factories.GroupFactory(school=school)
    )
    new_school = factories.SchoolFactory()

    response = as_user(client, parent).patch(
        f"{API}/children/{child.pk}/", {"school": new_school.pk}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["group"] is None


@pytest.mark.parametrize("outsider", ["other_parent", "outsider_staff", "staff", "coordinator"])
def test_someone_elses_child_is_404_to_read_change_or_delete(client, request, child, outsider):
    client = as_user(client, request.getfixturevalue(outsider))
    url = f"{API}/children/{child.pk}/"

    assert get(client, url).status_code == 404
    assert client.patch(url, {"grade": 6}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    assert child.pk not in ids(get(client, f"{API}/children/"))
    child.refresh_from_db()
    assert child.grade == 5


def test_deleting_a_child_ends_its_enrolments_and_frees_the_place(
    client, parent, child, activity, other_parent
):
    enrol(child, activity)
    enrol(factories.ChildFactory(school=activity.school), activity)
    waiting = enrol(factories.ChildFactory(guardian=other_parent, school=activity.school), activity)

    response = as_user(client, parent).delete(f"{API}/children/{child.pk}/")

    assert response.status_code == 204
    assert not Child.objects.filter(pk=child.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED


# --- enrolments: create ---------------------------------------------------------------------


def test_enrolling_answers_201_with_the_status(client, parent, child, activity):
    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
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
        enrol(kid, activity)  # two places taken, one child waiting
    child = factories.ChildFactory(guardian=parent, school=school)

    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
    )

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2


def test_a_lottery_activity_answers_applied(client, parent, child, school):
    lottery = factories.LotteryActivityFactory(school=school)

    response = post(
        as_user(client, parent),
        f"{API}/enrolments/",
        {"child": child.pk, "activity": lottery.pk, "choice_rank": 2},
    )

    assert response.status_code == 201
    assert response.json()["status"] == "applied"
    assert response.json()["choice_rank"] == 2


def test_siblings_enrol_together_and_get_a_list(client, parent, child, school, activity):
    sister = factories.ChildFactory(guardian=parent, school=school, grade=7)

    response = post(
        as_user(client, parent),
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

    response = post(
        as_user(client, parent),
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
    client = as_user(client, parent)

    one = post(client, f"{API}/enrolments/", {"child": theirs, "activity": activity.pk})
    both = post(
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
        response = post(
            as_user(client, parent),
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
    enrol(child, activity)

    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": activity.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert Enrolment.objects.count() == 1


def test_a_wrong_grade_is_400_with_its_code(client, parent, school):
    toddler = factories.ChildFactory(guardian=parent, school=school, grade=1)
    activity = factories.ActivityFactory(school=school)  # grades 3 to 8

    response = post(
        as_user(client, parent),
        f"{API}/enrolments/",
        {"child": toddler.pk, "activity": activity.pk},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_grade"


def test_an_overlapping_activity_is_409_overlap(client, parent, child, school, activity):
    enrol(child, activity)
    same_time = factories.ActivityFactory(school=school)

    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": same_time.pk}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "overlap"


def test_staff_enrolling_their_child_in_their_own_draft_is_409_not_published(
    client, staff, school, draft
):
    own = factories.ChildFactory(guardian=staff, school=school)

    response = post(
        as_user(client, staff), f"{API}/enrolments/", {"child": own.pk, "activity": draft.pk}
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
        ({"choice_rank": 0}, "choice_rank"),
    ],
)
def test_bad_enrolment_input_is_a_400_naming_the_field(client, parent, activity, data, field):
    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"activity": activity.pk, **data}
    )

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("which", ["draft", "missing"])
def test_an_activity_you_cannot_see_is_a_400_naming_activity(client, parent, child, draft, which):
    pk = draft.pk if which == "draft" else 999999

    response = post(
        as_user(client, parent), f"{API}/enrolments/", {"child": child.pk, "activity": pk}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["activity"]


# --- enrolments: read and answer ------------------------------------------------------------


def test_parent_lists_only_their_childrens_enrolments_with_positions(
    client, parent, child, school, other_parent
):
    full = factories.ActivityFactory(school=school, capacity=1)
    enrol(factories.ChildFactory(guardian=other_parent, school=school), full)
    waiting = [
        enrol(factories.ChildFactory(guardian=other_parent, school=school), full),
        enrol(child, full),
    ]
    mine = enrol(child, factories.ActivityFactory(school=school, weekday=3))

    body = get(as_user(client, parent), f"{API}/enrolments/").json()

    positions = {row["id"]: row["waitlist_position"] for row in body["results"]}
    assert positions == {waiting[1].pk: 2, mine.pk: None}
    assert services.waitlist_position(waiting[1]) == 2


def test_enrolments_filter_by_child_and_status(client, parent, child, school, activity):
    sister = factories.ChildFactory(guardian=parent, school=school)
    one = enrol(child, activity)
    two = enrol(sister, activity)
    services.enrolment_cancel(enrolment=two, now=NOW)
    client = as_user(client, parent)

    assert ids(get(client, f"{API}/enrolments/", child=child.pk)) == {one.pk}
    assert ids(get(client, f"{API}/enrolments/", status="cancelled")) == {two.pk}


@pytest.mark.parametrize("outsider", ["other_parent", "staff", "outsider_staff", "coordinator"])
def test_someone_elses_enrolment_is_404_to_read_or_answer(
    client, request, child, activity, outsider
):
    enrolment = enrol(child, activity)
    client = as_user(client, request.getfixturevalue(outsider))

    assert get(client, f"{API}/enrolments/{enrolment.pk}/").status_code == 404
    for verb in ("cancel", "accept", "decline"):
        assert post(client, f"{API}/enrolments/{enrolment.pk}/{verb}/").status_code == 404
    assert ids(get(client, f"{API}/enrolments/")) == set()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONFIRMED


def test_cancel_ends_the_enrolment_and_offers_the_place_to_the_next(
    client, parent, child, school, activity
):
    mine = enrol(child, activity)
    enrol(factories.ChildFactory(school=school), activity)
    waiting = enrol(factories.ChildFactory(school=school), activity)
    client = as_user(client, parent)

    response = post(client, f"{API}/enrolments/{mine.pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED
    again = post(client, f"{API}/enrolments/{mine.pk}/cancel/")
    assert again.status_code == 409
    assert again.json()["code"] == "not_active"


@pytest.fixture
def offered(child, school):
    """The parent's child holds an offer for the last place; another child waits behind."""
    activity = factories.ActivityFactory(school=school, capacity=1)
    first = enrol(factories.ChildFactory(school=school), activity)
    mine = enrol(child, activity)
    behind = enrol(factories.ChildFactory(school=school), activity)
    services.enrolment_cancel(enrolment=first, now=NOW)
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.OFFERED
    return mine, behind


def test_accepting_an_open_offer_confirms_the_place(client, parent, offered):
    mine, _behind = offered

    response = post(as_user(client, parent), f"{API}/enrolments/{mine.pk}/accept/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["offer_expires_at"] is None


def test_an_open_offer_shows_its_deadline(client, parent, offered):
    mine, _behind = offered

    body = get(as_user(client, parent), f"{API}/enrolments/{mine.pk}/").json()

    assert body["status"] == "offered"
    assert body["offer_expires_at"] == "2026-12-03T13:00:00+01:00"


def test_declining_an_offer_passes_the_place_on(client, parent, offered):
    mine, behind = offered

    response = post(as_user(client, parent), f"{API}/enrolments/{mine.pk}/decline/")

    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    behind.refresh_from_db()
    assert behind.status == Enrolment.Status.OFFERED


@pytest.mark.parametrize("verb", ["accept", "decline"])
def test_an_expired_offer_is_409_offer_not_open_and_nothing_changes(client, parent, offered, verb):
    mine, behind = offered

    with time_machine.travel(NOW + dt.timedelta(hours=49), tick=False):
        response = post(as_user(client, parent), f"{API}/enrolments/{mine.pk}/{verb}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This offer has expired or was already answered.",
        "code": "offer_not_open",
    }
    mine.refresh_from_db()
    behind.refresh_from_db()
    assert (mine.status, behind.status) == (Enrolment.Status.OFFERED, Enrolment.Status.WAITLISTED)


def test_accepting_a_place_that_was_never_offered_is_409(client, parent, child, activity):
    enrolment = enrol(child, activity)

    response = post(as_user(client, parent), f"{API}/enrolments/{enrolment.pk}/accept/")

    assert response.status_code == 409
    assert response.json()["code"] == "offer_not_open"


# --- attendance -----------------------------------------------------------------------------


@pytest.fixture
def session(activity):
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity.occurrences.first()


@pytest.fixture
def places(activity, school):
    """Two children with a place and one waiting."""
    kids = [factories.ChildFactory(school=school, first_name=name) for name in "ABC"]
    return [enrol(kid, activity) for kid in kids]


def register_url(activity):
    return f"{API}/activities/{activity.pk}/register/"


def test_staff_read_the_register_of_a_session(client, staff, activity, session, places):
    body = get(as_user(client, staff), register_url(activity), occurrence=session.pk).json()

    assert body["occurrence"]["id"] == session.pk
    assert body["register"] == [
        {"enrolment_id": places[0].pk, "child": "A", "grade": 5, "mark": None},
        {"enrolment_id": places[1].pk, "child": "B", "grade": 5, "mark": None},
    ]


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_staff_and_coordinators_save_marks(client, request, activity, session, places, who):
    marks = {str(places[0].pk): "present", str(places[1].pk): "excused"}

    response = post(
        as_user(client, request.getfixturevalue(who)),
        register_url(activity),
        {"occurrence": session.pk, "marks": marks},
    )

    assert response.status_code == 200, response.content
    assert [row["mark"] for row in response.json()["register"]] == ["present", "excused"]
    saved = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert saved == {places[0].pk: "present", places[1].pk: "excused"}


def test_saving_again_changes_the_mark(client, staff, activity, session, places):
    client = as_user(client, staff)
    url = register_url(activity)
    post(client, url, {"occurrence": session.pk, "marks": {str(places[0].pk): "absent"}})

    post(client, url, {"occurrence": session.pk, "marks": {str(places[0].pk): "present"}})

    assert Attendance.objects.get().status == "present"


@pytest.mark.parametrize(
    "outsider", ["outsider_staff", "outsider_coordinator", "parent", "other_parent"]
)
def test_outsiders_get_404_on_the_register(client, request, activity, session, places, outsider):
    client = as_user(client, request.getfixturevalue(outsider))
    url = register_url(activity)

    assert get(client, url, occurrence=session.pk).status_code == 404
    marks = {str(places[0].pk): "present"}
    assert post(client, url, {"occurrence": session.pk, "marks": marks}).status_code == 404
    assert not Attendance.objects.exists()


def test_a_session_of_another_activity_is_400_naming_occurrence(
    client, staff, school, activity, session
):
    other = factories.ActivityFactory(school=school, weekday=3)
    services.occurrences_regenerate(activity=other, today=NOW.date())
    client = as_user(client, staff)

    assert list(get(client, register_url(activity)).json()) == ["occurrence"]
    response = get(client, register_url(activity), occurrence=other.occurrences.first().pk)
    assert response.status_code == 400
    assert list(response.json()) == ["occurrence"]


@pytest.mark.parametrize("bad", ["waiting", "unknown_status", "not_a_number", "empty"])
def test_bad_marks_are_a_400_naming_marks_and_nothing_is_saved(
    client, staff, activity, session, places, bad
):
    marks = {
        "waiting": {str(places[0].pk): "present", str(places[2].pk): "present"},
        "unknown_status": {str(places[0].pk): "late"},
        "not_a_number": {"abc": "present"},
        "empty": {},
    }[bad]

    response = post(
        as_user(client, staff), register_url(activity), {"occurrence": session.pk, "marks": marks}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["marks"]
    assert not Attendance.objects.exists()


# --- query counts: equal at two data sizes --------------------------------------------------


def grow(school, guardian, n: int) -> None:
    """n more activities (and n drafts), each with a child of `guardian` in the place and
    another child waiting, so every list grows for every role."""
    for _ in range(n):
        activity = factories.ActivityFactory(school=school, capacity=1)
        enrol(factories.ChildFactory(guardian=guardian, school=school), activity)
        enrol(factories.ChildFactory(school=school), activity)
        factories.ActivityFactory(school=school, status=Activity.Status.DRAFT)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("parent", "activities/"),
        ("staff", "activities/"),
        ("coordinator", "activities/"),
        ("parent", "children/"),
        ("parent", "enrolments/"),
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    client, count_queries, request, school, parent, role, path
):
    client = as_user(client, request.getfixturevalue(role))
    counts = []

    def fetch():
        response = get(client, f"{API}/{path}")
        assert response.status_code == 200
        counts.append(response.json()["count"])

    grow(school, parent, 2)
    small = count_queries(fetch)
    grow(school, parent, 6)
    large = count_queries(fetch)

    assert small == large
    assert counts[1] > counts[0]


def test_register_query_count_does_not_grow_with_children(
    client, count_queries, staff, school, session
):
    activity = session.activity
    Activity.objects.filter(pk=activity.pk).update(capacity=50)
    client = as_user(client, staff)
    rows = []

    def add(n):
        for kid in factories.ChildFactory.create_batch(n, school=school):
            enrolment = enrol(kid, activity)
            Attendance.objects.create(occurrence=session, enrolment=enrolment, status="present")

    def fetch():
        response = get(client, register_url(activity), occurrence=session.pk)
        assert response.status_code == 200
        rows.append(len(response.json()["register"]))

    add(2)
    small = count_queries(fetch)
    add(6)
    large = count_queries(fetch)

    assert small == large
    assert rows == [2, 8]
