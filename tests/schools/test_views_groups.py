"""Organisation pages for a school's groups: its staff and the coordinators."""

import pytest
from django.urls import reverse

from schools.models import Group
from tests import factories
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("monday_noon")]


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
