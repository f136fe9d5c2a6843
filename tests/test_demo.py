import datetime as dt
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from accounts.models import User
from accounts.roles import roles_for
from accounts.selectors import failed_notifications_for
from activities.models import Activity, Child, Enrolment
from notifications.models import Notification
from schools.models import Group, Municipality, School, SchoolClosure

pytestmark = pytest.mark.django_db

LOGINS = {
    "coordinator@demo.test": ["coordinator"],
    "staff.po@demo.test": ["staff"],
    "staff.vo@demo.test": ["staff"],
    "hero@demo.test": ["hero"],
    "parent@demo.test": ["parent"],
    "programma@demo.test": ["programme"],
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
        if model._meta.app_label
        in {"accounts", "schools", "heroes", "account", "activities", "notifications", "scheduler"}
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
    amsterdam = School.objects.filter(neighbourhood__municipality__slug="amsterdam")
    assert amsterdam.count() >= 2
    for school in [*schools, *amsterdam]:
        school.full_clean()
        # The steering figures count pupils per school year: this one and the last.
        for year in ("2025-2026", "2026-2027"):
            pupils = school.groups.filter(school_year=year).values_list("pupils", flat=True)
            assert len(pupils) >= 4 and all(pupils), (school.brin, year)
    assert set(Group.objects.values_list("school_year", flat=True)) == {"2025-2026", "2026-2027"}


def test_demo_has_the_holidays_of_this_and_next_school_year(settings):
    settings.DEBUG = True
    run_demo()
    holidays = SchoolClosure.objects.filter(
        school=None, kind="holiday", municipality__slug="zaanstad"
    )
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
    assert first["activities.Enrolment"] > 0
    assert first["heroes.Hero"] >= 12
    assert first["heroes.AvailabilityWindow"] > first["heroes.Hero"]
    assert first["heroes.VOGCheck"] > 0
    # The past term is made once too.
    assert first["activities.Attendance"] > 1000
    assert first["activities.AbsenceNotice"] > 0
    assert first["scheduler.Visit"] > 50
    assert first["activities.LotteryRound"] >= 2
    assert_seats_match_places_and_offers()


def assert_seats_match_places_and_offers():
    for activity in Activity.objects.all():
        holding = activity.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
        assert activity.seats_taken == holding, activity.title
        assert activity.seats_taken <= activity.capacity


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


def test_demo_has_published_activities_across_the_term_at_schools_and_the_hub(settings):
    settings.DEBUG = True
    run_demo()
    today = dt.date(2026, 11, 27)
    activities = Activity.objects.filter(status="published", last_date__gte=today)
    assert activities.count() >= 8
    assert activities.values("school").distinct().count() >= 4
    assert activities.filter(venue__name="jongerenHUB Poelenburg").count() >= 2
    assert {"sport", "culture", "technology", "homework"} <= set(
        activities.values_list("category", flat=True)
    )
    assert {"po", "vo"} <= set(activities.values_list("level", flat=True))
    for activity in activities:
        dates = list(activity.occurrences.values_list("date", flat=True))
        assert len(dates) >= 8
        assert min(dates) > today
        # No session in the Christmas holidays.
        assert not [d for d in dates if dt.date(2026, 12, 19) <= d <= dt.date(2027, 1, 3)]


def test_demo_has_nearly_full_full_and_lottery_activities(settings):
    settings.DEBUG = True
    run_demo()
    upcoming = Activity.objects.filter(last_date__gte=dt.date(2026, 11, 27))
    first_come = upcoming.filter(allocation="first_come")
    assert first_come.count() > upcoming.filter(allocation="lottery").count()
    assert any(a.places_left == 1 for a in first_come)
    waiting = Enrolment.objects.filter(status="waitlisted")
    assert first_come.filter(seats_taken=models.F("capacity"), enrolments__in=waiting).exists()
    lottery = upcoming.get(allocation="lottery")
    now = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    assert lottery.window_is_open(now)
    assert lottery.enrolment_closes_at - now < dt.timedelta(days=7)
    assert lottery.enrolments.filter(status="applied").count() > lottery.capacity
    assert lottery.lottery_round.drawn_at is None


def test_the_demo_parent_has_two_children_with_a_place_a_wait_and_an_offer_among_others(settings):
    settings.DEBUG = True
    run_demo()
    parent = User.objects.get(email="parent@demo.test")
    children = Child.objects.filter(guardian=parent)
    assert {(c.school.brin, c.grade) for c in children} == {("99ZA", 5), ("99ZF", 1)}
    assert all(c.consent_at for c in children)
    statuses = list(
        Enrolment.objects.filter(child__guardian=parent).values_list("status", flat=True)
    )
    assert "confirmed" in statuses
    assert "waitlisted" in statuses
    offer = Enrolment.objects.get(child__guardian=parent, status="offered")
    assert offer.offer_expires_at > dt.datetime(2026, 11, 29, 10, tzinfo=dt.UTC)
    # Their mail is in the outbox to read, and no worker will try to send it to .test.
    assert Notification.objects.filter(recipient=parent, kind="activity:offered").exists()
    assert not Notification.objects.filter(to_email__endswith="@demo.test", status="pending")


def test_a_fresh_demo_has_no_undelivered_mail(settings):
    settings.DEBUG = True
    run_demo()
    coordinator = User.objects.get(email="coordinator@demo.test")
    assert Notification.objects.filter(status="sent").count() > 10
    assert not Notification.objects.exclude(status="sent").exists()
    assert not failed_notifications_for(roles_for(coordinator)).exists()
    # The other families only fill places: they have no password to log in with.
    families = User.objects.filter(children__isnull=False).exclude(email="parent@demo.test")
    assert families.distinct().count() >= 12
    for user in families.distinct():
        assert not user.has_usable_password()
        assert user.is_parent


def test_demo_heroes_have_topics_languages_windows_and_vog_dates(settings):
    from heroes.models import Hero, Topic, vog_status

    settings.DEBUG = True
    run_demo()
    today = dt.date(2026, 11, 27)
    zaanstad = Municipality.objects.get(slug="zaanstad")
    assert {"Weerbaarheid", "Social media", "Groepsdruk"} <= set(
        Topic.objects.filter(municipality=zaanstad).values_list("name", flat=True)
    )
    heroes = list(Hero.objects.filter(municipality=zaanstad))
    assert len(heroes) >= 12
    assert {"nl", "tr", "ar", "ber", "pap", "en"} <= {c for h in heroes for c in h.languages}
    assert all(h.availability.exists() and h.topics.exists() for h in heroes)
    states = [vog_status(getattr(h.current_vog, "valid_until", None), today) for h in heroes]
    assert states.count("expired") == 1
    assert "expiring" in states
    assert "missing" in states
    assert sum(h.vr_trained for h in heroes) >= 3
    others = User.objects.filter(hero__isnull=False).exclude(email="hero@demo.test")
    assert all(not user.has_usable_password() for user in others)


def test_the_demo_hero_has_a_full_profile_a_valid_vog_and_two_afternoons(settings):
    settings.DEBUG = True
    run_demo()
    hero = User.objects.get(email="hero@demo.test").hero
    assert hero.story
    assert hero.languages == ["nl", "tr"]
    assert hero.topics.count() >= 2
    assert hero.home_neighbourhood.name == "Poelenburg"
    assert set(hero.visit_neighbourhoods.values_list("name", flat=True)) == {
        "Poelenburg",
        "Peldersveld",
    }
    assert hero.vr_trained
    assert hero.vog_valid_on(dt.date(2026, 11, 27))
    windows = list(hero.availability.all())
    assert len({w.weekday for w in windows}) == 2
    assert all(w.start_time >= dt.time(12) for w in windows)


def test_demo_has_kits_requests_offers_and_a_visit(settings):
    from scheduler.models import Kit, KitBlock, Offer, SessionRequest, Visit

    settings.DEBUG = True
    run_demo()
    zaanstad = Municipality.objects.get(slug="zaanstad")
    assert Kit.objects.filter(municipality=zaanstad).count() == 2
    assert KitBlock.objects.count() == 1
    kinds = set(SessionRequest.objects.values_list("school__level", "kind"))
    assert {("po", "hero"), ("vo", "hero"), ("vo", "vr")} <= kinds
    dennis = Offer.objects.get(hero__user__email="hero@demo.test", status="pending")
    assert dennis.kit is not None and dennis.request.kind == "vr"
    assert Offer.objects.filter(status="pending").count() >= 3
    now = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    assert Visit.objects.filter(request__school__brin="99ZA", starts_at__gt=now).count() == 1
    unmatched = SessionRequest.objects.get(status="open", language="so")
    assert unmatched.unmatched_reason == "no_hero_available"
