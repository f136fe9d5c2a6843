"""core.once and OnceForm: a create form sent twice (Back and send again, a double click) makes
one row and shows the first, for every create form; a person's key never finds another's."""

import uuid

import pytest
from django import forms
from django.urls import reverse

from accounts.roles import roles_for
from activities.models import Activity, Child
from core import once
from core.forms import OnceForm
from heroes.models import VOGCheck
from scheduler.forms.board import KitForm
from scheduler.models import KitBlock
from schools.forms import VenueForm
from schools.models import Group, Venue
from tests import factories
from tests.activities.helpers import child_form
from tests.activities.test_staff_views_form import form_data as activity_form
from tests.helpers import login

pytestmark = pytest.mark.django_db

# --- the key -------------------------------------------------------------------------------


def test_a_key_is_the_persons_own(parent, staff):
    key = str(uuid.uuid4())

    assert once.submission_key(parent, key) == once.submission_key(parent, key)
    assert once.submission_key(parent, key) != once.submission_key(staff, key)
    assert once.submission_key(parent, "") is None
    assert once.submission_key(parent, None) is None


@pytest.mark.parametrize(
    ("key", "valid"),
    [("a", True), (str(uuid.uuid4()), True), ("x" * 256, False), ("", False), ("\n", False)],
)
def test_an_idempotency_key_is_short_printable_ascii(key, valid):
    assert once.valid_key(key) is valid


class Named(OnceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"] = forms.CharField()


def test_each_new_form_gets_its_own_key_and_a_sent_one_keeps_it():
    first, second = Named(), Named()
    key = first["submission_key"].value()
    sent = Named({"name": "x", "submission_key": key})

    assert key != second["submission_key"].value()
    assert sent.is_valid()
    assert sent["submission_key"].value() == key  # shown again with errors, it stays
    assert "submission_key" not in sent.cleaned_data  # services get only what they take


def test_a_sending_is_the_key_with_the_data_sent():
    key = str(uuid.uuid4())

    same = {Named({"name": "x", "submission_key": key}).sent_as() for _ in range(2)}
    changed = Named({"name": "y", "submission_key": key}).sent_as()

    assert len(same) == 1
    assert same.pop().startswith(key)
    assert changed != Named({"name": "x", "submission_key": key}).sent_as()


@pytest.mark.parametrize("key", ["", "not a uuid"])
def test_a_missing_or_mangled_key_counts_as_none(key, parent):
    form = Named({"name": "x", "submission_key": key})

    assert form.is_valid()
    assert form.sent_as() == ""
    assert form.submission_key_of(parent) is None


def test_a_form_that_edits_a_row_has_no_key(coordinator, school):
    venue = factories.VenueFactory(neighbourhood=school.neighbourhood)
    roles = roles_for(coordinator)
    municipality = school.neighbourhood.municipality

    assert "submission_key" in VenueForm(roles=roles).fields
    assert "submission_key" not in VenueForm(instance=venue, roles=roles).fields
    assert "submission_key" in KitForm(roles=roles).fields
    assert "submission_key" not in KitForm(roles=roles, municipality=municipality).fields


# --- every create form, sent twice ----------------------------------------------------------


def _activity(request):
    request.getfixturevalue("enrolling")
    return "staff", reverse("activities:staff_create"), activity_form(), Activity.objects


def _child(request):
    school = request.getfixturevalue("school")
    return "parent", reverse("activities:child_add"), child_form(school), Child.objects


def _group(request):
    school = request.getfixturevalue("school")
    data = {"name": "7B", "grade": 7, "school_year": "2026-2027", "pupils": 26}
    return "staff", reverse("schools:group_create", args=[school.pk]), data, Group.objects


def _venue(request):
    school = request.getfixturevalue("school")
    data = {
        "name": "jongerenHUB",
        "street": "Hub 1",
        "postcode": "1503 AB",
        "city": "Zaandam",
        "neighbourhood": school.neighbourhood_id,
    }
    return "coordinator", reverse("schools:venue_create"), data, Venue.objects


def _kit_block(request):
    kit = factories.KitFactory(municipality=request.getfixturevalue("municipality"))
    data = {"starts_at": "2027-11-11T09:00", "ends_at": "2027-11-12T17:00", "reason": "Onderhoud"}
    return "coordinator", reverse("scheduler:kit-detail", args=[kit.pk]), data, KitBlock.objects


def _vog(request):
    hero = factories.HeroFactory(municipality=request.getfixturevalue("municipality"))
    data = {"form": "vog", "vog-issued_on": "2026-10-01", "vog-valid_until": ""}
    return "coordinator", reverse("heroes:hero_detail", args=[hero.pk]), data, VOGCheck.objects


FORMS = [_activity, _child, _group, _venue, _kit_block, _vog]


@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.__name__.strip("_"))
def test_a_create_form_sent_twice_makes_one_row_and_shows_it(client, request, case):
    person, url, data, rows = case(request)
    login(client, request.getfixturevalue(person))
    prefix = f"{data['form']}-" if "form" in data else ""
    key_field = f"{prefix}submission_key"
    key = _key_on_page(client.get(url), key_field)

    first = client.post(url, {**data, key_field: key})
    again = client.post(url, {**data, key_field: key})

    assert first.status_code == 302
    assert again.status_code == 302
    assert again.url == first.url
    assert rows.count() == 1
    assert "it was saved once" in client.get(again.url).text


def _key_on_page(page, name: str) -> str:
    """The key the page's hidden field carries."""
    html = page.content.decode()
    marker = f'name="{name}" value="'
    assert marker in html, f"no {name} on the page"
    return html.split(marker, 1)[1].split('"', 1)[0]
