"""The activities API's lists cost the same queries at two data sizes, for every role."""

import pytest

from activities.models import Activity
from tests import factories
from tests.activities.helpers import enrol
from tests.helpers import API, api_get, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# --- query counts: equal at two data sizes --------------------------------------------------


def grow(school, guardian, n: int) -> None:
    """n more activities (and n drafts), each with a child of `guardian` in the place and
    another child waiting, so every list grows for every role."""
    for _ in range(n):
        activity = factories.ActivityFactory(school=school, capacity=1)
        enrol(activity, factories.ChildFactory(guardian=guardian, school=school))
        enrol(activity, factories.ChildFactory(school=school))
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
    client = login(client, request.getfixturevalue(role))
    counts = []

    def fetch():
        response = api_get(client, f"{API}/{path}")
        assert response.status_code == 200
        counts.append(response.json()["count"])

    grow(school, parent, 2)
    small = count_queries(fetch)
    grow(school, parent, 6)
    large = count_queries(fetch)

    assert small == large
    assert counts[1] > counts[0]
