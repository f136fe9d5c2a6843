"""Organisation pages: coordinators run their municipality, staff their own school."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from schools.models import Group, Neighbourhood, School, SchoolClosure, Venue
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


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
    client.cookies["django_language"] = "en"
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


# Neighbourhoods


def test_neighbourhood_list_shows_own_with_counts(client, coordinator, school, other_school):
    response = login(client, coordinator).get(reverse("schools:neighbourhood_list"))
    assert response.status_code == 200
    assert school.neighbourhood.name in response.text
    assert other_school.neighbourhood.name not in response.text
    assert response.context["page_obj"][0].school_count == 1


@pytest.mark.parametrize("person", ["staff", "parent"])
def test_neighbourhood_list_is_forbidden_without_coordinator_role(client, person, request):
    user = request.getfixturevalue(person)
    assert login(client, user).get(reverse("schools:neighbourhood_list")).status_code == 403


def test_neighbourhood_list_query_count_does_not_grow(
    client, coordinator, municipality, count_queries
):
    login(client, coordinator)

    def build(n):
        for _ in range(n):
            factories.SchoolFactory(neighbourhood__municipality=municipality)
        return count_queries(lambda: client.get(reverse("schools:neighbourhood_list")))

    assert build(2) == build(6)


def test_coordinator_adds_a_neighbourhood(client, coordinator, municipality):
    url = reverse("schools:neighbourhood_create")
    data = {"name": "Poelenburg", "is_target_area": "on"}
    assert login(client, coordinator).post(url, data).status_code == 302
    created = Neighbourhood.objects.get(name="Poelenburg")
    assert created.municipality == municipality
    assert created.is_target_area


def test_duplicate_neighbourhood_name_is_a_form_error(client, coordinator, school):
    url = reverse("schools:neighbourhood_create")
    response = login(client, coordinator).post(url, {"name": school.neighbourhood.name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_coordinator_of_two_municipalities_picks_one(client, coordinator, other_school):
    second = other_school.neighbourhood.municipality
    factories.CoordinatorMembershipFactory(user=coordinator, municipality=second)
    login(client, coordinator)
    form = client.get(reverse("schools:neighbourhood_create")).context["form"]
    assert set(form.fields["municipality"].queryset) == {
        second,
        coordinator.coordinator_memberships.get(municipality__name="Zaanstad").municipality,
    }
    data = {"name": "Bijlmer", "municipality": second.pk}
    assert client.post(reverse("schools:neighbourhood_create"), data).status_code == 302
    assert Neighbourhood.objects.get(name="Bijlmer").municipality == second


def test_single_municipality_coordinator_gets_no_municipality_choice(client, coordinator):
    form = login(client, coordinator).get(reverse("schools:neighbourhood_create")).context["form"]
    assert "municipality" not in form.fields


def test_neighbourhood_with_schools_is_kept_with_a_clear_message(client, coordinator, school):
    url = reverse("schools:neighbourhood_delete", args=[school.neighbourhood_id])
    client.cookies["django_language"] = "en"
    response = login(client, coordinator).post(url, follow=True)
    assert response.status_code == 200
    assert "still has schools or venues" in response.text
    assert Neighbourhood.objects.filter(pk=school.neighbourhood_id).exists()


def test_neighbourhood_with_a_venue_is_kept(client, coordinator, municipality):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)
    url = reverse("schools:neighbourhood_delete", args=[venue.neighbourhood_id])
    login(client, coordinator).post(url)
    assert Neighbourhood.objects.filter(pk=venue.neighbourhood_id).exists()


def test_empty_neighbourhood_is_deleted_on_post_only(client, coordinator, municipality):
    empty = factories.NeighbourhoodFactory(municipality=municipality)
    url = reverse("schools:neighbourhood_delete", args=[empty.pk])
    login(client, coordinator)
    assert client.get(url).status_code == 200
    assert Neighbourhood.objects.filter(pk=empty.pk).exists()
    client.post(url)
    assert not Neighbourhood.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("person", ["outsider_coordinator", "staff", "parent"])
def test_neighbourhood_pages_are_not_found_for_others(client, school, person, request):
    user = request.getfixturevalue(person)
    login(client, user)
    pk = school.neighbourhood_id
    assert client.post(reverse("schools:neighbourhood_delete", args=[pk])).status_code == 404
    edit = client.post(reverse("schools:neighbourhood_update", args=[pk]), {"name": "X"})
    assert edit.status_code == 404
    assert Neighbourhood.objects.get(pk=pk).name != "X"


# Venues


def test_coordinator_adds_and_edits_a_venue(client, coordinator, school):
    data = {
        "name": "jongerenHUB Poelenburg",
        "street": "Hub 1",
        "postcode": "1503 AB",
        "city": "Zaandam",
        "neighbourhood": school.neighbourhood_id,
    }
    login(client, coordinator)
    assert client.post(reverse("schools:venue_create"), data).status_code == 302
    venue = Venue.objects.get(name="jongerenHUB Poelenburg")
    data["description"] = "Open elke middag"
    assert client.post(reverse("schools:venue_update", args=[venue.pk]), data).status_code == 302
    venue.refresh_from_db()
    assert venue.description == "Open elke middag"


def test_venue_list_is_scoped_and_counts_queries(client, coordinator, municipality, count_queries):
    foreign = factories.VenueFactory(neighbourhood__municipality__name="Utrecht")
    login(client, coordinator)

    def build(n):
        factories.VenueFactory.create_batch(n, neighbourhood__municipality=municipality)
        return count_queries(lambda: client.get(reverse("schools:venue_list")))

    assert build(2) == build(6)
    assert foreign.name not in client.get(reverse("schools:venue_list")).text


@pytest.mark.parametrize("person", ["outsider_coordinator", "staff", "parent"])
def test_venue_pages_are_not_found_for_others(client, municipality, person, request):
    venue = factories.VenueFactory(neighbourhood__municipality=municipality)
    login(client, request.getfixturevalue(person))
    assert client.post(reverse("schools:venue_delete", args=[venue.pk])).status_code == 404
    assert client.get(reverse("schools:venue_update", args=[venue.pk])).status_code == 404
    assert Venue.objects.filter(pk=venue.pk).exists()


def test_venue_list_is_forbidden_for_staff(client, staff):
    assert login(client, staff).get(reverse("schools:venue_list")).status_code == 403


# Groups


def group_form(**overrides):
    return {"name": "7B", "grade": 7, "school_year": "2026-2027", "pupils": 26, **overrides}


@pytest.mark.parametrize("person", ["staff", "coordinator"])
def test_staff_and_coordinator_add_a_group(client, school, person, request):
    login(client, request.getfixturevalue(person))
    url = reverse("schools:group_create", args=[school.pk])
    response = client.post(url, group_form())
    assert response.status_code == 302
    assert school.groups.get().name == "7B"


def test_group_form_defaults_to_the_current_school_year(client, staff, school):
    url = reverse("schools:group_create", args=[school.pk])
    form = login(client, staff).get(url).context["form"]
    assert form.initial["school_year"] == "2026-2027"


def test_vo_group_cannot_be_in_year_seven(client, municipality):
    vo = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    user = factories.staff(vo)
    url = reverse("schools:group_create", args=[vo.pk])
    response = login(client, user).post(url, group_form())
    assert response.status_code == 200
    assert response.context["form"].errors["grade"]
    assert not vo.groups.exists()


def test_duplicate_group_name_in_a_year_is_a_form_error(client, staff, school):
    factories.GroupFactory(school=school, name="7B", school_year="2026-2027")
    url = reverse("schools:group_create", args=[school.pk])
    response = login(client, staff).post(url, group_form())
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert school.groups.count() == 1


def test_school_year_must_be_two_consecutive_years(client, staff, school):
    url = reverse("schools:group_create", args=[school.pk])
    response = login(client, staff).post(url, group_form(school_year="2026-2028"))
    assert response.context["form"].errors["school_year"]


def test_staff_edits_and_deletes_a_group(client, staff, school):
    group = factories.GroupFactory(school=school, grade=6)
    login(client, staff)
    url = reverse("schools:group_update", args=[group.pk])
    assert client.post(url, group_form(name="8A", grade=8)).status_code == 302
    group.refresh_from_db()
    assert (group.name, group.grade) == ("8A", 8)
    client.post(reverse("schools:group_delete", args=[group.pk]))
    assert not Group.objects.filter(pk=group.pk).exists()


@pytest.mark.parametrize("person", ["outsider_coordinator", "outsider_staff", "parent"])
def test_group_pages_are_not_found_for_outsiders(client, school, person, request):
    group = factories.GroupFactory(school=school)
    login(client, request.getfixturevalue(person))
    assert (
        client.post(reverse("schools:group_create", args=[school.pk]), group_form()).status_code
        == 404
    )
    assert (
        client.post(reverse("schools:group_update", args=[group.pk]), group_form()).status_code
        == 404
    )
    assert client.post(reverse("schools:group_delete", args=[group.pk])).status_code == 404
    assert list(school.groups.values_list("name", flat=True)) == [group.name]


# Closures


def closure_form(**overrides):
    data = {
        "name": "Studiedag",
        "kind": "study_day",
        "start_date": "2027-02-10",
        "end_date": "2027-02-10",
    }
    return {**data, **overrides}


def test_coordinator_closes_the_whole_municipality(client, coordinator, municipality):
    response = login(client, coordinator).post(
        reverse("schools:closure_create"), closure_form(name="Voorjaarsvakantie", kind="holiday")
    )
    assert response.status_code == 302
    closure = SchoolClosure.objects.get()
    assert closure.municipality == municipality
    assert closure.school is None


def test_staff_adds_a_study_day_for_their_school(client, staff, school):
    data = closure_form(school=school.pk)
    assert login(client, staff).post(reverse("schools:closure_create"), data).status_code == 302
    assert SchoolClosure.objects.get().school == school


def test_staff_cannot_close_the_whole_municipality(client, staff):
    response = login(client, staff).post(reverse("schools:closure_create"), closure_form())
    assert response.status_code == 200
    assert response.context["form"].errors["school"]
    assert not SchoolClosure.objects.exists()


def test_staff_cannot_pick_another_school(client, staff, outsider_staff):
    other = outsider_staff.staff_memberships.get().school
    data = closure_form(school=other.pk)
    response = login(client, staff).post(reverse("schools:closure_create"), data)
    assert response.context["form"].errors["school"]
    assert not SchoolClosure.objects.exists()


def test_closure_ending_before_it_starts_is_a_form_error(client, coordinator):
    data = closure_form(end_date="2027-02-01")
    response = login(client, coordinator).post(reverse("schools:closure_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]
    assert not SchoolClosure.objects.exists()


def test_staff_sees_but_cannot_change_municipality_closures(client, staff, school):
    holiday = factories.ClosureFactory(municipality=school.neighbourhood.municipality)
    login(client, staff)
    assert holiday.name in client.get(reverse("schools:closure_list")).text
    assert client.post(reverse("schools:closure_delete", args=[holiday.pk])).status_code == 404
    response = client.post(reverse("schools:closure_update", args=[holiday.pk]), closure_form())
    assert response.status_code == 404
    assert SchoolClosure.objects.filter(pk=holiday.pk).exists()


def test_staff_deletes_their_own_study_day(client, staff, school):
    study_day = factories.ClosureFactory(
        municipality=school.neighbourhood.municipality, school=school
    )
    login(client, staff).post(reverse("schools:closure_delete", args=[study_day.pk]))
    assert not SchoolClosure.objects.filter(pk=study_day.pk).exists()


def test_coordinator_edits_a_closure(client, coordinator, municipality):
    closure = factories.ClosureFactory(municipality=municipality)
    url = reverse("schools:closure_update", args=[closure.pk])
    data = closure_form(name="Kerstvakantie 2026", kind="holiday", end_date="2027-02-12")
    assert login(client, coordinator).post(url, data).status_code == 302
    closure.refresh_from_db()
    assert closure.name == "Kerstvakantie 2026"
    assert closure.school is None


@pytest.mark.parametrize("person", ["outsider_coordinator", "outsider_staff", "parent"])
def test_closure_pages_are_not_found_for_outsiders(client, school, person, request):
    closure = factories.ClosureFactory(
        municipality=school.neighbourhood.municipality, school=school
    )
    login(client, request.getfixturevalue(person))
    assert client.post(reverse("schools:closure_delete", args=[closure.pk])).status_code == 404
    assert client.get(reverse("schools:closure_update", args=[closure.pk])).status_code == 404
    assert SchoolClosure.objects.filter(pk=closure.pk).exists()


def test_closure_list_hides_other_schools_and_municipalities(
    client, staff, school, outsider_staff, other_school
):
    other = outsider_staff.staff_memberships.get().school
    factories.ClosureFactory(
        municipality=other.neighbourhood.municipality, school=other, name="Hidden1"
    )
    factories.ClosureFactory(municipality=other_school.neighbourhood.municipality, name="Hidden2")
    text = login(client, staff).get(reverse("schools:closure_list")).text
    assert "Hidden1" not in text
    assert "Hidden2" not in text


def test_closure_list_filters_by_school_year(client, coordinator, municipality):
    factories.ClosureFactory(municipality=municipality, name="Kerst 2026")
    factories.ClosureFactory(
        municipality=municipality,
        name="Kerst 2027",
        start_date=dt.date(2027, 12, 18),
        end_date=dt.date(2028, 1, 2),
    )
    login(client, coordinator)
    default = client.get(reverse("schools:closure_list")).text
    assert "Kerst 2026" in default
    assert "Kerst 2027" not in default
    chosen = client.get(reverse("schools:closure_list"), {"year": "2027-2028"}).text
    assert "Kerst 2027" in chosen
    assert "Kerst 2026" not in chosen
    everything = client.get(reverse("schools:closure_list"), {"year": ""}).text
    assert "Kerst 2026" in everything
    assert "Kerst 2027" in everything


def test_closure_list_is_forbidden_for_parents(client, parent):
    assert login(client, parent).get(reverse("schools:closure_list")).status_code == 403


def test_closure_list_query_count_does_not_grow(client, staff, school, count_queries):
    login(client, staff)

    def build(n):
        municipality = school.neighbourhood.municipality
        factories.ClosureFactory.create_batch(n, municipality=municipality)
        factories.ClosureFactory.create_batch(n, municipality=municipality, school=school)
        return count_queries(lambda: client.get(reverse("schools:closure_list")))

    assert build(2) == build(6)


def test_school_list_paginates_and_keeps_the_filter(client, coordinator, municipality):
    factories.SchoolFactory.create_batch(27, neighbourhood__municipality=municipality, level="vo")
    login(client, coordinator)
    first = client.get(reverse("schools:school_list"), {"level": "vo"})
    assert len(first.context["page_obj"]) == 25
    assert "level=vo&amp;page=2" in first.text
    second = client.get(reverse("schools:school_list"), {"level": "vo", "page": 2})
    assert len(second.context["page_obj"]) == 2
