import pytest
from django.utils import timezone

from accounts.services import api_token_create
from schools.models import CoordinatorMembership, StaffMembership
from tests import factories
from tests.helpers import API, api_get, ids, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(school):
    return factories.GroupFactory(school=school)


@pytest.fixture
def other_group(other_school):
    return factories.GroupFactory(school=other_school)


# --- what each endpoint shows --------------------------------------------------------------


def test_school_detail_shows_neighbourhood_municipality_level_brin_and_address(
    client, coordinator, school
):
    body = api_get(login(client, coordinator), f"{API}/schools/{school.pk}/").json()

    assert body == {
        "id": school.pk,
        "name": school.name,
        "street": school.street,
        "postcode": school.postcode,
        "city": school.city,
        "address": school.address,
        "neighbourhood": {"id": school.neighbourhood_id, "name": school.neighbourhood.name},
        "municipality": school.neighbourhood.municipality_id,
        "brin": school.brin,
        "level": "po",
    }


def test_group_detail_shows_school_grade_year_and_pupils(client, staff, group):
    body = api_get(login(client, staff), f"{API}/groups/{group.pk}/").json()

    assert body == {
        "id": group.pk,
        "name": group.name,
        "school": group.school_id,
        "grade": 6,
        "school_year": "2026-2027",
        "pupils": 24,
    }


def test_venue_detail_shows_its_neighbourhood_and_municipality(client, coordinator, municipality):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality, description="Hub")

    body = api_get(login(client, coordinator), f"{API}/venues/{venue.pk}/").json()

    assert body["neighbourhood"] == {"id": venue.neighbourhood_id, "name": venue.neighbourhood.name}
    assert body["municipality"] == municipality.pk
    assert body["address"] == venue.address
    assert body["description"] == "Hub"


def test_neighbourhood_and_municipality_details(client, coordinator, school, municipality):
    client = login(client, coordinator)
    hood = api_get(client, f"{API}/neighbourhoods/{school.neighbourhood_id}/").json()
    town = api_get(client, f"{API}/municipalities/{municipality.pk}/").json()

    assert hood == {
        "id": school.neighbourhood_id,
        "name": school.neighbourhood.name,
        "municipality": municipality.pk,
        "is_target_area": False,
    }
    assert town == {
        "id": municipality.pk,
        "name": "Zaanstad",
        "slug": "zaanstad",
        "holiday_region": "noord",
    }


def test_lists_are_paginated(client, coordinator, municipality):
    factories.NeighbourhoodFactory.create_batch(51, municipality=municipality)

    body = api_get(login(client, coordinator), f"{API}/neighbourhoods/").json()

    assert body["count"] == 51
    assert len(body["results"]) == 50
    assert body["next"].endswith("page=2")


# --- coordinators: their municipality only -------------------------------------------------


def test_coordinator_sees_own_municipality_directory_and_groups_only(
    client, coordinator, school, other_school, group, other_group
):
    client = login(client, coordinator)
    venue = factories.VenueFactory(neighbourhood=school.neighbourhood)
    factories.VenueFactory(neighbourhood=other_school.neighbourhood)

    assert ids(api_get(client, f"{API}/municipalities/")) == {school.neighbourhood.municipality_id}
    assert ids(api_get(client, f"{API}/neighbourhoods/")) == {school.neighbourhood_id}
    assert ids(api_get(client, f"{API}/schools/")) == {school.pk}
    assert ids(api_get(client, f"{API}/venues/")) == {venue.pk}
    assert ids(api_get(client, f"{API}/groups/")) == {group.pk}


@pytest.mark.parametrize("kind", ["schools", "groups", "neighbourhoods", "venues"])
def test_other_municipalitys_coordinator_gets_404(client, outsider_coordinator, school, kind):
    obj = {
        "schools": school,
        "groups": factories.GroupFactory(school=school),
        "neighbourhoods": school.neighbourhood,
        "venues": factories.VenueFactory(neighbourhood=school.neighbourhood),
    }[kind]

    response = api_get(login(client, outsider_coordinator), f"{API}/{kind}/{obj.pk}/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_other_municipalitys_coordinator_does_not_list_our_school_or_group(
    client, outsider_coordinator, school, other_school, group, other_group
):
    client = login(client, outsider_coordinator)

    assert ids(api_get(client, f"{API}/schools/")) == {other_school.pk}
    assert ids(api_get(client, f"{API}/groups/")) == {other_group.pk}
    municipality = school.neighbourhood.municipality_id
    assert api_get(client, f"{API}/municipalities/{municipality}/").status_code == 404


# --- staff: their school's groups, their municipality's directory ---------------------------


def test_staff_sees_own_schools_groups(client, staff, group, other_group):
    client = login(client, staff)

    assert ids(api_get(client, f"{API}/groups/")) == {group.pk}
    assert api_get(client, f"{API}/groups/{group.pk}/").status_code == 200


def test_coordinator_sees_the_group_of_a_school_in_their_municipality(client, coordinator, group):
    assert api_get(login(client, coordinator), f"{API}/groups/{group.pk}/").status_code == 200


def test_staff_of_another_school_gets_404_on_our_group(client, outsider_staff, school, group):
    client = login(client, outsider_staff)

    assert api_get(client, f"{API}/groups/{group.pk}/").status_code == 404
    assert group.pk not in ids(api_get(client, f"{API}/groups/"))
    # Same municipality: the school itself is in their directory.
    assert api_get(client, f"{API}/schools/{school.pk}/").status_code == 200


def test_staff_does_not_see_another_municipalitys_school(client, staff, other_school):
    assert api_get(login(client, staff), f"{API}/schools/{other_school.pk}/").status_code == 404


def test_hero_sees_own_municipality_directory_but_no_groups(client, school, other_school, group):
    hero = factories.HeroFactory(municipality=school.neighbourhood.municipality).user
    client = login(client, hero)

    assert ids(api_get(client, f"{API}/schools/")) == {school.pk}
    assert api_get(client, f"{API}/groups/{group.pk}/").status_code == 404


# --- parents: the whole directory, no groups ------------------------------------------------


def test_parent_sees_every_school_but_no_group(client, parent, school, other_school, group):
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/schools/")) == {school.pk, other_school.pk}
    assert api_get(client, f"{API}/schools/{other_school.pk}/").status_code == 200
    assert ids(api_get(client, f"{API}/groups/")) == set()
    assert api_get(client, f"{API}/groups/{group.pk}/").status_code == 404


# --- authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["municipalities/", "neighbourhoods/", "schools/", "venues/", "groups/"]
)
def test_anonymous_gets_403_not_authenticated(client, school, path):
    # Session authentication comes first and sends no WWW-Authenticate challenge, so DRF
    # answers 403 (not 401) to a request without credentials.
    response = api_get(client, f"{API}/{path}")

    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_anonymous_gets_403_on_a_detail(client, school):
    assert api_get(client, f"{API}/schools/{school.pk}/").status_code == 403


def test_token_authentication_reads_as_that_user(client, coordinator, school, other_school):
    _token, key = api_token_create(user=coordinator, now=timezone.now())

    response = client.get(f"{API}/schools/", HTTP_AUTHORIZATION=f"Token {key}")

    assert ids(response) == {school.pk}


def test_token_authentication_scopes_groups_to_staff(client, staff, group, other_group):
    _token, key = api_token_create(user=staff, now=timezone.now())

    response = client.get(f"{API}/groups/", HTTP_AUTHORIZATION=f"Token {key}")

    assert ids(response) == {group.pk}


def test_a_wrong_token_gets_403(client, school):
    response = client.get(
        f"{API}/schools/", HTTP_AUTHORIZATION="Token not-a-real-token", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Invalid or expired token."


@pytest.mark.parametrize("membership", ["coordinator", "staff", "programme"])
def test_session_without_second_factor_gets_mfa_required(client, school, membership):
    user = factories.UserFactory()
    if membership == "coordinator":
        CoordinatorMembership.objects.create(
            user=user, municipality=school.neighbourhood.municipality
        )
    elif membership == "programme":
        factories.ProgrammeMembershipFactory(user=user)
    else:
        StaffMembership.objects.create(user=user, school=school)

    response = api_get(login(client, user), f"{API}/schools/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "mfa_required"


def test_token_without_second_factor_gets_mfa_required(client, school):
    user = factories.UserFactory()
    StaffMembership.objects.create(user=user, school=school)
    _token, key = api_token_create(user=user, now=timezone.now())

    response = client.get(f"{API}/groups/", HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


# --- filters --------------------------------------------------------------------------------


def test_neighbourhoods_filter_by_target_area_and_municipality(
    client, parent, school, other_school
):
    target = factories.NeighbourhoodFactory(
        municipality=school.neighbourhood.municipality, is_target_area=True
    )
    client = login(client, parent)
    municipality = school.neighbourhood.municipality_id

    assert ids(api_get(client, f"{API}/neighbourhoods/", is_target_area="true")) == {target.pk}
    assert ids(api_get(client, f"{API}/neighbourhoods/", municipality=municipality)) == {
        school.neighbourhood_id,
        target.pk,
    }


def test_schools_filter_by_municipality_neighbourhood_and_level(
    client, parent, school, other_school
):
    vo = factories.SchoolFactory(neighbourhood=school.neighbourhood, level="vo")
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/schools/", level="vo")) == {vo.pk}
    assert ids(api_get(client, f"{API}/schools/", neighbourhood=school.neighbourhood_id)) == {
        school.pk,
        vo.pk,
    }
    municipality = other_school.neighbourhood.municipality_id
    assert ids(api_get(client, f"{API}/schools/", municipality=municipality)) == {other_school.pk}


def test_schools_search_by_name_or_brin(client, parent, school):
    named = factories.SchoolFactory(name="Het Saendelft College", brin="99ZZ")
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/schools/", search="saendelft")) == {named.pk}
    assert ids(api_get(client, f"{API}/schools/", search=school.brin)) == {school.pk}


def test_venues_filter_by_municipality_and_neighbourhood(client, parent, school, other_school):
    here = factories.VenueFactory(neighbourhood=school.neighbourhood)
    there = factories.VenueFactory(neighbourhood=other_school.neighbourhood)
    client = login(client, parent)

    assert ids(api_get(client, f"{API}/venues/", neighbourhood=school.neighbourhood_id)) == {
        here.pk
    }
    municipality = other_school.neighbourhood.municipality_id
    assert ids(api_get(client, f"{API}/venues/", municipality=municipality)) == {there.pk}


def test_groups_filter_by_school_year_and_grade(client, coordinator, school, group):
    colleague_school = factories.SchoolFactory(neighbourhood=school.neighbourhood)
    other = factories.GroupFactory(school=colleague_school, grade=3, school_year="2027-2028")
    client = login(client, coordinator)

    assert ids(api_get(client, f"{API}/groups/", school=colleague_school.pk)) == {other.pk}
    assert ids(api_get(client, f"{API}/groups/", grade=6)) == {group.pk}
    assert ids(api_get(client, f"{API}/groups/", school_year="2027-2028")) == {other.pk}


def test_filtering_on_a_school_one_may_not_see_is_a_400_naming_it(
    client, coordinator, other_school
):
    response = api_get(login(client, coordinator), f"{API}/groups/", school=other_school.pk)

    assert response.status_code == 400
    assert list(response.json()) == ["school"]


# --- query counts: equal at two data sizes --------------------------------------------------


def build_rows(school, n: int) -> None:
    """n more of everything in the school's municipality, a group at the school itself, and a
    municipality elsewhere, so every role's every list grows (bar a scoped person's one
    municipality)."""
    municipality = school.neighbourhood.municipality
    for _ in range(n):
        hood = factories.NeighbourhoodFactory(municipality=municipality)
        factories.GroupFactory(school=factories.SchoolFactory(neighbourhood=hood))
        factories.VenueFactory(neighbourhood=hood)
        factories.GroupFactory(school=school)
        factories.MunicipalityFactory()


LIST_PATHS = ["municipalities/", "neighbourhoods/", "schools/", "venues/", "groups/"]
# Parents see no groups, so that list cannot grow for them.
QUERY_COUNT_CASES = [
    (role, path)
    for role in ["coordinator", "staff", "parent"]
    for path in LIST_PATHS
    if (role, path) != ("parent", "groups/")
]


@pytest.mark.parametrize(("role", "path"), QUERY_COUNT_CASES)
def test_list_query_count_does_not_grow_with_rows(client, count_queries, school, path, role):
    user = {
        "coordinator": lambda: factories.coordinator(school.neighbourhood.municipality),
        "staff": lambda: factories.staff(school),
        "parent": factories.parent,
    }[role]()
    client = login(client, user)
    rows = []

    def fetch():
        response = api_get(client, f"{API}/{path}")
        assert response.status_code == 200
        rows.append(response.json()["count"])

    build_rows(school, 2)
    small = count_queries(fetch)
    build_rows(school, 6)
    large = count_queries(fetch)

    assert small == large
    one_municipality = path == "municipalities/" and role != "parent"
    assert rows[1] > rows[0] or one_municipality
