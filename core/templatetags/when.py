"""Times in words in pages and mails (core.time), in the reader's language:

- `{% when starts_at ends_at %}`: a `<time>` element, for pages;
- `{{ deadline|when }}`, `{{ closes|when:"year" }}`: one moment, for a sentence;
- `{{ session.starts_at|when:session.ends_at }}`: a range as plain text, for mail;
- `{{ activity|weekly }}`: an activity's weekly series.
"""

import datetime as dt

from django import template
from django.utils.html import format_html

from core.time import LOCAL_TZ, weekly_text, when_text

register = template.Library()


@register.simple_tag(name="when")
def when_tag(starts_at: dt.datetime, ends_at: dt.datetime | None = None, year: bool = False):
    """The text in a <time> element whose datetime is the start on Amsterdam's clock."""
    if starts_at is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        starts_at.astimezone(LOCAL_TZ).isoformat(timespec="minutes"),
        when_text(starts_at, ends_at, year=year),
    )


@register.filter(name="when")
def when_filter(moment: dt.datetime | None, end_or_year: dt.datetime | str = "") -> str:
    """One moment (with the year when asked: "year"), or a range up to an end datetime."""
    if moment is None:
        return ""
    if isinstance(end_or_year, dt.datetime):
        return when_text(moment, end_or_year)
    return when_text(moment, year=end_or_year == "year")


@register.filter
def weekly(activity) -> str:
    """An activity's weekly series: "elke woensdag 15:30-17:00, vanaf 13 januari"."""
    return weekly_text(
        first_date=activity.first_date, start_time=activity.start_time, end_time=activity.end_time
    )
