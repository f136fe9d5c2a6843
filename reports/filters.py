"""What a dashboard counts over: the municipalities a viewer may see, a period, and the
filters on schools. The same form serves the pages (GET) and the API (query parameters)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, LongSelect, ReadOnceChoiceField
from core.time import LOCAL_TZ
from schools.models import Municipality, Neighbourhood, School

# A school year runs from 1 August to 31 July; its halves meet on 1 February.
YEAR_START_MONTH = 8
SECOND_HALF_MONTH = 2
LONGEST_PERIOD = dt.timedelta(days=2 * 366)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def school_year(self) -> str:
        return school_year_of(self.start)


def school_year_of(day: dt.date) -> str:
    first = day.year if day.month >= YEAR_START_MONTH else day.year - 1
    return f"{first}-{first + 1}"


def periods(today: dt.date) -> list[Period]:
    """This school year and the one before, whole and in halves; the current year first."""
    first = today.year if today.month >= YEAR_START_MONTH else today.year - 1
    found = []
    for year in (first, first - 1):
        name = f"{year}-{year + 1}"
        start = dt.date(year, YEAR_START_MONTH, 1)
        half = dt.date(year + 1, SECOND_HALF_MONTH, 1)
        end = dt.date(year + 1, YEAR_START_MONTH, 1) - dt.timedelta(days=1)
        found += [
            Period(name, _("School year %(year)s") % {"year": name}, start, end),
            Period(
                f"{name}-1",
                _("School year %(year)s, August to January") % {"year": name},
                start,
                half - dt.timedelta(days=1),
            ),
            Period(
                f"{name}-2",
                _("School year %(year)s, February to July") % {"year": name},
                half,
                end,
            ),
        ]
    return found


@dataclass(frozen=True)
class Scope:
    """Which schools and which days the figures count."""

    municipality_ids: tuple[int, ...]
    period: Period
    neighbourhood_id: int | None = None
    school_id: int | None = None
    level: str = ""
    target_only: bool = False

    def schools(self) -> QuerySet[School]:
        rows = School.objects.filter(neighbourhood__municipality_id__in=self.municipality_ids)
        if self.neighbourhood_id:
            rows = rows.filter(neighbourhood_id=self.neighbourhood_id)
        if self.school_id:
            rows = rows.filter(pk=self.school_id)
        if self.level:
            rows = rows.filter(level=self.level)
        if self.target_only:
            rows = rows.filter(neighbourhood__is_target_area=True)
        return rows

    def with_neighbourhood(self, pk: int) -> Scope:
        return replace(self, neighbourhood_id=pk, school_id=None)


class PeriodForm(forms.Form):
    """A period: one of the school years or halves, or the viewer's own days."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, data=None, *, today: dt.date):
        super().__init__(data)
        self.periods = periods(today)
        self.fields["period"].choices = [(p.key, p.label) for p in self.periods]
        self.fields["start"].help_text = _("Or choose your own days: from and until.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if bool(start) != bool(end):
            raise forms.ValidationError(_("Fill in both days, from and until, or neither."))
        if start and end:
            if end < start:
                self.add_error("end", _("The last day comes before the first."))
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", _("Choose a period of at most two years."))
        return data

    @property
    def data_asked(self) -> dict:
        """The valid data, or nothing: a wrong filter shows its error and the defaults."""
        return self.cleaned_data if self.is_bound and self.is_valid() else {}

    def period_asked(self) -> Period:
        data = self.data_asked
        if data.get("start") and data.get("end"):
            label = _("%(start)s to %(end)s") % {
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
            }
            return Period("custom", label, data["start"], data["end"])
        return next((p for p in self.periods if p.key == data.get("period")), self.periods[0])

    def scope(self, school: School) -> Scope:
        return Scope(
            municipality_ids=(school.neighbourhood.municipality_id,),
            period=self.period_asked(),
            school_id=school.pk,
        )


class NationalFilterForm(PeriodForm):
    level = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("Primary and secondary")), *School.Level.choices],
    )
    target = forms.BooleanField(label=_("Target neighbourhoods only"), required=False)

    def scope(self) -> Scope:  # type: ignore[override]
        data = self.data_asked
        return Scope(
            municipality_ids=tuple(Municipality.objects.order_by().values_list("pk", flat=True)),
            period=self.period_asked(),
            level=data.get("level", ""),
            target_only=bool(data.get("target")),
        )


class FilterForm(NationalFilterForm):
    """A municipality's dashboard: the period, and which of its schools."""

    municipality = ReadOnceChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    neighbourhood = ReadOnceChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
        widget=LongSelect,
    )
    school = ReadOnceChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("All schools"),
        widget=LongSelect,
    )
    field_order = ["municipality", "period", "start", "end", "neighbourhood", "school", "level"]

    def __init__(self, data=None, *, municipalities: QuerySet[Municipality], today: dt.date):
        super().__init__(data, today=today)
        rows = list(municipalities.order_by("name"))
        wanted = (data or {}).get("municipality")
        # The choice lists below are for the municipality asked for, when the viewer may see
        # it; else for their first.
        self.chosen = next((m for m in rows if str(m.pk) == str(wanted)), rows[0] if rows else None)
        self.several = len(rows) > 1
        self.fields["municipality"].queryset = municipalities.order_by("name")
        self.fields["municipality"].empty_label = None
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            municipality=self.chosen
        ).order_by("name")
        self.fields["school"].queryset = School.objects.filter(
            neighbourhood__municipality=self.chosen
        ).order_by("name")

    def scope(self) -> Scope:  # type: ignore[override]
        data = self.data_asked
        neighbourhood, school = data.get("neighbourhood"), data.get("school")
        return Scope(
            municipality_ids=(self.chosen.pk,) if self.chosen else (),
            period=self.period_asked(),
            neighbourhood_id=neighbourhood.pk if neighbourhood else None,
            school_id=school.pk if school else None,
            level=data.get("level", ""),
            target_only=bool(data.get("target")),
        )
