"""`manage.py demo --scale`: the demo, then cities of bulk rows around it. The real scales take
minutes (docs/benchmarks.md); these tests use `--scale tiny`, two tiny towns, through the
same code."""

import datetime as dt
import itertools
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.roles import roles_for
from activities.models import Activity, Child, Enrolment
from demo.scale.towns import MUNICIPALITIES, NATION, national
from heroes.models import Hero
from scheduler.models import Visit
from schools.models import Group, Municipality, School

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_a_known_day(settings):
    settings.DEBUG = True
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        yield


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def fingerprint() -> list:
    return sorted(
        Child.objects.filter(guardian__email__endswith=".scale.test").values_list(
            "guardian__email", "first_name", "school__brin", "grade"
        )
    )


def test_tiny_scale_grows_the_demo_zaanstad_and_adds_a_town():
    out = run_demo(scale="tiny", seed=7)

    zaanstad = Municipality.objects.get(slug="zaanstad")
    arnhem = Municipality.objects.get(slug="arnhem")
    assert arnhem.holiday_region == "zuid"
    # The demo's eight schools and the town's four.
    assert School.objects.filter(neighbourhood__municipality=zaanstad).count() == 8 + 4
    assert School.objects.filter(neighbourhood__municipality=arnhem).count() == 4
    assert Child.objects.filter(school__neighbourhood__municipality=arnhem).count() == 300
    assert Activity.objects.filter(school__neighbourhood__municipality=arnhem).count() == 20
    assert Enrolment.objects.filter(activity__school__neighbourhood__municipality=arnhem).exists()
    assert Hero.objects.filter(municipality=arnhem).count() == 12
    assert Visit.objects.filter(hero__municipality=arnhem).count() == 50
    # Zaanstad kept its holidays: the town's closures were not added a second time.
    assert zaanstad.closures.filter(name__startswith="Kerstvakantie").count() == 2
    assert "Arnhem: 4 schools" in out
    assert "coordinator@arnhem.scale.test" in out


def test_the_demo_logins_and_the_towns_people_log_in_with_the_demo_password():
    run_demo(scale="tiny")

    assert roles_for(authenticate(email="coordinator@demo.test", password="demo-backontrack")).names
    coordinator = authenticate(email="coordinator@arnhem.scale.test", password="demo-backontrack")
    parent = authenticate(email="parent0@arnhem.scale.test", password="demo-backontrack")
    staff = authenticate(email="staff0.0@arnhem.scale.test", password="demo-backontrack")
    assert "coordinator" in roles_for(coordinator).names
    assert "parent" in roles_for(parent).names
    assert "staff" in roles_for(staff).names
    assert staff.mfa_exempt and coordinator.mfa_exempt
    assert staff.emailaddress_set.get().verified


def test_a_second_run_skips_the_towns_that_are_loaded():
    run_demo(scale="tiny")
    counts = (Child.objects.count(), Enrolment.objects.count(), Group.objects.count())

    out = run_demo(scale="tiny")

    assert "Zaanstad: already loaded, skipped." in out
    assert "Arnhem: already loaded, skipped." in out
    assert (Child.objects.count(), Enrolment.objects.count(), Group.objects.count()) == counts


def test_the_same_seed_gives_the_same_towns():
    run_demo(scale="tiny", seed=3)
    first = fingerprint()
    call_command("flush", interactive=False, verbosity=0)

    run_demo(scale="tiny", seed=3)

    assert fingerprint() == first
    call_command("flush", interactive=False, verbosity=0)
    run_demo(scale="tiny", seed=4)
    assert fingerprint() != first


def test_without_scale_there_are_no_scale_rows():
    run_demo()

    assert not Child.objects.filter(guardian__email__endswith=".scale.test").exists()
    assert not Municipality.objects.filter(slug="arnhem").exists()


def test_the_nation_is_eight_municipalities_of_the_programmes_size():
    parts = national()

    assert [p.town.name for p in parts] == [m[0] for m in MUNICIPALITIES]
    assert sum(share for *_, share in MUNICIPALITIES) == pytest.approx(1)
    assert sum(p.sizes.schools for p in parts) == pytest.approx(NATION.schools, abs=5)
    assert sum(p.sizes.activities for p in parts) == pytest.approx(20_000, abs=50)
    assert sum(p.sizes.heroes for p in parts) == pytest.approx(5_000, abs=10)
    # BRIN codes are unique nationwide: each town numbers on from the last.
    starts = [p.town.brin_start for p in parts]
    assert starts == sorted(set(starts))
    for part, after in itertools.pairwise(parts):
        assert after.town.brin_start == part.town.brin_start + part.sizes.schools
