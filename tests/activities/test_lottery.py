import datetime as dt
import random
from collections import Counter

import pytest
import time_machine

from activities import lottery, services, tasks
from activities.lottery import (
    Application,
    _draw_once,
    lotteries_draw_due,
    lottery_compute,
    lottery_draw,
    lottery_replay,
    lottery_simulate,
)
from activities.models import Activity, Enrolment, LotteryRound
from activities.waitlist import waiting_list
from notifications.models import Notification
from tests.concurrency import at_once

from .. import factories
from ..clock import ENROLLING as APPLYING
from ..conftest import requires_postgres

CLOSES = factories.CLOSES
BEFORE = CLOSES - dt.timedelta(minutes=1)
AFTER = CLOSES + dt.timedelta(minutes=5)

db = pytest.mark.django_db


def _round(school, capacities=(3,)) -> tuple[LotteryRound, list[Activity]]:
    round_ = factories.LotteryRoundFactory(school=school)
    activities = [
        factories.LotteryActivityFactory(
            school=school, lottery_round=round_, capacity=capacity, weekday=day
        )
        for day, capacity in enumerate(capacities)
    ]
    return round_, activities


def _apply(activity, child=None, *, tier=2, rank=1, group=None, minute=0) -> Enrolment:
    return factories.EnrolmentFactory(
        activity=activity,
        child=child or factories.ChildFactory(school=activity.school),
        status=Enrolment.Status.APPLIED,
        priority_tier=tier,
        choice_rank=rank,
        sibling_group=group,
        applied_at=APPLYING + dt.timedelta(minutes=minute),
    )


def _statuses(enrolments) -> list[str]:
    return [Enrolment.objects.get(pk=e.pk).status for e in enrolments]


def _siblings(activity, n=2) -> list[Enrolment]:
    guardian = factories.parent()
    children = factories.ChildFactory.create_batch(n, guardian=guardian, school=activity.school)
    return services.enrolments_create(
        guardian=guardian, child_ids=[c.pk for c in children], activity=activity, now=APPLYING
    )


# Capacity and priority


@db
def test_an_oversubscribed_activity_fills_exactly_its_free_places(school):
    round_, (activity,) = _round(school, capacities=(5,))
    Activity.objects.filter(pk=activity.pk).update(seats_taken=2)  # two placed by hand before
    applications = [_apply(activity, minute=i) for i in range(9)]

    lottery_draw(round=round_, now=AFTER, seed=7)

    assert Counter(_statuses(applications)) == {"confirmed": 3, "waitlisted": 6}
    assert Activity.objects.get(pk=activity.pk).seats_taken == 5


@db
def test_more_places_than_applicants_confirms_everyone(school):
    round_, (activity,) = _round(school, capacities=(10,))
    applications = [_apply(activity) for _ in range(4)]

    lottery_draw(round=round_, now=AFTER, seed=1)

    assert set(_statuses(applications)) == {"confirmed"}
    assert Activity.objects.get(pk=activity.pk).seats_taken == 4


@db
def test_priority_tier_zero_gets_the_places_before_tier_two(school):
    round_, (activity,) = _round(school, capacities=(3,))
    # The tier 2 children applied first: in a lottery that must not matter.
    late_priority = [_apply(activity, tier=0, minute=10 + i) for i in range(3)]
    early_others = [_apply(activity, tier=2, minute=i) for i in range(3)]

    for seed in range(20):
        result = lottery_simulate(round_, seed)
        assert set(result.confirmed[activity.pk]) == {e.pk for e in late_priority}

    lottery_draw(round=round_, now=AFTER, seed=3)
    assert _statuses(late_priority) == ["confirmed"] * 3
    assert _statuses(early_others) == ["waitlisted"] * 3


# Siblings


@db
def test_siblings_who_applied_together_are_placed_together_or_not_at_all(school):
    round_, (activity,) = _round(school, capacities=(3,))
    pair = _siblings(activity)
    singles = [_apply(activity) for _ in range(4)]
    pair_ids = {e.pk for e in pair}
    outcomes = Counter()

    for seed in range(40):
        confirmed = set(lottery_simulate(round_, seed).confirmed[activity.pk])
        assert len(confirmed) <= 3
        assert pair_ids <= confirmed or not pair_ids & confirmed
        outcomes[pair_ids <= confirmed] += 1

    assert outcomes[True] and outcomes[False], "both outcomes should occur over 40 seeds"
    lottery_draw(round=round_, now=AFTER, seed=5)
    assert len(set(_statuses(pair))) == 1
    assert Activity.objects.get(pk=activity.pk).seats_taken == 3
    assert len(singles) == 4


@db
def test_one_free_place_never_splits_siblings_and_goes_to_the_next_child(school):
    round_, (activity,) = _round(school, capacities=(3,))
    Activity.objects.filter(pk=activity.pk).update(seats_taken=2)
    pair = _siblings(activity)
    single = _apply(activity, tier=2)
    # The pair is first in line (better tier) but does not fit in one place.
    Enrolment.objects.filter(pk__in=[e.pk for e in pair]).update(priority_tier=0)

    lottery_draw(round=round_, now=AFTER, seed=11)

    assert _statuses(pair) == ["waitlisted", "waitlisted"]
    assert _statuses([single]) == ["confirmed"]
    assert Activity.objects.get(pk=activity.pk).seats_taken == 3


@db
def test_a_pair_alone_for_one_place_stays_waiting_and_the_place_stays_free(school):
    round_, (activity,) = _round(school, capacities=(1,))
    pair = _siblings(activity)

    lottery_draw(round=round_, now=AFTER, seed=11)

    assert _statuses(pair) == ["waitlisted", "waitlisted"]
    assert Activity.objects.get(pk=activity.pk).seats_taken == 0


# Ranked choices and fairness across the round


@db
def test_ranked_choices_give_each_child_one_of_its_choices(school):
    round_, (first, second) = _round(school, capacities=(1, 1))
    anna, bram = factories.ChildFactory.create_batch(2, school=school)
    anna_first, anna_second = _apply(first, anna, rank=1), _apply(second, anna, rank=2)
    bram_first, bram_second = _apply(first, bram, rank=1), _apply(second, bram, rank=2)

    log = lottery_draw(round=round_, now=AFTER, seed=2).draw_log

    winner_is_anna = log["tickets"][0] == anna.pk
    winner, loser = (anna, bram) if winner_is_anna else (bram, anna)
    got = {e.child_id: e.status for e in Enrolment.objects.filter(activity=first)}
    assert got == {winner.pk: "confirmed", loser.pk: "waitlisted"}
    got = {e.child_id: e.status for e in Enrolment.objects.filter(activity=second)}
    # The winner's lower choice ends: it has its first choice. The loser gets its second
    # choice and keeps waiting for its first.
    assert got == {winner.pk: "cancelled", loser.pk: "confirmed"}
    assert {anna_first.pk, anna_second.pk, bram_first.pk, bram_second.pk} == set(
        Enrolment.objects.values_list("pk", flat=True)
    )


@db
def test_no_child_gets_a_second_place_while_another_child_has_none(school):
    round_, (football, drama) = _round(school, capacities=(2, 1))
    favoured, other = factories.ChildFactory.create_batch(2, school=school)
    # Tier first within one activity would give `favoured` both places and `other` none.
    _apply(football, favoured, tier=0, rank=1)
    favoured_drama = _apply(drama, favoured, tier=0, rank=2)
    other_drama = _apply(drama, other, tier=2, rank=1)

    lottery_draw(round=round_, now=AFTER, seed=0)

    assert _statuses([other_drama, favoured_drama]) == ["confirmed", "cancelled"]


@db
def test_a_child_gets_a_second_place_once_everyone_had_a_chance(school):
    round_, (football, drama) = _round(school, capacities=(1, 2))
    child, other = factories.ChildFactory.create_batch(2, school=school)
    football_app = _apply(football, child, rank=1)
    drama_app = _apply(drama, child, rank=2)
    other_app = _apply(drama, other, rank=1)

    result = lottery_draw(round=round_, now=AFTER, seed=0)

    assert _statuses([football_app, drama_app, other_app]) == ["confirmed"] * 3
    assert result.draw_log["passes"] >= 2


def _random_round(rng: random.Random, children: int, activities: int):
    places = {a: rng.randint(1, 4) for a in range(1, activities + 1)}
    applications, pk = [], 0
    for child in range(1, children + 1):
        chosen = rng.sample(sorted(places), rng.randint(1, activities))
        for rank, activity in enumerate(chosen, start=1):
            pk += 1
            applications.append(Application(pk, child, activity, rng.choice([0, 1, 2]), rank))
    return applications, places


def test_fairness_and_capacity_hold_on_many_random_rounds():
    rng = random.Random(2027)
    for _ in range(300):
        applications, places = _random_round(rng, children=rng.randint(1, 15), activities=3)
        result = lottery_compute(applications=applications, places=places, seed=rng.getrandbits(63))
        by_pk = {app.enrolment_id: app for app in applications}
        held = Counter(by_pk[pk].child_id for pks in result.confirmed.values() for pk in pks)
        free = {a: places[a] - len(result.confirmed.get(a, [])) for a in places}
        assert min(free.values()) >= 0
        if held and max(held.values()) >= 2:
            for app in applications:
                if held[app.child_id] == 0:
                    assert free[app.activity_id] == 0, "a child without a place could have one"
        decided = [pk for pks in result.confirmed.values() for pk in pks]
        decided += [pk for pks in result.waitlisted.values() for pk in pks] + result.cancelled
        assert sorted(decided) == sorted(by_pk), "every application gets exactly one outcome"


# Reproducible and recorded


@db
def test_the_same_seed_gives_the_same_result(school):
    round_, activities = _round(school, capacities=(2, 3))
    for i in range(8):
        child = factories.ChildFactory(school=school)
        _apply(activities[i % 2], child, tier=i % 3, rank=1)
        _apply(activities[(i + 1) % 2], child, tier=i % 3, rank=2)

    first, again = lottery_simulate(round_, 99), lottery_simulate(round_, 99)
    other = lottery_simulate(round_, 100)
    drawn = lottery_draw(round=round_, now=AFTER, seed=99)

    assert first == again
    assert other.tickets != first.tickets
    assert drawn.draw_log["activities"] == first.as_log()["activities"]
    assert drawn.draw_log["tickets"] == first.tickets


def _dataset() -> tuple[LotteryRound, list[Enrolment]]:
    school = factories.SchoolFactory()
    round_, activities = _round(school, capacities=(2, 2))
    enrolments = []
    for i in range(7):
        child = factories.ChildFactory(school=school)
        enrolments.append(_apply(activities[i % 2], child, tier=i % 2, rank=1, minute=i))
        enrolments.append(_apply(activities[(i + 1) % 2], child, tier=i % 2, rank=2, minute=i))
    enrolments += _siblings(activities[0])
    return round_, enrolments


@db
def test_an_equal_dataset_drawn_with_the_same_seed_gets_the_same_result():
    one, one_enrolments = _dataset()
    two, two_enrolments = _dataset()

    lottery_draw(round=one, now=AFTER, seed=424242)
    lottery_draw(round=two, now=AFTER, seed=424242)

    assert _statuses(one_enrolments) == _statuses(two_enrolments)
    assert Counter(_statuses(one_enrolments))["confirmed"] == 4
    positions = [services.waitlist_position(Enrolment.objects.get(pk=e.pk)) for e in one_enrolments]
    assert positions == [
        services.waitlist_position(Enrolment.objects.get(pk=e.pk)) for e in two_enrolments
    ]


@db
def test_the_draw_records_seed_ticket_order_and_outcome(school):
    round_, (activity,) = _round(school, capacities=(2,))
    applications = [_apply(activity) for _ in range(5)]

    round_ = lottery_draw(round=round_, now=AFTER, seed=123456789)

    log = round_.draw_log
    assert round_.seed == log["seed"] == 123456789
    assert round_.drawn_at == AFTER
    assert sorted(log["tickets"]) == sorted(e.child_id for e in applications)
    outcome = log["activities"][str(activity.pk)]
    assert len(outcome["confirmed"]) == 2 and len(outcome["waitlisted"]) == 3
    # The confirmed children are the first two tickets.
    first_two = {Enrolment.objects.get(pk=pk).child_id for pk in outcome["confirmed"]}
    assert first_two == set(log["tickets"][:2])
    assert (
        lottery_replay(LotteryRound.objects.get(pk=round_.pk).draw_log).as_log()["activities"]
        == (log["activities"])
    )


@db
def test_without_a_seed_a_random_one_is_chosen_and_recorded(school):
    round_, (activity,) = _round(school)
    _apply(activity)

    round_ = lottery_draw(round=round_, now=AFTER)

    assert 0 <= round_.seed < 2**63
    assert round_.draw_log["seed"] == round_.seed


# Runs once, at the right time


@db
def test_drawing_twice_changes_nothing_the_second_time(school):
    round_, (activity,) = _round(school, capacities=(1,))
    applications = [_apply(activity) for _ in range(3)]
    lottery_draw(round=round_, now=AFTER, seed=1)
    before = (_statuses(applications), Notification.objects.count())

    again = lottery_draw(round=round_, now=AFTER + dt.timedelta(hours=1), seed=2)

    assert again.seed == 1 and again.drawn_at == AFTER
    assert (_statuses(applications), Notification.objects.count()) == before
    assert Activity.objects.get(pk=activity.pk).seats_taken == 1


@db
def test_a_draw_before_the_round_closes_does_nothing(school):
    round_, (activity,) = _round(school)
    application = _apply(activity)

    round_ = lottery_draw(round=round_, now=BEFORE, seed=1)

    assert round_.drawn_at is None and round_.seed is None and round_.draw_log == {}
    assert _statuses([application]) == ["applied"]
    assert lotteries_draw_due(now=BEFORE) == 0


@db
def test_the_periodic_task_draws_each_closed_round_once(school):
    round_, (activity,) = _round(school)
    later, (later_activity,) = _round(school)
    LotteryRound.objects.filter(pk=later.pk).update(closes_at=CLOSES + dt.timedelta(days=7))
    application, waiting = _apply(activity), _apply(later_activity)

    with time_machine.travel(AFTER, tick=False):
        assert tasks.draw_due_lotteries() == 1
        assert tasks.draw_due_lotteries() == 0

    assert LotteryRound.objects.get(pk=round_.pk).drawn_at == AFTER
    assert LotteryRound.objects.get(pk=later.pk).drawn_at is None
    assert _statuses([application, waiting]) == ["confirmed", "applied"]


# Families and the waiting list


@db
def test_every_family_hears_once_what_the_draw_gave(school):
    round_, (activity,) = _round(school, capacities=(2,))
    applications = [_apply(activity) for _ in range(5)]

    lottery_draw(round=round_, now=AFTER, seed=8)
    lotteries_draw_due(now=AFTER)

    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"activity:confirmed": 2, "activity:not_placed": 3}
    for enrolment in Enrolment.objects.filter(pk__in=[e.pk for e in applications]):
        event = "confirmed" if enrolment.status == "confirmed" else "not_placed"
        notification = Notification.objects.get(idempotency_key=f"enrolment:{enrolment.pk}:{event}")
        assert notification.recipient_id == enrolment.child.guardian_id


@db
def test_the_not_placed_message_names_the_waiting_list_position(school):
    round_, (activity,) = _round(school, capacities=(1,))
    guardian = factories.parent(language="en")
    mine = _apply(activity, factories.ChildFactory(guardian=guardian, school=school), tier=2)
    _apply(activity, tier=0)
    _apply(activity, tier=0)

    lottery_draw(round=round_, now=AFTER, seed=4)

    assert services.waitlist_position(Enrolment.objects.get(pk=mine.pk)) == 2
    body = Notification.objects.get(kind="activity:not_placed", recipient=guardian).body_text
    assert "number 2 on the waiting list" in body


@db
def test_the_waiting_list_follows_the_draw_and_a_freed_place_goes_to_the_first(school):
    round_, (activity,) = _round(school, capacities=(2,))
    applications = [_apply(activity, minute=i) for i in range(6)]

    log = lottery_draw(round=round_, now=AFTER, seed=31337).draw_log

    drawn_order = log["activities"][str(activity.pk)]["waitlisted"]
    applied_order = [e.pk for e in applications if e.pk in drawn_order]
    assert drawn_order != applied_order, "pick a seed whose draw differs from the apply order"
    assert [e.pk for e in waiting_list(activity)] == drawn_order
    head = Enrolment.objects.get(pk=drawn_order[0])
    assert services.waitlist_position(head) == 1

    placed = Enrolment.objects.get(pk=log["activities"][str(activity.pk)]["confirmed"][0])
    services.enrolment_cancel(enrolment=placed, now=AFTER + dt.timedelta(days=1))

    statuses = {e.pk: e.status for e in Enrolment.objects.filter(activity=activity)}
    assert statuses[drawn_order[0]] == "offered"
    assert [statuses[pk] for pk in drawn_order[1:]] == ["waitlisted"] * 3
    assert Activity.objects.get(pk=activity.pk).seats_taken == 2


# Two workers at once (PostgreSQL)


def _closed_round_with_applicants() -> LotteryRound:
    round_, (activity,) = _round(factories.SchoolFactory(), capacities=(2,))
    for _ in range(6):
        _apply(activity)
    return round_


WORKERS = 8


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_workers_drawing_the_same_round_at_once_draw_it_once():
    round_ = _closed_round_with_applicants()

    results = at_once([lambda s=s, pk=round_.pk: _draw_once(pk, AFTER, s) for s in range(WORKERS)])

    assert [did for _round_, did in results].count(True) == 1
    drawn = LotteryRound.objects.get(pk=round_.pk)
    statuses = Counter(Enrolment.objects.values_list("status", flat=True))
    assert statuses == {"confirmed": 2, "waitlisted": 4}
    assert Activity.objects.get().seats_taken == 2
    assert Notification.objects.count() == 6
    assert drawn.seed in range(WORKERS)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_round_lock_the_round_is_drawn_more_than_once(monkeypatch):
    """Shows the race the round lock prevents, so the test above proves something."""
    real_lock = lottery.lock

    def lock_all_but_the_round(*querysets):
        if querysets[0].model is LotteryRound:
            return [list(queryset) for queryset in querysets]
        return real_lock(*querysets)

    monkeypatch.setattr(lottery, "lock", lock_all_but_the_round)
    draws = []
    for _ in range(5):
        round_ = _closed_round_with_applicants()
        results = at_once(
            [lambda s=s, pk=round_.pk: _draw_once(pk, AFTER, s) for s in range(WORKERS)]
        )
        draws.append([did for _round_, did in results].count(True))
        if draws[-1] > 1:
            break
    assert max(draws) > 1, f"the race never showed: {draws}"
