"""What a viewer may count: reads scoped to the person asking (outsiders get 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from scheduler.reasons_text import reason_text
from schools.models import Municipality, School
from schools.selectors import get_school_for_manager

from . import facts
from .filters import Period
from .models import CouncilReport


def municipalities_for(roles) -> QuerySet[Municipality]:
    """The programme team sees every municipality; a coordinator their own."""
    if roles.is_programme:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=roles.coordinator_of)


def school_for(roles, pk: int) -> School:
    """A school whose dashboard the person may open: their own as staff, any in their
    municipality as coordinator."""
    return get_school_for_manager(roles, pk)


def council_report_for(municipality: Municipality, period: Period) -> CouncilReport | None:
    return CouncilReport.objects.filter(
        municipality=municipality, start=period.start, end=period.end
    ).first()


def upcoming_visits(school_id: int, now: dt.datetime):
    return facts.upcoming_visits(school_id, now)


def open_requests(school_id: int) -> list:
    """The school's requests still waiting for a hero, each with the engine's reason."""
    found = list(facts.open_requests(school_id))
    for session_request in found:
        session_request.reason = reason_text(session_request.unmatched_reason)
    return found
