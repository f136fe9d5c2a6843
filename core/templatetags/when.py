"""`{% when starts_at ends_at %}`: core.time.when_text in a page, in the reader's language."""

import datetime as dt

from django import template
from django.utils.html import format_html

from core.time import LOCAL_TZ, when_text

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
def when_filter(moment: dt.datetime | None, year: str = "") -> str:
    """One moment as text, for a sentence: `{{ deadline|when }}`, `{{ closes|when:"year" }}`."""
    if moment is None:
        return ""
    return when_text(moment, year=year == "year")
