"""The permission a parent gives to keep their child's details, by version.

Each version's text is kept here for good: a child's `consent_version` says which text its
parent agreed to, and pages show that text. To change the text, add a new version and make it
CURRENT; families are then asked again (on the child's page, or when they enrol) before the
child can be enrolled in anything new.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "2026-1": _(
        "I agree that Back on Track saves this information about my child, "
        "to enrol my child in activities."
    ),
}
CURRENT = "2026-1"


def consent_text(version: str) -> str:
    """The text of a version, in the active language ("" for an unknown or erased one)."""
    text = TEXTS.get(version)
    return str(text) if text else ""


def is_current(version: str) -> bool:
    return version == CURRENT
