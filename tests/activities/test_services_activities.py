"""The activity services: creating an activity with its weekly sessions (holidays and study
days left out), publishing, changing (schedule, capacity, allocation) and cancelling it or one
session, telling the families with a place what changed."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from activities import errors, services
from activities.models import Activity, Attendance, Enrolment, LotteryRound, Occurrence
from tests import factories
from tests.activities.helpers import (
    assert_seats_match,
    enrol,
    fresh,
    told,
)
from tests.clock import ENROLLING as NOW
from tests.clock import FEB_1, MINUTE

pytestmark = pytest.mark.django_db


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


def test_an_activity_sent_twice_with_one_key_is_made_once():
    school = factories.SchoolFactory()
    staff = factories.staff(school)
    key = uuid.uuid4()

    def create():
        return services.activity_create(
            school=school, created_by=staff, data=activity_data(), now=NOW, submission_key=key
        )

    assert create() == create()
    assert Activity.objects.get().submission_key == key
    assert Occurrence.objects.count() == 13


def test_a_twin_from_another_tab_is_refused_naming_the_first():
    """Two tabs (two keys) with the same activity: the second is refused, not made."""
    school = factories.SchoolFactory()
    staff = factories.staff(school)
    first = services.activity_create(
        school=school, created_by=staff, data=activity_data(), now=NOW, submission_key=uuid.uuid4()
    )

    with translation.override("en"), pytest.raises(errors.DuplicateActivity) as exc:
        services.activity_create(
            school=school,
            created_by=staff,
            data=activity_data(title=" judo "),
            now=NOW,
            submission_key=uuid.uuid4(),
        )

    assert exc.value.body()["existing"] == first.pk
    assert "already has Judo every Wednesday at 14:00" in str(exc.value.message)
    assert Activity.objects.get() == first


def test_another_time_another_school_or_a_cancelled_twin_is_no_duplicate():
    school, other_school = factories.SchoolFactory(), factories.SchoolFactory()
    staff = factories.staff(school)
    first = services.activity_create(school=school, created_by=staff, data=activity_data(), now=NOW)
    services.activity_create(
        school=school,
        created_by=staff,
        data=activity_data(start_time=dt.time(15), end_time=dt.time(16, 30)),
        now=NOW,
    )
    services.activity_create(school=other_school, created_by=staff, data=activity_data(), now=NOW)
    Activity.objects.filter(pk=first.pk).update(status=Activity.Status.CANCELLED)
    services.activity_create(school=school, created_by=staff, data=activity_data(), now=NOW)

    assert Activity.objects.count() == 4


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
        data=activity_data(
            title="Voetbal", allocation="lottery", enrolment_closes_at=factories.CLOSES + MINUTE
        ),
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

    assert services.activity_publish(activity=activity, now=NOW).status == "published"


def test_publish_leaves_a_cancelled_activity_cancelled():
    activity = factories.ActivityFactory(status="cancelled")

    assert services.activity_publish(activity=activity, now=NOW).status == "cancelled"


# activity_update


def created_activity(**overrides) -> Activity:
    activity = services.activity_create(
        school=factories.SchoolFactory(),
        created_by=factories.UserFactory(),
        data=activity_data(**overrides),
        now=NOW,
    )
    return services.activity_publish(activity=activity, now=NOW)


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
        occurrence=session, marks={enrolment.pk: "present"}, recorded_by=None, now=session.starts_at
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
        occurrence=session, marks={enrolment.pk: "excused"}, recorded_by=None, now=session.starts_at
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


def test_the_weekday_and_school_type_read_as_djangos_own_display(school):
    """Activity's get_weekday_display and get_level_display (faster, for the list of cards)
    say what Django's would, in each language, and a value no choice has stays as it is."""
    from django.db.models import Model

    activity = factories.ActivityFactory(school=school, weekday=2, level="po")
    fields = {name: Activity._meta.get_field(name) for name in ("weekday", "level")}
    for language in ("nl", "en", "ar"):
        with translation.override(language):
            for name, field in fields.items():
                ours = getattr(activity, f"get_{name}_display")()
                assert ours == Model._get_FIELD_display(activity, field)
    activity.weekday, activity.level = 9, "xx"
    assert activity.get_weekday_display() == 9
    assert activity.get_level_display() == "xx"
