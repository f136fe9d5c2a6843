"""The one thing the steering pages write: the coordinator's text for the council."""

from __future__ import annotations

from django.db import transaction

from schools.models import Municipality

from .filters import Period
from .models import CouncilReport


@transaction.atomic
def council_report_save(
    *, municipality: Municipality, period: Period, text: str, by
) -> CouncilReport:
    """Keep one text per municipality and period: saving again (a second tab, the Back
    button) replaces it, never adds a second."""
    report, _created = CouncilReport.objects.update_or_create(
        municipality=municipality,
        start=period.start,
        end=period.end,
        defaults={"text": text.strip(), "updated_by": by},
    )
    return report
