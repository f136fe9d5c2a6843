"""The demo's past term: enough believable history for the steering figures, keeping every
rule the services keep. The demo is built once for this module (it takes seconds), on
Friday 27 November 2026, inside a transaction rolled back at the end."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Min, Q

from activities.lottery import lottery_replay
from activities.models import Activity, Attendance, Enrolment, LotteryRound, Occurrence
from core.time import local_date
from demo.builders.history_term import history_term
from heroes.models import Hero
from notifications.models import Notification
from scheduler import queue
from scheduler import services as scheduler_services
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from schools.models import Group, Municipality, School

NOW = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 27)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        call_command("demo", force=True, verbosity=0)
        yield
        transaction.set_rollback(True)


def past_activities():
    return Activity.objects.filter(last_date__lt=TODAY)


def test_the_term_runs_from_the_start_of_the_school_year_to_last_week():
    term = history_term("noord", TODAY)
    assert term.school_year == "2026-2027"
    assert (term.first.opens, term.first.first, term.first.last) == (
        dt.date(2026, 8, 17),  # the first school day after the summer holiday
        dt.date(2026, 8, 31),
        dt.date(2026, 10, 16),  # the day before the autumn holiday
    )
    assert (term.second.first, term.second.last) == (dt.date(2026, 10, 26), dt.date(2026, 11, 22))
    # Early in a school year the past is the last one's final two blocks.
    early = history_term("noord", dt.date(2027, 9, 10))
    assert early.school_year == "2026-2027"
    assert early.second.last == dt.date(2027, 7, 9)  # the day before the summer holiday


def test_every_school_week_of_the_term_has_sessions_with_registers():
    sessions = Occurrence.objects.filter(activity__in=past_activities(), cancelled_at=None)
    zaanstad = sessions.filter(activity__school__neighbourhood__municipality__slug="zaanstad")
    weeks = Counter(day.isocalendar()[1] for day in zaanstad.values_list("date", flat=True))
    # Week 36 (31 August) to week 47, without the autumn holiday (week 43).
    assert set(weeks) == set(range(36, 48)) - {43}
    assert min(weeks.values()) >= 5
    assert sessions.filter(activity__school__neighbourhood__municipality__slug="amsterdam")
    unmarked = sessions.annotate(marks=Count("attendance")).filter(marks=0)
    assert not unmarked.exists()
    assert Occurrence.objects.filter(activity__in=past_activities(), cancelled_at__isnull=False)
    assert not Attendance.objects.filter(occurrence__cancelled_at__isnull=False).exists()
    assert not Attendance.objects.filter(occurrence__starts_at__gt=NOW).exists()


def test_most_children_come_and_the_rest_are_excused_or_absent():
    marks = Counter(
        Attendance.objects.filter(occurrence__activity__in=past_activities()).values_list(
            "status", flat=True
        )
    )
    present = marks["present"] / sum(marks.values())
    assert 0.8 <= present <= 0.92
    assert marks["excused"] > marks["absent"] > 0


def test_every_mark_is_for_a_child_who_held_a_place_that_day():
    marks = Attendance.objects.filter(occurrence__activity__in=past_activities())
    assert not marks.filter(enrolment__placed_at__isnull=True).exists()
    assert not marks.filter(enrolment__placed_at__gt=F("occurrence__starts_at")).exists()
    assert not marks.exclude(enrolment__status__in=["confirmed", "cancelled"]).exists()
    assert not marks.filter(
        enrolment__status="cancelled", enrolment__decided_at__lt=F("occurrence__starts_at")
    ).exists()
    assert not marks.exclude(enrolment__activity=F("occurrence__activity")).exists()


def test_places_are_never_oversold_and_seats_match_places():
    for activity in Activity.objects.all():
        holding = activity.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
        assert activity.seats_taken == holding <= activity.capacity, activity.title


def test_waiting_lists_moved_and_some_children_dropped_out():
    past = Enrolment.objects.filter(activity__in=past_activities())
    moved = past.filter(waitlisted_at__isnull=False, placed_at__isnull=False)
    assert moved.count() >= 10
    assert not moved.filter(placed_at__lte=F("waitlisted_at")).exists()
    assert past.filter(status="declined").exists() or past.filter(status="expired").exists()
    first_session = {
        row["activity"]: row["first"]
        for row in Occurrence.objects.values("activity").annotate(first=Min("starts_at"))
    }
    dropped = [
        e
        for e in past.filter(status="cancelled", placed_at__isnull=False)
        if e.decided_at > first_session[e.activity_id]
    ]
    assert 5 <= len(dropped) <= 0.15 * past.filter(placed_at__isnull=False).count()
    # A free place went down the list, never to a newcomer while children waited.
    assert past.filter(status="waitlisted").exists()


def test_no_child_holds_two_activities_at_the_same_time():
    by_child = defaultdict(list)
    enrolments = Enrolment.objects.filter(
        status__in=[*Enrolment.ACTIVE, "cancelled"], placed_at__isnull=False
    ).select_related("activity")
    for e in enrolments:
        by_child[e.child_id].append(e.activity)
    for activities in by_child.values():
        for n, a in enumerate(activities):
            for b in activities[n + 1 :]:
                assert not (
                    a.weekday == b.weekday
                    and a.start_time < b.end_time
                    and b.start_time < a.end_time
                    and a.first_date <= b.last_date
                    and b.first_date <= a.last_date
                ), (a.title, b.title)


def test_the_september_lottery_was_drawn_by_the_draw_itself():
    drawn = LotteryRound.objects.get(drawn_at__isnull=False)
    assert local_date(drawn.drawn_at) == dt.date(2026, 9, 4)
    assert drawn.drawn_at > drawn.closes_at
    replay = lottery_replay(drawn.draw_log)
    for pk, result in drawn.draw_log["activities"].items():
        assert replay.confirmed.get(int(pk), []) == result["confirmed"]
        assert replay.waitlisted.get(int(pk), []) == result["waitlisted"]
    placed = [pk for result in drawn.draw_log["activities"].values() for pk in result["confirmed"]]
    assert Enrolment.objects.filter(pk__in=placed, placed_at=drawn.drawn_at).count() == len(placed)
    assert len(drawn.draw_log["input"]["applications"]) > sum(
        drawn.activities.values_list("capacity", flat=True)
    )


def test_no_mail_was_written_about_the_past():
    history = list(
        Enrolment.objects.filter(activity__in=past_activities()).values_list("pk", flat=True)
    )
    keys = Notification.objects.values_list("idempotency_key", flat=True)
    mentioned = {key.split(":")[1] for key in keys if key.startswith("enrolment:")}
    assert not mentioned & {str(pk) for pk in history}
    visits = {
        str(pk) for pk in Visit.objects.filter(starts_at__lt=NOW).values_list("pk", flat=True)
    }
    assert not [key for key in keys if any(f"visit:{pk}:" in key for pk in visits)]
    assert not Notification.objects.exclude(status="sent").exists()


def test_visits_spread_over_the_term_in_both_municipalities():
    visits = Visit.objects.filter(starts_at__lt=NOW, status="confirmed")
    zaanstad = visits.filter(hero__municipality__slug="zaanstad")
    weeks = Counter(local_date(v.starts_at).isocalendar()[1] for v in zaanstad)
    assert len(weeks) >= 10 and sorted(weeks.values())[len(weeks) // 2] >= 5
    assert zaanstad.filter(kit__isnull=False, request__kind="vr").count() >= 5
    assert not zaanstad.filter(request__kind="vr", kit__isnull=True).exists()
    amsterdam = visits.filter(hero__municipality__slug="amsterdam")
    assert 10 <= amsterdam.count() < zaanstad.count()
    topics = set(visits.exclude(request__topic=None).values_list("request__topic__name", flat=True))
    assert len(topics) >= 5


def test_each_past_visit_was_asked_offered_and_accepted_in_time():
    visits = Visit.objects.filter(starts_at__lt=NOW).select_related("offer", "request", "hero")
    assert visits.count() > 50
    for visit in visits.prefetch_related("request__windows", "request__offers"):
        offer, session_request = visit.offer, visit.request
        assert session_request.status == "done"
        assert offer.status == "accepted" and offer.hero_id == visit.hero_id
        assert session_request.created_at < offer.created_at < offer.responded_at
        assert offer.responded_at < offer.expires_at <= visit.starts_at
        assert visit.created_at == offer.responded_at
        assert any(
            w.starts_at <= visit.starts_at and visit.ends_at <= w.ends_at
            for w in session_request.windows.all()
        )
        earlier = [o for o in session_request.offers.all() if o.pk != offer.pk]
        for o in earlier:
            assert o.status in ("declined", "expired") and o.responded_at < offer.created_at
    declined = Offer.objects.filter(status="declined", responded_at__lt=NOW)
    assert declined.exclude(decline_reason="").exists()
    one_each = SessionRequest.objects.annotate(
        n=Count("visits", filter=Q(visits__status="confirmed"))
    )
    assert not one_each.filter(n__gt=1).exists()


def test_heroes_kept_their_rules_on_each_visit():
    visits = Visit.objects.filter(starts_at__lt=NOW).select_related("hero", "kit")
    per_day = Counter((v.hero_id, local_date(v.starts_at)) for v in visits)
    assert max(per_day.values()) == 1
    kits = Counter((v.kit_id, local_date(v.starts_at)) for v in visits if v.kit_id)
    assert max(kits.values()) == 1
    months = Counter((v.hero_id, v.starts_at.year, v.starts_at.month) for v in visits)
    heroes = {h.pk: h for h in Hero.objects.prefetch_related("availability")}
    for (hero_id, _year, _month), n in months.items():
        assert n <= heroes[hero_id].max_visits_per_month
    for v in visits:
        hero, day = heroes[v.hero_id], local_date(v.starts_at)
        assert hero.vog_valid_on(day), (hero, day)
        assert v.kit is None or hero.vr_trained_on
        assert v.kit is None or v.request.class_size <= v.kit.max_class_size


def test_open_requests_keep_their_reasons_when_matching_runs_again(settings):
    settings.MATCHING_TIME_LIMIT_S = 5
    before = dict(
        SessionRequest.objects.filter(status="open").values_list("pk", "unmatched_reason")
    )
    assert {
        "window_past",
        "no_hero_available",
        "no_valid_vog",
        "all_candidates_excluded",
        "no_vr_trained_hero",
    } <= set(before.values())
    with time_machine.travel(NOW, tick=False):
        for municipality in Municipality.objects.all():
            run, _created = queue.run_request(
                municipality_id=municipality.pk, trigger=MatchingRun.Trigger.MANUAL
            )
            scheduler_services.run_execute(run.pk, now=NOW)
    after = dict(SessionRequest.objects.filter(pk__in=before).values_list("pk", "unmatched_reason"))
    assert after == before
    assert not Offer.objects.filter(request__in=list(before), status="pending").exists()


def test_a_few_vogs_expire_within_sixty_days():
    soon = [
        hero
        for hero in Hero.objects.all()
        if hero.current_vog
        and TODAY <= hero.current_vog.valid_until <= TODAY + dt.timedelta(days=60)
    ]
    assert len(soon) >= 3
    assert {hero.municipality.slug for hero in soon} == {"zaanstad", "amsterdam"}


def test_enough_children_took_part_at_each_school_for_figures_over_five():
    placed = Enrolment.objects.filter(activity__in=past_activities(), placed_at__isnull=False)
    for school in School.objects.all():
        reached = placed.filter(child__school=school).values("child").distinct().count()
        pupils = sum(
            Group.objects.filter(school=school, school_year="2026-2027").values_list(
                "pupils", flat=True
            )
        )
        assert 10 <= reached < pupils, school.brin
    # The target neighbourhoods reach the most children.
    zaanstad = placed.filter(activity__school__neighbourhood__municipality__slug="zaanstad")
    reached = {
        row["activity__school__neighbourhood__name"]: row["n"]
        for row in zaanstad.values("activity__school__neighbourhood__name").annotate(
            n=Count("child", distinct=True)
        )
    }
    others = [n for wijk, n in reached.items() if wijk not in ("Poelenburg", "Peldersveld")]
    assert min(reached["Poelenburg"], reached["Peldersveld"]) > max(others)
