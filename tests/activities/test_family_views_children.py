"""The family pages about children: registering one (with consent, never a BSN), its grade
and class checked against the school, changing and forgetting it."""

import pytest
from django.urls import reverse

from activities import services
from activities.models import Child, Enrolment
from schools.models import School
from tests import factories
from tests.activities.helpers import child_form
from tests.clock import ENROLLING as NOW
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enrolling")]


# Children


def test_children_page_lists_only_own_children_with_school_and_grade(client, parent, school):
    mine = factories.ChildFactory(guardian=parent, school=school, first_name="Sami", grade=6)
    theirs = factories.ChildFactory(first_name="Zoë")
    response = login(client, parent).get(reverse("activities:children"))
    assert response.status_code == 200
    assert mine.first_name in response.text
    assert school.name in response.text
    assert theirs.first_name not in response.text


def test_anyone_logged_in_may_register_a_child_and_so_becomes_a_parent(client, school):
    person = factories.UserFactory()
    assert login(client, person).get(reverse("activities:children")).status_code == 200
    response = client.post(reverse("activities:child_add"), child_form(school))
    assert response.status_code == 302
    child = Child.objects.get(guardian=person)
    assert (child.first_name, child.school, child.grade) == ("Noor", school, 5)
    assert child.consent_at == NOW
    person.refresh_from_db()
    assert person.is_parent
    assert client.get(reverse("activities:browse")).status_code == 200


def test_registering_a_child_needs_consent(client, parent, school):
    data = child_form(school)
    del data["consent"]
    response = login(client, parent).post(reverse("activities:child_add"), data)
    assert response.status_code == 200
    assert "We need your permission to save this." in response.text
    assert not Child.objects.exists()


def test_add_child_page_explains_what_is_stored_and_never_asks_a_bsn(client, parent, school):
    response = login(client, parent).get(reverse("activities:child_add"))
    assert "We never ask for a last name or a citizen service number (BSN)." in response.text
    assert f'<optgroup label="{school.neighbourhood.municipality.name}">' in response.text


@pytest.mark.parametrize(
    ("level", "grade", "ok"), [("po", 8, True), ("vo", 6, True), ("vo", 7, False)]
)
def test_grade_must_fit_the_school_type(client, parent, municipality, level, grade, ok):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level=level)
    url = reverse("activities:child_add")
    response = login(client, parent).post(url, child_form(school, grade=grade))
    assert Child.objects.exists() is ok
    if not ok:
        assert "A secondary school (VO) has years 1 to 6." in response.text


def test_class_must_be_of_the_chosen_school_this_year(client, parent, school):
    old = factories.GroupFactory(school=school, school_year="2025-2026")
    elsewhere = factories.GroupFactory(school_year="2026-2027")
    current = factories.GroupFactory(school=school, school_year="2026-2027", name="Groep 5B")
    url = reverse("activities:child_add")
    login(client, parent)
    for wrong in (old, elsewhere):
        response = client.post(url, child_form(school, group=wrong.pk))
        assert response.status_code == 200
        assert not Child.objects.exists()
    client.post(url, child_form(school, group=current.pk))
    assert Child.objects.get().group == current


def test_class_list_follows_the_chosen_school(client, parent, school):
    factories.GroupFactory(school=school, school_year="2026-2027", name="Groep 6A")
    factories.GroupFactory(school=school, school_year="2025-2026", name="Groep 9Z")
    url = reverse("activities:child_groups")
    response = login(client, parent).get(url, {"school": school.pk})
    assert "Groep 6A" in response.text
    assert "Groep 9Z" not in response.text


def test_parent_changes_a_childs_details(client, parent, school):
    child = factories.ChildFactory(guardian=parent, school=school, grade=4)
    url = reverse("activities:child_edit", args=[child.pk])
    assert login(client, parent).get(url).status_code == 200
    data = child_form(school, first_name=child.first_name, grade=5)
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert child.grade == 5


def test_forgetting_a_child_ends_its_enrolments_and_frees_the_place(client, parent, school):
    activity = factories.ActivityFactory(school=school, capacity=1)
    child = factories.ChildFactory(guardian=parent, school=school)
    waiting = factories.ChildFactory(school=school)
    services.enrolment_create(guardian=parent, child=child, activity=activity, now=NOW)
    next_one = services.enrolment_create(
        guardian=waiting.guardian, child=waiting, activity=activity, now=NOW
    )
    url = reverse("activities:child_forget", args=[child.pk])
    page = login(client, parent).get(url)
    assert activity.title in page.text
    assert client.post(url).status_code == 302
    # Erased, not deleted: nothing personal stays, the counts do.
    assert not Child.objects.filter(pk=child.pk, erased_at=None).exists()
    assert Child.objects.get(pk=child.pk).first_name == ""
    next_one.refresh_from_db()
    assert next_one.status == Enrolment.Status.OFFERED


def test_child_school_choice_lists_vo_schools_too(client, parent, municipality):
    vo = factories.SchoolFactory(
        neighbourhood__municipality=municipality, level=School.Level.VO, name="Zaanlands"
    )
    response = login(client, parent).get(reverse("activities:child_add"))
    assert vo.name in response.text
