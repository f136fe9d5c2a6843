"""The coordinators' audit trail page: their municipality's entries only, newest first, with
who, what and the changed values; filters; 403 for other roles; queries that do not grow."""

import pytest
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.urls import reverse

from activities import services
from core.audit import record_export, record_view
from tests import factories

from .helpers import child_of, place

pytestmark = pytest.mark.django_db

URL = reverse("audit_trail")


def login(client, user, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def own_child(parent, school):
    child = child_of(parent, school, "Noor")
    services.child_update(child=child, data={"first_name": "Noortje"})
    return child


@pytest.fixture
def foreign_child(other_school):
    return child_of(factories.parent(), other_school, "Amsterdammer")


def test_a_coordinator_sees_the_changes_in_their_municipality(
    client, coordinator, own_child, foreign_child
):
    response = login(client, coordinator).get(URL)

    assert response.status_code == 200
    page = response.text
    assert ">Audit trail</h1>" in page
    # The child's two entries, the coordinator's own membership and the municipality's
    # creation (accounts.audit tracks municipalities: who added one).
    assert "4 entries in the audit trail" in page
    assert "First name: from Noor to Noortje" in page
    assert "Changed" in page and "Created" in page
    assert "Amsterdammer" not in page


def test_another_municipalitys_coordinator_never_sees_them(
    client, outsider_coordinator, own_child, foreign_child
):
    page = login(client, outsider_coordinator).get(URL).text
    assert "Amsterdammer" in page
    # Not "Noor" alone: a made-up guardian there may well be called Noortje.
    assert "from Noor to Noortje" not in page
    assert own_child.guardian.email not in page


def test_newest_first_with_the_actor_and_record(client, coordinator, staff, own_child, enrolment):
    services.enrolment_cancel(enrolment=enrolment, now=enrolment.applied_at)
    entry = LogEntry.objects.filter(action=LogEntry.Action.UPDATE).latest("pk")
    entry.actor = staff
    entry.save(update_fields=["actor"])

    page = login(client, coordinator).get(URL).text

    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert staff.name in first_row
    assert "Enrolment" in first_row
    assert "Status: from Confirmed to Cancelled" in first_row
    assert "The system" in page  # the services' entries without a person


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"kind": "activities.child"}, "Noortje", "Judo"),
        ({"kind": "activities.enrolment"}, "Judo", "Noor to Noortje"),
        ({"action": "update"}, "Noor to Noortje", "Judo"),
        ({"action": "view"}, "Attendance", "Noor to Noortje"),
    ],
)
def test_filters_by_kind_of_record_and_action(
    client, coordinator, own_child, activity, params, shown, hidden
):
    place(activity, own_child)
    login(client, coordinator)
    client.get(reverse("activities:staff_report", args=[activity.pk]))  # a view

    page = client.get(URL, params).text

    assert shown in page
    assert hidden not in page


def test_exports_show_apart_from_views(client, coordinator, parent, municipality, own_child):
    record_export(actor=parent, subject_user=parent, municipality_pks=[municipality.pk])

    page = login(client, coordinator).get(URL, {"action": "export"}).text

    assert "Exported" in page
    assert "All personal data of this person" in page
    assert "Noortje" not in page


def test_auditlogs_own_access_entries_count_as_views(client, coordinator, own_child):
    accessed.send(sender=type(own_child), instance=own_child)

    page = login(client, coordinator).get(URL, {"action": "view"}).text

    assert "1 entry in the audit trail" in page
    assert "Noortje" in page


def test_the_reason_is_shown(client, coordinator, rf, own_child):
    request = rf.get("/")
    request.user = coordinator
    record_view(request, own_child, reason="Vraag van de ouder")

    page = login(client, coordinator).get(URL, {"action": "view"}).text
    assert "Vraag van de ouder" in page


def test_a_foreign_entry_is_not_reached_through_a_filter(
    client, coordinator, own_child, foreign_child
):
    page = login(client, coordinator).get(URL, {"kind": "activities.child"}).text
    assert "Amsterdammer" not in page


def test_a_bad_filter_shows_nothing_rather_than_everything(client, coordinator, own_child):
    page = login(client, coordinator).get(URL, {"kind": "auth.permission"}).text
    assert "Noortje" not in page
    assert "There are no entries that match." in page


@pytest.mark.parametrize("role", ["staff", "parent", "hero"])
def test_other_roles_are_refused(client, role, request, municipality):
    if role == "hero":
        user = factories.HeroFactory(municipality=municipality).user
    else:
        user = request.getfixturevalue(role)
    assert login(client, user).get(URL).status_code == 403


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_home_page_links_to_it_for_coordinators(client, coordinator):
    page = login(client, coordinator).get(reverse("home")).text
    assert f'href="{URL}"' in page


def test_the_page_speaks_dutch(client, coordinator, own_child):
    page = login(client, coordinator, language="nl").get(URL).text
    assert "Voornaam: van Noor naar Noortje" in page
    assert "Gewijzigd" in page


def test_the_table_is_accessible_and_paged(client, coordinator, parent, school):
    for n in range(30):
        child_of(parent, school, f"Kind {n}")
    page = login(client, coordinator).get(URL).text
    assert "<caption>" in page
    assert page.count('<th scope="col">') == 7
    assert 'data-label="Who"' in page
    assert "Page 1 of 2" in page


def test_the_query_count_does_not_grow_with_the_rows(
    client, coordinator, parent, school, activity, count_queries
):
    login(client, coordinator)

    def build(n: int) -> int:
        for i in range(n):
            kid = child_of(parent, school, f"Kind {n}.{i}")
            services.child_update(child=kid, data={"grade": 6})
            place(activity, kid)
        client.get(URL)  # the first request of a session also saves it
        return count_queries(lambda: client.get(URL))

    # Both sizes fit on the first page (25 rows), so the same kinds of record are named.
    assert build(2) == build(5)
