from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.forms import OnceForm
from schools.models import Municipality, School, StaffMembership

from .models import User


def _language_field(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=required,
        help_text=_("The language of this site and of the emails we send you."),
    )


class _LanguageChoice:
    """A sign-up form's language: the one the page is in, unless the person picks another
    (a post without one, from a script, gets the page's language too)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = _page_language()

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or _page_language()


def _page_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SignupForm(_LanguageChoice, forms.Form):
    """Extra fields on allauth's sign-up form (for parents, who sign up themselves). The
    account adapter saves the language before the confirmation mail goes out in it."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("How schools and the programme address you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = _language_field(required=False)

    def signup(self, request, user) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class ProfileForm(forms.ModelForm):
    language = _language_field()

    class Meta:
        model = User
        fields = ["name", "language"]
        labels = {"name": _("Your name")}
        widgets = {"name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class _InviteForm(OnceForm):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class StaffInviteForm(_InviteForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    staff_role = forms.ChoiceField(
        label=_("Role at the school"),
        choices=StaffMembership.Role.choices,
        initial=StaffMembership.Role.TEACHER,
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, roles=roles, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            neighbourhood__municipality_id__in=roles.coordinator_of
        ).select_related("neighbourhood__municipality")


class HeroInviteForm(_InviteForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=100,
        help_text=_("The name schools and pupils will see, for example a first name."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, roles=roles, **kwargs)
        field = self.fields["municipality"]
        field.queryset = Municipality.objects.filter(pk__in=roles.coordinator_of)
        if len(roles.coordinator_of) == 1:
            # One municipality: nothing to choose, so the field is not shown.
            field.initial = next(iter(roles.coordinator_of))
            field.widget = forms.HiddenInput()


class InvitationSignupForm(_LanguageChoice, forms.Form):
    """The account of an invited person: the email address comes from the invitation."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = _language_field(required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data["password2"]
        if first and first != second:
            raise forms.ValidationError(_("The two passwords are not the same."))
        return second

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password and not self.has_error("password2"):
            user = User(email=self.email, name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class MunicipalityStartForm(OnceForm):
    """A programme administrator adds a municipality and invites its first coordinator
    (accounts.services.municipality_start). Neighbourhoods are typed one per line; those in the
    second box are target neighbourhoods."""

    name = forms.CharField(label=_("Name of the municipality"), max_length=100)
    holiday_region = forms.ChoiceField(
        label=_("Holiday region"),
        choices=Municipality.HolidayRegion.choices,
        help_text=_("The region whose school holidays the schools follow."),
    )
    neighbourhoods = forms.CharField(
        label=_("Neighbourhoods"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. You can also add them later."),
    )
    target_neighbourhoods = forms.CharField(
        label=_("Target neighbourhoods"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the neighbourhoods the programme focuses on. Activities may give "
            "their children priority."
        ),
    )
    # No autocomplete="off" here: the browser would not put these back after the Back
    # button, and the form sent again would not be known as the same one (core.once).
    coordinator_name = forms.CharField(label=_("Name of the first coordinator"), max_length=100)
    coordinator_email = forms.EmailField(
        label=_("Email address of the first coordinator"),
        help_text=_("We send an invitation to this address to make an account."),
    )

    def clean_coordinator_email(self) -> str:
        return self.cleaned_data["coordinator_email"].strip().lower()

    def clean(self):
        """The service takes (name, is target area) pairs; a name in both boxes is a target."""
        data = super().clean()
        plain = _lines(data.pop("neighbourhoods", "") or "")
        targets = _lines(data.pop("target_neighbourhoods", "") or "")
        data["neighbourhoods"] = [(name, False) for name in plain] + [
            (name, True) for name in targets
        ]
        return data
