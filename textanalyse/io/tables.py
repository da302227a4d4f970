"""Read survey exports (CSV/TSV, XLSX, SPSS .sav) into a table of strings."""

from __future__ import annotations

import csv
import difflib
import io
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from textanalyse.errors import UserError
from textanalyse.messages import header_looks_like_data, shown_columns

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".sav")
CANDIDATE_SEPARATORS = (";", ",", "\t", "|")
# Decoding order when no --encoding is given: Norwegian Excel writes cp1252, everything
# else writes UTF-8. cp1252 accepts almost any byte, so it must come last.
AUTO_ENCODINGS = ("utf-8", "cp1252")


def read_table(path, *, encoding: str | None = None, sep: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a survey export into a DataFrame of strings (missing cells become ``""``).

    Args:
        path: ``.csv``/``.tsv``/``.txt``, ``.xlsx`` or SPSS ``.sav``.
        encoding: text encoding of a CSV; by default UTF-8 (with or without BOM), then cp1252.
        sep: CSV delimiter; by default sniffed among ``;`` ``,`` tab and ``|``.
        sheet: Excel sheet name or 0-based number; by default the first sheet.

    SPSS value labels replace the codes, so ``kjonn`` reads ``Kvinne`` rather than ``2``.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "svar.csv"
        >>> _ = path.write_text("respondent_id;kjonn;fungerer_bra\\nR1;Kvinne;Møtte forståelse\\n", encoding="cp1252")
        >>> read_table(path).values.tolist()
        [['R1', 'Kvinne', 'Møtte forståelse']]
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: file not found; check the path")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a survey file (.csv, .xlsx, .sav)")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        table = _read_csv(path, encoding=encoding, sep=sep or ("\t" if suffix == ".tsv" else None))
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_excel(path, sheet=sheet)
    elif suffix == ".sav":
        table = _read_sav(path)
    else:
        raise UserError(
            f"{path}: unknown file type '{suffix or '(none)'}'; use .csv, .tsv, .xlsx or .sav for surveys, "
            ".txt or .docx for transcripts"
        )
    if table.shape[1] == 0:
        raise UserError(f"{path}: no columns found; is the file empty?")
    if len(table) == 0:
        raise UserError(f"{path}: has a header but no rows; export the answers too")
    table.columns = [str(column).strip() for column in table.columns]
    return table


# Invisible characters that split or glue words without showing: zero-width space, word joiner,
# BOM in the middle of text, soft hyphen. (Zero-width joiners stay: emoji and some scripts need them.)
INVISIBLE_CHARACTERS = ("\u200b", "\u2060", "\ufeff", "\u00ad")


def clean_text(text: str) -> str:
    """Answer text as analysed: Unicode NFC (``o`` + combining diaeresis → ``ö``), invisible characters removed.

    Example:
        >>> clean_text("o\u0308ppf\u00f8lging\u200b")
        'öppfølging'
    """
    import unicodedata

    for character in INVISIBLE_CHARACTERS:
        if character in text:
            text = text.replace(character, "")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def decode_bytes(data: bytes, path, *, encoding: str | None) -> str:
    """Decode file bytes: a BOM wins, then ``encoding``, then UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    candidates = (encoding,) if encoding else AUTO_ENCODINGS
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except LookupError:
            raise UserError(f"{path}: unknown encoding '{candidate}'; try --encoding utf-8 or --encoding cp1252") from None
        except UnicodeDecodeError as error:
            if encoding:
                alternative = "cp1252" if candidate.lower().replace("-", "") in ("utf8",) else "utf-8"
                raise UserError(
                    f"{path}: cannot be read as {candidate} (byte {error.start}); try --encoding {alternative}"
                ) from None
            continue
        nul = text.count("\x00")
        if nul:
            # A stray NUL in a big export is damage in one cell; many mean UTF-16 or a binary file.
            if nul > len(text) // 10_000:
                raise UserError(f"{path}: contains NUL bytes; it may be UTF-16 or not a text file; save it as UTF-8 CSV")
            text = text.replace("\x00", " ")
        return text
    raise UserError(f"{path}: cannot be decoded as UTF-8 or cp1252; give the right --encoding (e.g. --encoding latin-1)")


def sniff_separator(text: str) -> str:
    """The delimiter used in the header line: the candidate occurring most often outside quotes."""
    header = text.split("\n", 1)[0]
    counts = {}
    for candidate in CANDIDATE_SEPARATORS:
        try:
            fields = next(csv.reader([header], delimiter=candidate))
        except (csv.Error, StopIteration):
            fields = []
        counts[candidate] = len(fields) - 1
    best = max(CANDIDATE_SEPARATORS, key=lambda candidate: counts[candidate])
    return best if counts[best] > 0 else ","


def read_file_bytes(path: Path) -> bytes:
    """The bytes of an input file, or one clear line when it cannot be read."""
    try:
        return path.read_bytes()
    except PermissionError:
        raise UserError(f"{path}: cannot be read (permission denied); check that you may open the file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file; check the path") from None
    except OSError as error:
        raise UserError(f"{path}: cannot be read ({error.strerror or type(error).__name__}); check the file") from None


def _read_csv(path: Path, *, encoding: str | None, sep: str | None) -> pd.DataFrame:
    data = read_file_bytes(path)
    if not data.strip():
        raise UserError(f"{path}: the file is empty; export the survey again")
    text = decode_bytes(data, path, encoding=encoding)
    separator = sep or sniff_separator(text)
    try:
        with warnings.catch_warnings():
            # index_col=False: a first row longer than the header must not silently become an index
            # (pandas would shift every column); the warning it gives instead is made an error
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                io.StringIO(text),
                sep=separator,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                engine="python" if len(separator) > 1 else "c",
            )
    except pd.errors.ParserWarning:
        raise UserError(f"{path}: a row has more fields than the header (separator {separator!r}); "
                        "quote answers that contain the separator, or try --sep") from None
    except pd.errors.ParserError as error:
        detail = str(error).strip().splitlines()[-1][:120]
        raise UserError(f"{path}: not a valid CSV with separator {separator!r} ({detail}); try --sep") from None
    except pd.errors.EmptyDataError:
        raise UserError(f"{path}: the file is empty; export the survey again") from None
    return table


def _read_excel(path: Path, *, sheet) -> pd.DataFrame:
    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UserError(f"{path}: not a valid .xlsx file ({type(error).__name__}); open and save it again in Excel") from None
    with workbook:
        names = workbook.sheet_names
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            index = int(sheet)
            if not 0 <= index < len(names):
                raise UserError(f"{path}: has no sheet number {index}; sheets are: {', '.join(names)}")
            chosen = names[index]
        elif sheet in names:
            chosen = sheet
        else:
            raise UserError(f"{path}: has no sheet '{sheet}'; sheets are: {', '.join(names)}")
        try:
            table = pd.read_excel(workbook, sheet_name=chosen, dtype=object)
        except Exception as error:  # openpyxl raises many types for damaged parts
            raise UserError(f"{path}: sheet '{chosen}' cannot be read ({type(error).__name__}); save it again in Excel") from None
    return table.map(_cell_to_string) if len(table) else table.astype(str)


def _read_sav(path: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        table, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True, formats_as_category=False)
    except Exception as error:  # pyreadstat raises its own ReadstatError and others
        raise UserError(f"{path}: not a readable SPSS .sav file ({type(error).__name__}); export it again from SPSS") from None
    return table.map(_cell_to_string) if len(table) else table.astype(str)


def _cell_to_string(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def require_columns(table: pd.DataFrame, columns, path, *, option: str) -> None:
    """Raise a clear error for each requested column that the table does not have."""
    existing = [str(column) for column in table.columns]
    for column in columns:
        if column in existing:
            continue
        if header_looks_like_data(existing):  # no header row: the "names" are the first answers
            raise UserError(f"{path}: {option} column '{column}' not found. {shown_columns(existing)}")
        close = difflib.get_close_matches(column, existing, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else "."
        raise UserError(f"{path}: {option} column '{column}' not found{hint} {shown_columns(existing)}")
