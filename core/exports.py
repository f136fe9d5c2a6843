"""Tables as files people open in a spreadsheet: CSV for Dutch Excel (semicolons, a byte order
mark) and XLSX (openpyxl), with text that cannot run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel sheet names: at most 31 characters, none of these.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def safe(value) -> str | int | float:
    """Excel runs a cell that starts with = + - or @ as a formula: neutralise text that does;
    numbers stay numbers."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(rows: Iterable[Sequence]) -> str:
    """Semicolons and a byte order mark, as Dutch Excel expects."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe(value) for value in row])
    return out.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[Sequence]]]) -> bytes:
    """One sheet per (title, rows); the first row of each is its header, in bold."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, rows in sheets:
        sheet = book.create_sheet(_sheet_name(title, used))
        for index, row in enumerate(rows):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=safe(value) if value is not None else None)
                if index == 0:
                    cell.font = Font(bold=True)
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = str(title).translate(_SHEET_FORBIDDEN).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base} {n}", n + 1
    used.add(name.lower())
    return name


def download(content: str | bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
