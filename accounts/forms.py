from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (for parents, who sign up themselves)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("How schools and the programme address you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])
