"""The demo is a Dutch municipality's: every text it writes that people read (venues,
activities, stories, notes, reasons, mail) is Dutch. Every free-text field of every row the
demo makes is scanned for common English words."""

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import models

pytestmark = pytest.mark.django_db

# Short, frequent English words that are not also Dutch words ("of", "is", "in", "die" are).
ENGLISH = {
    "the", "and", "with", "for", "your", "you", "this", "that", "from", "are", "will", "have",
    "has", "our", "who", "which", "their", "there", "into", "about", "never", "always",
    "children", "after", "before", "please",
}  # fmt: skip
# Names that stay English in Dutch: the programme's role and the VR headset.
KEPT = re.compile(r"Local Heroe?s?|Back on Track|VR", re.IGNORECASE)
# Not prose: keys, addresses, codes and secrets (a field name, or a part of it between "_").
NOT_PROSE = re.compile(
    r"(^|_)(email|token|digest|prefix|key|password|code|brin|postcode|uid|url|ip|agent|path"
    r"|id|template|kind|status|language|languages|headers|hash|secret|phone|ics)(_|$)"
)
OUR_APPS = {"accounts", "schools", "heroes", "activities", "scheduler", "notifications"}


def _prose_fields(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
        and not field.choices
        and not NOT_PROSE.search(field.name)
    ]


def _english_texts() -> list[str]:
    """One line per English text, naming a row that holds it."""
    found: dict[str, str] = {}
    for model in apps.get_models():
        fields = _prose_fields(model)
        if model._meta.app_label not in OUR_APPS or not fields:
            continue
        for row in model.objects.values("pk", *fields):
            for name in fields:
                text = KEPT.sub(" ", str(row[name] or ""))
                words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
                if words & ENGLISH:
                    found.setdefault(text, f"{model._meta.label}.{name} #{row['pk']}")
    return [f"{label}: {text[:100]!r}" for text, label in found.items()]


def test_every_text_the_demo_writes_is_dutch(settings):
    settings.DEBUG = True
    with time_machine.travel(dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC), tick=False):
        call_command("demo", verbosity=0)
    english = _english_texts()
    assert not english, "English in the demo:\n" + "\n".join(english)
