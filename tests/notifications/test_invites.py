"""Calendar invites (RFC 5545 / RFC 5546) against golden files.

Each invite is made from fixed input (fixed DTSTAMP, UIDs and organizer) and compared with
tests/notifications/golden/<name>.ics after unfolding long lines; then it is read back by
`icalendar` and by the strict `ical` package and checked against the iTIP rules: a METHOD; a
REQUEST with an ORGANIZER and an ATTENDEE; a CANCEL with the same UID and a higher SEQUENCE
than what it cancels; a VTIMEZONE with STANDARD and DAYLIGHT; and every occurrence of a
series at the same local wall-clock time on both sides of a clock change.

Run with UPDATE_GOLDEN=1 to write the golden files again after an intended change, and read
the diff before committing it.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo
from icalendar import Calendar

from notifications import ical
from tests.clock import LOCAL_TZ, at

GOLDEN = Path(__file__).parent / "golden"
STAMP = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
CHANGED = dt.datetime(2026, 11, 1, 12, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fixed_calendar_settings(settings):
    settings.CALENDAR_UID_DOMAIN = "backontrack.test"
    settings.CALENDAR_ORGANIZER_EMAIL = "agenda@backontrack.test"
    settings.CALENDAR_ORGANIZER_NAME = "Back on Track"


HERO = ical.Person("dennis@example.test", "Dennis de Vries")
STAFF = ical.Person("docent@example.test", "Marieke Bos")
GUARDIAN = ical.Person("ilse@example.test", "Ilse Jansen")


def visit(start: dt.datetime, *, sequence: int = 0, hours: int = 2) -> ical.CalendarEvent:
    return ical.CalendarEvent(
        uid=ical.uid("visit", 12),
        sequence=sequence,
        start=start,
        end=start + dt.timedelta(hours=hours),
        summary="Local Hero visit: Zaanlands Lyceum (2A)",
        location="Zaanlands Lyceum, Vincent van Goghweg 1, Zaandam",
        description=("Group: 2A\nLocal Hero: Dennis\nTopic: Online safety\nVR kit: Kit Noord"),
        url="https://backontrack.test/sessions/requests/7/",
        last_modified=CHANGED,
    )


def weekly(first: dt.date, last: dt.date, *, skip=(), hour=14, minutes=90) -> tuple:
    """Sessions every week on `first`'s weekday from `first` to `last`, without `skip`."""
    sessions, day = [], first
    while day <= last:
        if day not in skip:
            start = at(day, hour)
            sessions.append((start, start + dt.timedelta(minutes=minutes)))
        day += dt.timedelta(days=7)
    return tuple(sessions)


def series(sessions: tuple, *, sequence: int = 0, **kw) -> ical.CalendarEvent:
    return ical.CalendarEvent(
        uid=ical.uid("enrolment", 34),
        sequence=sequence,
        start=sessions[0][0],
        end=sessions[0][1],
        occurrences=sessions,
        summary="Judo (Noor)",
        location="Sporthal De Vang, Vangstraat 2, Zaandam",
        description="Judo for beginners: bring sportswear.",
        url="https://backontrack.test/activities/mine/",
        last_modified=CHANGED,
        **kw,
    )


# Wednesdays in the winter term; the spring holiday (24 February) has no session.
WINTER = weekly(dt.date(2027, 1, 13), dt.date(2027, 3, 17), skip={dt.date(2027, 2, 24)})
# Wednesdays from October to April, across 25 October 2026 and 28 March 2027, without the
# autumn holiday and the two Christmas weeks.
HOLIDAYS = {dt.date(2026, 10, 21), dt.date(2026, 12, 23), dt.date(2026, 12, 30)}
ACROSS_DST = weekly(dt.date(2026, 10, 7), dt.date(2027, 4, 14), skip=HOLIDAYS)
CANCELLED_SESSION = WINTER[3]  # Wednesday 3 February 2027


def request_invite(event, attendee=STAFF) -> str:
    return ical.invite(
        ical.REQUEST, event, organizer=ical.organizer(), attendees=[attendee], stamp=STAMP
    )


def cancel_invite(event, attendee=STAFF) -> str:
    return ical.invite(
        ical.CANCEL, event, organizer=ical.organizer(), attendees=[attendee], stamp=STAMP
    )


CASES = {
    "visit_request": lambda: request_invite(visit(at(dt.date(2026, 11, 10), 10))),
    "visit_update": lambda: request_invite(visit(at(dt.date(2026, 11, 12), 13), sequence=1)),
    "visit_cancel": lambda: cancel_invite(visit(at(dt.date(2026, 11, 12), 13), sequence=2)),
    "visit_after_autumn_change": lambda: request_invite(visit(at(dt.date(2026, 10, 27), 10)), HERO),
    "visit_after_spring_change": lambda: request_invite(visit(at(dt.date(2027, 3, 30), 10)), HERO),
    "series_request": lambda: request_invite(series(WINTER), GUARDIAN),
    "series_update": lambda: request_invite(series(WINTER[1:], sequence=1), GUARDIAN),
    "series_cancel": lambda: cancel_invite(series(WINTER[1:], sequence=2), GUARDIAN),
    "series_session_cancel": lambda: cancel_invite(
        ical.CalendarEvent(
            uid=ical.uid("enrolment", 34),
            sequence=1,
            start=CANCELLED_SESSION[0],
            end=CANCELLED_SESSION[1],
            summary="Judo (Noor)",
            location="Sporthal De Vang, Vangstraat 2, Zaandam",
            recurrence_id=CANCELLED_SESSION[0],
        ),
        GUARDIAN,
    ),
    "series_across_dst": lambda: request_invite(series(ACROSS_DST), GUARDIAN),
}


def unfold(text: str) -> str:
    """The content lines, with folding (RFC 5545, 3.1) and line ends undone."""
    return text.replace("\r\n", "\n").replace("\n ", "").replace("\n\t", "")


def golden(name: str, text: str) -> str:
    path = GOLDEN / f"{name}.ics"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
    return path.read_text(encoding="utf-8")


def vevent(text: str):
    (event,) = Calendar.from_ical(text).walk("VEVENT")
    return event


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_invite_matches_its_golden_file(name):
    text = CASES[name]()
    assert unfold(text) == unfold(golden(name, text))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_invite_is_well_formed_text(name):
    text = CASES[name]()
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    # Lines longer than 75 octets are folded.
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75


@pytest.mark.parametrize("name", sorted(CASES))
def test_both_parsers_read_the_invite_and_agree(name):
    text = CASES[name]()
    loose = vevent(text)
    strict = IcsCalendarStream.calendar_from_ics(text)
    (event,) = strict.events
    assert event.uid == str(loose["UID"])
    assert event.sequence == int(loose["SEQUENCE"])
    assert event.dtstart == loose.decoded("DTSTART")
    assert event.dtend == loose.decoded("DTEND")
    assert event.summary == str(loose["SUMMARY"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_invite_follows_itip(name):
    text = CASES[name]()
    cal = Calendar.from_ical(text)
    method = str(cal["METHOD"])
    assert method == ("CANCEL" if name.endswith("cancel") else "REQUEST")
    event = vevent(text)
    for required in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART", "ORGANIZER"):
        assert required in event, required
    assert event.decoded("DTSTAMP") == STAMP
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert len(attendees) >= 1
    assert all(a.params["ROLE"] == "REQ-PARTICIPANT" for a in attendees)
    assert all(a.params["RSVP"] == "FALSE" for a in attendees)
    assert str(event["ORGANIZER"]) == "mailto:agenda@backontrack.test"
    assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")


@pytest.mark.parametrize(
    ("cancelling", "cancelled"),
    [
        ("visit_update", "visit_request"),
        ("visit_cancel", "visit_update"),
        ("series_update", "series_request"),
        ("series_session_cancel", "series_request"),
        ("series_cancel", "series_update"),
    ],
)
def test_each_change_keeps_the_uid_and_raises_the_sequence(cancelling, cancelled):
    later, earlier = vevent(CASES[cancelling]()), vevent(CASES[cancelled]())
    assert str(later["UID"]) == str(earlier["UID"])
    assert int(later["SEQUENCE"]) > int(earlier["SEQUENCE"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_timezone_is_complete(name):
    strict = IcsCalendarStream.calendar_from_ics(CASES[name]())
    (timezone,) = strict.timezones
    assert timezone.tz_id == "Europe/Amsterdam"
    assert timezone.standard and timezone.daylight
    loose = Calendar.from_ical(CASES[name]())
    (vtimezone,) = loose.walk("VTIMEZONE")
    assert {c.name for c in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def occurrences(text: str) -> list[dt.datetime]:
    """Every start of the invite's series, expanded by the strict parser."""
    strict = IcsCalendarStream.calendar_from_ics(text)
    return [item.dtstart for item in strict.timeline_tz(LOCAL_TZ)]


def test_the_series_is_weekly_with_the_holiday_excluded():
    text = CASES["series_request"]()
    event = vevent(text)
    assert "RRULE" in event and "RDATE" not in event
    assert event["EXDATE"].dts[0].dt == at(dt.date(2027, 2, 24), 14)
    assert occurrences(text) == [start for start, _end in WINTER]


def test_a_single_cancelled_session_names_its_start_in_the_series():
    text = CASES["series_session_cancel"]()
    event = vevent(text)
    assert event.decoded("RECURRENCE-ID") == CANCELLED_SESSION[0]
    assert "RRULE" not in event
    (strict,) = IcsCalendarStream.calendar_from_ics(text).events
    assert strict.recurrence_id is not None
    # The instance it cancels is one of the series the family holds.
    assert CANCELLED_SESSION[0] in occurrences(CASES["series_request"]())


def test_a_series_across_both_clock_changes_stays_at_14_local():
    text = CASES["series_across_dst"]()
    starts = occurrences(text)
    assert starts == [start for start, _end in ACROSS_DST]
    assert {(s.hour, s.minute) for s in starts} == {(14, 0)}
    # The invite's own VTIMEZONE (not the reader's zone database) gives each occurrence the
    # offset Amsterdam has that day: +02:00 before 25 October and after 28 March, else +01:00.
    (timezone,) = IcsCalendarStream.calendar_from_ics(text).timezones
    embedded = IcsTimezoneInfo.from_timezone(timezone)
    offsets = {}
    for start in starts:
        wall = start.replace(tzinfo=None)
        assert wall.replace(tzinfo=embedded).utcoffset() == start.utcoffset()
        offsets[start.date()] = start.utcoffset()
    hour = dt.timedelta(hours=1)
    assert offsets[dt.date(2026, 10, 14)] == 2 * hour
    assert offsets[dt.date(2026, 10, 28)] == hour
    assert offsets[dt.date(2027, 3, 24)] == hour
    assert offsets[dt.date(2027, 3, 31)] == 2 * hour
    # The last occurrence is in summer time, so UNTIL (UTC) is 12:00Z, not 13:00Z.
    assert vevent(text)["RRULE"]["UNTIL"] == [dt.datetime(2027, 4, 14, 12, 0, tzinfo=dt.UTC)]
    assert len(vevent(text)["EXDATE"].dts) == len(HOLIDAYS)


@pytest.mark.parametrize(
    ("name", "utc_hour"),
    [("visit_after_autumn_change", 9), ("visit_after_spring_change", 8)],
)
def test_a_visit_on_either_side_of_a_clock_change_is_at_local_time(name, utc_hour):
    text = CASES[name]()
    assert "DTSTART;TZID=Europe/Amsterdam:" in unfold(text)
    (event,) = IcsCalendarStream.calendar_from_ics(text).events
    assert (event.dtstart.hour, event.dtstart.astimezone(dt.UTC).hour) == (10, utc_hour)
    (timezone,) = IcsCalendarStream.calendar_from_ics(text).timezones
    wall = event.dtstart.replace(tzinfo=IcsTimezoneInfo.from_timezone(timezone))
    assert wall.astimezone(dt.UTC).hour == utc_hour
