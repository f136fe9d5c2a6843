"""Forms for the school staff's session requests. They check the shape of the input (a
preferred time needs a day, a start and an end); scheduler.services checks the rules, and
`apply_request_errors` puts what it refused next to the field, windows at the top of the
preferred times."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.forms import DateInput, OnceForm, TimeInput, apply_errors
from core.time import local_datetime
from heroes.models import LANGUAGE_CHOICES, Topic
from schools.models import Group, School, current_school_year

from ..models import DURATION_CHOICES, SessionRequest
from ..services import MAX_WINDOWS


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All requests")), *SessionRequest.Status.choices],
    )

    def status_filter(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class WindowForm(forms.Form):
    """One preferred time: a day and the hours the class can receive the visit."""

    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    starts = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    ends = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        given = [data.get(name) for name in ("day", "starts", "ends")]
        if any(given) and not all(given):
            raise ValidationError(
                _("Fill in the day, the start and the end, or leave all three empty.")
            )
        return data

    def window(self) -> tuple[dt.datetime, dt.datetime] | None:
        data = self.cleaned_data
        if not data.get("day"):
            return None
        return (
            local_datetime(data["day"], data["starts"]),
            local_datetime(data["day"], data["ends"]),
        )


class BaseWindowFormSet(forms.BaseFormSet):
    def windows(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """The filled-in rows as aware Amsterdam datetimes; blank rows are skipped."""
        return [w for form in self.forms if (w := form.window()) is not None]

    def add_service_errors(self, messages) -> None:
        """Errors the service raised about the windows, shown above the rows."""
        self.non_form_errors().extend(messages)


WindowFormSet = forms.formset_factory(
    WindowForm,
    formset=BaseWindowFormSet,
    extra=3,
    max_num=MAX_WINDOWS,
    absolute_max=MAX_WINDOWS,
    validate_max=True,
)


def window_formset(data=None) -> BaseWindowFormSet:
    return WindowFormSet(data, prefix="windows")


class GroupChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_school: bool = False, **kwargs):
        self.show_school = show_school
        super().__init__(*args, **kwargs)

    def label_from_instance(self, group: Group) -> str:
        label = ngettext(
            "%(name)s (%(pupils)s pupil)", "%(name)s (%(pupils)s pupils)", group.pupils
        ) % {"name": group.name, "pupils": group.pupils}
        return f"{group.school.name}: {label}" if self.show_school else label


class RequestForm(OnceForm):
    """What a school asks for. The school is a choice only for staff of several schools. Sent
    twice, it makes one request (core.once)."""

    group = GroupChoiceField(
        label=_("Group"), queryset=Group.objects.none(), empty_label=_("Choose a group")
    )
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=SessionRequest.Kind.choices,
        initial=SessionRequest.Kind.HERO,
        widget=forms.RadioSelect,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("Any topic"),
    )
    topic_required = forms.TypedChoiceField(
        label=_("How much does the topic matter?"),
        choices=[
            ("", _("A wish: a hero who talks about something else is welcome too")),
            ("1", _("Required: only a hero who talks about this topic")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        initial="",
        widget=forms.RadioSelect,
        help_text=_("A required topic can make the wait longer when few heroes know it."),
    )
    language = forms.ChoiceField(
        label=_("Language of the visit"), choices=LANGUAGE_CHOICES, initial="nl"
    )
    duration_min = forms.TypedChoiceField(
        label=_("Duration"), choices=DURATION_CHOICES, coerce=int, initial=60
    )
    notes = forms.CharField(
        label=_("Notes for the hero (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example what the class is working on, or how to find the classroom."),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.filter(pk__in=roles.staff_of).select_related("neighbourhood")
        self.schools = list(schools.order_by("name"))
        several = len(self.schools) > 1
        if several:
            school = forms.ModelChoiceField(
                label=_("School"), queryset=schools.order_by("name"), empty_label=None
            )
            self.fields = {"school": school, **self.fields}
        year = current_school_year(timezone.localdate())
        group = self.fields["group"]
        group.show_school = several
        group.queryset = (
            Group.objects.filter(school_id__in=roles.staff_of, school_year=year)
            .select_related("school")
            .order_by("school__name", "grade", "name")
        )
        if not group.queryset.exists():
            group.help_text = _(
                "Your school has no groups for this school year yet. Add them on the school's "
                "page first."
            )
        municipalities = {s.neighbourhood.municipality_id for s in self.schools}
        self.fields["topic"].queryset = Topic.objects.filter(
            municipality_id__in=municipalities
        ).order_by("name")
        self._explain_vr()

    def _explain_vr(self) -> None:
        """VR game sessions are for secondary schools: hide the choice when none is one."""
        levels = {s.level for s in self.schools}
        kind = self.fields["kind"]
        if School.Level.VO not in levels:
            kind.choices = [(SessionRequest.Kind.HERO, SessionRequest.Kind.HERO.label)]
            kind.error_messages["invalid_choice"] = _(
                "VR game sessions are for secondary schools (VO)."
            )
            kind.help_text = _(
                "VR game sessions are for secondary schools (VO) only, so your school can ask "
                "for a Local Hero visit."
            )
        else:
            kind.help_text = _(
                "VR game sessions are for secondary schools (VO). A VR kit serves a class of up "
                "to twice its number of headsets, in two rounds."
            )

    def chosen_school(self) -> School:
        if "school" in self.fields:
            return self.cleaned_data["school"]
        return self.schools[0]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "school": self.chosen_school(),
            "group": data["group"],
            "kind": data["kind"],
            "topic": data["topic"],
            "topic_required": data["topic_required"],
            "language": data["language"],
            "duration_min": data["duration_min"],
            "notes": data["notes"],
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("The hero reads this when a visit was planned."),
    )


def apply_request_errors(form: forms.Form | None, windows: BaseWindowFormSet, exc) -> None:
    """A service's ValidationError: windows above the preferred times, the rest on the form
    (or, when there is no form, also above the preferred times)."""
    if not hasattr(exc, "error_dict"):
        exc = ValidationError({"windows" if form is None else NON_FIELD_ERRORS: exc.error_list})
    for name, errors in exc.error_dict.items():
        if name == "windows" or form is None:
            windows.add_service_errors(ValidationError(errors).messages)
        else:
            apply_errors(form, ValidationError({name: errors}))
