"""Booking under a rush, on PostgreSQL: accepts and matching runs at the same moment.

Each thread has its own database connection, so these are real concurrent transactions. The
control runs take the locks away and show that the race is real, so the guarded runs prove
something.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from scheduler import adapter, errors, queue, services, tasks
from scheduler.matching.model import Assignment
from scheduler.models import MatchingRun, Offer, SessionRequest, Visit
from scheduler.services import offers as offer_services
from scheduler.services import runs
from tests.concurrency import at_once

from .. import factories
from ..clock import NOW, TUESDAY, at
from ..conftest import requires_postgres
from .conftest import make_hero

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5
CONTROL_ROUNDS = 10
TEN = at(TUESDAY, 10)


@pytest.fixture(autouse=True)
def _no_background_runs(monkeypatch):
    """A refusal queues a new matching run; here it stays queued instead of running in the
    racing thread, so each round looks only at the race itself."""
    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: None)


def _accept(offer):
    return lambda: services.offer_accept(offer=offer, now=NOW)


def _write(loaded, assignment, run):
    return lambda: runs.write_offers(loaded, [assignment], run=run, now=NOW)


def _overlapping_offers(municipality, hero, n: int) -> list[Offer]:
    """n pending offers for one hero, at n schools, each overlapping the next (as forced
    assignments by hand can)."""
    return [
        factories.OfferFactory(
            request=factories.SessionRequestFactory(
                group__school__neighbourhood__municipality=municipality
            ),
            hero=hero,
            starts_at=TEN + dt.timedelta(minutes=15 * i),
        )
        for i in range(n)
    ]


def _double_bookings(hero) -> list[tuple[Visit, Visit]]:
    """Confirmed visits of the hero that overlap or leave no time to travel between them."""
    visits = list(Visit.objects.filter(hero=hero, status=Visit.Status.CONFIRMED))
    buffer = dt.timedelta(minutes=30)
    return [
        (a, b)
        for i, a in enumerate(visits)
        for b in visits[i + 1 :]
        if a.starts_at < b.ends_at + buffer and b.starts_at < a.ends_at + buffer
    ]


# --- (1) one hero, overlapping times ----------------------------------------------------------


def test_accepting_overlapping_offers_at_once_books_the_hero_once(municipality):
    for round_ in range(ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        offers = _overlapping_offers(municipality, hero, 6)

        results = at_once([_accept(offer) for offer in offers])

        visits = [r for r in results if isinstance(r, Visit)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(visits) == 1, results
        assert all(isinstance(r, errors.NoLongerFits) for r in refused), refused
        assert _double_bookings(hero) == []
        statuses = sorted(Offer.objects.filter(hero=hero).values_list("status", flat=True))
        assert statuses == ["accepted"] + ["withdrawn"] * 5
        assert (
            SessionRequest.objects.filter(
                offers__hero=hero, status=SessionRequest.Status.OPEN
            ).count()
            == 5
        )


def test_without_the_hero_lock_the_hero_is_booked_twice(municipality, monkeypatch):
    """Control: lock only the offer (not the hero) and two accepts both see a free hero."""

    def lock_only_the_offer(offer):
        return (
            Offer.objects.select_for_update(of=("self",))
            .select_related("request__school", "request__group", "hero__user", "kit")
            .get(pk=offer.pk)
        )

    monkeypatch.setattr(offer_services, "_lock_offer", lock_only_the_offer)
    raced = []
    for round_ in range(CONTROL_ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        offers = _overlapping_offers(municipality, hero, 6)
        results = at_once([_accept(offer) for offer in offers])
        others = [
            r
            for r in results
            if isinstance(r, Exception) and not isinstance(r, errors.NoLongerFits)
        ]
        assert others == [], others
        if _double_bookings(hero):
            raced.append(round_)
            break
    assert raced, f"no double booking in {CONTROL_ROUNDS} rounds without the hero lock"


def test_an_accept_racing_a_runs_offers_never_double_books(municipality):
    """A run took its snapshot before a coordinator offered the hero 10:00 by hand; now the
    hero accepts that offer while the run writes its own offer of the hero at 10:00."""
    for round_ in range(ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        manual, matched = (
            factories.SessionRequestFactory(
                group__school__neighbourhood__municipality=municipality
            ),
            factories.SessionRequestFactory(
                group__school__neighbourhood__municipality=municipality
            ),
        )
        run, _created = queue.run_request(municipality_id=municipality.pk, trigger="manual")
        loaded = adapter.load(municipality.pk, NOW)
        offer = factories.OfferFactory(request=manual, hero=hero)
        assignment = Assignment(
            str(matched.pk), str(hero.pk), None, TEN, TEN + dt.timedelta(hours=1)
        )

        results = at_once([_accept(offer), _write(loaded, assignment, run)])

        assert not any(isinstance(r, Exception) for r in results), results
        visit, made = results
        assert isinstance(visit, Visit) and visit.request_id == manual.pk
        assert made == 0, "the run must not offer a hero who is held at that time"
        assert not Offer.objects.filter(request=matched).exists()
        MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.DONE)


def test_a_run_writing_while_the_hero_accepts_elsewhere_keeps_one_booking(municipality):
    """The same race from the other side: the run's assignment and the accepted visit are at
    different schools 15 minutes apart, so at most one of them may hold the hero."""
    for round_ in range(ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        matched = factories.SessionRequestFactory(
            group__school__neighbourhood__municipality=municipality
        )
        other = factories.SessionRequestFactory(
            group__school__neighbourhood__municipality=municipality
        )
        run, _created = queue.run_request(municipality_id=municipality.pk, trigger="manual")
        loaded = adapter.load(municipality.pk, NOW)
        offer = factories.OfferFactory(  # 11:15, elsewhere
            request=other, hero=hero, starts_at=TEN + dt.timedelta(minutes=75)
        )
        assignment = Assignment(
            str(matched.pk), str(hero.pk), None, TEN, TEN + dt.timedelta(hours=1)
        )

        results = at_once([_write(loaded, assignment, run), _accept(offer)])

        assert not any(isinstance(r, Exception) for r in results), results
        held = Offer.objects.filter(hero=hero, status__in=["pending", "accepted"])
        assert held.count() == 1, list(held.values_list("request_id", "status"))
        MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.DONE)


# --- (2) two runs asked for at once -----------------------------------------------------------


def test_two_runs_asked_at_once_make_one(municipality):
    for _round in range(ROUNDS):
        results = at_once(
            [
                lambda: queue.run_request(municipality_id=municipality.pk, trigger="manual")
                for _ in range(4)
            ]
        )
        assert not any(isinstance(r, Exception) for r in results), results
        assert len({run.pk for run, _created in results}) == 1
        assert sorted(created for _run, created in results) == [False, False, False, True]
        active = MatchingRun.objects.filter(status__in=["queued", "running"])
        assert active.count() == 1
        active.update(status=MatchingRun.Status.DONE)


def test_without_the_index_check_a_second_run_is_refused_by_the_database(municipality):
    """Control for `one_active_matching_run`: a plain insert next to an active run fails."""
    queue.run_request(municipality_id=municipality.pk, trigger="manual")
    with pytest.raises(IntegrityError, match="one_active_matching_run"):
        MatchingRun.objects.create(municipality=municipality)


# --- (3) the same offer accepted twice at once ------------------------------------------------


def test_one_offer_accepted_twice_at_once_makes_one_visit(municipality):
    for round_ in range(ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        offer = factories.OfferFactory(
            request=factories.SessionRequestFactory(
                group__school__neighbourhood__municipality=municipality
            ),
            hero=hero,
        )

        results = at_once([_accept(offer) for _ in range(4)])

        visits = [r for r in results if isinstance(r, Visit)]
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(visits) == 1
        assert len(refused) == 3
        assert all(isinstance(r, errors.OfferNotPending) for r in refused), refused
        assert Visit.objects.filter(offer=offer).count() == 1


def test_without_the_offer_lock_the_database_refuses_the_second_visit(municipality, monkeypatch):
    """Control: read the offer without FOR UPDATE and both accepts pass the status check; the
    unique visit per offer is what stops the second one."""
    monkeypatch.setattr(
        offer_services,
        "_lock_offer",
        lambda offer: Offer.objects.select_related(
            "request__school", "request__group", "hero__user", "kit"
        ).get(pk=offer.pk),
    )
    raced = []
    for round_ in range(CONTROL_ROUNDS):
        hero = make_hero(municipality, name=f"Held {round_}")
        offer = factories.OfferFactory(
            request=factories.SessionRequestFactory(
                group__school__neighbourhood__municipality=municipality
            ),
            hero=hero,
        )
        results = at_once([_accept(offer) for _ in range(4)])
        refused = [r for r in results if isinstance(r, IntegrityError)]
        if refused:
            raced.append(round_)
            break
    assert raced, f"no race in {CONTROL_ROUNDS} rounds without the offer lock"
    assert Visit.objects.filter(offer=offer).count() == 1
