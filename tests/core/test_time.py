"""core.time.when_text: a day and times on Amsterdam's clock, in the reader's language."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from core.time import when_text

UTC = dt.UTC
# Wednesday 13 January 2027, 15:30-17:00 in Amsterdam (UTC+1 in winter).
STARTS = dt.datetime(2027, 1, 13, 14, 30, tzinfo=UTC)
ENDS = dt.datetime(2027, 1, 13, 16, 0, tzinfo=UTC)
LRI, PDI = "\u2066", "\u2069"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "woensdag 13 januari, 15:30\u201317:00"),
        ("en", "Wednesday 13 January, 15:30\u201317:00"),
        ("tr", "Çarşamba 13 Ocak, 15:30\u201317:00"),
        ("ar", f"الأربعاء 13 يناير\u060c {LRI}15:30\u201317:00{PDI}"),
    ],
)
def test_a_session_reads_in_the_active_language(language, expected):
    with translation.override(language):
        assert when_text(STARTS, ENDS) == expected


def test_times_are_amsterdam_wall_clock_in_summer_too():
    # 13:00 UTC on 7 July is 15:00 in Amsterdam (UTC+2).
    starts = dt.datetime(2027, 7, 7, 13, 0, tzinfo=UTC)
    with translation.override("nl"):
        text = when_text(starts, starts + dt.timedelta(hours=1))
    assert text == "woensdag 7 juli, 15:00\u201316:00"


def test_a_start_alone_and_a_year_on_request():
    with translation.override("en"):
        assert when_text(STARTS) == "Wednesday 13 January, 15:30"
        assert when_text(STARTS, ENDS, year=True) == "Wednesday 13 January 2027, 15:30\u201317:00"


def test_a_range_over_midnight_names_both_days():
    ends = dt.datetime(2027, 1, 14, 8, 0, tzinfo=UTC)
    with translation.override("tr"):
        assert when_text(STARTS, ends) == "Çarşamba 13 Ocak, 15:30 \u2013 Perşembe 14 Ocak, 09:00"


def test_arabic_isolates_each_time_so_a_range_keeps_its_order():
    ends = dt.datetime(2027, 1, 14, 8, 0, tzinfo=UTC)
    with translation.override("ar"):
        text = when_text(STARTS, ends)
    assert text.count(LRI) == 2
    assert f"{LRI}15:30{PDI}" in text
    assert f"{LRI}09:00{PDI}" in text


def test_the_when_tag_renders_a_time_element_on_amsterdams_clock():
    template = Template("{% load when %}{% when starts ends %}")
    with translation.override("en"):
        html = template.render(Context({"starts": STARTS, "ends": ENDS}))
    assert html == (
        '<time datetime="2027-01-13T15:30+01:00">Wednesday 13 January, 15:30\u201317:00</time>'
    )


def test_the_when_filter_writes_one_moment_for_a_sentence():
    template = Template('{% load when %}{{ moment|when }} / {{ moment|when:"year" }}')
    with translation.override("tr"):
        text = template.render(Context({"moment": STARTS}))
    assert text == "Çarşamba 13 Ocak, 15:30 / Çarşamba 13 Ocak 2027, 15:30"
