import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.models import Invitation
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db

HOME = "/"


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_coordinator_sees_municipality_counts_and_links(client, coordinator, municipality, school):
    factories.VenueFactory(neighbourhood=school.neighbourhood)
    services.invitation_create(
        invited_by=coordinator,
        municipality=municipality,
        role=Invitation.Role.HERO,
        email="h@example.test",
        display_name="H",
        now=dt.datetime.now(dt.UTC),
    )
    client.force_login(coordinator)
    response = client.get(HOME)
    assert response.status_code == 200
    [overview] = response.context["municipalities"]
    assert overview.name == "Zaanstad"
    assert (overview.school_count, overview.neighbourhood_count, overview.venue_count) == (1, 1, 1)
    assert overview.open_invitation_count == 1
    html = response.content.decode()
    for url in ("schools:school_list", "schools:neighbourhood_list", "schools:venue_list"):
        assert reverse(url) in html
    assert reverse("invitation_list") in html


def test_coordinator_does_not_see_another_municipalitys_counts(client, coordinator, other_school):
    client.force_login(coordinator)
    [overview] = client.get(HOME).context["municipalities"]
    assert overview.school_count == 0


def test_home_runs_the_same_queries_for_2_or_8_schools(
    client, coordinator, municipality, count_queries
):
    client.force_login(coordinator)

    def add_schools(n):
        for _ in range(n):
            factories.SchoolFactory(neighbourhood__municipality=municipality)

    add_schools(2)
    small = count_queries(lambda: client.get(HOME))
    add_schools(6)
    large = count_queries(lambda: client.get(HOME))
    assert small == large


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
def test_staff_sees_their_school_groups_and_next_closures(client, staff, school, municipality):
    factories.GroupFactory(school=school, school_year="2026-2027")
    factories.GroupFactory(school=school, school_year="2025-2026")
    factories.ClosureFactory(municipality=municipality, name="Kerstvakantie")
    factories.ClosureFactory(
        municipality=municipality,
        school=school,
        name="Studiedag",
        kind="study_day",
        start_date=dt.date(2026, 12, 10),
        end_date=dt.date(2026, 12, 10),
    )
    factories.ClosureFactory(
        municipality=municipality,
        name="Herfstvakantie",
        start_date=dt.date(2026, 10, 17),
        end_date=dt.date(2026, 10, 25),
    )
    client.force_login(staff)
    response = client.get(HOME)
    [overview] = response.context["staff_schools"]
    assert overview == school
    assert overview.group_count == 1
    assert [c.name for c in overview.upcoming_closures] == ["Studiedag", "Kerstvakantie"]
    assert reverse("schools:school_detail", args=[school.pk]) in response.content.decode()


def test_staff_home_runs_the_same_queries_for_2_or_8_schools(client, municipality, count_queries):
    user = factories.staff(factories.SchoolFactory(neighbourhood__municipality=municipality))
    client.force_login(user)

    def add_schools(n):
        for _ in range(n):
            school = factories.SchoolFactory(neighbourhood__municipality=municipality)
            factories.StaffMembershipFactory(user=user, school=school)
            factories.GroupFactory(school=school)
            factories.ClosureFactory(municipality=municipality, school=school)

    add_schools(1)
    small = count_queries(lambda: client.get(HOME))
    add_schools(6)
    large = count_queries(lambda: client.get(HOME))
    assert small == large


def test_hero_sees_their_municipality_and_what_comes(client, municipality):
    hero = factories.HeroFactory(municipality=municipality, display_name="Mo")
    client.force_login(hero.user)
    response = client.get(HOME)
    html = response.content.decode()
    assert "Zaanstad" in html
    assert "VOG" in html


def test_parent_is_welcomed_with_a_link_to_settings(client, parent):
    client.force_login(parent)
    response = client.get(HOME)
    assert response.status_code == 200
    assert reverse("account_settings") in response.content.decode()
    assert "municipalities" not in response.context


def test_person_with_no_role_gets_a_kind_explanation(client):
    client.force_login(factories.UserFactory())
    response = client.get(HOME)
    assert response.status_code == 200
    assert "no-role" in response.content.decode()


def test_programme_member_is_pointed_to_the_figures_and_nothing_else(client, programme):
    response = login(client, programme).get(HOME)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-role-section="programme"' in html
    assert "The figures of every municipality are under Figures." in html
    assert "no-role" not in html and 'data-role-section="parent"' not in html
    for other in ("municipalities", "staff_schools", "hero", "family"):
        assert other not in response.context


def test_programme_member_without_a_second_factor_is_told_why_they_need_one(client):
    user = factories.UserFactory()
    factories.ProgrammeMembershipFactory(user=user)
    login(client, user)

    response = client.get(HOME)
    page = client.get(response.url).content.decode()

    assert response.url == reverse("mfa_required")
    assert "The national programme team sees the figures of every municipality." in page
    assert "School staff and coordinators see information about children." not in page


def test_person_with_two_roles_sees_both(client, school, municipality):
    user = factories.staff(school)
    factories.HeroFactory(user=user, municipality=municipality)
    client.force_login(user)
    response = client.get(HOME)
    assert response.context["staff_schools"]
    assert response.context["hero"].user == user


def test_staff_without_second_factor_is_sent_to_the_mfa_page(client, school):
    user = factories.UserFactory()
    factories.StaffMembershipFactory(user=user, school=school)
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse("mfa_required")
    page = client.get(response.url)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()


def test_mfa_exempt_staff_reach_home_in_development(client, school, settings):
    settings.DEBUG = True  # the demo's exemption counts in development only
    user = factories.UserFactory(mfa_exempt=True)
    factories.StaffMembershipFactory(user=user, school=school)
    client.force_login(user)
    assert client.get(HOME).status_code == 200


def test_home_renders_in_dutch_and_english(client, parent):
    client.force_login(parent)
    dutch = client.get(HOME, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(HOME).content.decode()
    with translation.override("nl"):
        dutch_log_out = translation.gettext("Log out")
    assert dutch_log_out != "Log out"
    assert '<html lang="nl"' in dutch and dutch_log_out in dutch
    assert '<html lang="en"' in english and "Log out" in english
    assert "Parent or guardian" in english


def test_parent_sees_children_and_an_offer_waiting_for_an_answer(client, parent):
    from activities.models import Enrolment

    child = factories.ChildFactory(guardian=parent, first_name="Noor")
    factories.EnrolmentFactory(
        child=child,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=dt.datetime(2027, 1, 8, 12, 0, tzinfo=dt.UTC),
        activity__title="Robotica",
    )
    login(client, parent)

    page = client.get(reverse("home")).content.decode()

    assert "A place is waiting for your answer" in page
    assert "Robotica" in page
    assert "Noor takes part in or waits for 1 activity." in page


def test_parent_home_runs_the_same_queries_for_2_or_8_children(client, parent, count_queries):
    client.force_login(parent)

    def home_with(n):
        factories.ChildFactory.create_batch(n, guardian=parent)
        return count_queries(lambda: client.get(reverse("home")))

    assert home_with(2) == home_with(6)
