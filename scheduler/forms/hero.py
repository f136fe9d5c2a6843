"""Forms for the hero's answers: why they decline an offer, why they can no longer come.
They check the shape of the input; scheduler.services checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Offer

# Offer.decline_reason and Visit.cancel_reason hold up to 300 characters.
REASON_MAX = 300

CHOOSE_REASON = _("Choose the reason that fits best.")


class DeclineForm(forms.Form):
    # A radio group renders as a fieldset with the label as its legend (Django's
    # RadioSelect.use_fieldset), like the other choice groups on the site.
    code = forms.ChoiceField(
        label=_("Why can you not take this visit?"),
        choices=Offer.DeclineCode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Only the coordinator reads your answer; the school hears that a hero could not "
            "come, not who or why."
        ),
        error_messages={"required": CHOOSE_REASON, "invalid_choice": CHOOSE_REASON},
    )
    reason = forms.CharField(
        label=_("Anything else the coordinator should know?"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. There is no need to share private details."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why can you no longer come?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The school reads this. We look for another hero straight away."),
        error_messages={"required": _("Tell the school why you cannot come.")},
    )
