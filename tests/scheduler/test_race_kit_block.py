"""A confirmed maintenance block racing the hero's accept of an offer with that kit, on
PostgreSQL: whoever takes the locks first, the kit is never blocked over a confirmed visit and
an offer under a block is never left pending."""

from __future__ import annotations

import pytest

from scheduler import errors, services, tasks
from scheduler.models import KitBlock, Offer, Visit
from tests.concurrency import at_once

from .. import factories
from ..clock import NOW, TUESDAY, at
from ..conftest import requires_postgres
from .conftest import make_hero, make_request

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


@pytest.fixture(autouse=True)
def _no_background_runs(monkeypatch):
    monkeypatch.setattr(tasks.run_matching, "delay", lambda run_id: None)


def _block(kit):
    return lambda: services.kit_block_add(
        kit=kit, starts_at=at(TUESDAY, 8), ends_at=at(TUESDAY, 18), now=NOW, confirm=True
    )


def _accept(offer):
    return lambda: services.offer_accept(offer=offer, now=NOW)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_block_and_an_accept_at_once_never_leave_a_visit_under_the_block(municipality, round_):
    school = factories.SchoolFactory(neighbourhood__municipality=municipality, level="vo")
    kit = factories.KitFactory(municipality=municipality, name=f"Kit {round_}", headsets=15)
    offer = factories.OfferFactory(
        request=make_request(school, kind="vr", hours=(10, 11)),
        hero=make_hero(municipality, name=f"Hero {round_}"),
        kit=kit,
    )

    block_result, accept_result = at_once([_block(kit), _accept(offer)])

    offer.refresh_from_db()
    confirmed = Visit.objects.filter(kit=kit, status=Visit.Status.CONFIRMED)
    if KitBlock.objects.filter(kit=kit).exists():
        # The block went first (the offer withdrawn, the accept refused), or after the accept
        # had committed (the visit it was confirmed for is cancelled).
        assert isinstance(block_result, KitBlock), block_result
        assert isinstance(accept_result, Visit | errors.OfferNotPending), accept_result
        assert offer.status != Offer.Status.PENDING
        assert not confirmed.exists()
    else:
        # The accept committed between the block's first look and its locks: the block saw a
        # visit it was not confirmed for, and stopped.
        assert isinstance(accept_result, Visit), accept_result
        assert isinstance(block_result, errors.BlockAffectsVisits), block_result
        assert confirmed.count() == 1
