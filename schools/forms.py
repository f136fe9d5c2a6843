"""Forms for the organisation pages. They clean fields only; the services validate the model
(uniqueness, grades per school type, date ranges), and `apply_errors` shows what the service
refused next to the field it concerns (core.forms.apply_errors)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OnceForm, ServiceModelForm

from . import selectors
from .models import (
    Group,
    Municipality,
    Neighbourhood,
    School,
    SchoolClosure,
    Venue,
    current_school_year,
)


class NeighbourhoodChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_municipality: bool = False, **kwargs):
        self.show_municipality = show_municipality
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Neighbourhood) -> str:
        if self.show_municipality:
            return f"{obj.name} ({obj.municipality.name})"
        return obj.name


def _municipality_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), empty_label=None
    )


class MunicipalityChoiceMixin:
    """Adds a municipality choice only for coordinators of more than one municipality."""

    def _add_municipality_choice(self, roles) -> None:
        self._municipalities = list(selectors.municipalities_coordinated_by(roles))
        if len(self._municipalities) > 1:
            field = _municipality_field()
            field.queryset = selectors.municipalities_coordinated_by(roles)
            self.fields = {"municipality": field, **self.fields}

    def chosen_municipality(self) -> Municipality | None:
        if "municipality" in self.fields:
            return self.cleaned_data["municipality"]
        return self._municipalities[0] if self._municipalities else None


class NeighbourhoodForm(OnceForm, MunicipalityChoiceMixin, ServiceModelForm):
    class Meta:
        model = Neighbourhood
        fields = ["name", "is_target_area"]

    def __init__(self, *args, roles, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._municipalities = []
        if creating:
            self._add_municipality_choice(roles)


def _neighbourhood_field(form: forms.ModelForm, roles, municipality_id: int | None) -> None:
    """Only the coordinator's own neighbourhoods; on edit only the place's municipality."""
    several = len(roles.coordinator_of) > 1 and municipality_id is None
    queryset = Neighbourhood.objects.select_related("municipality").filter(
        municipality_id__in=roles.coordinator_of
    )
    if municipality_id is not None:
        queryset = queryset.filter(municipality_id=municipality_id)
    form.fields["neighbourhood"] = NeighbourhoodChoiceField(
        label=_("Neighbourhood"),
        queryset=queryset.order_by("municipality__name", "name"),
        show_municipality=several,
    )


class SchoolForm(OnceForm, ServiceModelForm):
    class Meta:
        model = School
        fields = ["name", "brin", "level", "street", "postcode", "city", "neighbourhood"]
        help_texts = {"brin": _("Four characters, such as 12AB, or six, such as 12AB01.")}

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = self.instance.municipality_id if self.instance.pk else None
        _neighbourhood_field(self, roles, municipality_id)

    def clean_brin(self) -> str:
        return self.cleaned_data["brin"].strip().upper()

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"].strip().upper()


class VenueForm(OnceForm, ServiceModelForm):
    class Meta:
        model = Venue
        fields = ["name", "description", "street", "postcode", "city", "neighbourhood"]

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = self.instance.neighbourhood.municipality_id if self.instance.pk else None
        _neighbourhood_field(self, roles, municipality_id)

    def clean_postcode(self) -> str:
        return self.cleaned_data["postcode"].strip().upper()


class GroupForm(OnceForm, ServiceModelForm):
    class Meta:
        model = Group
        fields = ["name", "grade", "school_year", "pupils"]
        help_texts = {"school_year": _("Like 2026-2027.")}

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        label = _("Group (groep)") if school.level == School.Level.PO else _("Year (leerjaar)")
        self.fields["grade"] = forms.TypedChoiceField(
            label=label, coerce=int, choices=[(g, str(g)) for g in school.grades]
        )
        if not self.instance.pk:
            self.initial.setdefault("school_year", current_school_year(timezone.localdate()))


class ClosureForm(OnceForm, MunicipalityChoiceMixin, ServiceModelForm):
    """Coordinators pick a school or leave it empty for the whole municipality; staff pick one
    of their own schools."""

    class Meta:
        model = SchoolClosure
        fields = ["school", "name", "kind", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, roles, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self._municipalities = []
        if not creating:
            del self.fields["school"]
            self.fields.pop("submission_key", None)
            return
        school = self.fields["school"]
        school.queryset = selectors.schools_managed_by(roles).order_by("name")
        if roles.is_coordinator:
            self._add_municipality_choice(roles)
            school.empty_label = _("Every school in the municipality")
        else:
            school.required = True
            school.help_text = ""
            self.initial.setdefault("kind", SchoolClosure.Kind.STUDY_DAY)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        return cleaned

    def target(self) -> dict:
        """The school or, without one, the municipality the closure belongs to."""
        school = self.cleaned_data.get("school")
        if "municipality" in self.fields:
            return {"school": school, "municipality": self.cleaned_data["municipality"]}
        return {"school": school, "municipality": None if school else self.chosen_municipality()}


class SchoolFilterForm(forms.Form):
    neighbourhood = NeighbourhoodChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("All neighbourhoods"),
    )
    level = forms.ChoiceField(
        label=_("School type"),
        required=False,
        choices=[("", _("All types")), *School.Level.choices],
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        field.queryset = (
            Neighbourhood.objects.select_related("municipality")
            .filter(schools__in=selectors.schools_managed_by(roles))
            .distinct()
            .order_by("municipality__name", "name")
        )
        field.show_municipality = len(roles.coordinator_of) > 1

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        neighbourhood = self.cleaned_data["neighbourhood"]
        return {
            "neighbourhood_id": neighbourhood.pk if neighbourhood else None,
            "level": self.cleaned_data["level"],
        }


def school_year_choices(today) -> list[tuple[str, str]]:
    start = int(current_school_year(today)[:4])
    years = [f"{y}-{y + 1}" for y in range(start - 1, start + 3)]
    return [("", _("All years")), *((y, y) for y in years)]


class ClosureFilterForm(forms.Form):
    year = forms.ChoiceField(label=_("School year"), required=False)

    def __init__(self, data, *, today):
        # With no choice made yet, the list opens on the current school year.
        if "year" not in data:
            data = {"year": current_school_year(today)}
        super().__init__(data)
        self.fields["year"].choices = school_year_choices(today)

    def school_year(self) -> str:
        return self.cleaned_data["year"] if self.is_valid() else ""
