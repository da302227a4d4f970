"""Read survey exports (CSV/TSV, XLSX, SPSS .sav) into a table of strings."""

from __future__ import annotations

import csv
import difflib
import io
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from textanalyse.errors import UserError, warn
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
    require_regular_file(path)
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
    r"""Decode file bytes: a BOM wins, then ``encoding``, then UTF-8, then cp1252 line by line.

    A file that is UTF-8 except for some lines (two exports pasted together) is decoded line
    by line, each line in the encoding it is in, so no line becomes mojibake.

    Such a file gets a warning naming the cp1252 lines.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     decode_bytes("Grünerløkka\n".encode() + "Grünerløkka\n".encode("cp1252"), "svar.csv", encoding=None)
        'Grünerløkka\nGrünerløkka\n'
        >>> str(caught[0].message)[:57]
        'svar.csv: mixed encodings: 1 line(s) are cp1252 (line 2),'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], encoding or "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _without_nul(data.decode("utf-16"), path)
    if encoding:
        try:
            return _without_nul(data.decode(encoding), path)
        except LookupError:
            raise UserError(f"{path}: unknown encoding '{encoding}'; try --encoding utf-8 or --encoding cp1252") from None
        except UnicodeDecodeError as error:
            alternative = "cp1252" if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig") else "utf-8"
            line = data.count(b"\n", 0, error.start) + 1
            raise UserError(f"{path}: cannot be read as {encoding} (line {line}); try --encoding {alternative}, "
                            "or leave --encoding out to read each line in the encoding it is in") from None
    try:
        return _without_nul(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    lines, as_cp1252, utf8_letters = [], [], False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
            utf8_letters = utf8_letters or not line.isascii()
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
                as_cp1252.append(number)
            except UnicodeDecodeError:
                raise UserError(f"{path}: cannot be decoded: line {number} is neither UTF-8 nor cp1252; give the right --encoding "
                                "(e.g. --encoding latin-1) or save the file as UTF-8") from None
    if utf8_letters:  # a mixed file (a plain cp1252 export is normal and needs no word)
        shown = ", ".join(str(number) for number in as_cp1252[:5]) + (" …" if len(as_cp1252) > 5 else "")
        warn(f"{path}: mixed encodings: {len(as_cp1252)} line(s) are cp1252 (line {shown}), the rest UTF-8; each line "
             "was read in its own encoding; check those lines, or save the file as UTF-8")
    return _without_nul("\n".join(lines), path)


def _without_nul(text: str, path) -> str:
    nul = text.count("\x00")
    if nul:
        # A stray NUL in a big export is damage in one cell; many mean UTF-16 or a binary file.
        if nul > len(text) // 10_000:
            raise UserError(f"{path}: contains NUL bytes; it may be UTF-16 or not a text file; save it as UTF-8 CSV")
        text = text.replace("\x00", " ")
    return text


# The first bytes of files that are not text, with what to tell the user.
_NOT_TEXT = (
    (b"PK\x03\x04", "is a zip package (an Excel .xlsx or Word .docx file?), not text; give it its real ending"),
    (b"\xd0\xcf\x11\xe0", "is an old Office file (.xls/.doc) or a password-protected one, not text; "
                         "save it again in Excel or Word as .xlsx/.docx without a password"),
    (b"$FL2", "is an SPSS file, not text; rename it to .sav"),
    (b"$FL3", "is an SPSS file, not text; rename it to .sav"),
    (b"%PDF", "is a PDF file, not text; export the text or table from the program that made it"),
)


def refuse_binary(data: bytes, path) -> None:
    """One clear line for a workbook, SPSS file or PDF given under a text ending.

    Example:
        >>> refuse_binary(b"PK\x03\x04 ...", "svar.csv")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: svar.csv: is a zip package (an Excel .xlsx or Word .docx file?), not text; give it its real ending
    """
    for magic, advice in _NOT_TEXT:
        if data.startswith(magic):
            raise UserError(f"{path}: {advice}")


def require_regular_file(path) -> None:
    """Refuse a link loop, a pipe, a device or a socket with one line (reading a pipe would wait forever)."""
    import stat

    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        if path.is_symlink():
            raise UserError(f"{path}: is a broken link or a link loop; give the file itself") from None
        if isinstance(error, FileNotFoundError):
            raise UserError(f"{path}: file not found; check the path") from None
        raise UserError(f"{path}: cannot be read ({error.strerror or type(error).__name__}); check the file") from None
    if stat.S_ISDIR(mode):
        return
    if not stat.S_ISREG(mode):
        raise UserError(f"{path}: is not an ordinary file (a pipe, device or socket); save the data to a file first")


def sniff_separator(text: str) -> str:
    """The delimiter used in the header line: the candidate occurring most often outside quotes."""
    header = re.split(r"\r\n|\n|\r", text, maxsplit=1)[0]  # old Mac exports end lines with CR only
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
    require_regular_file(path)
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
    if not data or data.isspace():  # as `not data.strip()`, without copying the file
        raise UserError(f"{path}: the file is empty; export the survey again")
    refuse_binary(data, path)
    text = decode_bytes(data, path, encoding=encoding)
    separator = sep or sniff_separator(text)
    _refuse_duplicate_header(text, separator, path)
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


def _refuse_duplicate_header(text: str, separator: str, path) -> None:
    """pandas renames a repeated column to ``svar.1`` silently; the user must choose."""
    try:
        header = next(csv.reader(_lines(text), delimiter=separator)) if len(separator) == 1 else []
    except (csv.Error, StopIteration):
        return
    names = [name.strip() for name in header]
    for position, name in enumerate(names):
        if name and names.index(name) != position:
            raise UserError(f"{path}: column '{name}' appears twice in the header (columns {names.index(name) + 1} "
                            f"and {position + 1}); rename one of them")


def _lines(text: str):
    """The lines of ``text`` one by one, as a file gives them (the header needs only the first)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _read_excel(path: Path, *, sheet) -> pd.DataFrame:
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an encrypted workbook, or an old .xls renamed
        data = read_file_bytes(path)
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UserError(f"{path}: the workbook is password-protected; remove the password in Excel "
                            "(File > Info > Protect Workbook) and save it again")
        raise UserError(f"{path}: is an old Excel .xls file; open it in Excel and save it as .xlsx")
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
    names = [str(column) for column in table.columns]
    for position, name in enumerate(names):  # pandas renamed a repeated header to 'svar.1'
        base, dot, number = name.rpartition(".")
        if dot and number.isdigit() and base in names[:position]:
            raise UserError(f"{path}: column '{base}' appears twice in the header (columns {names.index(base) + 1} "
                            f"and {position + 1}); rename one of them")
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
