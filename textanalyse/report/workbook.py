"""The Excel workbook ``tabeller.xlsx``: one sheet per table, Norwegian sheet names and headings.

Sheets per material, in order (a sheet is left out when its table is empty and optional):
``Oversikt``, ``Grupper``, ``Ikke-svar``, ``Filtre``, ``Ord <spørsmål>`` (one per question),
``Ord etter <variabel>``, ``Temaer``, ``Temaer etter <variabel>``, ``Samforekomst``,
``Emner``, ``Emnetilhørighet``, ``Utenfor emner``, ``Nøkkelord <sammenligning>``,
``Temaer <sammenligning>``, ``Sitater``, ``KWIC``, and last ``Metode`` (the methods
paragraph of each material). When a run has several materials, sheet names start with a
short form of the material name. Names are at most 31 characters, unique and free of
``[]:*?/\\``.

Headings come from :mod:`textanalyse.report.labels`; the header row is bold and frozen,
columns are sized to their content (capped), numbers are stored as numbers with a display
format (shares as percentages). The file is byte-identical for identical input: document
properties and ZIP entry dates are fixed.

Usage (a finished run; :func:`textanalyse.run.run_analysis`'s doctest writes one)::

    write_workbook(result, "ut/tabeller.xlsx")
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.atomic import write_bytes
from textanalyse.report.labels import excel_format, has_rows, heading

FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_WIDTH = 60
MIN_WIDTH = 6
WIDTH_SAMPLE = 2000
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(base: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name from ``base`` (≤ 31 characters, no ``[]:*?/\\``).

    Example:
        >>> used = set()
        >>> sheet_name("Ord: fungerer_bra/dårlig", used), sheet_name("Ord: fungerer_bra/dårlig", used)
        ('Ord fungerer_bra-dårlig', 'Ord fungerer_bra-dårlig (2)')
    """
    name = _FORBIDDEN.sub(lambda m: "" if m.group() == ":" else "-", str(base))
    name = re.sub(r"\s+", " ", name).strip().strip("'") or "Ark"
    name = name[:31].rstrip()
    candidate, number = name, 2
    while candidate.lower() in {u.lower() for u in used} or candidate.lower() == "history":
        suffix = f" ({number})"
        candidate = name[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    used.add(candidate)
    return candidate


def _short(name: str, limit: int = 12) -> str:
    return re.sub(r"\s+", " ", str(name)).strip()[:limit].rstrip()


def workbook_tables(result) -> list[tuple[str, pd.DataFrame]]:
    """The (sheet base name, table) pairs written to the workbook, in order (see :mod:`textanalyse.tables`)."""
    from textanalyse.report.methods import methods_paragraph
    from textanalyse.tables import material_tables

    tables: list[tuple[str, pd.DataFrame]] = []
    several = len(result.materials) > 1
    methods_rows = []
    for material in result.materials:
        prefix = f"{_short(material.name)} " if several else ""
        for entry in material_tables(material, prefix=""):
            table = entry.table
            if entry.sheet is None or not isinstance(table, pd.DataFrame) or not (entry.spec.always or has_rows(table)):
                continue
            if entry.spec.attribute == "filter_report" and "words" in table.columns:
                table = table.rename(columns={"words": "removed_words"})
            if entry.spec.attribute == "frequencies" and "question" in table.columns and len(table):
                for question in dict.fromkeys(table["question"].astype(str)):  # one sheet per question
                    tables.append((f"{prefix}{entry.sheet} {question}",
                                   table[table["question"].astype(str) == question].reset_index(drop=True)))
                continue
            tables.append((prefix + entry.sheet, table))
        settings = dict(result.config or {})
        if result.codebook_name and "codebook_name" not in settings:
            settings["codebook_name"] = result.codebook_name
        methods_rows.append({"material": material.name,
                             "text": methods_paragraph(material, settings=settings)})
    if methods_rows:
        tables.append(("Metode", pd.DataFrame(methods_rows, columns=["material", "text"])))
    return tables


def _cell_value(value):
    """A value openpyxl stores natively: numbers as numbers, missing as empty."""
    if value is None:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(item) for item in value)
    return str(value)


def _write_sheet(workbook, name: str, table: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title=name)
    columns = [str(column) for column in table.columns]
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE6EE")
    sheet.append([heading(column) for column in columns])
    for cell in sheet[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    for row in table.itertuples(index=False, name=None):
        values = [_cell_value(value) for value in row]
        sheet.append(values)
        if any(isinstance(value, str) and value.startswith("=") for value in values):
            for cell in sheet[sheet.max_row]:           # text, never a formula
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    for index, column in enumerate(columns, start=1):
        series = table.iloc[:, index - 1]
        letter = get_column_letter(index)
        number_format = excel_format(column, series)
        texts = series.head(WIDTH_SAMPLE).map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                               else str(v))
        longest = max([len(heading(column))] + [len(text) for text in texts]) if len(texts) else len(heading(column))
        if pd.api.types.is_float_dtype(series.dtype):
            longest = max(len(heading(column)), 10)
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
        sheet.column_dimensions[letter].width = width
        wrap = longest > MAX_WIDTH
        if number_format or wrap:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if number_format and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = number_format
                if wrap and isinstance(cell.value, str):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if len(table) and columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(table) + 1}"


def _sanitize_strings(table: pd.DataFrame) -> pd.DataFrame:
    """Remove control characters openpyxl refuses (keep tab and newline)."""
    from textanalyse.spreadsheet import excel_safe

    return excel_safe(table)


def workbook_bytes(result) -> bytes:
    """The workbook as bytes (deterministic for identical input)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for base, table in workbook_tables(result):
        _write_sheet(workbook, sheet_name(base, used), _sanitize_strings(table))
    if not workbook.sheetnames:
        workbook.create_sheet("Oversikt")
    workbook.properties.creator = "textanalyse"
    workbook.properties.title = str(result.title or "")
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Fixed dates in ``docProps/core.xml`` and in every ZIP entry, so equal input gives equal bytes."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return output.getvalue()


def write_workbook(result, path) -> Path:
    """Write every table of ``result`` (a :class:`~textanalyse.analysis.RunResult`) to ``path`` (XLSX)."""
    path = Path(path)
    write_bytes(path, workbook_bytes(result))
    return path
