"""What a viewer may count: reads scoped to the person asking (outsiders get 404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from scheduler.models import SessionRequest, Visit
from scheduler.reasons_text import reason_text
from schools.models import Municipality, School
from schools.selectors import get_school_for_manager

from .facts import OPEN
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


def upcoming_visits(school_id: int, now: dt.datetime, limit: int = 20) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(
            request__school_id=school_id, status=Visit.Status.CONFIRMED, starts_at__gte=now
        )
        .select_related("request__group", "request__topic")
        .order_by("starts_at", "pk")[:limit]
    )


def open_requests(school_id: int, limit: int = 50) -> list[SessionRequest]:
    """The school's requests still waiting for a hero, each with the engine's reason."""
    found = list(
        SessionRequest.objects.filter(school_id=school_id, status__in=OPEN)
        .select_related("group", "topic")
        .order_by("created_at", "pk")[:limit]
    )
    for session_request in found:
        session_request.reason = reason_text(session_request.unmatched_reason)
    return found
