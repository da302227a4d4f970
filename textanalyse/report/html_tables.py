"""HTML tables for the report: escaped cells, Norwegian headings, sortable by clicking a heading."""

from __future__ import annotations

import html
import math

import pandas as pd

from textanalyse.report.labels import format_cell, heading


def esc(value) -> str:
    """HTML-escape any value (``None`` → empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def _numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"


def _sort_key(value) -> str | None:
    if not _numeric(value):
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return repr(value) if not value.is_integer() else str(int(value))


def table_html(table: pd.DataFrame, *, columns=None, max_rows: int | None = None, header_labels=None,
               row_classes=None, cell_classes=None, note_full: str = "tabeller.xlsx", caption: str = "") -> str:
    """An HTML table with Norwegian headings, sortable by clicking a heading.

    ``columns`` chooses and orders the columns (missing ones are skipped); ``header_labels``
    overrides headings; ``row_classes`` is a list of CSS classes per row; ``cell_classes``
    maps a column to a function value → CSS class.
    """
    if not isinstance(table, pd.DataFrame) or not len(table.columns):
        return '<p class="tom">Ingen data.</p>'
    if columns is not None:
        columns = [c for c in columns if c in table.columns]
    else:
        columns = [str(c) for c in table.columns]
    if not len(table):
        return '<p class="tom">Ingen rader.</p>'
    header_labels = header_labels or {}
    cell_classes = cell_classes or {}
    shown = table if max_rows is None else table.head(max_rows)
    parts = ['<div class="tabell">', '<table class="sorterbar">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>")
    for column in columns:
        numeric = pd.api.types.is_numeric_dtype(table[column].dtype) and not pd.api.types.is_bool_dtype(table[column].dtype)
        css = ' class="tall"' if numeric else ""
        parts.append(f'<th scope="col" tabindex="0"{css}>{esc(header_labels.get(column, heading(column)))}</th>')
    parts.append("</tr></thead><tbody>")
    values = shown[columns].itertuples(index=False, name=None)
    for number, row in enumerate(values):
        css = row_classes[number] if row_classes is not None and number < len(row_classes) else ""
        parts.append(f'<tr class="{esc(css)}">' if css else "<tr>")
        for column, value in zip(columns, row):
            classes = []
            key = _sort_key(value)
            if key is not None:
                classes.append("tall")
            if column in cell_classes:
                extra = cell_classes[column](value)
                if extra:
                    classes.append(extra)
            attributes = f' class="{" ".join(classes)}"' if classes else ""
            if key is not None:
                attributes += f' data-v="{esc(key)}"'
            parts.append(f"<td{attributes}>{esc(format_cell(column, value))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    if max_rows is not None and len(table) > max_rows:
        parts.append(f'<p class="merknad">Viser de {max_rows} første av {len(table)} radene; '
                     f"hele tabellen står i {esc(note_full)}.</p>")
    return "".join(parts)
