"""The compose form: whom to write to (within the sender's scope), the texts, when."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from core.forms import DateTimeLocalInput, OnceForm
from schools.models import Municipality, Neighbourhood, School

from .models import ParentMessage

WHEN_NOW, WHEN_LATER = "now", "later"
GRADES = [("", "—")] + [(grade, str(grade)) for grade in range(1, 9)]


class ComposeForm(OnceForm):
    municipality = forms.ModelChoiceField(Municipality.objects.none(), label=_("Municipality"))
    neighbourhood = forms.ModelChoiceField(
        Neighbourhood.objects.none(), required=False, label=_("Neighbourhood where they live")
    )
    school = forms.ModelChoiceField(School.objects.none(), required=False, label=_("School"))
    grade_min = forms.TypedChoiceField(
        choices=GRADES, coerce=int, empty_value=None, required=False, label=_("From grade")
    )
    grade_max = forms.TypedChoiceField(
        choices=GRADES, coerce=int, empty_value=None, required=False, label=_("To grade")
    )
    activity = forms.ModelChoiceField(
        Activity.objects.none(),
        required=False,
        label=_("Activity"),
        help_text=_("Families with a place, an application or a waiting-list spot."),
    )
    subject_nl = forms.CharField(label=_("Subject in Dutch"), max_length=150)
    text_nl = forms.CharField(label=_("Text in Dutch"), max_length=5000, widget=forms.Textarea)
    subject_tr = forms.CharField(label=_("Subject in Turkish"), max_length=150, required=False)
    text_tr = forms.CharField(
        label=_("Text in Turkish"), max_length=5000, widget=forms.Textarea, required=False
    )
    subject_ar = forms.CharField(label=_("Subject in Arabic"), max_length=150, required=False)
    text_ar = forms.CharField(
        label=_("Text in Arabic"), max_length=5000, widget=forms.Textarea, required=False
    )
    subject_en = forms.CharField(label=_("Subject in English"), max_length=150, required=False)
    text_en = forms.CharField(
        label=_("Text in English"), max_length=5000, widget=forms.Textarea, required=False
    )
    link = forms.URLField(label=_("Link (optional)"), required=False, assume_scheme="https")
    when = forms.ChoiceField(
        label=_("When"),
        choices=[(WHEN_NOW, _("Send now")), (WHEN_LATER, _("Send later"))],
        initial=WHEN_NOW,
        widget=forms.RadioSelect,
    )
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Only for later."),
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_coordinator = roles.is_coordinator
        if roles.is_coordinator:
            places = {"neighbourhood__municipality_id__in": roles.coordinator_of}
            self.fields["municipality"].queryset = Municipality.objects.filter(
                pk__in=roles.coordinator_of
            )
            self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
                municipality_id__in=roles.coordinator_of
            )
            activities = {"school__neighbourhood__municipality_id__in": roles.coordinator_of}
        else:
            places = {"pk__in": roles.staff_of}
            del self.fields["municipality"], self.fields["neighbourhood"]
            self.fields["school"].required = True
            activities = {"school_id__in": roles.staff_of}
        self.fields["school"].queryset = School.objects.filter(**places).order_by("name")
        self.fields["activity"].queryset = (
            Activity.objects.filter(**activities)
            .exclude(status=Activity.Status.DRAFT)
            .order_by("title", "pk")
        )
        if len(roles.staff_of) == 1 and not roles.is_coordinator:
            self.fields["school"].initial = next(iter(roles.staff_of))
        if "municipality" in self.fields and len(roles.coordinator_of) == 1:
            self.fields["municipality"].initial = next(iter(roles.coordinator_of))
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        low, high = data.get("grade_min"), data.get("grade_max")
        if low and high and low > high:
            self.add_error("grade_max", _("Choose a grade from the first one up."))
        for code in ("tr", "ar", "en"):
            subject, text = data.get(f"subject_{code}"), data.get(f"text_{code}")
            if bool(subject) != bool(text):
                name = f"text_{code}" if subject else f"subject_{code}"
                self.add_error(name, _("Write both the subject and the text, or neither."))
        if data.get("when") == WHEN_LATER and not data.get("send_at"):
            self.add_error("send_at", _("Choose when to send it."))
        return data

    @classmethod
    def initial_from(cls, message: ParentMessage) -> dict:
        """The form's values for a message being changed (sent later, so "later")."""
        names = ["municipality", "neighbourhood", "school", "activity", "grade_min", "grade_max"]
        initial = {name: getattr(message, f"{name}_id", None) for name in names[:4]}
        initial |= {name: getattr(message, name) for name in names[4:]}
        texts = [
            f"{part}_{code}" for code in ("nl", "tr", "ar", "en") for part in ("subject", "text")
        ]
        initial |= {name: getattr(message, name) for name in [*texts, "link"]}
        return initial | {"when": WHEN_LATER, "send_at": message.send_at}

    def message_fields(self, roles) -> dict:
        """The service's keyword arguments for this form's data."""
        data = dict(self.cleaned_data)
        when = data.pop("when")
        send_at = data.pop("send_at")
        data["send_at"] = send_at if when == WHEN_LATER else None
        if self.is_coordinator:
            data["sender_role"] = ParentMessage.SenderRole.COORDINATOR
        else:
            data["sender_role"] = ParentMessage.SenderRole.STAFF
            data["municipality"] = data["school"].neighbourhood.municipality
        data.setdefault("neighbourhood", None)  # not a choice for staff
        return data
