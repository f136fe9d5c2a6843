"""Protected tables as spreadsheet rows: hidden figures stay hidden ("< 5", "x") in every
file."""

from __future__ import annotations

from django.utils.formats import number_format

from .tables import Cell, Kind, ProtectedTable


def value(cell: Cell):
    if cell.suppressed:
        return cell.text
    return "" if cell.value is None else cell.value


def rows(table: ProtectedTable) -> list[list]:
    """A header, then every row and the total; percentages as numbers from 0 to 100."""
    header = [table.heading]
    for column in table.columns:
        header.append(f"{column.label} (%)" if column.kind == Kind.PERCENT else str(column.label))
    body = [
        [row.label, *(value(cell) for cell in row.cells_in(table.columns))]
        for row in table.all_rows
    ]
    return [header, *body]


def localised(table_rows: list[list]) -> list[list]:
    """Decimals with the reader's decimal comma, as a spreadsheet in their language reads them
    (CSV has no number type)."""
    return [
        [number_format(item) if isinstance(item, float) else item for item in row]
        for row in table_rows
    ]
