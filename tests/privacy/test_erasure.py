"""Erasure: a parent deletes their account (children included), a hero leaves. Personal data is
removed or anonymised everywhere in the database; anonymous figures keep their counts."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.privacy import account_erase
from accounts.roles import roles_for
from activities import services as activity_services
from activities.models import Attendance, Child, Enrolment, Occurrence
from heroes import services as hero_services
from heroes.models import Hero
from scheduler.models import Offer, SessionRequest, Visit
from schools.models import ProgrammeMembership
from tests import factories
from tests.helpers import login

pytestmark = pytest.mark.django_db(transaction=True)

NAME, CHILD, EMAIL = "Xanthippe Quastenflosser", "Zebulonia", "xanthippe.q@example.test"


def _text_columns():
    """(table, column) for every text-like column of every table of our models and the
    third-party apps that store people (allauth, auditlog, sessions)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                yield table, column.name


def _found_anywhere(values: list[str]) -> list[tuple[str, str, str]]:
    hits = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for value in values:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s',
                    [f"%{value}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append((table, column, value))
    return hits


@pytest.fixture
def family(municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality)
    parent = factories.UserFactory(email=EMAIL, name=NAME, is_parent=True)
    child = activity_services.child_register(
        guardian=parent,
        data={"first_name": CHILD, "school": school, "grade": 5},
        consent=True,
        now=factories.OPENS,
    )
    activity = factories.ActivityFactory(school=school, capacity=5)
    activity_services.occurrences_regenerate(activity=activity, today=dt.date(2027, 1, 1))
    enrolment = activity_services.enrolment_create(
        guardian=parent, child=child, activity=activity, now=factories.OPENS
    )
    occurrence = Occurrence.objects.filter(activity=activity).first()
    staff = factories.staff(school)
    activity_services.attendance_record(
        occurrence=occurrence,
        marks={enrolment.pk: "present"},
        recorded_by=staff,
        now=occurrence.starts_at,
    )
    return parent, child, activity


def test_erasing_a_parent_leaves_none_of_their_or_their_childs_data_anywhere(family):
    parent, _child, _activity = family
    assert _found_anywhere([NAME, CHILD, EMAIL]), "the data must be there before"

    account_erase(user=parent, now=timezone.now())

    assert _found_anywhere([NAME, CHILD, EMAIL]) == []


def test_figures_keep_their_counts_after_erasure(family):
    parent, child, _activity = family
    enrolments, marks = Enrolment.objects.count(), Attendance.objects.count()

    account_erase(user=parent, now=timezone.now())

    assert (Enrolment.objects.count(), Attendance.objects.count()) == (enrolments, marks)
    child.refresh_from_db()
    assert child.erased_at and child.guardian is None and child.first_name == ""
    assert child.school_id and child.grade == 5
    user = User.objects.get(pk=parent.pk)
    assert not user.is_active and not user.has_usable_password()


def test_a_parent_deletes_their_account_from_the_site(client, family):
    parent, child, _activity = family
    login(client, parent)
    # Deleting asks to confirm who you are first (allauth's reauthentication).
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    page = client.get(reverse("account_delete"), HTTP_ACCEPT_LANGUAGE="en")
    assert "We remove the data of your child" in page.text
    assert client.post(reverse("account_delete"), {}).status_code == 200  # not confirmed
    assert User.objects.get(pk=parent.pk).is_active

    response = client.post(
        reverse("account_delete"), {"understood": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Your account is deleted" in response.text
    assert not User.objects.get(pk=parent.pk).is_active
    assert "_auth_user_id" not in client.session
    assert not Child.objects.filter(pk=child.pk, erased_at__isnull=True).exists()


def test_deleting_needs_a_fresh_password_or_code(client, family):
    parent, _child, _activity = family
    login(client, parent)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": (timezone.now() - dt.timedelta(hours=2)).timestamp()}
    ]
    session.save()

    response = client.post(reverse("account_delete"), {"understood": "on"})

    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]
    assert User.objects.get(pk=parent.pk).is_active


def test_a_hero_who_leaves_is_withdrawn_told_and_anonymised(municipality, vo_school_group):
    _school, group, _staff = vo_school_group
    hero = factories.HeroFactory(municipality=municipality, display_name="Quirinus")
    hero.user.name = "Quirinus Vlasblom"
    hero.user.save()
    hero_services.vog_record(
        hero=hero,
        issued_on=dt.date(2025, 1, 1),
        valid_until=dt.date(2030, 1, 1),
        recorded_by=None,
        now=timezone.now(),
    )
    session_request = factories.SessionRequestFactory(group=group)
    start = timezone.now() + dt.timedelta(days=7)
    offer = factories.OfferFactory(request=session_request, hero=hero, starts_at=start)
    visit_request = factories.SessionRequestFactory(group=group)
    visit = factories.VisitFactory(request=visit_request, hero=hero, starts_at=start)

    account_erase(user=hero.user, now=timezone.now())

    hero.refresh_from_db()
    assert hero.left_at and hero.display_name == "" and not hero.vog_checks.exists()
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.WITHDRAWN
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.CANCELLED
    assert SessionRequest.objects.get(pk=visit_request.pk).status == SessionRequest.Status.OPEN
    assert not Hero.objects.active().filter(pk=hero.pk).exists()
    assert _found_anywhere(["Quirinus"]) == []


@pytest.fixture
def vo_school_group(municipality):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    group = factories.GroupFactory(school=school, grade=2)
    return school, group, factories.staff(school)


def test_no_model_was_forgotten_by_the_search():
    """The database-wide search reads every table: new models are searched without changes."""
    tables = {table for table, _column in _text_columns()}
    assert {m._meta.db_table for m in apps.get_models()} <= tables


def test_a_hero_who_is_also_a_parent_stops_as_hero_and_keeps_the_account(client, municipality):
    hero = factories.HeroFactory(municipality=municipality, display_name="Quirijn")
    hero.user.is_parent = True
    hero.user.save()
    login(client, hero.user)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    client.post(reverse("hero_leave"), {"understood": "on"})

    hero.refresh_from_db()
    assert hero.left_at is not None and hero.display_name == ""
    user = User.objects.get(pk=hero.user_id)
    assert user.is_active and user.is_parent
    assert client.get(reverse("scheduler:hero-offers")).status_code == 403


def test_a_programme_member_who_deletes_their_account_leaves_the_team(client):
    member = factories.programme(email="landelijk-team@example.test", name="Quintijn Landelijk")
    login(client, member)
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    page = client.get(reverse("account_delete"), HTTP_ACCEPT_LANGUAGE="en")
    assert "You leave the national programme team." in page.text

    account_erase(user=member, now=timezone.now())

    assert not ProgrammeMembership.objects.filter(user_id=member.pk).exists()
    assert roles_for(User.objects.get(pk=member.pk)).names == []
    assert _found_anywhere(["Quintijn Landelijk", "landelijk-team@example.test"]) == []
