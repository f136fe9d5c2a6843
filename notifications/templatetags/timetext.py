"""Times in words in mail templates:
`{% load timetext %}{{ session.starts_at|when:session.ends_at }}`."""

from django import template

from core import time

register = template.Library()


@register.filter
def when(starts_at, ends_at) -> str:
    return time.when_text(starts_at, ends_at)


@register.filter
def moment(value) -> str:
    return time.moment_text(value) if value else ""


@register.filter
def weekly(activity) -> str:
    """An activity's weekly series."""
    return time.weekly_text(
        first_date=activity.first_date, start_time=activity.start_time, end_time=activity.end_time
    )
