"""The activities API on a parent's children: registering one with consent, changing and
deleting only one's own, every refusal a 400 naming the field."""

import pytest

from activities import consent
from activities.models import Child, Enrolment
from tests import factories
from tests.activities.helpers import enrol
from tests.helpers import API, api_get, api_post, ids, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# --- children -------------------------------------------------------------------------------


def child_data(school, **overrides):
    return {"first_name": "Noor", "school": school.pk, "grade": 5, "consent": True, **overrides}


def test_parent_registers_a_child_with_consent(client, parent, school):
    group = factories.GroupFactory(school=school, grade=5)

    response = api_post(
        login(client, parent), f"{API}/children/", child_data(school, group=group.pk)
    )

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
        "consent_version": consent.CURRENT,
        "consent_text": (
            "I agree that Back on Track saves this information about my child, to enrol my "
            "child in activities."
        ),
        "consent_current": True,
    }
    assert child.consent_version == consent.CURRENT


def test_registering_a_child_makes_the_person_a_parent(client, school):
    user = factories.UserFactory()

    response = api_post(login(client, user), f"{API}/children/", child_data(school))

    assert response.status_code == 201
    user.refresh_from_db()
    assert user.is_parent


@pytest.mark.parametrize("consent", [None, False])
def test_a_child_without_consent_is_a_400_naming_consent(client, parent, school, consent):
    data = child_data(school, consent=consent)
    if consent is None:
        del data["consent"]

    response = api_post(login(client, parent), f"{API}/children/", data)

    assert response.status_code == 400
    assert list(response.json()) == ["consent"]
    assert response.json()["consent"] == ["We need your permission to save this."]
    assert not Child.objects.exists()


@pytest.mark.parametrize(("level", "grade"), [("vo", 7), ("po", 9), ("po", 0)])
def test_a_grade_the_school_type_does_not_have_is_a_400_naming_grade(client, parent, level, grade):
    school = factories.SchoolFactory(level=level)

    response = api_post(login(client, parent), f"{API}/children/", child_data(school, grade=grade))

    assert response.status_code == 400
    assert list(response.json()) == ["grade"]
    assert not Child.objects.exists()


def test_a_group_at_another_school_is_a_400_naming_group(client, parent, school, other_school):
    group = factories.GroupFactory(school=other_school)

    response = api_post(
        login(client, parent), f"{API}/children/", child_data(school, group=group.pk)
    )

    assert response.status_code == 400
    assert response.json() == {"group": ["This group is not at the school you chose."]}


def test_parent_lists_and_changes_only_their_own_children(client, parent, child, other_parent):
    theirs = factories.ChildFactory(guardian=other_parent)
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/children/")) == {child.pk}
    response = client.patch(
        f"{API}/children/{child.pk}/", {"grade": 6}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["grade"] == 6
    child.refresh_from_db()
    assert child.grade == 6
    assert api_get(client, f"{API}/children/{theirs.pk}/").status_code == 404


def test_moving_a_child_to_a_vo_school_checks_the_grade_against_it(client, parent, child):
    vo = factories.SchoolFactory(level="vo")

    response = login(client, parent).patch(
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

    response = login(client, parent).patch(
        f"{API}/children/{child.pk}/", {"school": new_school.pk}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["group"] is None


@pytest.mark.parametrize("outsider", ["other_parent", "outsider_staff", "staff", "coordinator"])
def test_someone_elses_child_is_404_to_read_change_or_delete(client, request, child, outsider):
    client = login(client, request.getfixturevalue(outsider))
    url = f"{API}/children/{child.pk}/"

    assert api_get(client, url).status_code == 404
    assert client.patch(url, {"grade": 6}, content_type="application/json").status_code == 404
    assert client.delete(url).status_code == 404
    assert child.pk not in ids(api_get(client, f"{API}/children/"))
    child.refresh_from_db()
    assert child.grade == 5


def test_deleting_a_child_ends_its_enrolments_and_frees_the_place(
    client, parent, child, activity, other_parent
):
    enrol(activity, child)
    enrol(activity, factories.ChildFactory(school=activity.school))
    waiting = enrol(activity, factories.ChildFactory(guardian=other_parent, school=activity.school))

    response = login(client, parent).delete(f"{API}/children/{child.pk}/")

    assert response.status_code == 204
    # Erased, not deleted: nothing personal stays, the counts do.
    assert not Child.objects.filter(pk=child.pk, erased_at=None).exists()
    assert Child.objects.get(pk=child.pk).first_name == ""
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED
