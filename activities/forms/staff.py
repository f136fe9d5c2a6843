"""Forms for the staff pages. They check what a person can see at a glance (grades for the
school type, dates in order); the services validate the model and `apply_errors` shows what
they refused next to the field it concerns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeLocalInput, OnceForm, ServiceModelForm, TimeInput
from schools import selectors as school_selectors
from schools.models import Neighbourhood, School, Venue

from ..models import Activity, Attendance, Enrolment

# Fields the service takes as `data`; the school and neighbourhoods travel apart.
DATA_FIELDS = (
    "title",
    "description",
    "bring",
    "category",
    "venue",
    "grade_min",
    "grade_max",
    "capacity",
    "enrolment_opens_at",
    "enrolment_closes_at",
    "allocation",
    "priority_own_school",
    "offer_hours",
    "weekday",
    "start_time",
    "end_time",
    "first_date",
    "last_date",
)


class ActivityForm(OnceForm, ServiceModelForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())

    class Meta:
        model = Activity
        fields = [
            "school",
            *DATA_FIELDS[: DATA_FIELDS.index("offer_hours")],
            "priority_neighbourhoods",
            *DATA_FIELDS[DATA_FIELDS.index("offer_hours") :],
        ]
        widgets = {
            "enrolment_opens_at": DateTimeLocalInput(),
            "enrolment_closes_at": DateTimeLocalInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "first_date": DateInput(),
            "last_date": DateInput(),
            "priority_neighbourhoods": forms.CheckboxSelectMultiple(),
            "allocation": forms.RadioSelect(),
        }
        help_texts = {
            "enrolment_opens_at": _("Dutch time."),
            "enrolment_closes_at": _("Dutch time. A lottery is drawn at this moment."),
        }

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            schools = [self.instance.school]
            del self.fields["school"]
        else:
            queryset = school_selectors.schools_managed_by(roles).order_by("name")
            schools = list(queryset)
            self.fields["school"].queryset = queryset
            if len(schools) == 1:
                # Nothing to choose: the one school is used, and a posted id cannot change it.
                del self.fields["school"]
        self._schools = schools
        self._limit_to_municipalities({school.municipality_id for school in schools})
        self._grade_choices(schools)

    def _limit_to_municipalities(self, ids: set[int]) -> None:
        venue = self.fields["venue"]
        venue.queryset = Venue.objects.filter(neighbourhood__municipality_id__in=ids)
        venue.empty_label = _("At the school")
        self.fields["priority_neighbourhoods"].queryset = Neighbourhood.objects.filter(
            municipality_id__in=ids
        ).order_by("name")

    def _grade_choices(self, schools: list[School]) -> None:
        """Groep 1-8 for primary schools, leerjaar 1-6 for secondary ones."""
        levels = {school.level for school in schools}
        top = 6 if levels == {School.Level.VO} else 8
        for name, label in (("grade_min", _("From grade")), ("grade_max", _("To grade"))):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                coerce=int,
                choices=[(g, str(g)) for g in range(1, top + 1)],
                help_text=_("Primary schools: groep 1 to 8. Secondary schools: year 1 to 6."),
            )

    def chosen_school(self) -> School | None:
        if "school" in self.fields:
            return self.cleaned_data.get("school")
        return self._schools[0] if self._schools else None

    def clean(self):
        cleaned = super().clean()
        school = self.chosen_school()
        if school is not None:
            self._check_grades(school, cleaned)
            self._check_same_municipality(school, cleaned)
        self._check_order("enrolment_opens_at", "enrolment_closes_at", _CLOSES_BEFORE_OPENS)
        self._check_order("start_time", "end_time", _ENDS_BEFORE_START, strict=True)
        self._check_order("first_date", "last_date", _LAST_BEFORE_FIRST, strict=False)
        return cleaned

    def _check_grades(self, school: School, cleaned: dict) -> None:
        low, high = cleaned.get("grade_min"), cleaned.get("grade_max")
        for name, grade in (("grade_min", low), ("grade_max", high)):
            if grade is not None and grade not in school.grades:
                self.add_error(name, _GRADE_OUT_OF_RANGE[school.level])
        if low is not None and high is not None and low > high:
            self.add_error("grade_max", _("The highest grade cannot be below the lowest grade."))

    def _check_same_municipality(self, school: School, cleaned: dict) -> None:
        venue = cleaned.get("venue")
        if venue is not None and venue.neighbourhood.municipality_id != school.municipality_id:
            self.add_error("venue", _("Choose a venue in the school's municipality."))
        places = cleaned.get("priority_neighbourhoods") or []
        if any(n.municipality_id != school.municipality_id for n in places):
            self.add_error(
                "priority_neighbourhoods", _("Choose neighbourhoods in the school's municipality.")
            )

    def _check_order(self, first: str, last: str, message, strict: bool = True) -> None:
        start, end = self.cleaned_data.get(first), self.cleaned_data.get(last)
        if start is None or end is None:
            return
        if end < start or (strict and end == start):
            self.add_error(last, message)

    def service_data(self) -> dict:
        """What `activity_create` / `activity_update` take as `data`."""
        data = {name: self.cleaned_data[name] for name in DATA_FIELDS}
        data["level"] = self.chosen_school().level
        return data


_CLOSES_BEFORE_OPENS = _("Enrolment must close after it opens.")
_ENDS_BEFORE_START = _("The activity must end after it starts.")
_LAST_BEFORE_FIRST = _("The last date cannot be before the first date.")
_GRADE_OUT_OF_RANGE = {
    School.Level.PO: _("A primary school has groep 1 to 8."),
    School.Level.VO: _("A secondary school has year 1 to 6."),
}


class ActivityFilterForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        empty_label=_("All schools"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Activity.Status.choices]
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = school_selectors.schools_managed_by(roles).order_by("name")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        school = self.cleaned_data["school"]
        return {"school_id": school.pk if school else None, "status": self.cleaned_data["status"]}


class OccurrenceCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this session cancelled?"),
        max_length=300,
        help_text=_("Families read this in their message."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlaceForm(forms.Form):
    """Give a free place to a child who is waiting or applied for the lottery."""

    enrolment = forms.ModelChoiceField(
        label=_("Child"), queryset=Enrolment.objects.none(), empty_label=None
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        field.queryset = candidates
        field.label_from_instance = _candidate_label


def _candidate_label(enrolment: Enrolment) -> str:
    return _("%(name)s (grade %(grade)s, %(status)s)") % {
        "name": enrolment.child.first_name,
        "grade": enrolment.child.grade,
        "status": enrolment.get_status_display(),
    }


class RegisterForm(forms.Form):
    """One radio group per child with a place; a child left empty stays unrecorded. A child the
    family reported absent starts as excused, with what they wrote beside the name."""

    def __init__(self, *args, enrolments, saved: dict[int, str], notices=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        notices = notices or {}
        self.rows = []
        for enrolment in enrolments:
            name = f"mark-{enrolment.pk}"
            notice = notices.get(enrolment.pk)
            default = Attendance.Status.EXCUSED if notice else None
            self.fields[name] = forms.ChoiceField(
                label=enrolment.child.first_name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=saved.get(enrolment.pk, default),
            )
            self.rows.append({"name": name, "notice": notice})

    def marked_rows(self) -> list[dict]:
        """Each child's bound field with the family's notice, in the register's order."""
        return [{"field": self[row["name"]], "notice": row["notice"]} for row in self.rows]

    def marks(self) -> dict[int, str]:
        return {
            int(name.removeprefix("mark-")): value
            for name, value in self.cleaned_data.items()
            if value
        }
