"""Forms for the coordinators' pages: VR kits, maintenance blocks and assigning by hand.

They check the shape of the input; the services check the rules, and core.forms.apply_errors
puts what a service refused next to its field.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeLocalInput, OnceForm, TimeInput, apply_errors
from core.time import LOCAL_TZ, local_datetime
from heroes.models import Hero
from schools import selectors as school_selectors
from schools.models import Municipality

from ..models import Kit, SessionRequest


class VenueChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, show_municipality: bool = False, **kwargs):
        self.show_municipality = show_municipality
        super().__init__(*args, **kwargs)

    def label_from_instance(self, venue) -> str:
        if self.show_municipality:
            return f"{venue.name} ({venue.neighbourhood.municipality.name})"
        return venue.name


class KitForm(OnceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    headsets = forms.IntegerField(
        label=_("Number of headsets"),
        min_value=1,
        max_value=40,
        help_text=_("A class plays in two rotations: a kit serves up to twice its headsets."),
    )
    home_venue = VenueChoiceField(
        label=_("Home venue (optional)"),
        queryset=None,
        required=False,
        help_text=_("Where the kit is kept between visits."),
    )
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        help_text=_("Kits not in use are never matched."),
    )

    def __init__(self, *args, roles, municipality: Municipality | None = None, **kwargs):
        """`municipality` fixes the kit's municipality (editing); without it a coordinator of
        several municipalities chooses one."""
        super().__init__(*args, **kwargs)
        if municipality is not None:
            del self.fields["submission_key"]  # an edit sent again with other values must count
        venues = school_selectors.venues_managed_by(roles)
        several = municipality is None and len(roles.coordinator_of) > 1
        if municipality is not None:
            venues = venues.filter(neighbourhood__municipality=municipality)
        self.fields["home_venue"].queryset = venues
        self.fields["home_venue"].show_municipality = several
        self.municipalities = Municipality.objects.filter(pk__in=roles.coordinator_of)
        self.fixed_municipality = municipality
        if several:
            self.fields["municipality"] = forms.ModelChoiceField(
                label=_("Municipality"), queryset=self.municipalities, empty_label=None
            )
            self.order_fields(["municipality"])

    @classmethod
    def initial_for(cls, kit: Kit) -> dict:
        return {
            "name": kit.name,
            "headsets": kit.headsets,
            "home_venue": kit.home_venue_id,
            "is_active": kit.is_active,
        }

    def municipality(self) -> Municipality:
        if self.fixed_municipality is not None:
            return self.fixed_municipality
        return self.cleaned_data.get("municipality") or self.municipalities.get()


class BlockForm(OnceForm):
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DateTimeLocalInput(), help_text=_("Dutch time.")
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=DateTimeLocalInput(), help_text=_("Dutch time.")
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: maintenance, repair or lent out."),
    )
    confirm = forms.BooleanField(
        label=_("Block the kit anyway: cancel these visits and offers and tell them"),
        required=False,
        widget=forms.HiddenInput,
    )

    def ask_to_confirm(self) -> None:
        """Show the `confirm` checkbox, unticked, under the list of what the block falls on."""
        self.fields["confirm"].widget = forms.CheckboxInput()
        data = self.data.copy()
        data.pop(self.add_prefix("confirm"), None)
        self.data = data


class HeroChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, hero: Hero) -> str:
        if hero.vr_trained_on:
            return gettext("%(name)s (VR trained)") % {"name": hero.display_name}
        return hero.display_name


class KitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, kit: Kit) -> str:
        return gettext("%(name)s (up to %(size)s pupils)") % {
            "name": kit.name,
            "size": kit.max_class_size,
        }


class AssignForm(forms.Form):
    """A hero (and for VR a kit) at a start time in Dutch time. `force` stays hidden until a
    first attempt has shown which rules the choice breaks."""

    hero = HeroChoiceField(label=_("Local Hero"), queryset=Hero.objects.none())
    kit = KitChoiceField(label=_("VR kit"), queryset=Kit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Start time"), widget=TimeInput())
    force = forms.BooleanField(
        label=_("Assign even though it breaks these rules"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, session_request: SessionRequest, **kwargs):
        super().__init__(*args, **kwargs)
        municipality_id = session_request.school.neighbourhood.municipality_id
        self.fields["hero"].queryset = (
            Hero.objects.active()
            .filter(municipality_id=municipality_id)
            .order_by("display_name", "pk")
        )
        if session_request.kind == SessionRequest.Kind.VR:
            self.fields["kit"].queryset = Kit.objects.filter(
                municipality_id=municipality_id, is_active=True
            ).order_by("name", "pk")
        else:
            del self.fields["kit"]
        self.fields["time"].help_text = gettext(
            "Dutch time. The session lasts %(minutes)s minutes."
        ) % {"minutes": session_request.duration_min}

    @classmethod
    def initial_for(cls, session_request: SessionRequest) -> dict:
        """The start of the first preferred time, as a suggestion."""
        first = next(iter(session_request.windows.all()), None)
        if first is None:
            return {}
        start = first.starts_at.astimezone(LOCAL_TZ)
        return {"date": start.date(), "time": start.time()}

    def starts_at(self) -> dt.datetime:
        return local_datetime(self.cleaned_data["date"], self.cleaned_data["time"])

    def ask_to_confirm(self) -> None:
        """Show the `force` checkbox, unticked, next to the warnings."""
        self.fields["force"].widget = forms.CheckboxInput()
        data = self.data.copy()
        data.pop(self.add_prefix("force"), None)
        self.data = data


def apply_start_errors(form: AssignForm, exc: ValidationError) -> None:
    """The service names the start `starts_at`; the form asks for it as date and time."""
    if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
        form.add_error("date", exc.error_dict.pop("starts_at"))
        if not exc.error_dict:
            return
    apply_errors(form, exc)
