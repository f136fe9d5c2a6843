import datetime as dt
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.roles import roles_for
from schools.models import Group, Municipality, School, SchoolClosure

pytestmark = pytest.mark.django_db

LOGINS = {
    "coordinator@demo.test": ["coordinator"],
    "staff.po@demo.test": ["staff"],
    "staff.vo@demo.test": ["staff"],
    "hero@demo.test": ["hero"],
    "parent@demo.test": ["parent"],
}


@pytest.fixture(autouse=True)
def _on_a_known_day():
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        yield


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "schools", "heroes", "account"}
    }


def test_demo_builds_zaanstad(settings):
    settings.DEBUG = True
    run_demo()
    zaanstad = Municipality.objects.get(slug="zaanstad")
    assert zaanstad.holiday_region == "noord"
    names = set(zaanstad.neighbourhoods.values_list("name", flat=True))
    assert {"Poelenburg", "Peldersveld", "Saendelft", "Kogerveld", "Zaandam-Zuid"} <= names
    targets = set(
        zaanstad.neighbourhoods.filter(is_target_area=True).values_list("name", flat=True)
    )
    assert targets == {"Poelenburg", "Peldersveld"}
    schools = School.objects.filter(neighbourhood__municipality=zaanstad)
    assert schools.filter(level="po").count() >= 4
    assert schools.filter(level="vo").count() >= 2
    for school in schools:
        school.full_clean()  # BRIN and postcode are valid
    assert (
        zaanstad.neighbourhoods.get(name="Poelenburg")
        .venues.filter(name__icontains="jongerenHUB")
        .exists()
    )
    assert set(Group.objects.values_list("school_year", flat=True)) == {"2026-2027"}
    assert Municipality.objects.filter(slug="amsterdam").exists()


def test_demo_has_the_holidays_of_this_and_next_school_year(settings):
    settings.DEBUG = True
    run_demo()
    holidays = SchoolClosure.objects.filter(school=None, kind="holiday")
    assert holidays.filter(start_date__year=2026, name__startswith="Herfst").get().start_date == (
        dt.date(2026, 10, 17)
    )
    christmas = holidays.get(name="Kerstvakantie 2026")
    assert (christmas.start_date, christmas.end_date) == (
        dt.date(2026, 12, 19),
        dt.date(2027, 1, 3),
    )
    assert holidays.filter(name__startswith="Zomervakantie").count() == 2
    assert holidays.count() == 10
    assert not holidays.filter(start_date__lt=dt.date(2026, 8, 1)).exists()
    study_day = SchoolClosure.objects.get(kind="study_day")
    assert study_day.school.brin == "99ZA"
    assert study_day.start_date.weekday() == 2


def test_second_run_changes_no_counts(settings):
    settings.DEBUG = True
    run_demo()
    first = row_counts()
    run_demo()
    assert row_counts() == first
    assert first["schools.School"] > 0


def test_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run_demo()
    assert not Municipality.objects.exists()


def test_force_runs_with_debug_off(settings):
    settings.DEBUG = False
    run_demo(force=True)
    assert Municipality.objects.filter(slug="zaanstad").exists()


@pytest.mark.parametrize(("email", "roles"), LOGINS.items())
def test_each_login_works_with_the_demo_password(settings, email, roles):
    settings.DEBUG = True
    run_demo()
    user = authenticate(email=email, password="demo-backontrack")
    assert user is not None
    assert user.mfa_exempt
    assert user.name
    assert EmailAddress.objects.get(user=user).verified
    assert roles_for(user).names == roles


def test_demo_prints_the_logins_and_the_address(settings):
    settings.DEBUG = True
    output = run_demo()
    for email in LOGINS:
        assert email in output
    assert "demo-backontrack" in output
    assert settings.SITE_URL in output


def test_coordinator_and_staff_are_scoped_to_zaanstad(settings):
    settings.DEBUG = True
    run_demo()
    coordinator = authenticate(email="coordinator@demo.test", password="demo-backontrack")
    zaanstad = Municipality.objects.get(slug="zaanstad")
    assert roles_for(coordinator).coordinator_of == {zaanstad.pk}
    staff_po = authenticate(email="staff.po@demo.test", password="demo-backontrack")
    school = School.objects.get(pk=next(iter(roles_for(staff_po).staff_of)))
    assert (school.level, school.neighbourhood.municipality) == ("po", zaanstad)
