"""Organisation pages for closures: the municipality's holidays (coordinators) and a school's
study days (its staff), by school year."""

import datetime as dt

import pytest
from django.urls import reverse

from schools.models import SchoolClosure
from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


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
