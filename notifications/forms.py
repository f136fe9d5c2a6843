from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderPreferenceForm(forms.Form):
    """Which reminders a person gets, among the kinds that fit their roles."""

    enabled = forms.MultipleChoiceField(
        label=_("Send me an email reminder"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds: list[tuple[str, object]], disabled: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled"].choices = kinds
        self.fields["enabled"].initial = [kind for kind, _label in kinds if kind not in disabled]
