from django import forms
from django.utils.translation import gettext_lazy as _


class CouncilTextForm(forms.Form):
    text = forms.CharField(
        label=_("Your text for the council"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the figures mean, what went well and what you will change. It is printed "
            "above the figures. Never write about a child or a person by name."
        ),
    )
