"""Venue pages for school staff and coordinators: a venue's week at a glance, and (for
coordinators) every clash at their municipality's venues. A venue outside the person's
municipalities is a 404 (activities.venues)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.pagination import paginate
from core.views import coordinator_required, manager_required

from .. import venues


def week_asked(request: HttpRequest) -> dt.date:
    """The Monday of ?week=2026-W49, or of this week (with a message when it is no week)."""
    this_week = venues.monday_of(timezone.localdate())
    value = request.GET.get("week", "")
    if not value:
        return this_week
    monday = venues.parse_week(value)
    if monday is None:
        messages.error(request, _("Give the week as year-W-number, like 2026-W49."))
        return this_week
    return monday


@manager_required
def venue_week(request: HttpRequest, pk: int) -> HttpResponse:
    venue = venues.get_venue_for_manager(request.roles, pk)
    monday = week_asked(request)
    context = {
        "venue": venue,
        "days": venues.venue_week(venue, monday),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "today": timezone.localdate(),
        "previous": venues.week_label(monday - dt.timedelta(days=7)),
        "next": venues.week_label(monday + dt.timedelta(days=7)),
        "this_week": venues.week_label(venues.monday_of(timezone.localdate())),
    }
    return render(request, "activities/venues/week.html", context)


@coordinator_required
def venue_clashes(request: HttpRequest) -> HttpResponse:
    page_obj = paginate(request, venues.clashes_for_coordinator(request.roles, now=timezone.now()))
    rows = [(clash, venues.week_label(venues.monday_of(clash.first.date))) for clash in page_obj]
    context = {
        "page_obj": page_obj,
        "rows": rows,
        "venues": venues.venues_for_manager(request.roles).order_by("name", "pk"),
        "this_week": venues.week_label(venues.monday_of(timezone.localdate())),
    }
    return render(request, "activities/venues/clashes.html", context)
