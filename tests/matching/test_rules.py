"""Each hard rule decides a small instance: drop the rule and the test fails."""

import dataclasses
import datetime as dt

from scheduler.matching import greedy
from scheduler.matching import model as m
from scheduler.matching.model import VR, Assignment
from scheduler.matching.rules import BEFORE, LANGUAGE, PLACE, TOPIC, fit_parts, validate

from . import at, hero, instance, kit, reasons, request, served, solve


def test_start_lies_inside_a_preferred_window_for_the_full_duration():
    inst = instance([request("A", at(10), at(11)), request("B", at(10), at(10, 45))], [hero("H")])
    result = solve(inst)
    (a,) = result.assignments
    assert (a.request, a.start, a.end) == ("A", at(10), at(11))
    assert reasons(result) == {"B": m.NO_HERO_AVAILABLE}


def test_visit_lies_inside_hero_availability():
    inst = instance([request("A", at(9), at(12))], [hero("H", (at(11, 30), at(17)))])
    assert reasons(solve(inst)) == {"A": m.NO_HERO_AVAILABLE}
    inst = instance([request("A", at(9), at(12))], [hero("H", (at(10, 30), at(17)))])
    (a,) = solve(inst).assignments
    assert a.start == at(10, 30)


def test_one_hero_does_not_do_two_visits_at_once():
    inst = instance([request("A", at(10), at(11)), request("B", at(10), at(11))], [hero("H")])
    result = solve(inst)
    assert len(result.assignments) == 1
    assert list(reasons(result).values()) == [m.COMPETITION]


def test_travel_buffer_between_different_schools():
    reqs = [request("A", at(10), at(11)), request("B", at(11), at(12), school="S2")]
    assert len(solve(instance(reqs, [hero("H")])).assignments) == 1
    reqs[1] = request("B", at(11), at(12, 30), school="S2")
    result = solve(instance(reqs, [hero("H")]))
    starts = {a.request: a.start for a in result.assignments}
    assert starts == {"A": at(10), "B": at(11, 30)}


def test_back_to_back_at_the_same_school_is_allowed():
    reqs = [request("A", at(10), at(11)), request("B", at(11), at(12))]
    assert served(solve(instance(reqs, [hero("H")]))) == {"A", "B"}


def test_vog_must_be_valid_on_the_visit_date():
    reqs = [request("A", at(10), at(11))]
    expired = hero("H", vog_valid_until=dt.date(2027, 2, 28))
    assert reasons(solve(instance(reqs, [expired]))) == {"A": m.NO_VALID_VOG}
    none = hero("H", vog_valid_until=None)
    assert reasons(solve(instance(reqs, [none]))) == {"A": m.NO_VALID_VOG}
    last_day = hero("H", vog_valid_until=dt.date(2027, 3, 1))
    assert served(solve(instance(reqs, [last_day]))) == {"A"}


def test_language_is_required():
    reqs = [request("A", at(10), at(11), language="tr")]
    assert reasons(solve(instance(reqs, [hero("H")]))) == {"A": m.NO_HERO_AVAILABLE}
    speaks = hero("H", languages=frozenset({"nl", "tr"}))
    assert served(solve(instance(reqs, [speaks]))) == {"A"}


def test_a_required_topic_is_a_hard_rule_with_its_own_reason():
    reqs = [request("A", at(10), at(11), topic="geld", topic_required=True)]
    music = hero("H", topics=frozenset({"muziek"}))
    assert reasons(solve(instance(reqs, [music]))) == {"A": m.NO_TOPIC_HERO}
    assert validate(instance(reqs, [music]), [_at("A", "H", 10)]) == ["A: H lacks topic geld"]
    money = hero("J", topics=frozenset({"geld"}))
    assert served(solve(instance(reqs, [music, money]))) == {"A"}
    assert {a.hero for a in solve(instance(reqs, [music, money])).assignments} == {"J"}


def test_a_topic_that_is_a_wish_does_not_keep_a_class_waiting():
    reqs = [request("A", at(10), at(11), topic="geld")]
    assert served(solve(instance(reqs, [hero("H", topics=frozenset({"muziek"}))]))) == {"A"}


def test_a_required_topic_is_checked_after_availability():
    """Nobody available at all says so; the topic is the reason only when someone is."""
    reqs = [request("A", at(10), at(11), topic="geld", topic_required=True)]
    away = hero("H", (at(14), at(17)), topics=frozenset({"muziek"}))
    assert reasons(solve(instance(reqs, [away]))) == {"A": m.NO_HERO_AVAILABLE}
    expired = hero("H", topics=frozenset({"geld"}), vog_valid_until=None)
    assert reasons(solve(instance(reqs, [expired]))) == {"A": m.NO_VALID_VOG}


def test_any_topic_asks_for_no_topic_even_when_required():
    reqs = [request("A", at(10), at(11), topic="", topic_required=True)]
    assert served(solve(instance(reqs, [hero("H")]))) == {"A"}


def test_vr_needs_a_trained_hero():
    reqs = [request("A", at(10), at(12), kind=VR, duration_min=90)]
    assert reasons(solve(instance(reqs, [hero("H")], [kit("K")]))) == {"A": m.NO_VR_TRAINED_HERO}
    result = solve(instance(reqs, [hero("H", vr_trained=True)], [kit("K")]))
    assert [a.kit for a in result.assignments] == ["K"]


def test_vr_kit_needs_two_rotations_of_headsets():
    reqs = [request("A", at(10), at(12), kind=VR, duration_min=90, size=25)]
    trained = [hero("H", vr_trained=True)]
    small = solve(instance(reqs, trained, [kit("K", headsets=12)]))
    assert reasons(small) == {"A": m.NO_KIT_BIG_ENOUGH}
    result = solve(instance(reqs, trained, [kit("K", headsets=12), kit("L", headsets=13)]))
    assert [a.kit for a in result.assignments] == ["L"]


def test_vr_kit_is_not_used_in_its_blocked_window():
    reqs = [request("A", at(10), at(12), kind=VR, duration_min=90)]
    trained = [hero("H", vr_trained=True)]
    blocked = solve(instance(reqs, trained, [kit("K", blocked=[(at(11), at(12))])]))
    assert reasons(blocked) == {"A": m.NO_KIT_FREE}
    ok = solve(instance(reqs, trained, [kit("K", blocked=[(at(11, 30), at(12))])]))
    assert [a.start for a in ok.assignments] == [at(10)]


def test_one_kit_serves_one_class_at_a_time():
    reqs = [
        request("A", at(10), at(11, 30), kind=VR, duration_min=90),
        request("B", at(10), at(11, 30), kind=VR, duration_min=90, school="S2"),
    ]
    heroes = [hero("H", vr_trained=True), hero("J", vr_trained=True)]
    assert len(solve(instance(reqs, heroes, [kit("K")])).assignments) == 1
    assert len(solve(instance(reqs, heroes, [kit("K"), kit("L")])).assignments) == 2


def test_monthly_limit_counts_per_calendar_month():
    same_month = [
        request("A", at(10, day=30), at(11, day=30)),
        request("B", at(10, day=31), at(11, day=31)),
    ]
    days = [(30, 3), (31, 3), (1, 4)]
    spans = [(at(8, day=d, month=mo), at(18, day=d, month=mo)) for d, mo in days]
    capped = [hero("H", *spans, max_visits_per_month=1)]
    result = solve(instance(same_month, capped))
    assert len(result.assignments) == 1
    assert list(reasons(result).values()) == [m.HERO_LIMITS]
    across = [same_month[0], request("C", at(10, day=1, month=4), at(11, day=1, month=4))]
    assert served(solve(instance(across, capped))) == {"A", "C"}


def test_fixed_visits_stay_and_count_toward_the_limit_and_the_hero_time():
    reqs = [request("A", at(10), at(11)), request("B", at(10), at(12))]
    fixed = Assignment("A", "H", None, at(10), at(11))
    result = solve(instance(reqs, [hero("H")], fixed=(fixed,)))
    assert fixed in result.assignments
    starts = {a.request: a.start for a in result.assignments}
    assert starts == {"A": at(10), "B": at(11)}
    capped = solve(instance(reqs, [hero("H", max_visits_per_month=1)], fixed=(fixed,)))
    assert list(capped.assignments) == [fixed]
    assert reasons(capped) == {"B": m.HERO_LIMITS}


def test_a_hero_who_declined_is_not_offered_the_request_again():
    reqs = [request("A", at(10), at(11))]
    result = solve(instance(reqs, [hero("H")], exclusions=frozenset({("A", "H")})))
    assert reasons(result) == {"A": m.ALL_EXCLUDED}
    other = solve(instance(reqs, [hero("H"), hero("J")], exclusions=frozenset({("A", "H")})))
    assert [a.hero for a in other.assignments] == ["J"]


def test_a_window_in_the_past_is_not_used():
    inst = instance([request("A", at(10), at(11))], [hero("H")])
    late = dataclasses.replace(inst, now=at(10, 15))
    assert reasons(solve(late)) == {"A": m.WINDOW_PAST}


def _at(rid: str, hid: str, hour: int) -> Assignment:
    return Assignment(rid, hid, None, at(hour), at(hour + 1))


def test_greedy_baseline_keeps_the_rules_too():
    reqs = [request("A", at(10), at(11)), request("B", at(11), at(12), school="S2")]
    inst = instance(reqs, [hero("H")])
    result = greedy.baseline(inst)
    assert validate(inst, result.assignments) == []
    assert len(result.assignments) == 1


def test_fit_parts_say_why_a_hero_fits_in_a_fixed_order():
    r = request("A", at(10), at(11), topic="geld", language="tr", neighbourhood="N1")
    everything = hero(
        "H",
        topics=frozenset({"geld"}),
        languages=frozenset({"nl", "tr"}),
        neighbourhoods=frozenset({"N1"}),
        schools_before=frozenset({"S1"}),
    )
    assert fit_parts(r, everything) == [TOPIC, LANGUAGE, PLACE, BEFORE]
    assert fit_parts(r, hero("J", home_neighbourhood="N1")) == [PLACE]
    assert fit_parts(dataclasses.replace(r, topic=""), hero("K", topics=frozenset({""}))) == []
