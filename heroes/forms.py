"""Forms for hero pages. They check the shape of the input; the services check the rules
and `apply_errors` puts what a service refused next to its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, OnceForm, TimeInput
from schools.models import Municipality

from . import selectors
from .models import HERO_VOG_YEARS, LANGUAGE_CHOICES, Weekday

__all__ = [
    "AwayPeriodForm",
    "HeroProfileForm",
    "TopicForm",
    "VOGForm",
    "VRTrainingForm",
    "WindowForm",
]


class TopicForm(OnceForm):
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = Municipality.objects.filter(pk__in=roles.coordinator_of)
        if len(roles.coordinator_of) > 1:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Municipality"), queryset=self.municipalities, empty_label=None
            )

    def municipality(self):
        return self.cleaned_data.get("municipality") or self.municipalities.get()


class HeroProfileForm(forms.Form):
    story = forms.CharField(
        label=_("Your story"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who you are and what you tell pupils. A few sentences are enough."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    home_neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood where you live"), queryset=None, required=False
    )
    visit_neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("Neighbourhoods you will visit"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_visits_per_month = forms.IntegerField(
        label=_("Maximum visits per month"), min_value=1, max_value=20
    )

    def __init__(self, *args, hero, **kwargs):
        super().__init__(*args, **kwargs)
        neighbourhoods = selectors.neighbourhoods_of_municipality(hero.municipality_id)
        self.fields["topics"].queryset = selectors.topics_of_municipality(hero.municipality_id)
        self.fields["home_neighbourhood"].queryset = neighbourhoods
        self.fields["visit_neighbourhoods"].queryset = neighbourhoods

    @classmethod
    def initial_for(cls, hero) -> dict:
        return {
            "story": hero.story,
            "topics": list(hero.topics.all()),
            "languages": hero.languages,
            "home_neighbourhood": hero.home_neighbourhood,
            "visit_neighbourhoods": list(hero.visit_neighbourhoods.all()),
            "max_visits_per_month": hero.max_visits_per_month,
        }


class WindowForm(OnceForm):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())


class AwayPeriodForm(OnceForm):
    starts_on = forms.DateField(label=_("Away from"), widget=DateInput)
    ends_on = forms.DateField(label=_("Away until (last day)"), widget=DateInput)
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)


class VOGForm(OnceForm):
    issued_on = forms.DateField(label=_("Date issued"), widget=DateInput)
    valid_until = forms.DateField(
        label=_("Valid until (optional)"),
        required=False,
        widget=DateInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].help_text = gettext(
            "Leave empty to use the standard period of %(years)s years."
        ) % {"years": HERO_VOG_YEARS}


class VRTrainingForm(forms.Form):
    vr_trained_on = forms.DateField(
        label=_("VR facilitator training date"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty when the hero has not had the training."),
    )
