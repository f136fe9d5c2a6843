"""Steering tables and the rule that keeps every child out of them.

A figure reaches a page, a chart, an export or the API only as a `Cell` of a protected table
(`protect`), so the rule is applied once, in one place (docs/privacy.md, "Figures"):

1. Primary suppression: a count from 1 to 4 is shown as "< 5"; a percentage is hidden ("x")
   when its part is 1 to 4 children or its whole is fewer than 5; a median of fewer than 5
   children likewise. Zero is shown: it singles out nobody.
2. Secondary suppression: where a published total (the table's total row, or a row of the
   parent table: a neighbourhood above its schools) would let one hidden cell be worked out
   by subtraction, the smallest other non-zero cell of that set is hidden too ("x": it is not
   small, so "< 5" would be untrue). A set whose
   own total is hidden (a neighbourhood shown as "< 5") must hide at least one of its cells,
   or adding them up would give the hidden total away.
3. A percentage whose part is a hidden count is hidden with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

THRESHOLD = 5
SUPPRESSED = "< 5"  # a count from 1 to 4
HIDDEN = "x"  # any other hidden figure, as Statistics Netherlands (CBS) marks it
NOT_APPLICABLE = "\u2013"  # an en dash: nothing to count


class Kind(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    HOURS = "hours"  # not a count of people: shown as it is, hidden only with its part


KIND_CHOICES = [(kind.value, kind.value) for kind in Kind]


@dataclass(frozen=True)
class Share:
    """A percentage before protection: `part` children out of `whole`."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class Median:
    """A median number of days, and how many children it was computed from."""

    days: float | None
    count: int


Raw = int | Share | Median | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.COUNT
    # For a percentage: the count column holding its part, hidden with it (rule 3).
    part_of: str = ""


@dataclass
class Row:
    key: str  # stable for the API and exports: a primary key, a week's date, a reason code
    label: str
    values: dict[str, Raw]
    link: str = ""  # the list behind the row, where the viewer may see it
    group: str = ""  # the key of this row's row in the parent table (a school's neighbourhood)


@dataclass
class Table:
    key: str
    title: str
    heading: str  # what the rows are: "Neighbourhood", "School", "Week"
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    note: str = ""


@dataclass(frozen=True)
class Cell:
    kind: Kind
    value: float | int | None  # None when hidden or not applicable
    suppressed: bool = False
    small: bool = False  # hidden because it is a count from 1 to 4

    @property
    def text(self) -> str:
        if self.suppressed:
            return SUPPRESSED if self.small else HIDDEN
        if self.value is None:
            return NOT_APPLICABLE
        return _text(self.kind, self.value, get_language())

    def as_json(self) -> dict:
        return {"value": self.value, "suppressed": self.suppressed}


@dataclass
class ProtectedRow:
    key: str
    label: str
    cells: dict[str, Cell]
    link: str = ""
    group: str = ""

    def cells_in(self, columns: Iterable[Column]) -> list[Cell]:
        return [self.cells[column.key] for column in columns]


@dataclass
class ProtectedTable:
    key: str
    title: str
    heading: str
    columns: list[Column]
    rows: list[ProtectedRow]
    total: ProtectedRow | None = None
    note: str = ""
    by_key: dict[str, ProtectedRow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key = {row.key: row for row in self.rows}

    @property
    def all_rows(self) -> list[ProtectedRow]:
        return [*self.rows, self.total] if self.total else list(self.rows)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def cell(self, column: str, row: str | None = None) -> Cell:
        """A cell of the row `row`, or of the total row."""
        return (self.by_key[row] if row else self.total).cells[column]


@lru_cache(maxsize=4096)
def _text(kind: Kind, value: float | int, language: str | None) -> str:
    """A figure in the reader's language (cached: a city's dashboard writes thousands, most of
    them the same few numbers)."""
    if kind == Kind.PERCENT:
        return _("%(value)s %%") % {"value": number_format(round(value))}
    if kind in (Kind.DAYS, Kind.HOURS):
        return number_format(value, decimal_pos=1 if value % 1 else 0)
    return number_format(value, force_grouping=True)


def _primary(kind: Kind, raw: Raw) -> Cell:
    if raw is None:
        return Cell(kind, None)
    if isinstance(raw, Share):
        small = 0 < raw.part < THRESHOLD or 0 < raw.whole < THRESHOLD
        return Cell(kind, None if small else raw.value, suppressed=small)
    if kind == Kind.HOURS:
        return Cell(kind, raw)
    if isinstance(raw, Median):
        if raw.count == 0:
            return Cell(kind, None)
        small = raw.count < THRESHOLD
        return Cell(kind, None if small else raw.days, suppressed=small)
    small = 0 < raw < THRESHOLD
    return Cell(kind, None if small else raw, suppressed=small, small=small)


def protect(table: Table, parent: ProtectedTable | None = None) -> ProtectedTable:
    """The table as it may be shown: rules 1 to 3 of the module's docstring. `parent` is the
    protected table one level up whose rows are this table's row groups (neighbourhoods above
    schools); its totals are published too, so they count as sums here."""
    rows = [*table.rows, *([table.total] if table.total else [])]
    primary = {
        (index, column.key): _primary(column.kind, row.values.get(column.key))
        for index, row in enumerate(rows)
        for column in table.columns
    }
    hidden = {place: cell.suppressed for place, cell in primary.items()}
    counts = [column for column in table.columns if column.kind == Kind.COUNT]
    for column in counts:
        _hide_complements(table, parent, column.key, hidden)
    protected = []
    for index, row in enumerate(rows):
        cells = {}
        for column in table.columns:
            cell = primary[index, column.key]
            part_hidden = column.part_of and hidden.get((index, column.part_of))
            if (hidden[index, column.key] or part_hidden) and not cell.suppressed:
                cell = Cell(column.kind, None, suppressed=True)
            cells[column.key] = cell
        protected.append(ProtectedRow(row.key, row.label, cells, row.link, row.group))
    return ProtectedTable(
        key=table.key,
        title=table.title,
        heading=table.heading,
        columns=table.columns,
        rows=protected[: len(table.rows)],
        total=protected[-1] if table.total else None,
        note=table.note,
    )


def _hide_complements(
    table: Table, parent: ProtectedTable | None, column: str, hidden: dict[tuple[int, str], bool]
) -> None:
    """Rule 2 for one count column, repeated until no published sum gives a hidden cell
    away."""
    values = [row.values.get(column) or 0 for row in table.rows]
    published: list[list[int]] = []
    unpublished: list[list[int]] = []
    if table.total is not None and not hidden[len(table.rows), column]:
        published.append(list(range(len(table.rows))))
    if parent is not None:
        groups: dict[str, list[int]] = {}
        for index, row in enumerate(table.rows):
            groups.setdefault(row.group, []).append(index)
        for group, members in groups.items():
            parent_row = parent.by_key.get(group)
            if parent_row is None or column not in parent_row.cells:
                continue
            (unpublished if parent_row.cells[column].suppressed else published).append(members)
    changed = True
    while changed:
        changed = False
        for members in published:
            if sum(hidden[i, column] for i in members) == 1:
                changed |= _hide_smallest(members, values, column, hidden)
        for members in unpublished:
            if not any(hidden[i, column] for i in members):
                changed |= _hide_smallest(members, values, column, hidden)


def _hide_smallest(
    members: list[int], values: list[int], column: str, hidden: dict[tuple[int, str], bool]
) -> bool:
    candidates = [i for i in members if not hidden[i, column] and values[i] > 0]
    if not candidates:
        return False
    hidden[min(candidates, key=lambda i: (values[i], i)), column] = True
    return True
