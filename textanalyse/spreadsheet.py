"""Text stays text in spreadsheets: no answer ever becomes a formula in a file this tool writes.

- Every ``.xlsx`` the tool writes stores strings as text cells (an answer ``=HYPERLINK(…)``
  is shown as typed, never evaluated) and drops the control characters Excel refuses.
- CSV outputs are data for scripts and for reading back in, so they keep text exactly, with
  one exception: tables made for people to read in a spreadsheet (``kwic`` and ``quotes``
  with ``--out FILE.csv``) follow the OWASP CSV-injection advice: a cell starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``. The masked table of
  ``anonymize`` and the tables of ``run`` (``tabeller/*.csv``) are data that is read again,
  so they are not changed; open them in Excel through the ``.xlsx`` output (or Excel's
  *Data > From Text/CSV*, which does not evaluate formulas).
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value):
    """A CSV cell that a spreadsheet would read as a formula, made inert with a leading ``'``.

    Example:
        >>> guard_formula('=HYPERLINK("http://x.test","klikk")')
        '\\'=HYPERLINK("http://x.test","klikk")'
        >>> guard_formula("God hjelp")
        'God hjelp'
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def guard_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` with :func:`guard_formula` applied to every text cell."""
    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object or isinstance(table[column].dtype, pd.StringDtype):
            table[column] = table[column].map(guard_formula)
    return table


def excel_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` without the control characters that Excel files cannot hold (tab and newline stay)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    table = table.copy()
    for column in table.columns:
        if table[column].dtype == object or isinstance(table[column].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            table[column] = table[column].map(
                lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v).astype(object)
    return table


def text_as_text(worksheet) -> None:
    """Make every cell openpyxl would store as a formula (a string starting with ``=``) a text cell."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
