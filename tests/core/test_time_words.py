"""Times in words for mail: deadlines, weekly series, the reader's language, Amsterdam's wall
clock (core.time; tests/core/test_time.py has the session ranges and the template tags)."""

import datetime as dt

import pytest
from django.utils import translation

from core.time import DASH, day_text, moment_text, weekly_text, when_text

# 13:30 UTC on Wednesday 13 January 2027 is 14:30 in Amsterdam (winter time).
WINTER = dt.datetime(2027, 1, 13, 14, 30, tzinfo=dt.UTC)
# 13:30 UTC on Wednesday 9 June 2027 is 15:30 in Amsterdam (summer time).
SUMMER = dt.datetime(2027, 6, 9, 13, 30, tzinfo=dt.UTC)
HOUR_AND_A_HALF = dt.timedelta(minutes=90)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", f"woensdag 13 januari, 15:30{DASH}17:00"),
        ("en", f"Wednesday 13 January, 15:30{DASH}17:00"),
        ("tr", f"Çarşamba 13 Ocak, 15:30{DASH}17:00"),
        # Arabic isolates the times left to right, so the range keeps its order.
        ("ar", f"الأربعاء 13 يناير، \u206615:30{DASH}17:00\u2069"),
    ],
)
def test_a_session_in_words_in_the_readers_language(language, expected):
    with translation.override(language):
        assert when_text(WINTER, WINTER + HOUR_AND_A_HALF) == expected


def test_summer_time_is_amsterdams_wall_clock():
    with translation.override("nl"):
        assert when_text(SUMMER, SUMMER + HOUR_AND_A_HALF) == f"woensdag 9 juni, 15:30{DASH}17:00"


def test_a_session_past_midnight_names_both_days():
    late = dt.datetime(2027, 1, 13, 22, 0, tzinfo=dt.UTC)  # 23:00 local
    with translation.override("en"):
        text = when_text(late, late + dt.timedelta(hours=2))
    assert text == f"Wednesday 13 January, 23:00 {DASH} Thursday 14 January, 01:00"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "woensdag 13 januari, 15:30"),
        ("tr", "Çarşamba 13 Ocak, 15:30"),
        ("ar", "الأربعاء 13 يناير، \u206615:30\u2069"),
    ],
)
def test_a_deadline_in_words(language, expected):
    with translation.override(language):
        assert moment_text(WINTER) == expected


def test_a_weekly_series_gives_the_weekday_the_times_and_the_first_date():
    with translation.override("en"):
        text = weekly_text(
            first_date=dt.date(2027, 1, 13), start_time=dt.time(15, 30), end_time=dt.time(17)
        )
    assert text == f"every Wednesday 15:30{DASH}17:00, from 13 January"


@pytest.mark.parametrize(
    ("language", "weekday", "month"),
    [("nl", "woensdag", "januari"), ("tr", "Çarşamba", "Ocak"), ("ar", "الأربعاء", "يناير")],
)
def test_the_weekly_series_names_day_and_month_in_the_readers_language(language, weekday, month):
    with translation.override(language):
        text = weekly_text(
            first_date=dt.date(2027, 1, 13), start_time=dt.time(15, 30), end_time=dt.time(17)
        )
        assert day_text(dt.date(2027, 1, 13)) == f"{weekday} 13 {month}"
    assert weekday in text and f"13 {month}" in text and f"15:30{DASH}17:00" in text
