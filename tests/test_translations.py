"""The Dutch catalogue is complete, and the compiled .mo files match the .po files (they are
committed so that a fresh clone speaks Dutch without GNU gettext)."""

import ast
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def read_po(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of the singular entries of a .po file, header left out."""
    entries, field, parts = [], None, {}
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ", "msgctxt ", "msgid_plural ", "msgstr[")):
            field, _, rest = line.partition(" ")
            parts[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field:
            parts[field] += ast.literal_eval(line)
        elif not line.strip() and parts:
            if "msgid_plural" not in parts and "msgctxt" not in parts and parts.get("msgid"):
                entries.append((parts["msgid"], parts.get("msgstr", "")))
            field, parts = None, {}
    return entries


DUTCH = read_po(LOCALE / "nl" / "LC_MESSAGES" / "django.po")


def test_every_dutch_entry_is_translated():
    untranslated = [msgid for msgid, msgstr in DUTCH if not msgstr]
    assert len(DUTCH) > 300
    assert not untranslated, f"untranslated: {untranslated[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    with translation.override("nl"):
        stale = [msgid for msgid, msgstr in DUTCH if translation.gettext(msgid) != msgstr]
    assert not stale, f"run `make messages`: {len(stale)} entries differ, e.g. {stale[:5]}"
