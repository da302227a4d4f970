"""Coding sheets: draw a sample of segments, write it for a human coder, read the filled-in sheet.

Layout (XLSX sheet ``Koding``, or a CSV file with the same columns, in this order)::

    doc_id, segment, question, [group columns], text, <one column per theme>, kommentar, runde

Theme columns are named exactly as the codebook's themes and hold 1 (the segment is about the
theme) or 0; a blank cell counts as 0. Every row counts as coded. ``runde`` is 1 for the random
sample and 2, 3 … for segments added by active sampling; only round 1 is a random sample, so only
round 1 is used for agreement figures that claim to describe the material. The XLSX version
also has a ``Veiledning`` sheet with the instructions and the theme descriptions in Norwegian.

:func:`read_sheet` finds the theme columns between ``text`` and ``kommentar``, so a coder may
add columns after ``kommentar`` but must not move the theme columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.errors import UserError

TEXT_COLUMN = "text"
COMMENT_COLUMN = "kommentar"
ROUND_COLUMN = "runde"
KEY_COLUMNS = ("doc_id", "segment")
SHEET_NAME = "Koding"
INSTRUCTION_SHEET = "Veiledning"
_YES = {"1", "1.0", "x", "ja", "true"}
_NO = {"", "0", "0.0", "nei", "false", "nan", "none"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CodingSheet:
    """A filled-in sheet: ``segments`` (``doc_id, segment, question, text, runde`` + groups),
    ``codes`` (same row order, one 0/1 int column per theme), ``comments`` and the file name."""

    segments: pd.DataFrame
    codes: pd.DataFrame
    comments: pd.Series
    source: str

    @property
    def themes(self) -> list[str]:
        return list(self.codes.columns)


# ------------------------------------------------------------------ sampling
def segment_table(corpus, *, group_by=()) -> pd.DataFrame:
    """Every codable segment: ``doc_id, segment, question, [group columns], text``."""
    group_by = list(group_by)
    missing = [column for column in group_by if column not in corpus.metadata_columns]
    if missing:
        raise UserError(f"--group-by column '{missing[0]}' not found; metadata columns are: "
                        + (", ".join(corpus.metadata_columns) or "(none)"))
    documents = corpus.documents[["doc_id", "question", *group_by]]
    table = corpus.segments[["doc_id", "segment", "text"]].merge(documents, on="doc_id", how="left", sort=False)
    table = table.loc[table["text"].astype(str).str.strip() != ""]
    return table[["doc_id", "segment", "question", *group_by, "text"]].reset_index(drop=True)


def draw_sample(segments: pd.DataFrame, *, n: int, group_by=(), seed: int = 1, exclude=()) -> pd.DataFrame:
    """A random sample of ``n`` segments stratified by question × group, fixed by ``seed``.

    Each stratum gets its proportional share (largest remainders; at least one segment per
    stratum while ``n`` allows). ``exclude`` holds ``(doc_id, segment)`` pairs never drawn.

    Example:
        >>> table = pd.DataFrame({"doc_id": [f"{i}:bra" for i in range(10)], "segment": 0,
        ...                       "question": ["bra"] * 6 + ["darlig"] * 4, "text": "Bra."})
        >>> draw_sample(table, n=5, seed=1)["question"].tolist()
        ['bra', 'bra', 'bra', 'darlig', 'darlig']
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UserError(f"--n must be a whole number of at least 1, got {n!r}")
    excluded = {(str(doc), int(seg)) for doc, seg in exclude}
    pool = segments.loc[[(doc, int(seg)) not in excluded
                         for doc, seg in zip(segments["doc_id"], segments["segment"])]]
    if pool.empty:
        raise UserError("every segment is already in a coding sheet; there is nothing new to draw")
    strata_columns = ["question", *group_by]
    keys = pool[strata_columns].astype(str).agg("\x1f".join, axis=1)
    strata = list(dict.fromkeys(keys))
    sizes = np.array([(keys == key).sum() for key in strata])
    n = min(n, int(sizes.sum()))
    quota = _allocate(sizes, n)
    rng = np.random.default_rng(seed)
    chosen = []
    for key, take in zip(strata, quota):
        members = np.flatnonzero((keys == key).to_numpy())
        chosen.extend(sorted(rng.choice(members, size=take, replace=False).tolist()))
    return pool.iloc[sorted(chosen)].reset_index(drop=True)


def _allocate(sizes: np.ndarray, n: int) -> np.ndarray:
    """Proportional allocation with largest remainders, one per stratum first when n allows."""
    quota = np.zeros(len(sizes), dtype=int)
    if n >= len(sizes):
        quota += 1
    left = n - quota.sum()
    share = sizes / sizes.sum() * n - quota
    share = np.maximum(share, 0)
    base = np.minimum(np.floor(share).astype(int), sizes - quota)
    quota += base
    left = n - quota.sum()
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    while left > 0:
        for index in order:
            if left and quota[index] < sizes[index]:
                quota[index] += 1
                left -= 1
    return quota


# ------------------------------------------------------------------ writing
def write_sheet(segments: pd.DataFrame, path, *, themes, descriptions=None, round_number: int = 1,
                about: str = "") -> Path:
    """Write a blind coding sheet (XLSX with instructions, or CSV) atomically.

    ``segments`` comes from :func:`draw_sample`; ``themes`` are the codebook's theme names;
    ``descriptions`` maps a theme to its description for the instruction sheet.
    """
    from textanalyse.atomic import atomic_path

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(f"{path}: --out must end in .xlsx or .csv")
    bad = [theme for theme in themes if theme in segments.columns or theme in (COMMENT_COLUMN, ROUND_COLUMN)]
    if bad:
        raise UserError(f"theme '{bad[0]}' has the same name as a column of the sheet; rename the theme")
    table = segments.copy()
    for theme in themes:
        table[theme] = None
    table[COMMENT_COLUMN] = ""
    table[ROUND_COLUMN] = round_number
    try:
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                safe = table.copy()
                for column in safe.columns:
                    safe[column] = safe[column].astype(object).map(_csv_text)
                safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
            else:
                _write_xlsx(table, tmp, themes=list(themes), descriptions=descriptions or {},
                            round_number=round_number, about=about)
    except PermissionError:
        raise UserError(f"{path}: cannot write here (permission denied, or the file is open in Excel)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot write ({error.strerror})") from None
    return path


def _csv_text(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe (removed on reading)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_xlsx(table: pd.DataFrame, path: Path, *, themes, descriptions, round_number, about) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    columns = list(table.columns)
    sheet.append(columns)
    for row in table.itertuples(index=False, name=None):
        sheet.append([None if value is None or (isinstance(value, float) and np.isnan(value))
                      else value if isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                      else ILLEGAL_CHARACTERS_RE.sub("", str(value)) for value in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6EE")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    text_index = columns.index(TEXT_COLUMN) + 1
    first_theme = text_index + 1
    last_theme = text_index + len(themes)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if index == text_index:
            sheet.column_dimensions[letter].width = 60
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif first_theme <= index <= last_theme:
            sheet.column_dimensions[letter].width = 12
        elif column == COMMENT_COLUMN:
            sheet.column_dimensions[letter].width = 30
        else:
            sheet.column_dimensions[letter].width = max(10, min(24, len(str(column)) + 2))
    if themes and len(table):
        validation = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                                    errorTitle="Bare 1 eller 0", error="Skriv 1 (temaet finnes i svaret) eller "
                                    "0 / la stå tomt (temaet finnes ikke).")
        validation.add(f"{get_column_letter(first_theme)}2:{get_column_letter(last_theme)}{len(table) + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=2, column=first_theme)
    _write_instructions(workbook.create_sheet(INSTRUCTION_SHEET), themes=themes, descriptions=descriptions,
                        rows=len(table), round_number=round_number, about=about)
    workbook.save(path)


def _write_instructions(sheet, *, themes, descriptions, rows, round_number, about) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        ("Koding av svar", ""),
        ("", ""),
        ("Slik koder du", f"Arket «{SHEET_NAME}» har {rows} tekstutdrag (svar eller intervjubolker), ett per rad."),
        ("", "Les teksten i kolonnen «text». For hvert tema: skriv 1 hvis utdraget handler om temaet, "
             "ellers 0 eller la cellen stå tom (tom teller som 0)."),
        ("", "Et utdrag kan ha flere temaer, eller ingen. Kod etter meningen, ikke etter enkeltord: "
             "«tak over hodet» er Bolig selv om ordet bolig ikke står der."),
        ("", "Ikke endre kolonnene doc_id, segment og question, og ikke flytt eller gi nytt navn til "
             "temakolonnene; de brukes til å koble kodingen til materialet."),
        ("", "Skriv gjerne spørsmål eller tvil i «kommentar». Alle rader regnes som kodet."),
        ("Blind koding", "Arket viser ingen maskinkoder, slik at kodingen din er uavhengig og kan brukes til "
                         "å måle hvor godt den automatiske kodingen stemmer med en person."),
        ("To kodere", "Skal to personer kode de samme utdragene, lager dere hver deres kopi av arket og koder "
                      "uten å se hverandres koder. Samsvaret regnes ut med «textanalyse agreement A.xlsx B.xlsx»."),
        ("Utvalg", about or ("Tilfeldig utvalg, stratifisert etter spørsmål og gruppe." if round_number == 1 else
                             f"Runde {round_number}: utdragene modellen var mest usikker på.")),
        ("", ""),
        ("Tema", "Beskrivelse"),
    ]
    lines += [(theme, descriptions.get(theme, "")) for theme in themes]
    for left, right in lines:
        sheet.append([left, right])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = len(lines) - len(themes)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100


# ------------------------------------------------------------------ reading
def read_sheet(path, *, themes=None) -> CodingSheet:
    """Read a filled-in coding sheet (XLSX or CSV), or a coded ``.qdpx`` (see :mod:`~textanalyse.coding.qdpx_sheet`).

    ``themes``: the codebook's theme names; when given, every theme column must be one of them.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".qdpx", ".qde"):   # coded in NVivo, MAXQDA or ATLAS.ti from our export
        from textanalyse.coding.qdpx_sheet import read_qdpx_sheet

        return read_qdpx_sheet(path, themes=themes)
    if not path.exists():
        raise UserError(f"{path}: coding sheet not found; check the path")
    try:
        if suffix == ".xlsx":
            with pd.ExcelFile(path, engine="openpyxl") as book:
                name = SHEET_NAME if SHEET_NAME in book.sheet_names else book.sheet_names[0]
                table = pd.read_excel(book, sheet_name=name, dtype=object)
        elif suffix == ".csv":
            from textanalyse.io.tables import read_table

            table = read_table(path)
        else:
            raise UserError(f"{path}: a coding sheet must be .xlsx, .csv or a coded .qdpx")
    except UserError:
        raise
    except Exception as error:  # a damaged or foreign file: name it, never show its cells
        raise UserError(f"{path}: cannot read the coding sheet ({type(error).__name__}); "
                        "is it the sheet textanalyse code-sheet wrote?") from None
    table.columns = [str(column).strip() for column in table.columns]
    required = [*KEY_COLUMNS, TEXT_COLUMN, COMMENT_COLUMN]
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise UserError(f"{path}: column '{missing[0]}' is missing; use a sheet written by textanalyse code-sheet")
    start, end = table.columns.get_loc(TEXT_COLUMN) + 1, table.columns.get_loc(COMMENT_COLUMN)
    theme_columns = list(table.columns[start:end])
    if not theme_columns:
        raise UserError(f"{path}: no theme columns between 'text' and 'kommentar'")
    if themes is not None:
        unknown = [column for column in theme_columns if column not in set(themes)]
        if unknown:
            raise UserError(f"{path}: column '{unknown[0]}' is not a theme of the codebook; "
                            "use the same codebook as for the sheet, or rename the column")
    table = table.loc[table[list(KEY_COLUMNS)].notna().all(axis=1)].reset_index(drop=True)
    codes = pd.DataFrame(index=table.index)
    for column in theme_columns:
        values = table[column].map(_cell_text)
        bad = ~values.isin(_YES | _NO)
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2
            raise UserError(f"{path}: row {row}, column '{column}' must be 1, 0 or empty")
        codes[column] = values.isin(_YES).astype(int)
    segments = pd.DataFrame({"doc_id": table["doc_id"].map(_key_text), "segment": table["segment"].map(_segment)})
    for column in table.columns:
        if column not in (*KEY_COLUMNS, *theme_columns, COMMENT_COLUMN):
            segments[column] = table[column].map(lambda v: "" if pd.isna(v) else _uncsv(str(v)))
    segments[ROUND_COLUMN] = (pd.to_numeric(table[ROUND_COLUMN], errors="coerce").fillna(1).astype(int)
                              if ROUND_COLUMN in table.columns else 1)
    duplicated = segments.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        row = int(duplicated.to_numpy().argmax()) + 2
        raise UserError(f"{path}: row {row} repeats a doc_id and segment of an earlier row; remove one of them")
    comments = table[COMMENT_COLUMN].map(lambda v: "" if pd.isna(v) else str(v))
    return CodingSheet(segments=segments, codes=codes, comments=comments, source=str(path))


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip().lower()


def _key_text(value) -> str:
    text = _uncsv(str(value).strip())
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def _segment(value) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise UserError(f"segment '{value}' is not a number; do not edit the segment column") from None


def _uncsv(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA_START else text


def combine_sheets(sheets) -> CodingSheet:
    """One sheet from several (rounds 1, 2 …): later sheets may not repeat a coded segment."""
    sheets = list(sheets)
    if len(sheets) == 1:
        return sheets[0]
    segments = pd.concat([s.segments for s in sheets], ignore_index=True)
    codes = pd.concat([s.codes for s in sheets], ignore_index=True).fillna(0).astype(int)
    comments = pd.concat([s.comments for s in sheets], ignore_index=True)
    duplicated = segments.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        where = segments.loc[duplicated].iloc[0]
        raise UserError(f"segment {where['doc_id']}/{where['segment']} is coded in two sheets; "
                        "keep it in one of them")
    return CodingSheet(segments=segments, codes=codes, comments=comments,
                       source=", ".join(s.source for s in sheets))
