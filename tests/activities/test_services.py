import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from activities import errors, services
from activities.models import Activity, Attendance, Child, Enrolment, LotteryRound, Occurrence
from core.refusals import Busy, Refusal
from notifications.models import Notification

from .. import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)  # enrolment is open (Nov - Jan)
FEB_1 = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)  # the term is half way
MINUTE = dt.timedelta(minutes=1)


def activity_data(**overrides) -> dict:
    """Wednesdays 14:00-15:30 from 6 January to 31 March 2027, PO grades 3-8."""
    return {
        "title": "Judo",
        "description": "Judo in de gymzaal.",
        "category": "sport",
        "level": "po",
        "grade_min": 3,
        "grade_max": 8,
        "capacity": 12,
        "enrolment_opens_at": factories.OPENS,
        "enrolment_closes_at": factories.CLOSES,
        "weekday": 2,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(15, 30),
        "first_date": dt.date(2027, 1, 6),
        "last_date": dt.date(2027, 3, 31),
        **overrides,
    }


def fresh(activity: Activity) -> Activity:
    return Activity.objects.get(pk=activity.pk)


def assert_seats_match(activity: Activity) -> None:
    """The invariant: seats_taken counts exactly the confirmed places and open offers."""
    activity = fresh(activity)
    holding = activity.enrolments.filter(status__in=Enrolment.HOLDS_SEAT).count()
    assert activity.seats_taken == holding


def enrol(activity: Activity, child: Child | None = None, now=NOW) -> Enrolment:
    child = child or factories.ChildFactory(school=activity.school)
    return services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=now
    )


def told(event: str, enrolment: Enrolment | None = None) -> int:
    sent = Notification.objects.filter(kind=f"activity:{event}")
    if enrolment is not None:
        sent = sent.filter(idempotency_key__startswith=f"enrolment:{enrolment.pk}:")
    return sent.count()


def snapshot(activity: Activity) -> tuple:
    """What a refused enrolment must leave as it was."""
    return (
        fresh(activity).seats_taken,
        list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
        Notification.objects.count(),
    )


# activity_create


def test_create_makes_a_draft_with_a_session_every_week():
    school = factories.SchoolFactory()
    staff = factories.staff(school)

    activity = services.activity_create(
        school=school, created_by=staff, data=activity_data(), now=NOW
    )

    assert (activity.status, activity.created_by, activity.seats_taken) == ("draft", staff, 0)
    dates = list(activity.occurrences.values_list("date", flat=True))
    assert len(dates) == 13
    assert (dates[0], dates[-1]) == (dt.date(2027, 1, 6), dt.date(2027, 3, 31))
    assert {day.weekday() for day in dates} == {2}


def test_create_skips_municipal_holidays_and_the_schools_study_days():
    school = factories.SchoolFactory()
    municipality = school.neighbourhood.municipality
    factories.ClosureFactory(
        municipality=municipality,
        name="Voorjaarsvakantie",
        start_date=dt.date(2027, 2, 13),
        end_date=dt.date(2027, 2, 21),
    )
    factories.ClosureFactory(
        municipality=municipality,
        school=school,
        name="Studiedag",
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 10),
    )
    other_school = factories.SchoolFactory(neighbourhood__municipality=municipality)
    factories.ClosureFactory(
        municipality=municipality,
        school=other_school,
        start_date=dt.date(2027, 1, 13),
        end_date=dt.date(2027, 1, 13),
    )

    activity = services.activity_create(
        school=school, created_by=factories.UserFactory(), data=activity_data(), now=NOW
    )

    dates = set(activity.occurrences.values_list("date", flat=True))
    assert len(dates) == 11
    assert dt.date(2027, 2, 17) not in dates
    assert dt.date(2027, 3, 10) not in dates
    assert dt.date(2027, 1, 13) in dates


def test_session_times_follow_amsterdam_time_across_the_change_to_summer_time():
    activity = services.activity_create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(),
        now=NOW,
    )

    winter = activity.occurrences.get(date=dt.date(2027, 3, 24))
    summer = activity.occurrences.get(date=dt.date(2027, 3, 31))  # clocks went forward 28 March
    assert winter.starts_at == dt.datetime(2027, 3, 24, 13, 0, tzinfo=dt.UTC)
    assert winter.ends_at == dt.datetime(2027, 3, 24, 14, 30, tzinfo=dt.UTC)
    assert summer.starts_at == dt.datetime(2027, 3, 31, 12, 0, tzinfo=dt.UTC)
    assert summer.ends_at == dt.datetime(2027, 3, 31, 13, 30, tzinfo=dt.UTC)


def test_create_after_the_first_date_makes_no_sessions_in_the_past():
    activity = services.activity_create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(),
        now=FEB_1,
    )

    assert activity.occurrences.earliest("date").date == dt.date(2027, 2, 3)


def test_create_sets_the_priority_neighbourhoods():
    school = factories.SchoolFactory()
    wijk = factories.NeighbourhoodFactory(municipality=school.neighbourhood.municipality)

    activity = services.activity_create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(),
        neighbourhoods=[wijk],
        now=NOW,
    )

    assert list(activity.priority_neighbourhoods.all()) == [wijk]


def test_create_with_bad_data_saves_nothing():
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            school=factories.SchoolFactory(),
            created_by=factories.UserFactory(),
            data=activity_data(allocation="lottery", grade_min=6, grade_max=4),
            now=NOW,
        )

    assert caught.value.message_dict
    assert not Activity.objects.exists()
    assert not LotteryRound.objects.exists()
    assert not Occurrence.objects.exists()


def test_a_lottery_activity_opens_a_round_that_closes_with_its_enrolment():
    school = factories.SchoolFactory()

    activity = services.activity_create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(allocation="lottery"),
        now=NOW,
    )

    round_ = activity.lottery_round
    assert (round_.school, round_.closes_at, round_.drawn_at) == (school, factories.CLOSES, None)


def test_lottery_activities_closing_together_share_a_round():
    school = factories.SchoolFactory()
    create = services.activity_create

    judo = create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(allocation="lottery"),
        now=NOW,
    )
    chess = create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(title="Schaken", allocation="lottery"),
        now=NOW,
    )
    later = create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(allocation="lottery", enrolment_closes_at=factories.CLOSES + MINUTE),
        now=NOW,
    )
    elsewhere = create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(allocation="lottery"),
        now=NOW,
    )

    assert chess.lottery_round == judo.lottery_round
    assert later.lottery_round != judo.lottery_round
    assert elsewhere.lottery_round != judo.lottery_round
    assert LotteryRound.objects.count() == 3


def test_a_lottery_activity_never_joins_a_round_already_drawn():
    school = factories.SchoolFactory()
    drawn = factories.LotteryRoundFactory(school=school, drawn_at=NOW, seed=7)

    activity = services.activity_create(
        school=school,
        created_by=factories.UserFactory(),
        data=activity_data(allocation="lottery"),
        now=NOW,
    )

    assert activity.lottery_round != drawn


def test_a_first_come_activity_has_no_round():
    activity = services.activity_create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(),
        now=NOW,
    )

    assert activity.lottery_round is None


# activity_publish


def test_publish_turns_a_draft_into_a_published_activity():
    activity = factories.ActivityFactory(status="draft")

    assert services.activity_publish(activity=activity).status == "published"


def test_publish_leaves_a_cancelled_activity_cancelled():
    activity = factories.ActivityFactory(status="cancelled")

    assert services.activity_publish(activity=activity).status == "cancelled"


# activity_update


def created_activity(**overrides) -> Activity:
    activity = services.activity_create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(**overrides),
        now=NOW,
    )
    return services.activity_publish(activity=activity)


def test_a_new_weekday_replaces_future_sessions_and_keeps_the_past():
    activity = created_activity()
    past_ids = set(activity.occurrences.filter(date__lt=FEB_1.date()).values_list("pk", flat=True))

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)

    occurrences = activity.occurrences.all()
    assert set(occurrences.filter(date__lt=FEB_1.date()).values_list("pk", flat=True)) == past_ids
    future = occurrences.filter(date__gte=FEB_1.date())
    assert {o.date.weekday() for o in future} == {3}
    assert future.earliest("date").date == dt.date(2027, 2, 4)
    assert future.latest("date").date == dt.date(2027, 3, 25)


def test_a_past_session_with_attendance_survives_a_schedule_change():
    activity = created_activity()
    enrolment = enrol(activity)
    session = activity.occurrences.get(date=dt.date(2027, 1, 13))
    services.attendance_record(
        occurrence=session, marks={enrolment.pk: "present"}, recorded_by=None
    )

    services.activity_update(
        activity=activity, data={"weekday": 4, "first_date": dt.date(2027, 1, 8)}, now=FEB_1
    )

    assert Occurrence.objects.filter(pk=session.pk).exists()
    assert Attendance.objects.get().status == "present"


def test_a_future_session_with_attendance_is_kept_even_off_the_new_schedule():
    activity = created_activity()
    enrolment = enrol(activity)
    session = activity.occurrences.get(date=dt.date(2027, 2, 3))
    services.attendance_record(
        occurrence=session, marks={enrolment.pk: "excused"}, recorded_by=None
    )

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)

    assert Occurrence.objects.filter(pk=session.pk).exists()
    assert not activity.occurrences.filter(date=dt.date(2027, 2, 10)).exists()


def test_new_times_move_future_sessions_in_place():
    activity = created_activity()
    future = activity.occurrences.get(date=dt.date(2027, 3, 31))
    past = activity.occurrences.get(date=dt.date(2027, 1, 6))

    services.activity_update(
        activity=activity, data={"start_time": dt.time(15), "end_time": dt.time(16)}, now=FEB_1
    )

    future.refresh_from_db()
    assert future.starts_at == dt.datetime(2027, 3, 31, 13, 0, tzinfo=dt.UTC)
    assert future.ends_at == dt.datetime(2027, 3, 31, 14, 0, tzinfo=dt.UTC)
    assert Occurrence.objects.get(pk=past.pk).starts_at == past.starts_at


def test_a_later_last_date_adds_sessions():
    activity = created_activity()

    services.activity_update(activity=activity, data={"last_date": dt.date(2027, 4, 14)}, now=FEB_1)

    assert activity.occurrences.latest("date").date == dt.date(2027, 4, 14)
    assert activity.occurrences.count() == 15


def test_a_schedule_change_tells_families_with_a_place_once():
    activity = created_activity(capacity=2)
    placed = [enrol(activity), enrol(activity)]
    waiting = enrol(activity)

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)
    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1 + MINUTE)

    assert [told("schedule_changed", e) for e in placed] == [1, 1]
    assert told("schedule_changed", waiting) == 0


def test_a_second_schedule_change_is_told_again():
    activity = created_activity()
    enrolment = enrol(activity)

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)
    services.activity_update(activity=activity, data={"weekday": 4}, now=FEB_1 + MINUTE)

    assert told("schedule_changed", enrolment) == 2


def test_a_change_outside_the_schedule_regenerates_nothing_and_tells_nobody():
    activity = created_activity()
    enrol(activity)
    ids = set(activity.occurrences.values_list("pk", flat=True))

    services.activity_update(activity=activity, data={"title": "Judo en karate"}, now=FEB_1)

    assert fresh(activity).title == "Judo en karate"
    assert set(activity.occurrences.values_list("pk", flat=True)) == ids
    assert told("schedule_changed") == 0


def test_a_draft_changes_its_schedule_silently():
    activity = factories.ActivityFactory(status="draft", created_by=factories.UserFactory())
    factories.EnrolmentFactory(activity=activity)

    services.activity_update(activity=activity, data={"weekday": 3}, now=FEB_1)

    assert told("schedule_changed") == 0
    assert activity.occurrences.exists()


def test_capacity_cannot_drop_below_the_places_taken():
    activity = created_activity(capacity=3)
    enrol(activity)
    enrol(activity)

    with pytest.raises(ValidationError) as caught:
        services.activity_update(activity=activity, data={"capacity": 1}, now=FEB_1)

    assert "capacity" in caught.value.message_dict
    assert fresh(activity).capacity == 3


def test_capacity_can_drop_to_the_places_taken():
    activity = created_activity(capacity=3)
    enrol(activity)

    assert (
        services.activity_update(activity=activity, data={"capacity": 1}, now=FEB_1).capacity == 1
    )


def test_update_with_bad_data_changes_nothing():
    activity = created_activity()
    ids = set(activity.occurrences.values_list("pk", flat=True))

    with pytest.raises(ValidationError):
        services.activity_update(
            activity=activity, data={"weekday": 3, "end_time": dt.time(13)}, now=FEB_1
        )

    assert fresh(activity).weekday == 2
    assert set(activity.occurrences.values_list("pk", flat=True)) == ids


def test_update_to_lottery_gives_the_activity_a_round():
    activity = created_activity()

    updated = services.activity_update(activity=activity, data={"allocation": "lottery"}, now=NOW)

    assert updated.lottery_round.closes_at == updated.enrolment_closes_at


def test_update_sets_or_keeps_the_priority_neighbourhoods():
    activity = created_activity()
    wijk = factories.NeighbourhoodFactory()
    services.activity_update(activity=activity, data={}, neighbourhoods=[wijk], now=NOW)

    services.activity_update(activity=activity, data={"title": "Judo!"}, now=NOW)

    assert list(activity.priority_neighbourhoods.all()) == [wijk]
    services.activity_update(activity=activity, data={}, neighbourhoods=[], now=NOW)
    assert not activity.priority_neighbourhoods.exists()


def test_more_places_are_offered_to_the_waiting_list():
    activity = created_activity(capacity=1)
    enrol(activity)
    waiting = enrol(activity)

    services.activity_update(activity=activity, data={"capacity": 2}, now=NOW)

    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert_seats_match(activity)


def test_a_lottery_activity_that_closes_later_moves_to_a_matching_round():
    activity = created_activity(allocation="lottery")
    later = factories.CLOSES + dt.timedelta(days=7)

    updated = services.activity_update(
        activity=activity, data={"enrolment_closes_at": later}, now=NOW
    )

    assert updated.lottery_round.closes_at == later


def test_an_activity_whose_author_left_can_still_be_changed():
    activity = created_activity()
    activity.created_by.delete()  # erased account: SET_NULL
    activity.refresh_from_db()

    updated = services.activity_update(activity=activity, data={"title": "Judo!"}, now=NOW)

    assert updated.title == "Judo!"


# activity_cancel


def test_cancelling_an_activity_ends_every_enrolment_and_frees_every_seat():
    activity = factories.ActivityFactory(capacity=2)
    enrolments = [enrol(activity) for _ in range(3)]
    services.enrolment_cancel(enrolment=enrolments[0], now=NOW)  # the third gets an offer
    enrolments.append(enrol(activity))  # waitlisted
    assert sorted(Enrolment.objects.values_list("status", flat=True)) == [
        "cancelled",
        "confirmed",
        "offered",
        "waitlisted",
    ]

    services.activity_cancel(activity=activity, now=NOW)

    activity = fresh(activity)
    assert (activity.status, activity.seats_taken) == ("cancelled", 0)
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"cancelled"}
    assert not Enrolment.objects.filter(offer_expires_at__isnull=False).exists()
    assert told("activity_cancelled") == 3
    assert [told("activity_cancelled", e) for e in enrolments[1:]] == [1, 1, 1]


def test_cancelling_an_activity_cancels_future_sessions_only():
    activity = created_activity()

    services.activity_cancel(activity=activity, now=FEB_1)

    sessions = activity.occurrences.all()
    assert not sessions.filter(date__lt=FEB_1.date(), cancelled_at__isnull=False).exists()
    assert not sessions.filter(date__gte=FEB_1.date(), cancelled_at=None).exists()


def test_cancelling_twice_tells_nobody_twice():
    activity = factories.ActivityFactory()
    enrol(activity)
    services.activity_cancel(activity=activity, now=NOW)

    services.activity_cancel(activity=activity, now=NOW + MINUTE)

    assert told("activity_cancelled") == 1
    assert fresh(activity).occurrences.filter(cancelled_at=NOW + MINUTE).count() == 0


# occurrence_cancel


def test_cancelling_a_session_tells_each_family_with_a_place_once():
    activity = created_activity(capacity=1)
    placed = enrol(activity)
    waiting = enrol(activity)
    session = activity.occurrences.get(date=dt.date(2027, 2, 3))

    services.occurrence_cancel(occurrence=session, reason="De zaal is dicht.", now=FEB_1)
    services.occurrence_cancel(occurrence=session, reason="Anders", now=FEB_1 + MINUTE)

    session.refresh_from_db()
    assert (session.cancelled_at, session.cancel_reason) == (FEB_1, "De zaal is dicht.")
    assert told("session_cancelled", placed) == 1
    assert told("session_cancelled", waiting) == 0


def test_cancelling_two_sessions_sends_two_messages():
    activity = created_activity()
    placed = enrol(activity)

    for day in (dt.date(2027, 2, 3), dt.date(2027, 2, 10)):
        services.occurrence_cancel(
            occurrence=activity.occurrences.get(date=day), reason="", now=FEB_1
        )

    assert told("session_cancelled", placed) == 2


# Children


def child_data(school, **overrides) -> dict:
    return {"first_name": "Noor", "school": school, "grade": 5, **overrides}


def test_a_child_needs_consent():
    guardian = factories.UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=guardian, data=child_data(factories.SchoolFactory()), consent=False, now=NOW
        )

    assert "consent" in caught.value.message_dict
    assert not Child.objects.exists()
    guardian.refresh_from_db()
    assert not guardian.is_parent


def test_registering_a_child_records_consent_and_makes_a_parent():
    guardian = factories.UserFactory()

    child = services.child_register(
        guardian=guardian, data=child_data(factories.SchoolFactory()), consent=True, now=NOW
    )

    assert (child.guardian, child.consent_at) == (guardian, NOW)
    assert child.consent_version == services.CONSENT_VERSION
    assert guardian.is_parent
    guardian.refresh_from_db()
    assert guardian.is_parent


def test_a_child_with_a_bad_grade_is_not_saved():
    guardian = factories.UserFactory()

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=guardian,
            data=child_data(factories.SchoolFactory(), grade=9),
            consent=True,
            now=NOW,
        )

    assert "grade" in caught.value.message_dict
    assert not Child.objects.exists()
    guardian.refresh_from_db()
    assert not guardian.is_parent


def test_a_secondary_pupil_cannot_be_in_grade_seven():
    vo = factories.SchoolFactory(level="vo")

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=factories.UserFactory(), data=child_data(vo, grade=7), consent=True, now=NOW
        )

    assert "grade" in caught.value.message_dict
    assert not Child.objects.exists()


def test_a_secondary_pupil_can_be_in_grade_six():
    vo = factories.SchoolFactory(level="vo")

    child = services.child_register(
        guardian=factories.UserFactory(), data=child_data(vo, grade=6), consent=True, now=NOW
    )

    assert child.grade == 6


def test_a_child_cannot_be_in_a_group_of_another_school():
    school = factories.SchoolFactory()
    group = factories.GroupFactory(grade=5)

    with pytest.raises(ValidationError) as caught:
        services.child_register(
            guardian=factories.UserFactory(),
            data=child_data(school, group=group),
            consent=True,
            now=NOW,
        )

    assert "group" in caught.value.message_dict
    assert not Child.objects.exists()


def test_a_child_can_be_in_a_group_of_its_school():
    group = factories.GroupFactory(grade=5)

    child = services.child_register(
        guardian=factories.UserFactory(),
        data=child_data(group.school, group=group),
        consent=True,
        now=NOW,
    )

    assert child.group == group


def test_child_update_validates_and_saves():
    child = factories.ChildFactory()

    services.child_update(child=child, data={"grade": 6})
    with pytest.raises(ValidationError):
        services.child_update(child=child, data={"grade": 0})

    assert Child.objects.get(pk=child.pk).grade == 6


def test_deleting_a_child_ends_its_places_and_offers_them_to_the_waiting_list():
    activity = factories.ActivityFactory(capacity=1)
    leaving = enrol(activity).child
    waiting = enrol(activity)
    other = factories.ActivityFactory(school=activity.school, weekday=4)
    enrol(other, leaving)

    services.child_delete(child=leaving, now=NOW)

    assert not Child.objects.filter(pk=leaving.pk).exists()
    assert not Enrolment.objects.filter(child_id=leaving.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == "offered"
    assert (fresh(activity).seats_taken, fresh(other).seats_taken) == (1, 0)
    assert told("cancelled") == 0


# enrolments_create: first come


def test_first_come_confirms_until_full_then_waitlists_in_order():
    activity = factories.ActivityFactory(capacity=2)

    enrolments = [enrol(activity, now=NOW + i * MINUTE) for i in range(4)]

    assert [e.status for e in enrolments] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in enrolments] == [None, None, 1, 2]
    assert enrolments[0].decided_at == NOW
    assert enrolments[2].decided_at is None
    assert told("confirmed") == 2
    assert told("waitlisted") == 2
    assert_seats_match(activity)


def test_siblings_both_get_a_place_when_two_are_free():
    activity = factories.ActivityFactory(capacity=3)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)

    enrolments = services.enrolments_create(
        guardian=guardian, children=twins, activity=activity, now=NOW
    )

    assert [e.status for e in enrolments] == ["confirmed", "confirmed"]
    assert enrolments[0].sibling_group == enrolments[1].sibling_group is not None
    assert fresh(activity).seats_taken == 3


def test_siblings_both_wait_when_only_one_place_is_free():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)

    enrolments = services.enrolments_create(
        guardian=guardian, children=twins, activity=activity, now=NOW
    )

    assert [e.status for e in enrolments] == ["waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in enrolments] == [1, 2]
    assert fresh(activity).seats_taken == 1


def test_new_siblings_wait_behind_siblings_already_waiting():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    waiting = enrol_twins(activity, NOW)

    newcomers = enrol_twins(activity, NOW + MINUTE)

    assert [e.status for e in newcomers] == ["waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in waiting + newcomers] == [1, 2, 3, 4]
    assert_seats_match(activity)


def enrol_twins(activity: Activity, now) -> list[Enrolment]:
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    return services.enrolments_create(guardian=guardian, children=twins, activity=activity, now=now)


def test_a_place_the_siblings_cannot_use_is_offered_to_a_newcomer():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    services.enrolments_create(guardian=guardian, children=twins, activity=activity, now=NOW)

    newcomer = enrol(activity, now=NOW + MINUTE)

    newcomer.refresh_from_db()
    assert newcomer.status == "offered"
    assert_seats_match(activity)


def test_a_lottery_activity_takes_applications():
    activity = factories.LotteryActivityFactory(capacity=1)

    enrolments = [enrol(activity) for _ in range(3)]

    assert {e.status for e in enrolments} == {"applied"}
    assert fresh(activity).seats_taken == 0
    assert told("applied") == 3


def test_the_choice_rank_is_kept():
    activity = factories.LotteryActivityFactory()
    child = factories.ChildFactory(school=activity.school)

    enrolment = services.enrolment_create(
        guardian=child.guardian, child=child, activity=activity, now=NOW, choice_rank=2
    )

    assert enrolment.choice_rank == 2


def test_a_child_can_enrol_again_after_cancelling():
    activity = factories.ActivityFactory()
    first = enrol(activity)
    services.enrolment_cancel(enrolment=first, now=NOW)

    again = enrol(activity, first.child, now=NOW + MINUTE)

    assert again.status == "confirmed"
    assert_seats_match(activity)


# enrolments_create: priority


def test_priority_tiers_follow_own_school_and_neighbourhood():
    activity = factories.ActivityFactory(priority_own_school=True)
    wijk = factories.NeighbourhoodFactory()
    activity.priority_neighbourhoods.add(wijk)
    other_school = factories.SchoolFactory()
    ids = {wijk.pk}

    def tier(**kwargs):
        return services.priority_tier(activity, factories.ChildFactory(**kwargs), ids)

    assert tier(school=activity.school, neighbourhood=wijk) == 0
    assert tier(school=activity.school) == 1
    assert tier(school=other_school, neighbourhood=wijk) == 1
    assert tier(school=other_school) == 2
    assert services.priority_tier(activity, factories.ChildFactory(), set()) == 2


def test_no_priority_rules_put_everybody_in_one_tier():
    activity = factories.ActivityFactory(priority_own_school=False)

    assert (
        services.priority_tier(activity, factories.ChildFactory(school=activity.school), set()) == 2
    )


def test_own_pupils_and_chosen_neighbourhoods_go_ahead_on_the_waiting_list():
    activity = factories.ActivityFactory(capacity=1, priority_own_school=True)
    wijk = factories.NeighbourhoodFactory()
    activity.priority_neighbourhoods.add(wijk)
    municipality = activity.school.neighbourhood.municipality
    elsewhere = factories.SchoolFactory(neighbourhood__municipality=municipality)
    filler = enrol(activity)
    outsider = enrol(activity, factories.ChildFactory(school=elsewhere), now=NOW + MINUTE)
    local = enrol(
        activity, factories.ChildFactory(school=elsewhere, neighbourhood=wijk), now=NOW + 2 * MINUTE
    )
    own = enrol(
        activity,
        factories.ChildFactory(school=activity.school, neighbourhood=wijk),
        now=NOW + 3 * MINUTE,
    )

    assert [services.waitlist_position(e) for e in (own, local, outsider)] == [1, 2, 3]
    services.enrolment_cancel(enrolment=filler, now=NOW + 4 * MINUTE)
    own.refresh_from_db()
    assert own.status == "offered"


# enrolments_create: refusals


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_an_unpublished_activity_refuses(status):
    activity = factories.ActivityFactory(status=status)
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.NotPublished):
        enrol(activity, child)

    assert snapshot(activity) == before


@pytest.mark.parametrize(
    "now",
    [factories.OPENS - MINUTE, factories.CLOSES, factories.CLOSES + dt.timedelta(days=1)],
    ids=["before", "at-closing", "after"],
)
def test_enrolment_outside_the_window_is_refused(now):
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.WindowClosed):
        enrol(activity, child, now=now)

    assert snapshot(activity) == before


def test_enrolment_opens_on_the_minute():
    activity = factories.ActivityFactory()

    assert enrol(activity, now=factories.OPENS).status == "confirmed"


@pytest.mark.parametrize(
    ("level", "grade"), [("vo", 5), ("po", 2), ("po", 8)], ids=["vo", "too-young", "too-old"]
)
def test_the_wrong_school_type_or_grade_is_refused(level, grade):
    activity = factories.ActivityFactory(grade_min=3, grade_max=7)
    child = factories.ChildFactory(school=factories.SchoolFactory(level=level), grade=grade)
    before = snapshot(activity)

    with pytest.raises(errors.WrongGrade):
        enrol(activity, child)

    assert snapshot(activity) == before


@pytest.mark.parametrize("grade", [3, 7])
def test_the_ends_of_the_grade_range_are_welcome(grade):
    activity = factories.ActivityFactory(grade_min=3, grade_max=7)

    assert enrol(activity, factories.ChildFactory(grade=grade)).status == "confirmed"


def test_a_child_enrolled_twice_is_refused():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    waiting = enrol(activity)
    before = snapshot(activity)

    with pytest.raises(errors.AlreadyEnrolled):
        enrol(activity, waiting.child)

    assert snapshot(activity) == before


def test_the_same_child_twice_in_one_request_is_refused():
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)

    with pytest.raises(errors.AlreadyEnrolled):
        try:
            services.enrolments_create(
                guardian=child.guardian, children=[child, child], activity=activity, now=NOW
            )
        except IntegrityError as exc:
            raise AssertionError("IntegrityError, not an ActivityError") from exc


def overlapping_setup(**other):
    """A child with a place in the Wednesday 14:00-15:30 activity, and a second activity."""
    first = factories.ActivityFactory()
    child = enrol(first).child
    return child, factories.ActivityFactory(school=first.school, **other)


@pytest.mark.parametrize(
    "other",
    [
        {"start_time": dt.time(15), "end_time": dt.time(16)},
        {"start_time": dt.time(13), "end_time": dt.time(17)},
        {"first_date": dt.date(2027, 3, 31), "last_date": dt.date(2027, 6, 30)},
    ],
    ids=["later-start", "around", "last-week"],
)
def test_an_overlapping_activity_is_refused(other):
    child, second = overlapping_setup(**other)
    before = snapshot(second)

    with pytest.raises(errors.Overlap):
        enrol(second, child)

    assert snapshot(second) == before


def test_a_place_on_the_waiting_list_also_counts_as_overlap():
    first = factories.ActivityFactory(capacity=1)
    enrol(first)
    child = enrol(first).child
    second = factories.ActivityFactory(school=first.school)

    with pytest.raises(errors.Overlap):
        enrol(second, child)


@pytest.mark.parametrize(
    "other",
    [
        {"weekday": 3},
        {"first_date": dt.date(2027, 4, 7), "last_date": dt.date(2027, 6, 30)},
        {"start_time": dt.time(15, 30), "end_time": dt.time(16, 30)},
        {"start_time": dt.time(12, 30), "end_time": dt.time(14)},
    ],
    ids=["other-weekday", "later-dates", "right-after", "right-before"],
)
def test_activities_that_do_not_overlap_are_fine(other):
    child, second = overlapping_setup(**other)

    assert enrol(second, child).status == "confirmed"


def test_a_cancelled_enrolment_or_activity_does_not_overlap():
    child, second = overlapping_setup()
    services.enrolment_cancel(enrolment=child.enrolments.get(), now=NOW)
    third = factories.ActivityFactory(school=second.school)
    enrol(third, child)
    services.activity_cancel(activity=third, now=NOW)
    child.refresh_from_db()

    assert enrol(second, child).status == "confirmed"


def test_another_guardians_child_is_refused():
    activity = factories.ActivityFactory()
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.NotYourChild):
        services.enrolment_create(
            guardian=factories.parent(), child=child, activity=activity, now=NOW
        )

    assert snapshot(activity) == before


def test_siblings_with_one_stranger_are_refused_together():
    activity = factories.ActivityFactory()
    guardian = factories.parent()
    own = factories.ChildFactory(guardian=guardian, school=activity.school)
    stranger = factories.ChildFactory(school=activity.school)

    with pytest.raises(errors.NotYourChild):
        services.enrolments_create(
            guardian=guardian, children=[own, stranger], activity=activity, now=NOW
        )

    assert not Enrolment.objects.exists()


def test_siblings_are_refused_together_when_one_does_not_fit():
    activity = factories.ActivityFactory(grade_min=5, grade_max=8)
    guardian = factories.parent()
    older = factories.ChildFactory(guardian=guardian, school=activity.school, grade=6)
    younger = factories.ChildFactory(guardian=guardian, school=activity.school, grade=3)
    before = snapshot(activity)

    with pytest.raises(errors.WrongGrade):
        services.enrolments_create(
            guardian=guardian, children=[older, younger], activity=activity, now=NOW
        )

    assert snapshot(activity) == before


def test_errors_carry_a_code_a_status_and_a_message():
    for error in (
        errors.NotPublished,
        errors.WindowClosed,
        errors.WrongGrade,
        errors.AlreadyEnrolled,
        errors.Overlap,
        errors.NotYourChild,
        errors.PlaceOfferNotOpen,
        errors.NotActive,
        errors.Full,
        Busy,
    ):
        raised = error()
        assert issubclass(error, Refusal)
        assert raised.code != Refusal.code
        assert 400 <= raised.status < 600
        assert str(raised) == str(error.message)


# enrolment_place


def test_staff_place_a_child_when_a_place_is_free_even_after_closing():
    activity = factories.ActivityFactory(capacity=2)
    staff = factories.staff(activity.school)
    child = factories.ChildFactory(school=activity.school)
    after = factories.CLOSES + dt.timedelta(days=3)

    enrolment = services.enrolment_place(activity=activity, child=child, placed_by=staff, now=after)

    assert (enrolment.status, enrolment.placed_by, enrolment.decided_at) == (
        "confirmed",
        staff,
        after,
    )
    assert told("confirmed", enrolment) == 1
    assert_seats_match(activity)


def test_staff_cannot_place_a_child_in_a_full_activity():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    child = factories.ChildFactory(school=activity.school)
    before = snapshot(activity)

    with pytest.raises(errors.Full):
        services.enrolment_place(activity=activity, child=child, placed_by=None, now=NOW)

    assert snapshot(activity) == before


def test_staff_placing_a_waiting_child_replaces_its_waiting_list_entry():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    waiting = services.enrolments_create(
        guardian=guardian, children=twins, activity=activity, now=NOW
    )

    placed = services.enrolment_place(
        activity=activity, child=twins[0], placed_by=None, now=NOW + MINUTE
    )

    waiting[0].refresh_from_db()
    assert waiting[0].status == "cancelled"
    assert placed.status == "confirmed"
    assert fresh(activity).seats_taken == 2
    assert_seats_match(activity)


def test_staff_placing_a_lottery_applicant_replaces_the_application():
    activity = factories.LotteryActivityFactory()
    applied = enrol(activity)

    placed = services.enrolment_place(
        activity=activity, child=applied.child, placed_by=None, now=NOW
    )

    applied.refresh_from_db()
    assert (applied.status, placed.status) == ("cancelled", "confirmed")
    assert_seats_match(activity)


def test_staff_cannot_place_a_child_who_has_a_place():
    activity = factories.ActivityFactory()
    enrolment = enrol(activity)

    with pytest.raises(errors.AlreadyEnrolled):
        services.enrolment_place(activity=activity, child=enrolment.child, placed_by=None, now=NOW)


def test_staff_cannot_place_in_a_draft():
    activity = factories.ActivityFactory(status="draft")

    with pytest.raises(errors.NotPublished):
        services.enrolment_place(
            activity=activity, child=factories.ChildFactory(), placed_by=None, now=NOW
        )


def test_a_refused_overlapping_placement_keeps_the_waiting_list_entry():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    waiting = services.enrolments_create(
        guardian=guardian, children=twins, activity=activity, now=NOW
    )
    # Set up by hand: the waiting-list entry would itself refuse this enrolment as an overlap.
    other = factories.ActivityFactory(school=activity.school, start_time=dt.time(15), seats_taken=1)
    factories.EnrolmentFactory(activity=other, child=twins[0])
    before = snapshot(activity)

    with pytest.raises(errors.Overlap):
        services.enrolment_place(activity=activity, child=twins[0], placed_by=None, now=NOW)

    assert snapshot(activity) == before
    waiting[0].refresh_from_db()
    assert waiting[0].status == "waitlisted"


# enrolment_cancel


def test_cancelling_a_waiting_place_frees_no_seat():
    activity = factories.ActivityFactory(capacity=1)
    enrol(activity)
    waiting = enrol(activity)

    cancelled = services.enrolment_cancel(enrolment=waiting, now=NOW)

    assert (cancelled.status, cancelled.decided_at) == ("cancelled", NOW)
    assert fresh(activity).seats_taken == 1
    assert told("cancelled", waiting) == 1


def test_cancelling_twice_is_refused():
    enrolment = enrol(factories.ActivityFactory())
    services.enrolment_cancel(enrolment=enrolment, now=NOW)

    with pytest.raises(errors.NotActive):
        services.enrolment_cancel(enrolment=enrolment, now=NOW)

    assert told("cancelled") == 1


def test_when_one_waiting_sibling_leaves_the_other_gets_the_free_place():
    activity = factories.ActivityFactory(capacity=2)
    enrol(activity)
    guardian = factories.parent()
    twins = factories.ChildFactory.create_batch(2, guardian=guardian, school=activity.school)
    first, second = services.enrolments_create(
        guardian=guardian, children=twins, activity=activity, now=NOW
    )

    services.enrolment_cancel(enrolment=first, now=NOW + MINUTE)

    second.refresh_from_db()
    assert second.status == "offered"


# attendance_record


def session_with(activity: Activity) -> Occurrence:
    services.occurrences_regenerate(activity=activity, today=NOW.date())
    return activity.occurrences.earliest("date")


def test_attendance_is_saved_and_updated():
    activity = factories.ActivityFactory()
    one, two = enrol(activity), enrol(activity)
    session = session_with(activity)
    staff = factories.staff(activity.school)

    written = services.attendance_record(
        occurrence=session, marks={one.pk: "present", two.pk: "absent"}, recorded_by=staff
    )
    services.attendance_record(occurrence=session, marks={two.pk: "excused"}, recorded_by=None)

    assert written == 2
    marks = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert marks == {one.pk: "present", two.pk: "excused"}
    assert Attendance.objects.get(enrolment=one).recorded_by == staff


@pytest.mark.parametrize("status", ["waitlisted", "cancelled", "offered", "applied"])
def test_only_confirmed_children_can_be_marked(status):
    activity = factories.ActivityFactory()
    confirmed = enrol(activity)
    other = factories.EnrolmentFactory(
        activity=activity, status=status, offer_expires_at=NOW if status == "offered" else None
    )
    session = session_with(activity)

    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            occurrence=session,
            marks={confirmed.pk: "present", other.pk: "present"},
            recorded_by=None,
        )

    assert "marks" in caught.value.message_dict
    assert not Attendance.objects.exists()


def test_a_child_of_another_activity_cannot_be_marked():
    activity = factories.ActivityFactory()
    stranger = enrol(factories.ActivityFactory(weekday=4))

    with pytest.raises(ValidationError):
        services.attendance_record(
            occurrence=session_with(activity), marks={stranger.pk: "present"}, recorded_by=None
        )

    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", ["late", "", "PRESENT"])
def test_an_unknown_mark_is_refused(status):
    activity = factories.ActivityFactory()
    one, two = enrol(activity), enrol(activity)

    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            occurrence=session_with(activity),
            marks={one.pk: "present", two.pk: status},
            recorded_by=None,
        )

    assert "marks" in caught.value.message_dict
    assert not Attendance.objects.exists()
