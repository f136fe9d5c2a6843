"""Attendance summaries for staff: per activity (one row per child) and per child (one row per
activity), and the per-activity summary as a CSV file for Excel.

A session counts once it has started and was not cancelled; a child's unrecorded sessions are
the counted sessions nobody marked. Each summary is one query for the sessions and one for the
rows, however many children and sessions there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from core.exports import csv_text

from .models import Activity, Attendance, Child, Enrolment, Occurrence


@dataclass(frozen=True)
class Line:
    """Attendance of one child in one activity."""

    enrolment: Enrolment
    sessions: int
    present: int
    absent: int
    excused: int

    @property
    def unrecorded(self) -> int:
        return max(self.sessions - self.present - self.absent - self.excused, 0)

    @property
    def rate(self) -> int | None:
        """Percentage of counted sessions the child was there; None before the first one."""
        if not self.sessions:
            return None
        return round(100 * self.present / self.sessions)


def _counted_sessions(now: dt.datetime) -> Q:
    return Q(cancelled_at=None, starts_at__lte=now)


def _with_counts(enrolments: QuerySet[Enrolment], now: dt.datetime) -> QuerySet[Enrolment]:
    counted = Q(
        attendance__occurrence__cancelled_at=None, attendance__occurrence__starts_at__lte=now
    )
    return enrolments.annotate(
        **{
            f"n_{status}": Count("attendance", filter=counted & Q(attendance__status=status))
            for status in Attendance.Status.values
        }
    )


def _line(enrolment: Enrolment, sessions: int) -> Line:
    return Line(
        enrolment=enrolment,
        sessions=sessions,
        present=enrolment.n_present,
        absent=enrolment.n_absent,
        excused=enrolment.n_excused,
    )


def _on_the_register(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Children with a place now, and those who left but were marked before they did."""
    return qs.filter(Q(status=Enrolment.Status.CONFIRMED) | Q(attendance__isnull=False)).distinct()


def activity_summary(*, activity: Activity, now: dt.datetime) -> list[Line]:
    """One line per child on the activity's register, by first name."""
    sessions = activity.occurrences.filter(_counted_sessions(now)).count()
    enrolments = _on_the_register(Enrolment.objects.filter(activity=activity))
    rows = (
        _with_counts(Enrolment.objects.filter(pk__in=enrolments.values("pk")), now)
        .select_related("child")
        .order_by("child__first_name", "pk")
    )
    return [_line(enrolment, sessions) for enrolment in rows]


def child_summary(*, child: Child, activities: QuerySet[Activity], now: dt.datetime) -> list[Line]:
    """One line per activity (of those given) in which the child has been on the register."""
    enrolments = _on_the_register(Enrolment.objects.filter(child=child, activity__in=activities))
    rows = (
        _with_counts(Enrolment.objects.filter(pk__in=enrolments.values("pk")), now)
        .select_related("activity__school", "child")
        .order_by("activity__first_date", "activity__title", "pk")
    )
    rows = list(rows)
    sessions = dict(
        Occurrence.objects.filter(
            _counted_sessions(now), activity__in={r.activity_id for r in rows}
        )
        .values("activity")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("activity", "n")
    )
    return [_line(enrolment, sessions.get(enrolment.activity_id, 0)) for enrolment in rows]


def activity_summary_csv(lines: list[Line]) -> str:
    """First names only."""
    header = [
        _("First name"),
        _("Present"),
        _("Absent"),
        _("Excused"),
        _("Not recorded"),
        _("Attendance (%)"),
    ]
    rows = [
        [
            line.enrolment.child.first_name,
            line.present,
            line.absent,
            line.excused,
            line.unrecorded,
            "" if line.rate is None else line.rate,
        ]
        for line in lines
    ]
    return csv_text([header, *rows])
