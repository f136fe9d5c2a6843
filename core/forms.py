"""Form pieces every app uses: HTML5 date and time widgets, the key that makes a create form
count once, and putting a service's ValidationError on a form. Forms check the shape of the
input; services check the rules."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import once


class DateInput(forms.DateInput):
    """`<input type="date">`, which always speaks ISO dates whatever the page's language."""

    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class LongSelect(forms.Select):
    """A `<select>` whose options are written here, not by one template include each (nor one
    dict each, as ChoiceWidget.optgroups makes them): the same HTML as Django's widget, for a
    list of hundreds of schools at a fraction of the cost. As Django's, a single select marks
    only the first option with the chosen value."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(widget["value"])
        marked = False
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for option_value, option_label in self.choices:
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                parts.append(format_html('<optgroup label="{}">', option_value))
            for value_, label in option_label if grouped else [(option_value, option_label)]:
                text = "" if value_ is None else str(value_)
                selected = text in chosen and (self.allow_multiple_selected or not marked)
                marked |= selected
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        text,
                        mark_safe(" selected") if selected else "",
                        label,
                    )
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # every part went through format_html


class ReadChoices(ModelChoiceIterator):
    """A model choice field's options read with one plain query (and kept for the form's
    other looks at them), where Django's iterator uses `QuerySet.iterator()`: on PostgreSQL a
    server-side cursor, three round trips (declare, fetch, close) for a list of a few options.
    ReadOnceChoiceField uses it: for the lists of a busy page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ReadOnceChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, its options read by ReadChoices."""

    iterator = ReadChoices


class KeyInput(forms.TextInput):
    """The key of a create form: a text input that is never shown. When the Back button loads
    a page again, browsers put back what the person had filled in, but a key that came with
    the page would be the new page's, and the form sent again would look new; static/js/once.js
    marks the key as filled in, so the browser puts the first key back too. (A hidden input is
    not put back, hence a text input.)"""

    is_hidden = True  # rendered with the form's hidden fields, without a label

    def __init__(self):
        attrs = {"hidden": True, "tabindex": "-1", "aria-hidden": "true", "data-once-key": True}
        super().__init__(attrs=attrs)


class OnceForm(forms.Form):
    """A create form that counts once (core.once): it carries a random key, kept while the
    form comes back with errors and put back by the browser after the Back button, so the
    same form sent again with the same data (Back and send, a double click) is known as a
    resubmit; sent again with other data it is a new one. Put it first among a form's bases.
    A model form that edits a row has no key: an edit sent again must be saved."""

    submission_key = forms.CharField(widget=KeyInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(getattr(self, "instance", None), "pk", None) is not None:
            del self.fields["submission_key"]
        elif not self.is_bound:
            self.initial["submission_key"] = str(uuid.uuid4())

    def clean(self):
        """Services get only what they take: the key stays out of the data."""
        data = super().clean()
        self.cleaned_data.pop("submission_key", None)
        return data

    def sent_as(self) -> str:
        """What identifies this sending: the key with a digest of all the data sent; "" when
        the form is not sent or has no key (or a mangled one: the form then still works,
        only without the resubmit guard)."""
        if not self.is_bound or "submission_key" not in self.fields:
            return ""
        name = self.add_prefix("submission_key")
        try:
            key = uuid.UUID(str(self.data.get(name) or ""))
        except ValueError:
            return ""
        return once.sending(key, self.data, leave_out=(name, "csrfmiddlewaretoken"))

    def submission_key_of(self, user) -> uuid.UUID | None:
        """The person's submission key for this sending (core.once), to store on what it
        makes."""
        return once.submission_key(user, self.sent_as())


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that never touches its instance: the service assigns and validates, so an
    update that fails leaves nothing changed and the rules live in one place."""

    def _post_clean(self) -> None:
        pass


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: per field where the form has the field."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, errors)
