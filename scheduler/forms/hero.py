"""Forms for the hero's answers: why they decline an offer, why they can no longer come.
They check the shape of the input; scheduler.services checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Offer.decline_reason and Visit.cancel_reason hold up to 300 characters.
REASON_MAX = 300


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you not take this visit?"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Optional. Only the coordinator reads this; the school hears that a hero could "
            "not come, not who or why."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you no longer come?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school reads this. We look for another hero straight away."),
        error_messages={"required": _("Tell the school why you cannot come.")},
    )
