"""Organisation pages for schools: the list (scoped, filtered, paged), the detail, and a
coordinator adding, changing and deleting a school."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from schools.models import School
from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


def school_form(neighbourhood, **overrides):
    data = {
        "name": "OBS De Rietvink",
        "brin": "23XY",
        "level": "po",
        "street": "Rietvinkstraat 4",
        "postcode": "1503 AB",
        "city": "Zaandam",
        "neighbourhood": neighbourhood.pk,
    }
    return {**data, **overrides}


# School list


def test_school_list_shows_coordinator_only_their_municipality(client, coordinator, school):
    foreign = factories.SchoolFactory(neighbourhood__municipality__name="Utrecht")
    response = login(client, coordinator).get(reverse("schools:school_list"))
    assert response.status_code == 200
    assert school.name in response.text
    assert foreign.name not in response.text


def test_school_list_shows_staff_only_their_school(client, staff, school, outsider_staff):
    other = outsider_staff.staff_memberships.get().school
    response = login(client, staff).get(reverse("schools:school_list"))
    assert response.status_code == 200
    assert school.name in response.text
    assert other.name not in response.text


@pytest.mark.parametrize("person", ["parent", "hero"])
def test_school_list_is_forbidden_without_a_school_role(client, municipality, person):
    user = factories.parent() if person == "parent" else factories.HeroFactory().user
    assert login(client, user).get(reverse("schools:school_list")).status_code == 403


def test_school_list_sends_anonymous_visitors_to_login(client, db):
    response = client.get(reverse("schools:school_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_school_list_filters_by_neighbourhood_and_type(client, coordinator, municipality):
    east = factories.NeighbourhoodFactory(municipality=municipality, name="Oost")
    in_east = factories.SchoolFactory(neighbourhood=east, name="Oostschool")
    vo_east = factories.SchoolFactory(neighbourhood=east, name="Oostcollege", level="vo")
    elsewhere = factories.SchoolFactory(neighbourhood__municipality=municipality, name="Westschool")
    url = reverse("schools:school_list")
    response = login(client, coordinator).get(url, {"neighbourhood": east.pk, "level": "po"})
    assert in_east.name in response.text
    assert vo_east.name not in response.text
    assert elsewhere.name not in response.text


def test_school_list_ignores_a_foreign_neighbourhood_filter(client, coordinator, other_school):
    url = reverse("schools:school_list")
    response = login(client, coordinator).get(url, {"neighbourhood": other_school.neighbourhood_id})
    assert response.status_code == 200
    assert other_school.name not in response.text


def test_school_list_query_count_does_not_grow(client, coordinator, municipality, count_queries):
    login(client, coordinator)

    def build(n):
        for _ in range(n):
            school = factories.SchoolFactory(neighbourhood__municipality=municipality)
            factories.GroupFactory(school=school)
        return count_queries(lambda: client.get(reverse("schools:school_list")))

    assert build(2) == build(6)


# School detail


def test_school_detail_shows_groups_closures_and_staff(client, coordinator, school, staff):
    old = factories.GroupFactory(school=school, name="Oud8", school_year="2025-2026")
    current = factories.GroupFactory(school=school, name="Nieuw8", school_year="2026-2027")
    factories.ClosureFactory(municipality=school.neighbourhood.municipality, name="Kerst")
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        school=school,
        name="Studiedag",
        start_date=dt.date(2026, 11, 20),
        end_date=dt.date(2026, 11, 20),
    )
    response = login(client, coordinator).get(reverse("schools:school_detail", args=[school.pk]))
    text = response.text
    assert response.status_code == 200
    assert text.index(current.name) < text.index(old.name)
    assert "Kerst" in text
    assert "Studiedag" in text
    assert escape(staff.name) in text


def test_school_detail_hides_past_closures(client, staff, school):
    factories.ClosureFactory(
        municipality=school.neighbourhood.municipality,
        name="Herfstvakantie",
        start_date=dt.date(2026, 10, 17),
        end_date=dt.date(2026, 10, 25),
    )
    response = login(client, staff).get(reverse("schools:school_detail", args=[school.pk]))
    assert response.status_code == 200
    assert "Herfstvakantie" not in response.text


def test_school_detail_offers_school_edit_to_coordinator_only(client, coordinator, staff, school):
    edit_url = reverse("schools:school_update", args=[school.pk])
    url = reverse("schools:school_detail", args=[school.pk])
    assert edit_url in login(client, coordinator).get(url).text
    assert edit_url not in login(client, staff).get(url).text


@pytest.mark.parametrize("person", ["outsider_coordinator", "outsider_staff", "parent"])
def test_school_detail_is_not_found_for_outsiders(client, school, person, request):
    user = request.getfixturevalue(person)
    response = login(client, user).get(reverse("schools:school_detail", args=[school.pk]))
    assert response.status_code == 404


# School create, update, delete


def test_coordinator_adds_a_school(client, coordinator, school):
    response = login(client, coordinator).post(
        reverse("schools:school_create"), school_form(school.neighbourhood)
    )
    created = School.objects.get(brin="23XY")
    assert response.status_code == 302
    assert response.url == reverse("schools:school_detail", args=[created.pk])


def test_duplicate_brin_is_a_form_error(client, coordinator, school):
    response = login(client, coordinator).post(
        reverse("schools:school_create"), school_form(school.neighbourhood, brin=school.brin)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["brin"]
    assert School.objects.filter(brin=school.brin).count() == 1


def test_school_form_refuses_a_neighbourhood_of_another_municipality(
    client, coordinator, other_school
):
    response = login(client, coordinator).post(
        reverse("schools:school_create"), school_form(other_school.neighbourhood)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["neighbourhood"]
    assert not School.objects.filter(brin="23XY").exists()


def test_school_form_offers_only_own_neighbourhoods(client, coordinator, school, other_school):
    response = login(client, coordinator).get(reverse("schools:school_create"))
    choices = response.context["form"].fields["neighbourhood"].queryset
    assert list(choices) == [school.neighbourhood]


def test_bad_brin_is_shown_next_to_the_field(client, coordinator, school):
    response = login(client, coordinator).post(
        reverse("schools:school_create"), school_form(school.neighbourhood, brin="nope")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["brin"]


@pytest.mark.parametrize("person", ["staff", "parent"])
def test_school_create_is_forbidden_without_coordinator_role(client, person, request):
    user = request.getfixturevalue(person)
    assert login(client, user).get(reverse("schools:school_create")).status_code == 403


def test_coordinator_edits_a_school(client, coordinator, school):
    url = reverse("schools:school_update", args=[school.pk])
    data = school_form(school.neighbourhood, name="Nieuwe naam", brin=school.brin)
    assert login(client, coordinator).post(url, data).status_code == 302
    school.refresh_from_db()
    assert school.name == "Nieuwe naam"


@pytest.mark.parametrize("person", ["staff", "outsider_coordinator", "parent"])
def test_school_edit_is_not_found_for_non_coordinators(client, school, person, request):
    user = request.getfixturevalue(person)
    url = reverse("schools:school_update", args=[school.pk])
    response = login(client, user).post(url, school_form(school.neighbourhood, name="X"))
    assert response.status_code == 404
    school.refresh_from_db()
    assert school.name != "X"


def test_school_with_groups_is_kept_with_a_message(client, coordinator, school):
    factories.GroupFactory(school=school)
    url = reverse("schools:school_delete", args=[school.pk])
    response = login(client, coordinator).post(url, follow=True)
    assert School.objects.filter(pk=school.pk).exists()
    assert "still has groups" in response.text


def test_empty_school_is_deleted_after_confirmation(client, coordinator, school):
    url = reverse("schools:school_delete", args=[school.pk])
    login(client, coordinator)
    assert client.get(url).status_code == 200
    assert School.objects.filter(pk=school.pk).exists()
    assert client.post(url).status_code == 302
    assert not School.objects.filter(pk=school.pk).exists()


def test_school_list_paginates_and_keeps_the_filter(client, coordinator, municipality):
    factories.SchoolFactory.create_batch(27, neighbourhood__municipality=municipality, level="vo")
    login(client, coordinator)
    first = client.get(reverse("schools:school_list"), {"level": "vo"})
    assert len(first.context["page_obj"]) == 25
    assert "level=vo&amp;page=2" in first.text
    second = client.get(reverse("schools:school_list"), {"level": "vo", "page": 2})
    assert len(second.context["page_obj"]) == 2
