import datetime as dt

import pytest

from activities.schedule import closures_for_school, session_dates

from .. import factories

WEDNESDAY = 2
JAN_6 = dt.date(2027, 1, 6)  # a Wednesday


def test_every_weekday_from_first_to_last():
    dates = session_dates(weekday=WEDNESDAY, first=JAN_6, last=dt.date(2027, 1, 27), closed=[])

    assert dates == [JAN_6, dt.date(2027, 1, 13), dt.date(2027, 1, 20), dt.date(2027, 1, 27)]


def test_first_day_that_is_not_the_weekday_moves_to_the_next_one():
    dates = session_dates(
        weekday=WEDNESDAY, first=dt.date(2027, 1, 7), last=dt.date(2027, 1, 20), closed=[]
    )

    assert dates == [dt.date(2027, 1, 13), dt.date(2027, 1, 20)]


def test_last_day_is_included_but_nothing_after_it():
    dates = session_dates(weekday=WEDNESDAY, first=JAN_6, last=dt.date(2027, 1, 19), closed=[])

    assert dates == [JAN_6, dt.date(2027, 1, 13)]


def test_no_dates_when_the_range_holds_no_such_weekday():
    assert (
        session_dates(
            weekday=WEDNESDAY, first=dt.date(2027, 1, 7), last=dt.date(2027, 1, 12), closed=[]
        )
        == []
    )


def test_closed_days_are_skipped_including_their_first_and_last_day():
    closed = [
        (dt.date(2027, 1, 13), dt.date(2027, 1, 13)),
        (dt.date(2027, 1, 18), dt.date(2027, 1, 27)),
    ]

    dates = session_dates(weekday=WEDNESDAY, first=JAN_6, last=dt.date(2027, 2, 3), closed=closed)

    assert dates == [JAN_6, dt.date(2027, 2, 3)]


def test_closed_accepts_a_one_shot_iterable():
    closed = iter([(dt.date(2027, 1, 13), dt.date(2027, 1, 13))])

    dates = session_dates(weekday=WEDNESDAY, first=JAN_6, last=dt.date(2027, 1, 20), closed=closed)

    # Each date is checked against every range, so a generator must not be used up after one.
    assert dates == [JAN_6, dt.date(2027, 1, 20)]


@pytest.mark.django_db
def test_closures_include_the_schools_own_and_its_municipalitys():
    school = factories.SchoolFactory()
    municipality = school.neighbourhood.municipality
    factories.ClosureFactory(municipality=municipality, name="Kerst")
    factories.ClosureFactory(
        municipality=municipality,
        school=school,
        name="Studiedag",
        start_date=dt.date(2027, 1, 13),
        end_date=dt.date(2027, 1, 13),
    )

    closures = closures_for_school(school, dt.date(2026, 12, 1), dt.date(2027, 3, 31))

    assert sorted(closures) == [
        (dt.date(2026, 12, 19), dt.date(2027, 1, 3)),
        (dt.date(2027, 1, 13), dt.date(2027, 1, 13)),
    ]


@pytest.mark.django_db
def test_closures_leave_out_other_schools_and_other_municipalities():
    school = factories.SchoolFactory()
    municipality = school.neighbourhood.municipality
    neighbour_school = factories.SchoolFactory(neighbourhood__municipality=municipality)
    factories.ClosureFactory(
        municipality=municipality,
        school=neighbour_school,
        start_date=dt.date(2027, 1, 13),
        end_date=dt.date(2027, 1, 13),
    )
    factories.ClosureFactory(municipality=factories.MunicipalityFactory(name="Utrecht"))

    assert closures_for_school(school, dt.date(2026, 12, 1), dt.date(2027, 3, 31)) == []


@pytest.mark.django_db
def test_closures_outside_the_range_are_left_out_but_touching_ones_count():
    school = factories.SchoolFactory()
    municipality = school.neighbourhood.municipality
    factories.ClosureFactory(municipality=municipality)  # 19 Dec - 3 Jan
    factories.ClosureFactory(
        municipality=municipality,
        name="Voorjaarsvakantie",
        start_date=dt.date(2027, 2, 13),
        end_date=dt.date(2027, 2, 21),
    )

    assert closures_for_school(school, dt.date(2027, 1, 4), dt.date(2027, 2, 12)) == []
    assert closures_for_school(school, dt.date(2027, 1, 3), dt.date(2027, 2, 13)) == [
        (dt.date(2026, 12, 19), dt.date(2027, 1, 3)),
        (dt.date(2027, 2, 13), dt.date(2027, 2, 21)),
    ]
