"""Word XML details for :mod:`textanalyse.report.docx`: fields, table widths, repeated header
rows, cell shading and cell text (python-docx has no API for the first four), and shares written
with their interval in one cell."""

from __future__ import annotations

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from textanalyse.report.labels import format_cell

FIGURE_WIDTH_CM = 16.0      # the text width of a portrait A4 page with 2.5 cm margins
LANDSCAPE_WIDTH_CM = 24.7   # the same on a landscape page
TABLE_FONT_PT = 8


def field_char(run, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


CHARACTER_CM = 0.165     # the width of an average character at the tables' 8 pt
CELL_MARGIN_CM = 0.4     # Word's default left and right cell margins together


def text_widths(titles, rows, numeric) -> tuple[list[float], list[int]]:
    """Per column, the least width in characters (text breaks between words only: a heading's
    longest word in bold, a number, the longest word of a cell up to 15 letters) and the longest
    cell text.

    Example:
        >>> text_widths(["Ord", "Antall"], [["kontaktperson", "12"], ["bolig", "3"]], [False, True])
        ([13, 7.8], [13, 2])
    """
    least = [round(max((len(word) for word in str(title).split()), default=1) * 1.3, 1) for title in titles]
    lengths = [0] * len(titles)
    for row in rows:
        for position, (text, is_number) in enumerate(zip(row, numeric)):
            lengths[position] = max(lengths[position], len(text))
            longest = len(text) if is_number else min(max((len(word) for word in text.split()), default=0), 15)
            least[position] = max(least[position], longest)
    return least, lengths


def least_width_cm(least) -> float:
    """The width the least widths of :func:`text_widths` need together, in centimetres."""
    return sum(CELL_MARGIN_CM + CHARACTER_CM * max(chars, 2) for chars in least)


def column_widths(table, lengths: list[int], *, least=None, width: float = FIGURE_WIDTH_CM) -> None:
    """Column widths over the text width: each column first gets its least (in characters: a
    heading's longest word, a number), then the rest goes to the columns whose text is longer,
    in proportion to what they lack (text longer than 40 characters wraps). When the least
    widths alone exceed ``width``, all columns shrink in proportion to them.

    Example:
        >>> from docx import Document
        >>> table = Document().add_table(rows=1, cols=3)
        >>> column_widths(table, [8, 60, 5], least=[8, 4, 5])
        >>> [round(column.width.cm, 2) for column in table.columns]
        [2.77, 11.26, 1.97]
    """
    table.autofit = False
    least = [0.0] * len(lengths) if least is None else list(least)
    minimum = [CELL_MARGIN_CM + CHARACTER_CM * max(chars, 2) for chars in least]
    wanted = [max(low, CELL_MARGIN_CM + CHARACTER_CM * min(max(length, 4), 40)) for low, length in zip(minimum, lengths)]
    if sum(minimum) >= width:
        widths = [width * low / sum(minimum) for low in minimum]
    elif sum(wanted) <= width:
        widths = [width * want / sum(wanted) for want in wanted]
    else:
        room = width - sum(minimum)
        lacking = [want - low for want, low in zip(wanted, minimum)]
        widths = [low + room * lack / sum(lacking) for low, lack in zip(minimum, lacking)]
    for column, size in zip(table.columns, widths):
        column.width = Cm(size)       # the table grid (what LibreOffice and Word lay out from)
    for row in table.rows:
        for cell, size in zip(row.cells, widths):
            cell.width = Cm(size)


def repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def fill(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(str(text))
    run.font.size = Pt(TABLE_FONT_PT)
    run.bold = bold


def with_intervals(table: pd.DataFrame, pairs) -> pd.DataFrame:
    """Shares written with their interval in one cell, «12,5 % (8,1–18,2)», so wide tables fit a page.

    ``pairs`` maps a share column to its ``(low, high)`` columns; those columns are dropped.
    """
    table = table.copy()
    for share, (low, high) in pairs.items():
        if not {share, low, high} <= set(table.columns):
            continue
        table[share] = [_share_with_interval(share, value, a, b)
                        for value, a, b in zip(table[share], table[low], table[high])]
        table = table.drop(columns=[low, high])
    return table


def _share_with_interval(column: str, value, low, high) -> str:
    if value is None or pd.isna(value):
        return ""
    text = format_cell(column, float(value))
    if pd.isna(low) or pd.isna(high):
        return text
    bounds = f"{format_cell(column, float(low))}–{format_cell(column, float(high))}".replace("\u00a0%", "")
    return f"{text} ({bounds})"


SHARE_INTERVALS = {"share": ("ci_low", "ci_high"), "share_target": ("ci_low_target", "ci_high_target"),
                   "share_reference": ("ci_low_reference", "ci_high_reference"),
                   "difference": ("difference_low", "difference_high")}
INTERVAL_LABELS = {"share": "Andel (95 % KI)", "difference": "Forskjell (95 % KI)"}
