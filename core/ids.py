"""Ids from text (a query parameter, a posted value): a number a database key can hold, or
nothing. A longer number would overflow the database driver (SQLite raises) instead of
simply matching no row."""

from __future__ import annotations

MAX_ID = 2**63 - 1


def as_id(value) -> int | None:
    """The id `value` spells, or None when it is not one (not digits, zero, or too large)."""
    text = str(value if value is not None else "").strip()
    if not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
