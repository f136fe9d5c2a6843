"""iCalendar (RFC 5545) invites and feeds, and the iTIP methods of RFC 5546.

Domain apps describe what happens as `CalendarEvent`s (plain data: this module imports no
domain app) and get text back: `invite()` for mail (METHOD:REQUEST or METHOD:CANCEL, with
ORGANIZER and ATTENDEEs), `feed()` for a subscribed calendar (METHOD:PUBLISH).

- The UID of a visit or enrolment never changes; SEQUENCE rises with every change of time,
  place or status, so calendars replace the old copy instead of adding a second one.
- A series (an enrolment's weekly sessions) is one VEVENT: RRULE:FREQ=WEEKLY with EXDATEs for
  the weeks without a session (holidays), or RDATEs when the dates are not weekly. A single
  cancelled session is a CANCEL of that RECURRENCE-ID alone.
- Times are local to Europe/Amsterdam with a complete VTIMEZONE (a DAYLIGHT and a STANDARD
  part with the EU rule), so the event stays at 14:00 across both clock changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from core.time import LOCAL_TZ

# The VTIMEZONE below is written for this zone (the programme's, core.time).
TZID = LOCAL_TZ.key
PRODID = "-//Back on Track//Scheduler//NL"

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""
    role: str = "REQ-PARTICIPANT"  # or OPT-PARTICIPANT, NON-PARTICIPANT, CHAIR
    rsvp: bool = False


@dataclass(frozen=True)
class CalendarEvent:
    """One visit, one session, or a series of weekly sessions (when `occurrences` is set).

    `occurrences` lists every (start, end) of a series, first included; `start`/`end` are the
    first. `recurrence_id` makes this event one instance of a series (the start it had)."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False
    occurrences: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    recurrence_id: dt.datetime | None = None
    last_modified: dt.datetime | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)


def uid(kind: str, pk: int) -> str:
    """The stable UID of a visit, an enrolment (its series) or a session: "visit-12@host"."""
    return f"{kind}-{pk}@{settings.CALENDAR_UID_DOMAIN}"


def organizer() -> Person:
    return Person(settings.CALENDAR_ORGANIZER_EMAIL, settings.CALENDAR_ORGANIZER_NAME)


def amsterdam_timezone() -> Timezone:
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    # A VTIMEZONE's DTSTART is local wall time without a zone (RFC 5545, 3.6.5).
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))  # noqa: DTZ001
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))  # noqa: DTZ001
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)


def _address(person: Person, *, attendee: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = person.name
    if attendee:
        address.params["role"] = person.role
        address.params["partstat"] = "NEEDS-ACTION"
        address.params["rsvp"] = "TRUE" if person.rsvp else "FALSE"
    return address


def _weekly(occurrences) -> tuple[dt.datetime, list[dt.datetime]] | None:
    """(UNTIL, EXDATEs) when the series is weekly at one local time and length; else None."""
    starts = [_local(s) for s, _e in occurrences]
    first = starts[0]
    length = occurrences[0][1] - occurrences[0][0]
    for (s, e), local in zip(occurrences, starts, strict=True):
        if (
            (e - s) != length
            or local.time() != first.time()
            or (local.date() - first.date()).days % 7
        ):
            return None
    have = {local.date() for local in starts}
    exdates = []
    day = first.date()
    while day < starts[-1].date():
        day += dt.timedelta(days=7)
        if day not in have:
            exdates.append(dt.datetime.combine(day, first.time(), LOCAL_TZ))
    return starts[-1].astimezone(dt.UTC), exdates


def _vevent(event: CalendarEvent, method: str, stamp: dt.datetime, organizer, attendees) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(dt.UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", _local(event.start))
    vevent.add("dtend", _local(event.end))
    if event.recurrence_id is not None:
        vevent.add("recurrence-id", _local(event.recurrence_id))
    elif len(event.occurrences) > 1:
        weekly = _weekly(event.occurrences)
        if weekly is not None:
            until, exdates = weekly
            vevent.add("rrule", {"freq": "weekly", "until": until})
            if exdates:
                vevent.add("exdate", exdates)
        else:
            vevent.add("rdate", [_local(s) for s, _e in event.occurrences[1:]])
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", list(event.categories))
    if event.last_modified is not None:
        vevent.add("last-modified", event.last_modified.astimezone(dt.UTC))
    cancelled = event.cancelled or method == CANCEL
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if organizer is not None:
        vevent.add("organizer", _address(organizer, attendee=False))
    for person in attendees:
        vevent.add("attendee", _address(person, attendee=True))
    return vevent


def _calendar(method: str, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    cal.add_component(amsterdam_timezone())
    return cal


def invite(
    method: str,
    event: CalendarEvent,
    *,
    organizer: Person,
    attendees: list[Person] | tuple[Person, ...],
    stamp: dt.datetime,
) -> str:
    """One iTIP message (REQUEST or CANCEL) for one event, as text with CRLF line ends."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"an invite is a REQUEST or a CANCEL, not {method}")
    cal = _calendar(method)
    cal.add_component(_vevent(event, method, stamp, organizer, attendees))
    return cal.to_ical().decode()


def feed(name: str, events, *, stamp: dt.datetime) -> str:
    """A subscribed calendar (METHOD:PUBLISH): the person's events, without attendees."""
    cal = _calendar(PUBLISH, name)
    for event in events:
        cal.add_component(_vevent(event, PUBLISH, stamp, None, ()))
    return cal.to_ical().decode()
