"""Every HTML mail passes the checks a screen reader and a phone need: the reader's language
and writing direction on the html element, a heading, link texts that make sense alone, a
viewport and a readable width and size. The family mails are checked with real content in
tests/activities/test_mail_words.py; this renders every mail template there is."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tests.mail_html import assert_accessible, shape

TEMPLATES = Path(settings.BASE_DIR) / "templates"
MAILS = sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.glob("*/email/*_message.html"))
# Rendered with their real content (sessions, times) in tests/activities/test_mail_words.py.
WITH_CONTENT = {
    "activities/email/family_message.html",
    "notifications/email/reminder_parent_session_message.html",
}


def test_all_mail_templates_are_found():
    assert "activities/email/family_message.html" in MAILS
    assert len(MAILS) >= 17


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("template", sorted(set(MAILS) - WITH_CONTENT))
def test_every_html_mail_is_accessible(template, language):
    with translation.override(language):
        html = render_to_string(template, {"url": "https://example.org/x/"})

    if shape(html).links:
        assert_accessible(html, language)
    else:
        assert shape(html).html_attrs["dir"] == ("rtl" if language == "ar" else "ltr")
        assert any(h.strip() for h in shape(html).headings)
    assert html.count("Back on Track</p>") == 1
