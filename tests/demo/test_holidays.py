"""School holidays for any year, and the public holidays on which the demo closes schools."""

import datetime as dt
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command

from activities.models import Activity, Occurrence
from demo.data import OFFICIAL_SCHOOL_HOLIDAYS
from demo.holidays import (
    CLOSED_ON,
    REGIONS,
    SchoolHoliday,
    computed_school_holidays,
    public_closing_days,
    school_holidays,
)
from schools.models import SchoolClosure

NAMES = ["Herfstvakantie", "Kerstvakantie", "Voorjaarsvakantie", "Meivakantie", "Zomervakantie"]
OFFICIAL_NOORD = OFFICIAL_SCHOOL_HOLIDAYS["noord"]


def official(school_year: str, name: str) -> tuple[dt.date, dt.date]:
    holiday = next(h for h in school_holidays("noord", school_year) if h.name == name)
    return holiday.first, holiday.last


def computed(school_year: str, name: str, region: str = "noord") -> tuple[dt.date, dt.date]:
    start_year = int(school_year[:4])
    holiday = next(h for h in computed_school_holidays(region, start_year) if h.name == name)
    return holiday.first, holiday.last


# Computed holidays: the rules


@pytest.mark.parametrize(
    ("school_year", "first", "last"),
    [
        ("2025-2026", dt.date(2025, 12, 20), dt.date(2026, 1, 4)),
        ("2026-2027", dt.date(2026, 12, 19), dt.date(2027, 1, 3)),
        ("2027-2028", dt.date(2027, 12, 25), dt.date(2028, 1, 9)),
    ],
)
def test_computed_christmas_holiday_is_the_official_one(school_year, first, last):
    assert computed(school_year, "Kerstvakantie") == (first, last)
    assert official(school_year, "Kerstvakantie") == (first, last)


@pytest.mark.parametrize(
    ("school_year", "first", "last"),
    [
        ("2025-2026", dt.date(2026, 4, 25), dt.date(2026, 5, 3)),
        ("2026-2027", dt.date(2027, 4, 24), dt.date(2027, 5, 2)),
        ("2027-2028", dt.date(2028, 4, 22), dt.date(2028, 4, 30)),
    ],
)
def test_computed_may_holiday_is_the_official_one_around_kings_day(school_year, first, last):
    assert computed(school_year, "Meivakantie") == (first, last)
    assert official(school_year, "Meivakantie") == (first, last)


@pytest.mark.parametrize("school_year", sorted(OFFICIAL_NOORD))
def test_computed_holidays_are_at_most_a_week_off_the_official_ones(school_year):
    """Autumn, spring and summer rotate between the regions in reality; the approximation
    takes a fixed week per region, which for the official years misses by a week at most."""
    for name in NAMES:
        first, last = computed(school_year, name)
        official_first, official_last = official(school_year, name)
        assert abs((first - official_first).days) <= 7, name
        assert last - first == official_last - official_first, name


def test_autumn_holiday_is_iso_week_43_in_the_north_and_42_in_the_south():
    noord = computed("2031-2032", "Herfstvakantie")
    zuid = computed("2031-2032", "Herfstvakantie", region="zuid")
    assert noord == (dt.date(2031, 10, 18), dt.date(2031, 10, 26))
    assert noord[0].isocalendar().week == 42  # the Saturday before the Monday of week 43
    assert (noord[0] + dt.timedelta(days=2)).isocalendar().week == 43
    assert zuid == (noord[0] - dt.timedelta(weeks=1), noord[1] - dt.timedelta(weeks=1))


def test_spring_holiday_is_iso_week_8_in_the_north():
    first, last = computed("2031-2032", "Voorjaarsvakantie")
    assert (first, last) == (dt.date(2032, 2, 14), dt.date(2032, 2, 22))
    assert (first + dt.timedelta(days=2)).isocalendar()[1:] == (8, 1)


def test_summer_holiday_is_six_weeks_from_the_second_saturday_of_july_in_the_north():
    assert computed("2031-2032", "Zomervakantie") == (dt.date(2032, 7, 10), dt.date(2032, 8, 22))
    assert computed("2032-2033", "Zomervakantie") == (dt.date(2033, 7, 9), dt.date(2033, 8, 21))


def test_may_holiday_moves_to_the_week_after_when_kings_day_is_a_saturday():
    # 27 April 2030 is a Saturday: the holiday starts that day (and takes in 5 May).
    assert computed("2029-2030", "Meivakantie") == (dt.date(2030, 4, 27), dt.date(2030, 5, 5))


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("start_year", range(2028, 2061))
def test_computed_holidays_run_saturday_to_sunday_in_order_without_overlap(region, start_year):
    holidays = computed_school_holidays(region, start_year)
    assert [h.name for h in holidays] == NAMES
    for holiday in holidays:
        assert (holiday.first.weekday(), holiday.last.weekday()) == (5, 6), holiday
    for earlier, later in pairwise(holidays):
        assert earlier.last < later.first
    christmas = holidays[1]
    assert christmas.covers(dt.date(start_year, 12, 25))
    assert christmas.covers(dt.date(start_year + 1, 1, 1))
    assert holidays[3].covers(dt.date(start_year + 1, 4, 27))


# school_holidays: the table first, the rules after


def test_a_year_in_the_table_gets_the_official_dates_even_where_the_rules_differ():
    assert official("2026-2027", "Voorjaarsvakantie") == (
        dt.date(2027, 2, 13),
        dt.date(2027, 2, 21),
    )
    assert computed("2026-2027", "Voorjaarsvakantie") != (
        dt.date(2027, 2, 13),
        dt.date(2027, 2, 21),
    )


def test_2031_2032_gets_five_holidays_in_order_none_overlapping_christmas_over_new_year():
    holidays = school_holidays("noord", "2031-2032")
    assert [h.name for h in holidays] == NAMES
    assert all(h.first <= h.last for h in holidays)
    assert all(a.last < b.first for a, b in pairwise(holidays))
    christmas = holidays[1]
    assert christmas.covers(dt.date(2031, 12, 25))
    assert christmas.covers(dt.date(2032, 1, 1))
    assert dt.date(2031, 8, 1) <= holidays[0].first
    assert holidays[-1].first <= dt.date(2032, 7, 31)


@pytest.mark.parametrize(
    ("region", "school_year"), [("west", "2031-2032"), ("noord", "2031"), ("noord", "2031-2033")]
)
def test_an_unknown_region_or_a_malformed_school_year_is_refused(region, school_year):
    with pytest.raises(ValueError):
        school_holidays(region, school_year)


# Public holidays on which schools close


def test_public_closing_days_are_the_ones_outside_the_school_holidays():
    assert public_closing_days("noord", "2026-2027") == [
        SchoolHoliday("Tweede Paasdag", dt.date(2027, 3, 29), dt.date(2027, 3, 29)),
        SchoolHoliday("Hemelvaartsdag", dt.date(2027, 5, 6), dt.date(2027, 5, 6)),
        SchoolHoliday("Tweede Pinksterdag", dt.date(2027, 5, 17), dt.date(2027, 5, 17)),
    ]  # Koningsdag, 27 April 2027, falls in the meivakantie


def test_liberation_day_closes_schools_only_in_a_lustrum_year():
    assert "Bevrijdingsdag" in {d.name for d in public_closing_days("noord", "2034-2035")}
    assert "Bevrijdingsdag" not in {d.name for d in public_closing_days("noord", "2035-2036")}


@pytest.mark.parametrize("start_year", range(2025, 2046))
def test_public_closing_days_fall_in_the_school_year_and_in_no_school_holiday(start_year):
    school_year = f"{start_year}-{start_year + 1}"
    holidays = school_holidays("noord", school_year)
    days = public_closing_days("noord", school_year)
    assert days  # Whit Monday is never in a school holiday; Easter Monday may be (2038)
    assert {d.name for d in days} <= set(CLOSED_ON)
    for day in days:
        assert dt.date(start_year, 8, 1) <= day.first == day.last <= dt.date(start_year + 1, 7, 31)
        assert not any(holiday.covers(day.first) for holiday in holidays)


# The demo's closures


def run_demo_on(moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        call_command("demo", force=True, stdout=StringIO())


@pytest.mark.django_db
def test_demo_closes_schools_on_public_holidays_and_schedules_no_session_on_them():
    # In March, the activities' twelve weeks run over Easter, Ascension and Whit Monday.
    run_demo_on(dt.datetime(2027, 3, 10, 10, tzinfo=dt.UTC))
    run_demo_on(dt.datetime(2027, 3, 10, 10, tzinfo=dt.UTC))
    every_closure = SchoolClosure.objects.filter(kind=SchoolClosure.Kind.OTHER, school=None)
    closures = every_closure.filter(municipality__slug="zaanstad")
    assert set(closures.values_list("name", "start_date")) == {
        ("Tweede Paasdag 2027", dt.date(2027, 3, 29)),
        ("Hemelvaartsdag 2027", dt.date(2027, 5, 6)),
        ("Tweede Pinksterdag 2027", dt.date(2027, 5, 17)),
        ("Tweede Paasdag 2028", dt.date(2028, 4, 17)),
        ("Hemelvaartsdag 2028", dt.date(2028, 5, 25)),
        ("Tweede Pinksterdag 2028", dt.date(2028, 6, 5)),
    }
    # Amsterdam (the same holiday region) closes on the same days.
    amsterdam = every_closure.filter(municipality__slug="amsterdam")
    assert set(amsterdam.values_list("name", "start_date")) == set(
        closures.values_list("name", "start_date")
    )
    holidays = SchoolClosure.objects.filter(kind=SchoolClosure.Kind.HOLIDAY, school=None)
    assert holidays.filter(municipality__slug="zaanstad").count() == 10
    days_off = set(closures.values_list("start_date", flat=True))
    # Without the closures there would be sessions on these days ...
    assert any(
        activity.first_date <= day <= activity.last_date and day.weekday() == activity.weekday
        for activity in Activity.objects.all()
        for day in days_off
    )
    assert Occurrence.objects.exists()
    # ... but there are none.
    assert not Occurrence.objects.filter(date__in=days_off).exists()


@pytest.mark.django_db
def test_demo_builds_the_holidays_of_school_years_past_the_official_table():
    run_demo_on(dt.datetime(2030, 9, 15, 10, tzinfo=dt.UTC))
    holidays = SchoolClosure.objects.filter(
        kind=SchoolClosure.Kind.HOLIDAY, school=None, municipality__slug="zaanstad"
    )
    # This school year and the next; and the last, since two weeks into a school year the
    # demo's past term lies in the last one.
    assert holidays.filter(start_date__gte=dt.date(2030, 8, 1)).count() == 10
    assert holidays.filter(start_date__lt=dt.date(2030, 8, 1)).count() == 5
    christmas = holidays.get(name="Kerstvakantie 2031")
    assert (christmas.start_date, christmas.end_date) == (
        dt.date(2031, 12, 20),
        dt.date(2032, 1, 4),
    )
    assert holidays.get(name="Zomervakantie 2032").start_date == dt.date(2032, 7, 10)
    assert SchoolClosure.objects.filter(name="Tweede Pinksterdag 2032").exists()
