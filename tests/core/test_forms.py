"""core.forms.LongSelect writes the same HTML as Django's Select, without a template per
option; core.forms.ReadOnceChoiceField reads its options once, with a plain query."""

import re

from django import forms

from core.forms import LongSelect, ReadOnceChoiceField
from tests import factories

CHOICES = [
    ("", "---------"),
    ("Zaanstad", [(1, "De Zaanvogel"), (2, 'School "A & B"')]),
    ("Amsterdam", [(3, "<Het Kompas>")]),
    (4, "Zonder groep"),
    (2, "Dezelfde waarde nog eens"),  # a single select marks only the first
]


def html(widget: type[forms.Select], value, choices=CHOICES) -> str:
    field = forms.ChoiceField(choices=choices, required=False, widget=widget)
    rendered = field.widget.render("school", value, attrs={"id": "id_school", "required": True})
    return re.sub(r"\s+", " ", str(rendered)).replace("> <", "><")


def test_long_select_writes_what_djangos_select_writes():
    for value in (None, "", 2, "3", 4, "x"):
        assert html(LongSelect, value) == html(forms.Select, value)


def test_long_select_writes_model_choices_as_djangos_select_does(school):
    from schools.models import School

    def written(widget: type[forms.Select], value) -> str:
        field = forms.ModelChoiceField(queryset=School.objects.all(), widget=widget)
        rendered = field.widget.render("school", value)
        return re.sub(r"\s+", " ", str(rendered)).replace("> <", "><")

    for value in (None, school.pk, str(school.pk)):
        assert written(LongSelect, value) == written(forms.Select, value)
    assert f'<option value="{school.pk}" selected>' in written(LongSelect, school.pk)


def test_long_select_escapes_labels_and_marks_the_choice():
    written = html(LongSelect, 2)
    assert "&lt;Het Kompas&gt;" in written
    assert '<option value="2" selected>School &quot;A &amp; B&quot;</option>' in written
    assert '<optgroup label="Zaanstad">' in written


def test_read_choices_gives_djangos_options_from_one_query_kept(db, django_assert_num_queries):
    """Django's iterator reads the options again at every look, through QuerySet.iterator()
    (on PostgreSQL a server-side cursor); ReadOnceChoiceField reads them once and keeps them."""
    from schools.models import School

    factories.SchoolFactory.create_batch(3)
    read = ReadOnceChoiceField(queryset=School.objects.order_by("name"), empty_label="Any school")
    django_own = forms.ModelChoiceField(
        queryset=School.objects.order_by("name"), empty_label="Any school"
    )

    with django_assert_num_queries(1):
        options = [(str(value), label) for value, label in read.choices]
        again = [(str(value), label) for value, label in read.widget.choices]
    with django_assert_num_queries(2):
        expected = [(str(value), label) for value, label in django_own.choices]
        [value for value, _label in django_own.widget.choices]

    assert options == again == expected
    assert options[0] == ("", "Any school") and len(options) == 4
