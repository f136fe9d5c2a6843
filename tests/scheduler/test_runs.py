"""Matching runs: one active per municipality, claimed once, failures recorded, offers written
only where the world still allows them. And the Celery tasks that drive them."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from core.urls import absolute_url
from notifications.models import Notification
from notifications.services import render_message
from scheduler import adapter, errors, services, tasks
from scheduler import queue as run_queue
from scheduler.matching.model import Assignment
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from scheduler.services import runs
from tests import factories
from tests.clock import LOCAL_TZ, NOW, TUESDAY, at
from tests.scheduler.conftest import make_hero, make_request

MANUAL = MatchingRun.Trigger.MANUAL


def queue(municipality, trigger=MANUAL) -> tuple[MatchingRun, bool]:
    return run_queue.run_request(municipality_id=municipality.pk, trigger=trigger)


def hour(start: int) -> tuple[dt.datetime, dt.datetime]:
    return at(TUESDAY, start), at(TUESDAY, start + 1)


def assign(session_request, hero, start: int, kit=None) -> Assignment:
    return Assignment(
        str(session_request.pk), str(hero.pk), str(kit.pk) if kit else None, *hour(start)
    )


# --- the lock: one queued or running run per municipality -------------------------------------


def test_asking_twice_while_queued_or_running_returns_the_same_run(municipality, coordinator):
    first, created = run_queue.run_request(
        municipality_id=municipality.pk, trigger=MANUAL, started_by=coordinator
    )
    assert created and first.status == MatchingRun.Status.QUEUED
    assert first.started_by == coordinator
    again, created = queue(municipality, MatchingRun.Trigger.PERIODIC)
    assert (again.pk, created) == (first.pk, False)

    MatchingRun.objects.filter(pk=first.pk).update(status=MatchingRun.Status.RUNNING)
    again, created = queue(municipality)
    assert (again.pk, created) == (first.pk, False)
    assert MatchingRun.objects.count() == 1


@pytest.mark.parametrize("status", ["done", "failed"])
def test_a_new_run_can_start_once_the_last_one_ended(municipality, status):
    first, _created = queue(municipality)
    MatchingRun.objects.filter(pk=first.pk).update(status=status)
    second, created = queue(municipality)
    assert created and second.pk != first.pk


def test_each_municipality_has_its_own_lock(municipality, other_school):
    queue(municipality)
    _run, created = queue(other_school.neighbourhood.municipality)
    assert created


def test_the_run_is_sent_to_the_worker_once_the_request_commits(
    municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run, _created = queue(municipality)
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.DONE
    assert run.engine_status == "EMPTY"  # nothing open


def test_release_stale_frees_runs_stuck_for_more_than_fifteen_minutes(municipality, other_school):
    stuck = factories.MatchingRunFactory(
        municipality=municipality,
        status=MatchingRun.Status.RUNNING,
        started_at=NOW - dt.timedelta(minutes=16),
    )
    busy = factories.MatchingRunFactory(
        municipality=other_school.neighbourhood.municipality,
        status=MatchingRun.Status.RUNNING,
        started_at=NOW - dt.timedelta(minutes=14),
    )
    assert runs.runs_release_stale(now=NOW) == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == MatchingRun.Status.FAILED and stuck.error
    assert stuck.finished_at == NOW
    assert busy.status == MatchingRun.Status.RUNNING
    assert queue(municipality)[1], "the lock is free again"
    assert runs.runs_release_stale(now=NOW) == 0


def test_release_stale_frees_a_run_never_picked_up(municipality):
    waiting, _created = queue(municipality)
    assert runs.runs_release_stale(now=NOW + dt.timedelta(minutes=14)) == 0
    assert runs.runs_release_stale(now=NOW + dt.timedelta(minutes=16)) == 1
    waiting.refresh_from_db()
    assert waiting.status == MatchingRun.Status.FAILED


# --- run_execute ------------------------------------------------------------------------------


def test_a_run_is_claimed_once(municipality, vo_school, hero):
    make_request(vo_school)
    run, _created = queue(municipality)
    done = runs.run_execute(run.pk, now=NOW)
    assert done.status == MatchingRun.Status.DONE
    assert runs.run_execute(run.pk, now=NOW) is None
    assert Offer.objects.count() == 1


def test_a_run_records_what_it_did(municipality, vo_school, hero, kit):
    matched = make_request(vo_school)
    SessionRequest.objects.filter(pk=matched.pk).update(unmatched_reason="no_hero_available")
    nobody_trained = make_request(vo_school, kind="vr")
    hero.vr_trained_on = None
    hero.save()
    run, _created = queue(municipality)
    run = runs.run_execute(run.pk, now=NOW)
    assert run.status == MatchingRun.Status.DONE, run.error
    assert (run.requests_open, run.offers_made, run.unmatched) == (2, 1, 1)
    assert (run.progress, run.step) == (100, "done")
    assert run.started_at and run.finished_at and run.solve_s is not None
    assert run.engine_status
    matched.refresh_from_db()
    nobody_trained.refresh_from_db()
    assert (matched.status, matched.unmatched_reason) == (SessionRequest.Status.OFFERED, "")
    assert nobody_trained.status == SessionRequest.Status.OPEN
    assert nobody_trained.unmatched_reason == "no_vr_trained_hero"
    assert Offer.objects.get().run == run


def test_a_run_leaves_pending_offers_and_visits_alone(municipality, vo_school, hero):
    offered, booked = (
        make_request(vo_school, hours=(9, 12)),
        make_request(vo_school, hours=(13, 15)),
    )
    factories.OfferFactory(request=offered, hero=hero)
    factories.VisitFactory(request=booked, hero=hero, starts_at=at(TUESDAY, 13))
    run, _created = queue(municipality)
    run = runs.run_execute(run.pk, now=NOW)
    assert (run.requests_open, run.offers_made) == (0, 0)
    assert Offer.objects.filter(status="pending").count() == 1
    assert Visit.objects.count() == 1


def test_a_run_that_raises_is_marked_failed_and_frees_the_lock(
    municipality, vo_school, hero, monkeypatch
):
    session_request = make_request(vo_school)

    def boom(*args, **kwargs):
        raise RuntimeError("the solver fell over")

    monkeypatch.setattr(runs.solver, "solve", boom)
    run, _created = queue(municipality)
    run = runs.run_execute(run.pk, now=NOW)
    assert run.status == MatchingRun.Status.FAILED
    assert run.error == "RuntimeError: the solver fell over"
    assert run.finished_at is not None
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OPEN
    assert not Offer.objects.exists()
    assert queue(municipality)[1], "the lock is free again"


def test_a_run_that_fails_while_writing_writes_nothing(
    municipality, vo_school, other_vo_school, hero, monkeypatch
):
    first, second = make_request(vo_school), make_request(other_vo_school, hours=(13, 15))
    told = []

    def messages_fail(offers):
        # The offers and the requests' statuses are written by now; the mail step fails.
        told.extend(o.request_id for o in offers)
        assert Offer.objects.count() == 2
        raise RuntimeError("outbox down")

    monkeypatch.setattr(runs, "tell_heroes_offered", messages_fail)
    run, _created = queue(municipality)
    run = runs.run_execute(run.pk, now=NOW)
    assert run.status == MatchingRun.Status.FAILED
    assert sorted(told) == sorted([first.pk, second.pk])
    assert not Offer.objects.exists(), "the offers are written in one transaction"
    assert set(SessionRequest.objects.values_list("status", flat=True)) == {"open"}


def test_a_runs_offer_mail_reads_as_the_one_rendered_at_once(
    municipality, vo_school, hero, mailoutbox, django_capture_on_commit_callbacks
):
    """The run's messages are written at delivery; the hero reads what tell_hero would have
    rendered in the run's transaction, in their language."""
    hero.user.language = "en"
    hero.user.save()
    make_request(vo_school, hours=(10, 12))
    run, _created = queue(municipality)
    with django_capture_on_commit_callbacks(execute=True):  # delivery, as a worker would
        runs.run_execute(run.pk, now=NOW)

    offer = Offer.objects.select_related("request__school", "request__group").get()
    row = Notification.objects.get(idempotency_key=f"offer:{offer.pk}:offer_new")
    assert row.compose == "scheduler.offer_new"
    assert row.status == Notification.Status.SENT
    [mail] = [m for m in mailoutbox if m.to == [hero.user.email]]
    expected = render_message(
        "scheduler/email/hero_offer_new",
        {
            "recipient": hero.user,
            "offer": offer,
            "visit": None,
            "session_request": offer.request,
            "reason": "",
            "url": absolute_url("scheduler:hero-offers"),
        },
        "en",
    )
    assert (mail.subject, mail.body) == (expected.subject, expected.body_text)
    assert mail.subject == f"New visit for you at {vo_school.name}"
    assert "Please answer before" in mail.body
    assert offer.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M") in mail.body
    assert (row.subject, row.body_html) == (expected.subject, expected.body_html)


# --- write_offers -----------------------------------------------------------------------------


@pytest.fixture
def snapshot(municipality):
    def take():
        run, _created = queue(municipality)
        return adapter.load(municipality.pk, NOW), run

    return take


@pytest.mark.parametrize("n", [1, 4])
def test_write_offers_takes_the_same_queries_for_one_offer_or_many(
    municipality, vo_school, snapshot, django_assert_num_queries, n
):
    heroes = [make_hero(municipality, name=f"Hero {i}") for i in range(n)]
    requests = [make_request(vo_school) for _ in range(n)]
    loaded, run = snapshot()
    ContentType.objects.get_for_model(Offer)  # as in a running process (the audit entry's)
    # Locks (heroes, kits, requests; on PostgreSQL after setting their time-out), pending
    # offers, booked visits and offers, the offers, the statuses, the heroes' accounts, the
    # messages, and the savepoint around them: the same count for any number, but for each
    # offer's audit entry.
    lock_timeout = connection.vendor == "postgresql"
    with django_assert_num_queries(11 + lock_timeout + n):
        made = runs.write_offers(
            loaded,
            [assign(r, h, 10) for r, h in zip(requests, heroes, strict=True)],
            run=run,
            now=NOW,
        )
    assert made == n


def test_a_runs_offers_are_audited_as_offers_made_by_hand(municipality, vo_school, snapshot):
    heroes = [make_hero(municipality, name=f"Hero {i}") for i in range(2)]
    requests = [make_request(vo_school) for _ in heroes]
    loaded, run = snapshot()
    runs.write_offers(
        loaded, [assign(r, h, 10) for r, h in zip(requests, heroes, strict=True)], run=run, now=NOW
    )
    entries = LogEntry.objects.get_for_model(Offer).filter(action=LogEntry.Action.CREATE)
    offers = Offer.objects.order_by("pk")
    assert sorted(int(e.object_pk) for e in entries) == [o.pk for o in offers]
    assert {e.additional_data["municipality"] for e in entries} == {municipality.pk}
    assert all(e.changes_dict["hero"][1] for e in entries)


def test_write_offers_skips_a_request_that_is_no_longer_open(
    municipality, vo_school, other_vo_school, hero, snapshot
):
    other = make_hero(municipality, name="Samira")
    cancelled, offered, fine = (make_request(vo_school) for _ in range(3))
    loaded, run = snapshot()
    services.request_cancel(session_request=cancelled, now=NOW)
    factories.OfferFactory(request=offered, hero=other, starts_at=at(TUESDAY, 11))
    made = runs.write_offers(
        loaded,
        [assign(cancelled, hero, 10), assign(offered, hero, 10), assign(fine, hero, 10)],
        run=run,
        now=NOW,
    )
    assert made == 1
    assert list(Offer.objects.filter(run=run).values_list("request_id", flat=True)) == [fine.pk]
    assert Offer.objects.filter(request=offered).count() == 1


def test_write_offers_skips_a_hero_booked_in_the_meantime(
    municipality, vo_school, other_vo_school, hero, snapshot
):
    other = make_hero(municipality, name="Samira")
    mine, theirs = make_request(vo_school), make_request(vo_school)
    elsewhere, pending_elsewhere = make_request(other_vo_school), make_request(other_vo_school)
    loaded, run = snapshot()
    factories.VisitFactory(request=elsewhere, hero=hero, starts_at=at(TUESDAY, 11))  # elsewhere
    factories.OfferFactory(request=pending_elsewhere, hero=other, starts_at=at(TUESDAY, 10, 30))
    made = runs.write_offers(
        loaded, [assign(mine, hero, 10), assign(theirs, other, 10)], run=run, now=NOW
    )
    assert made == 0
    assert not Offer.objects.filter(run=run).exists()
    for session_request in (mine, theirs):
        session_request.refresh_from_db()
        assert session_request.status == SessionRequest.Status.OPEN


def test_write_offers_allows_back_to_back_at_the_same_school(
    municipality, vo_school, hero, snapshot
):
    mine, before = make_request(vo_school), make_request(vo_school, hours=(9, 10))
    loaded, run = snapshot()
    factories.VisitFactory(request=before, hero=hero, starts_at=at(TUESDAY, 9))
    assert runs.write_offers(loaded, [assign(mine, hero, 10)], run=run, now=NOW) == 1


def test_write_offers_skips_a_kit_booked_blocked_or_retired_in_the_meantime(
    municipality, vo_school, other_vo_school, hero, kit, snapshot
):
    samira, kim = make_hero(municipality, name="Samira"), make_hero(municipality, name="Kim")
    blocked = factories.KitFactory(municipality=municipality, name="Kit Zuid")
    retired = factories.KitFactory(municipality=municipality, name="Kit Oost")
    shrunk = factories.KitFactory(municipality=municipality, name="Kit West")
    wanted = [make_request(vo_school, kind="vr") for _ in range(4)]
    elsewhere = make_request(other_vo_school, kind="vr")
    loaded, run = snapshot()
    factories.VisitFactory(request=elsewhere, hero=kim, kit=kit, starts_at=at(TUESDAY, 11))
    services.kit_block_add(kit=blocked, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 18))
    services.kit_update(kit=retired, name="Kit Oost", headsets=15, is_active=False)
    services.kit_update(kit=shrunk, name="Kit West", headsets=10)  # 24 pupils need 12
    made = runs.write_offers(
        loaded,
        [
            assign(wanted[0], hero, 10, kit),
            assign(wanted[1], samira, 10, blocked),
            assign(wanted[2], kim, 14, retired),
            assign(wanted[3], hero, 14, shrunk),
        ],
        run=run,
        now=NOW,
    )
    assert made == 0
    assert not Offer.objects.filter(run=run).exists()


def test_write_offers_skips_a_vr_assignment_whose_kit_is_gone(
    municipality, vo_school, hero, snapshot
):
    kit = factories.KitFactory(municipality=municipality, name="Kit Tijdelijk")
    session_request = make_request(vo_school, kind="vr")
    loaded, run = snapshot()
    assignment = assign(session_request, hero, 10, kit)
    kit.delete()
    assert runs.write_offers(loaded, [assignment], run=run, now=NOW) == 0
    assert not Offer.objects.exists()


# --- runs_periodic ----------------------------------------------------------------------------


def test_periodic_queues_one_run_per_municipality_with_open_requests(
    municipality, vo_school, other_vo_school, other_school, django_capture_on_commit_callbacks
):
    make_request(vo_school)
    make_request(other_vo_school)
    make_request(other_school)  # Amsterdam
    quiet = factories.SchoolFactory(neighbourhood__municipality__name="Oostzaan", level="vo")
    services.request_cancel(session_request=make_request(quiet), now=NOW)

    assert runs.runs_periodic(now=NOW) == 2
    queued = MatchingRun.objects.filter(status="queued", trigger="periodic")
    assert set(queued.values_list("municipality__name", flat=True)) == {"Zaanstad", "Amsterdam"}
    assert runs.runs_periodic(now=NOW) == 0, "the queued runs are still there"
    assert MatchingRun.objects.count() == 2


def test_periodic_queues_the_largest_municipality_first(
    municipality, vo_school, other_school, django_capture_on_commit_callbacks
):
    """Workers take runs in the order queued: the largest first, so two workers end together."""
    make_request(vo_school)  # Zaanstad: 1 open
    for _ in range(3):
        make_request(other_school)  # Amsterdam: 3 open
    small = factories.SchoolFactory(neighbourhood__municipality__name="Oostzaan", level="vo")
    for _ in range(2):
        make_request(small)

    with django_capture_on_commit_callbacks() as dispatches:
        assert runs.runs_periodic(now=NOW) == 3

    queued = MatchingRun.objects.order_by("pk").values_list("municipality__name", flat=True)
    assert list(queued) == ["Amsterdam", "Oostzaan", "Zaanstad"]
    assert len(dispatches) == 3  # one task each, handed over in that order


def test_periodic_hands_over_again_a_run_the_broker_lost(municipality):
    # Runs queued here never reach a worker: tests run tasks only when a commit hook fires.
    lost, _created = queue(municipality)
    MatchingRun.objects.filter(pk=lost.pk).update(created_at=NOW - dt.timedelta(minutes=5))
    fresh, _created = queue(factories.MunicipalityFactory())

    runs.runs_periodic(now=NOW)

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == MatchingRun.Status.DONE  # handed over (tasks run at once here)
    assert fresh.status == MatchingRun.Status.QUEUED  # still on its way: left alone


def test_periodic_frees_stale_runs_first(municipality, vo_school):
    make_request(vo_school)
    stuck = factories.MatchingRunFactory(
        municipality=municipality, status="running", started_at=NOW - dt.timedelta(hours=1)
    )
    assert runs.runs_periodic(now=NOW) == 1
    stuck.refresh_from_db()
    assert stuck.status == MatchingRun.Status.FAILED


# --- tasks ------------------------------------------------------------------------------------


def test_run_matching_task_executes_the_run(municipality, vo_school, hero):
    make_request(vo_school)
    run, _created = queue(municipality)
    assert tasks.run_matching.delay(run.pk).get() == "done"
    assert tasks.run_matching.delay(run.pk).get() is None, "a run is claimed once"
    assert Offer.objects.count() == 1


def test_rematch_task_queues_and_runs_matching(
    municipality, vo_school, hero, django_capture_on_commit_callbacks
):
    session_request = make_request(vo_school)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.rematch_open_requests.delay().get() == 1
    assert MatchingRun.objects.get().status == MatchingRun.Status.DONE
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.OFFERED


def test_expire_task_expires_offers_and_completes_visits(
    vo_school, other_vo_school, hero, time_machine
):
    offered, booked = make_request(vo_school), make_request(other_vo_school, hours=(13, 15))
    offer = factories.OfferFactory(request=offered, hero=hero)
    visit = factories.VisitFactory(request=booked, hero=hero, starts_at=at(TUESDAY, 13))

    assert tasks.expire_offers.delay().get() == 0
    time_machine.move_to(offer.expires_at, tick=False)
    assert tasks.expire_offers.delay().get() == 1
    offer.refresh_from_db()
    offered.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert offered.status == SessionRequest.Status.OPEN
    booked.refresh_from_db()
    assert booked.status == SessionRequest.Status.CONFIRMED

    time_machine.move_to(visit.ends_at, tick=False)
    assert tasks.expire_offers.delay().get() == 0
    booked.refresh_from_db()
    assert booked.status == SessionRequest.Status.DONE


# --- manual assignment ------------------------------------------------------------------------


def assign_by_hand(session_request, hero, start, *, kit=None, by=None, force=False) -> Offer:
    return runs.offer_assign_manually(
        session_request=session_request,
        hero=hero,
        kit=kit,
        starts_at=start,
        by=by,
        force=force,
        now=NOW,
    )


def test_a_fitting_assignment_beside_other_visits_breaks_no_rule(
    municipality, vo_school, other_vo_school, hero, kit, coordinator
):
    samira = make_hero(municipality, name="Samira")
    factories.VisitFactory(
        request=make_request(other_vo_school, kind="vr", pupils=20), hero=samira, kit=kit
    )
    factories.VisitFactory(
        request=make_request(other_vo_school, hours=(13, 15)), hero=hero, starts_at=at(TUESDAY, 13)
    )
    session_request = make_request(vo_school, kind="vr", hours=(10, 14))
    start = at(TUESDAY, 11, 30)  # 30 minutes after the kit's other visit: time to move it
    assert (
        runs.manual_check(
            session_request=session_request,
            hero=hero,
            kit=kit,
            start=start,
            end=start + dt.timedelta(hours=1),
            now=NOW,
        )
        == []
    )
    offer = assign_by_hand(session_request, hero, start, kit=kit, by=coordinator)
    assert (offer.manual_by, offer.rule_warnings, offer.status) == (coordinator, [], "pending")


def test_an_assignment_that_collides_needs_force(
    municipality, vo_school, other_vo_school, hero, coordinator
):
    factories.VisitFactory(request=make_request(other_vo_school), hero=hero)
    session_request = make_request(vo_school)
    with pytest.raises(errors.RuleWarnings) as exc:
        assign_by_hand(session_request, hero, at(TUESDAY, 11), by=coordinator)
    assert any("collide" in w for w in exc.value.warnings), exc.value.warnings
    assert not Offer.objects.filter(request=session_request).exists()
    offer = assign_by_hand(session_request, hero, at(TUESDAY, 11), by=coordinator, force=True)
    assert offer.rule_warnings == exc.value.warnings


def test_manual_assignment_replaces_the_pending_offer(municipality, vo_school, hero, coordinator):
    samira = make_hero(municipality, name="Samira")
    session_request = make_request(vo_school)
    first = assign_by_hand(session_request, hero, at(TUESDAY, 10), by=coordinator)
    second = assign_by_hand(session_request, samira, at(TUESDAY, 11), by=coordinator)
    first.refresh_from_db()
    assert first.status == Offer.Status.WITHDRAWN
    assert (second.hero, second.status) == (samira, Offer.Status.PENDING)
    assert second.rule_warnings == []


@pytest.mark.parametrize("problem", ["hero", "kit", "no_kit", "past", "no_start"])
def test_manual_assignment_refuses_bad_input(
    municipality, vo_school, hero, kit, other_school, coordinator, problem
):
    session_request = make_request(vo_school, kind="vr")
    elsewhere = other_school.neighbourhood.municipality
    args = {"hero": hero, "kit": kit, "start": at(TUESDAY, 10)}
    field = {"hero": "hero", "kit": "kit", "no_kit": "kit"}.get(problem, "starts_at")
    if problem == "hero":
        args["hero"] = make_hero(elsewhere, name="Elders")
    elif problem == "kit":
        args["kit"] = factories.KitFactory(municipality=elsewhere, name="Elders")
    elif problem == "no_kit":
        args["kit"] = None
    elif problem == "past":
        args["start"] = NOW
    else:
        args["start"] = None
    with pytest.raises(ValidationError) as exc:
        assign_by_hand(
            session_request, args["hero"], args["start"], kit=args["kit"], by=coordinator
        )
    assert field in exc.value.message_dict
    assert not Offer.objects.exists()


def test_a_cancelled_request_cannot_be_assigned(vo_school, hero, coordinator):
    session_request = make_request(vo_school)
    services.request_cancel(session_request=session_request, now=NOW)
    with pytest.raises(errors.RequestClosed):
        assign_by_hand(session_request, hero, at(TUESDAY, 10), by=coordinator)
    assert not Offer.objects.exists()


def test_a_confirmed_visit_can_go_to_another_hero(municipality, vo_school, hero, coordinator):
    """Nothing else is open, so only the request itself tells how far ahead heroes must be
    free."""
    samira = make_hero(municipality, name="Samira")
    session_request = make_request(vo_school)
    visit = factories.VisitFactory(request=session_request, hero=hero)
    offer = assign_by_hand(session_request, samira, at(TUESDAY, 11), by=coordinator)
    assert offer.rule_warnings == []
    visit.refresh_from_db()
    session_request.refresh_from_db()
    assert (visit.status, visit.sequence) == (Visit.Status.CANCELLED, 1)
    assert session_request.status == SessionRequest.Status.OFFERED
