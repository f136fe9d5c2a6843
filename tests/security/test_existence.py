"""No "not yours" versus "does not exist": an id one may not use gets the same answer as an id
nothing has (found by tests/security/test_access.py, pinned here)."""

from __future__ import annotations

import pytest
import time_machine

from tests import factories
from tests.clock import NOW
from tests.helpers import API, api_post, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_the_school_year():
    with time_machine.travel(NOW, tick=False):  # the factories' groups are of 2026-2027
        yield


def _register(client, school, group_id):
    data = {"first_name": "Noor", "school": school.pk, "grade": 5, "consent": True}
    return api_post(client, f"{API}/children/", {**data, "group": group_id})


def test_a_class_of_another_school_is_refused_as_one_that_does_not_exist(client):
    school = factories.SchoolFactory()
    elsewhere = factories.GroupFactory(school=factories.SchoolFactory(), name="Groep 8Z")
    login(client, factories.parent())

    theirs = _register(client, school, elsewhere.pk)
    nothing = _register(client, school, 987_654_321)

    assert theirs.status_code == nothing.status_code == 400
    assert (
        theirs.json() == nothing.json() == {"group": ["This group is not at the school you chose."]}
    )


def test_a_class_of_an_earlier_school_year_is_no_choice_either(client):
    school = factories.SchoolFactory()
    last_year = factories.GroupFactory(school=school, school_year="2025-2026")
    login(client, factories.parent())

    response = _register(client, school, last_year.pk)

    assert response.status_code == 400
    assert list(response.json()) == ["group"]


def test_a_class_of_the_school_chosen_this_year_is_taken(client):
    school = factories.SchoolFactory()
    group = factories.GroupFactory(school=school)
    login(client, factories.parent())

    response = _register(client, school, group.pk)

    assert response.status_code == 201, response.content
    assert response.json()["group"] == group.pk


def test_changing_only_the_class_checks_it_against_the_childs_own_school(client):
    parent = factories.parent()
    child = factories.ChildFactory(guardian=parent)
    elsewhere = factories.GroupFactory(school=factories.SchoolFactory())
    own = factories.GroupFactory(school=child.school)
    client = login(client, parent)

    refused = client.patch(
        f"{API}/children/{child.pk}/", {"group": elsewhere.pk}, content_type="application/json"
    )
    taken = client.patch(
        f"{API}/children/{child.pk}/", {"group": own.pk}, content_type="application/json"
    )

    assert refused.status_code == 400
    assert taken.status_code == 200
    assert taken.json()["group"] == own.pk
