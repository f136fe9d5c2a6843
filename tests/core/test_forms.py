"""core.forms.LongSelect writes the same HTML as Django's Select, without a template per
option."""

import re

from django import forms

from core.forms import LongSelect

CHOICES = [
    ("", "---------"),
    ("Zaanstad", [(1, "De Zaanvogel"), (2, 'School "A & B"')]),
    ("Amsterdam", [(3, "<Het Kompas>")]),
]


def html(widget: type[forms.Select], value) -> str:
    field = forms.ChoiceField(choices=CHOICES, required=False, widget=widget)
    rendered = field.widget.render("school", value, attrs={"id": "id_school", "required": True})
    return re.sub(r"\s+", " ", str(rendered)).replace("> <", "><")


def test_long_select_writes_what_djangos_select_writes():
    for value in (None, "", 2, "3"):
        assert html(LongSelect, value) == html(forms.Select, value)


def test_long_select_escapes_labels_and_marks_the_choice():
    written = html(LongSelect, 2)
    assert "&lt;Het Kompas&gt;" in written
    assert '<option value="2" selected>School &quot;A &amp; B&quot;</option>' in written
    assert '<optgroup label="Zaanstad">' in written
