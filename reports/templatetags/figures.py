"""A figures table's rows as HTML, in one pass: a city's dashboard has six hundred school rows,
and the template language's loops over their cells (or format_html per cell) cost half a
second a page. Every text is escaped here; the result is marked safe once."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..tables import ProtectedRow, ProtectedTable

register = template.Library()


def _row(table: ProtectedTable, row: ProtectedRow) -> str:
    label = escape(row.label)
    if row.link:
        label = f'<a href="{escape(row.link)}">{label}</a>'
    cells = "".join(
        f'<td class="num suppressed">{escape(cell.text)}</td>'
        if cell.suppressed
        else f'<td class="num">{escape(cell.text)}</td>'
        for cell in row.cells_in(table.columns)
    )
    return f'<tr><th scope="row">{label}</th>{cells}</tr>'


@register.simple_tag
def figure_rows(table: ProtectedTable) -> SafeString:
    """The table's body rows."""
    return mark_safe("\n".join(_row(table, row) for row in table.rows))


@register.simple_tag
def figure_total(table: ProtectedTable) -> SafeString:
    """The table's total row."""
    return mark_safe(_row(table, table.total))
