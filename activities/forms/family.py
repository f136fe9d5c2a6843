"""Forms for the families' pages: a child, the activity filters, an enrolment.

They clean fields only; the services hold the rules (consent, eligibility, places), and the
views show what a service refused next to the field or above the form.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import LongSelect, OnceForm, ReadOnceChoiceField
from core.ids import as_id
from schools.models import Group, Neighbourhood, School, current_school_year

from .. import consent
from ..models import Activity, Category, Child, Enrolment, Weekday

GRADES = [(n, str(n)) for n in range(1, 9)]
# The activity filter's value for "every municipality", not only the family's own.
EVERYWHERE = "all"
RANKS = [(1, _("1st choice")), (2, _("2nd choice")), (3, _("3rd choice"))]


# Where a place's municipality name is, for grouped_by_municipality.
MUNICIPALITY_NAME = {
    School: "neighbourhood__municipality__name",
    Neighbourhood: "municipality__name",
}


def grouped_by_municipality(places: QuerySet) -> list:
    """Select choices with one <optgroup> per municipality, so a long list stays findable.
    Read as (id, name, municipality) tuples: a nation's thousand schools as models, each with
    its neighbourhood and municipality, cost more than the rest of the page."""
    groups: dict[str, list] = {}
    for pk, name, municipality in places.values_list("pk", "name", MUNICIPALITY_NAME[places.model]):
        groups.setdefault(municipality, []).append((pk, name))
    return [("", "---------"), *groups.items()]


def _all_schools() -> QuerySet[School]:
    # Any school: children cross municipal borders, and anyone may register a child.
    return School.objects.select_related("neighbourhood__municipality").order_by(
        "neighbourhood__municipality__name", "name"
    )


def _all_neighbourhoods() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.select_related("municipality").order_by(
        "municipality__name", "name"
    )


def groups_for_school(school_id, today: dt.date) -> QuerySet[Group]:
    """The school's classes this school year: a child's group is never from another year."""
    school_id = as_id(school_id)
    if school_id is None:
        return Group.objects.none()
    return Group.objects.filter(school_id=school_id, school_year=current_school_year(today))


class ChildForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=50,
        help_text=_("Only the first name. We never ask for a last name."),
    )
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        coerce=int,
        choices=GRADES,
        help_text=_("Primary school (PO): groep 1 to 8. Secondary school (VO): year 1 to 6."),
    )
    group = forms.ModelChoiceField(
        label=_("Class (you may leave this empty)"),
        queryset=Group.objects.none(),
        required=False,
        help_text=_(
            "Choose the school first. If the list stays empty, you can add the class later."
        ),
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood where you live (you may leave this empty)"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        help_text=_("Some activities give children from certain neighbourhoods a place first."),
    )

    def __init__(self, *args, today: dt.date, child: Child | None = None, **kwargs):
        if child is not None:
            kwargs.setdefault("initial", self._initial(child))
        super().__init__(*args, **kwargs)
        self._grouped_field("school", _all_schools())
        self._grouped_field("neighbourhood", _all_neighbourhoods())
        school_id = self.data.get("school") if self.is_bound else self.initial.get("school")
        self.fields["group"].queryset = groups_for_school(school_id, today)
        # With JavaScript the class list follows the chosen school; without it, the list
        # fills in after saving, and the class can be added when editing.
        self.fields["school"].widget.attrs |= {
            "hx-get": reverse("activities:child_groups"),
            "hx-target": "#id_group",
            "hx-swap": "innerHTML",
        }
        # The consent text changed since the parent agreed: ask again.
        self.asks_consent = child is not None and not consent.is_current(child.consent_version)
        if self.asks_consent:
            self.fields["consent"] = consent_field()

    @staticmethod
    def _initial(child: Child) -> dict:
        fields = ("first_name", "grade")
        initial = {name: getattr(child, name) for name in fields}
        initial |= {
            "school": child.school_id,
            "group": child.group_id,
            "neighbourhood": child.neighbourhood_id,
        }
        return initial

    def _grouped_field(self, name: str, queryset) -> None:
        field = self.fields[name]
        field.queryset = queryset
        field.choices = grouped_by_municipality(queryset)

    def clean(self) -> dict:
        data = super().clean()
        school, grade, group = data.get("school"), data.get("grade"), data.get("group")
        if school and grade and grade not in school.grades:
            self.add_error("grade", self._grade_message(school))
        if school and group and group.school_id != school.pk:
            self.add_error("group", _("This class is not at the school you chose."))
        return data

    @staticmethod
    def _grade_message(school: School) -> str:
        if school.level == School.Level.VO:
            return _("A secondary school (VO) has years 1 to 6.")
        return _("A primary school (PO) has groep 1 to 8.")

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ChildForm.base_fields}


def consent_field() -> forms.BooleanField:
    # Not required here: the service records consent and refuses without it.
    return forms.BooleanField(label=consent.TEXTS[consent.CURRENT], required=False)


class ChildRegisterForm(OnceForm, ChildForm):
    consent = consent_field()


class ChildChoiceField(ReadOnceChoiceField):
    def label_from_instance(self, obj: Child) -> str:
        return obj.first_name


class ActivityFilterForm(forms.Form):
    """The filters above the list of activities; every field may stay empty. Every list is a
    LongSelect: Django's own select writes each option with a template of its own, and the
    form's few short lists cost a fifth of the page at city size."""

    field_order = ["where"]
    child = ChildChoiceField(
        label=_("Suits my child"),
        queryset=Child.objects.none(),
        required=False,
        empty_label=_("Any child"),
        help_text=_("Shows only activities for the school type and grade of this child."),
        widget=LongSelect,
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, widget=LongSelect
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=LongSelect,
    )
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        choices=[("", _("Any day")), *Weekday.choices],
        required=False,
        widget=LongSelect,
    )
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        coerce=int,
        choices=[("", _("Any grade")), *GRADES],
        required=False,
        widget=LongSelect,
    )
    category = forms.ChoiceField(
        label=_("Kind of activity"),
        choices=[("", _("Any kind")), *Category.choices],
        required=False,
        widget=LongSelect,
    )
    places_left = forms.BooleanField(label=_("Only with places left"), required=False)
    where = forms.ChoiceField(
        label=_("Municipality"),
        choices=[(EVERYWHERE, _("All municipalities"))],
        required=False,
        help_text=_(
            "At first you see the activities in the municipality where your child goes to school."
        ),
        widget=LongSelect,
    )

    def __init__(self, *args, children: QuerySet[Child], home: dict[int, str], **kwargs):
        """`home`: the municipalities of the children's schools (id: name). The list shows
        their activities unless the parent asks for all; a parent without children sees all."""
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children
        wanted = self.data.get("where", "")
        self.municipality_ids = tuple(home) if home and wanted != EVERYWHERE else ()
        self.home_names = ", ".join(home.values()) if self.municipality_ids else ""
        if home:
            wider = self.fields["where"].choices
            self.fields["where"].choices = [("", ", ".join(home.values())), *wider]
        else:
            del self.fields["child"], self.fields["where"]
        # EXISTS, not a join and DISTINCT: a join sorts every published activity's school.
        published = Activity.objects.filter(school=OuterRef("pk"), status=Activity.Status.PUBLISHED)
        schools, hoods = _all_schools().filter(Exists(published)), _all_neighbourhoods()
        if self.municipality_ids:
            # Only the chosen municipalities' schools and neighbourhoods: a nation's thousand
            # schools as options would cost more to write than the whole list of activities.
            schools = schools.filter(neighbourhood__municipality_id__in=self.municipality_ids)
            hoods = hoods.filter(municipality_id__in=self.municipality_ids)
        for name, queryset in (("school", schools), ("neighbourhood", hoods)):
            self.fields[name].queryset = queryset
            self.fields[name].choices = grouped_by_municipality(queryset)

    def apply(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        """The activities that pass every filter filled in; bad input filters nothing but
        stays in the family's municipalities."""
        if self.municipality_ids:
            activities = activities.filter(
                school__neighbourhood__municipality_id__in=self.municipality_ids
            )
        if not self.is_valid():
            return activities
        for name, value in self.cleaned_data.items():
            # Monday is weekday 0, so "empty" must not mean "falsy".
            if name != "where" and not (value is None or value is False or value == ""):
                activities = activities.filter(self._condition(name, value))
        return activities

    @staticmethod
    def _condition(name: str, value) -> Q:
        if name == "child":
            grade = value.grade
            return Q(level=value.school.level, grade_min__lte=grade, grade_max__gte=grade)
        if name == "neighbourhood":
            # Where it happens: the venue when there is one, else the school.
            return Q(venue__neighbourhood=value) | Q(
                venue__isnull=True, school__neighbourhood=value
            )
        if name == "grade":
            return Q(grade_min__lte=value, grade_max__gte=value)
        if name == "places_left":
            return Q(seats_taken__lt=F("capacity"))
        return Q(**{name: value})


def why_not(child: Child, activity: Activity, current: dict[int, Enrolment]) -> str:
    """Why a child cannot be ticked for this activity, in plain words; "" when it can."""
    if child.pk in current:
        return _("already enrolled: %(status)s") % {
            "status": current[child.pk].get_status_display()
        }
    if child.school.level != activity.level:
        return _("this activity is for another school type")
    if not activity.grade_min <= child.grade <= activity.grade_max:
        return _("this activity is for grade %(low)d to %(high)d") % {
            "low": activity.grade_min,
            "high": activity.grade_max,
        }
    return ""


class ChildrenCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes where children who do not fit are shown but cannot be ticked."""

    def __init__(self, *args, disabled: set[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = disabled

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
        return option


class _ReadChildren(ModelChoiceIterator):
    """The choices from the children the page has read already, without a query of its own."""

    def __iter__(self):
        for child in self.field.children:
            yield self.choice(child)

    def __len__(self) -> int:
        return len(self.field.children)


class EnrolChildrenField(forms.ModelMultipleChoiceField):
    """The person's children, read once with the page: shown and checked from that list."""

    iterator = _ReadChildren

    def __init__(self, *args, children: list[Child], reasons: dict[int, str], **kwargs):
        self.children = children
        self.reasons = reasons
        super().__init__(*args, queryset=Child.objects.none(), **kwargs)

    def _check_values(self, value) -> list[Child]:
        by_pk = {str(child.pk): child for child in self.children}
        unknown = [pk for pk in value if str(pk) not in by_pk]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": unknown[0]},
            )
        return [by_pk[str(pk)] for pk in dict.fromkeys(value)]

    def label_from_instance(self, obj: Child) -> str:
        reason = self.reasons.get(obj.pk)
        return f"{obj.first_name} ({reason})" if reason else obj.first_name


class EnrolForm(forms.Form):
    """Which children to enrol. Shown, it says why a child cannot be ticked (`explain`, with
    the children's enrolments in the activity); posted, it needs only the person's children:
    whether a child may join is the service's to say, in the same words."""

    def __init__(self, *args, children, activity, ranked: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["children"] = EnrolChildrenField(
            label=_("Which children do you want to enrol?"),
            children=children,
            reasons={},
            widget=ChildrenCheckboxes(),
            help_text=_("Tick more than one child to enrol brothers and sisters together."),
            error_messages={"required": _("Tick at least one child.")},
        )
        self.outdated = [c for c in children if not consent.is_current(c.consent_version)]
        if self.outdated:
            self.fields["consent"] = consent_field()
        if ranked:
            self.fields["choice_rank"] = forms.TypedChoiceField(
                label=_("How much does your child want this activity?"),
                coerce=int,
                choices=RANKS,
                help_text=_(
                    "The lottery for this activity is held together with other activities. "
                    "Tell us which one your child wants most."
                ),
            )

    def explain(self, current: dict[int, Enrolment]) -> None:
        """Before the form is shown: each child that cannot be ticked, with why (why_not), given
        the children's current enrolments in the activity (by child pk)."""
        field = self.fields["children"]
        reasons = {child.pk: why_not(child, self.activity, current) for child in field.children}
        field.reasons = {pk: reason for pk, reason in reasons.items() if reason}
        field.widget.disabled = {str(pk) for pk in field.reasons}


class AbsenceForm(forms.Form):
    """Report a child absent for one coming session; the reason is optional and short."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: ill, or at the doctor. No medical details needed."),
    )
