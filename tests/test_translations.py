"""The catalogues are complete, and the compiled .mo files match the .po files (they are
committed so that a fresh clone speaks Dutch without GNU gettext).

Dutch is checked by the team; Turkish and Arabic are filled from the translators' fragments
(docs/translations.md), so their completeness tests wait for that merge."""

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale"
# Plural forms per language, as in each catalogue's Plural-Forms header.
NPLURALS = {"nl": 2, "tr": 2, "ar": 6}


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.msgctxt, self.msgid, self.plural)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file: header and obsolete (#~) entries left out."""
    entries, current, parts = [], None, {}
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr", "msgctxt ", "msgid_plural ")):
            current, _, rest = line.partition(" ")
            parts[current] = ast.literal_eval(rest)
        elif line.startswith('"') and current:
            parts[current] += ast.literal_eval(line)
        elif not line.strip() and parts:
            if parts.get("msgid"):
                entries.append(_entry(parts))
            current, parts = None, {}
    return entries


def _entry(parts: dict) -> Entry:
    forms = sorted(key for key in parts if key.startswith("msgstr["))
    return Entry(
        msgid=parts["msgid"],
        msgctxt=parts.get("msgctxt"),
        plural=parts.get("msgid_plural"),
        msgstrs=[parts[key] for key in forms] if forms else [parts.get("msgstr", "")],
    )


def catalogue(language: str) -> list[Entry]:
    return read_po(LOCALE / language / "LC_MESSAGES" / "django.po")


def missing(language: str) -> list[str]:
    """msgids with an empty translation, or with fewer plural forms than the language has."""
    return [
        entry.msgid
        for entry in catalogue(language)
        if not all(entry.msgstrs) or (entry.plural and len(entry.msgstrs) != NPLURALS[language])
    ]


def test_every_dutch_entry_is_translated():
    assert len(catalogue("nl")) > 300
    untranslated = missing("nl")
    assert not untranslated, f"untranslated: {untranslated[:10]}"


@pytest.mark.parametrize("language", ["tr", "ar"])
def test_every_entry_is_translated(language):
    untranslated = missing(language)
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:10]}"


@pytest.mark.parametrize("language", ["tr", "ar", "en"])
def test_every_catalogue_has_the_dutch_entries(language):
    # `make messages` makes all four from the same sources: a msgid only in Dutch means a
    # catalogue was left out.
    dutch = {entry.key for entry in catalogue("nl")}
    other = {entry.key for entry in catalogue(language)}
    assert not dutch - other, f"run `make messages`: {sorted(dutch - other)[:5]}"


@pytest.mark.parametrize("language", ["nl", "tr", "ar"])
def test_compiled_catalogue_matches_the_po_file(language):
    singular = [e for e in catalogue(language) if not e.plural and not e.msgctxt and e.msgstrs[0]]
    with translation.override(language):
        stale = [e.msgid for e in singular if translation.gettext(e.msgid) != e.msgstrs[0]]
    assert not stale, f"run `make messages`: {len(stale)} entries differ, e.g. {stale[:5]}"


@pytest.mark.parametrize(("language", "nplurals"), NPLURALS.items())
def test_the_header_names_the_language_and_its_plural_forms(language, nplurals):
    header = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text().split("\n\n")[0]
    assert f'"Language: {language}\\n"' in header
    assert f"nplurals={nplurals};" in header
    assert "#, fuzzy" not in header  # gettext skips a fuzzy header, plural rule and all
