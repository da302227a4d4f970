"""Private on-disk cache of token tables, keyed by the texts and the exact pipeline that made them.

Survey answers are health data, often on shared research servers, so the cache is private and
is read back as data only:

- one file per entry, ``<root>/annotations/<key>.tokens``: a JSON header (format, key, row
  count, each column's place) and the columns' raw bytes: integer and boolean arrays (row,
  position, offsets, ``is_word``, category codes) and the category values as UTF-8 text. It is
  read with ``numpy.frombuffer`` after checking every dtype, length and code — nothing in a
  cache file is ever executed (no pickle);
- files are ``0600`` and folders ``0700``. The cache root and its ``annotations`` folder are
  the cache's own, so looser modes on them (an existing ``~/.cache/textanalyse`` made by an
  earlier version, say) are *tightened*, not refused; a folder that belongs to another user, or
  is a symbolic link, is refused with one line saying what to do, before any work is done;
- a damaged, foreign or other user's file is a miss: the table is annotated again and the file
  replaced. Files of the old pickle format (``*.pkl``) are never read; ``cache clear`` removes them.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.errors import UserError

# Bump when the token table's layout or the annotation code changes its output.
TOKEN_TABLE_FORMAT = "tokens-v3"
ENTRY_SUFFIX = ".tokens"
LANGUAGE_SUFFIX = ".languages"  # Bokmål/Nynorsk decisions per document: a hit needs no detection
LANGUAGE_FORMAT = "languages-v1"
OLD_SUFFIXES = (".pkl", ".npz")  # earlier formats (.pkl was pickled): never read, only removed
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def cache_key(pipeline_identity: str, texts, langs) -> str:
    """SHA-256 over the format, the pipeline identity, and every text with its language.

    Example:
        >>> key = cache_key("fast:1", ["Lang ventetid."], ["nb"])
        >>> len(key), key == cache_key("fast:1", ["Lang ventetid!"], ["nb"])
        (64, False)
    """
    digest = hashlib.sha256()
    digest.update(f"{TOKEN_TABLE_FORMAT}\x1f{pipeline_identity}\x1f".encode())
    for text, lang in zip(texts, langs):
        digest.update(lang.encode())
        digest.update(b"\x1f")
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def cache_file(cache_dir, key: str, *, suffix: str = ENTRY_SUFFIX) -> Path:
    return Path(cache_dir) / "annotations" / f"{key}{suffix}"


@lru_cache(maxsize=1)
def language_identity() -> str:
    """What the Bokmål/Nynorsk decisions depend on besides the texts: the detector's code and data."""
    folder = Path(__file__).resolve().parent
    digest = hashlib.sha256((folder / "language.py").read_bytes())
    data = folder / "data"
    for path in sorted(data.glob("language*")) if data.is_dir() else ():
        digest.update(f"\x1f{path.name}\x1f{path.stat().st_size}".encode())
        digest.update(path.read_bytes()[-4096:])  # the end of a gzip holds its CRC and size
    return digest.hexdigest()[:16]


def language_key(documents: pd.DataFrame, language: str) -> str:
    """SHA-256 over what decides each document's language: the setting, the detector, respondents, texts."""
    digest = hashlib.sha256(f"{LANGUAGE_FORMAT}\x1f{language}\x1f{language_identity()}\x1f".encode())
    for respondent, text in zip(documents["respondent"].astype(str).tolist(), documents["text"].astype(str).tolist()):
        digest.update(respondent.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def load_languages(cache_dir, key: str, documents: pd.DataFrame) -> pd.DataFrame | None:
    """The cached language decisions per document (with today's ``doc_id``), or ``None``."""
    table = load_cached(cache_dir, key, suffix=LANGUAGE_SUFFIX)
    if table is None or len(table) != len(documents):
        return None
    table.insert(0, "doc_id", documents["doc_id"].astype(str).to_numpy(dtype=object))
    return table


def store_languages(cache_dir, key: str, decisions: pd.DataFrame) -> None:
    """Keep the language decisions (every column but ``doc_id``, as categories, in document order)."""
    table = pd.DataFrame({column: pd.Categorical(decisions[column].astype(str).to_numpy(dtype=object))
                          for column in decisions.columns if column != "doc_id"})
    store(cache_dir, key, table, suffix=LANGUAGE_SUFFIX)


def private_folder(folder: Path) -> Path | None:
    """Create ``folder`` or tighten it to ``0700``; ``None`` if it cannot be made; refuse another's.

    Example:
        >>> import tempfile
        >>> folder = private_folder(Path(tempfile.mkdtemp()) / "textanalyse")
        >>> oct(folder.stat().st_mode & 0o777)
        '0o700'
    """
    folder = Path(folder)
    try:
        folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    except FileExistsError:
        pass  # a link or a file: refused below
    except OSError:
        return None  # cannot be created (read-only home, say): run without a cache, as before
    info = folder.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UserError(f"{folder}: the annotation cache folder is a link or not a folder; "
                        "choose another with --cache-dir or use --no-cache")
    if info.st_uid != os.getuid():
        raise UserError(f"{folder}: the annotation cache folder belongs to another user; "
                        "choose your own with --cache-dir or use --no-cache")
    if stat.S_IMODE(info.st_mode) != FOLDER_MODE:
        try:
            os.chmod(folder, FOLDER_MODE)  # ours: tighten, so other users cannot list or read entries
        except OSError:
            return None
    return folder


def prepare(cache_dir) -> Path | None:
    """The private ``annotations`` folder of ``cache_dir``, or ``None`` (no cache, or none possible).

    Refuses (``UserError``) a cache folder of another user or a linked one; call it before work.
    """
    if cache_dir is None or private_folder(Path(cache_dir)) is None:
        return None
    return private_folder(Path(cache_dir) / "annotations")


def load_cached(cache_dir, key: str, *, suffix: str = ENTRY_SUFFIX) -> pd.DataFrame | None:
    """The cached table for ``key``, or ``None``: absent, damaged, foreign or not the user's own."""
    if cache_dir is None:
        return None
    path = cache_file(cache_dir, key, suffix=suffix)
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            return None
        with open(path, "rb") as handle:
            data = bytearray(info.st_size)  # writable, so the arrays below are ordinary arrays
            if handle.readinto(data) != info.st_size:
                return None
        return _table_from_bytes(data, key)
    except (OSError, ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None  # a truncated or foreign file is simply rebuilt


def store(cache_dir, key: str, table: pd.DataFrame, *, suffix: str = ENTRY_SUFFIX) -> None:
    """Store atomically as a ``0600`` file; a cache that cannot be written is skipped, never fatal."""
    if cache_dir is None:
        return
    path = cache_file(cache_dir, key, suffix=suffix)
    from textanalyse.atomic import atomic_path

    try:
        if prepare(cache_dir) is None:
            return
        with atomic_path(path, mode=FILE_MODE) as tmp:
            with open(tmp, "wb") as handle:
                for part in _entry_parts(table, key):
                    handle.write(part)
    except (OSError, UserError):
        pass


# The layout of an entry: MAGIC, the header's length (8 bytes, little-endian), the header
# (UTF-8 JSON), then the body: each array's raw bytes, and each categorical column's values as
# UTF-8 text separated by NUL (a column whose values hold a NUL keeps them in the header).
MAGIC = b"textanalyse-tokens\n"
ALLOWED_DTYPES = frozenset({"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4"})
SEPARATOR = "\x00"


def _entry_parts(table: pd.DataFrame, key: str) -> list[bytes]:
    columns, body, offset = [], [], 0

    def add(values: np.ndarray) -> dict:
        nonlocal offset
        values = np.ascontiguousarray(values)
        if values.dtype.str not in ALLOWED_DTYPES:
            values = values.astype(np.int64)
        raw = values.tobytes()
        body.append(raw)
        spec = {"dtype": values.dtype.str, "offset": offset, "count": len(values)}
        offset += len(raw)
        return spec

    for name in table.columns:
        column = table[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            values = [str(value) for value in column.cat.categories]
            spec = {"name": name, "codes": add(column.cat.codes.to_numpy())}
            text = SEPARATOR.join(values)
            if any(SEPARATOR in value for value in values):
                spec["values"] = values
            else:
                raw = text.encode("utf-8", "surrogatepass")
                spec["text"] = {"offset": offset, "length": len(raw), "count": len(values)}
                body.append(raw)
                offset += len(raw)
            columns.append(spec)
        else:
            columns.append({"name": name, "array": add(column.to_numpy())})
    header = json.dumps({"format": TOKEN_TABLE_FORMAT, "key": key, "rows": len(table), "columns": columns},
                        ensure_ascii=False).encode("utf-8")
    return [MAGIC, len(header).to_bytes(8, "little"), header, *body]


def _table_from_bytes(data: bytearray, key: str) -> pd.DataFrame | None:
    if not data.startswith(MAGIC):
        return None
    start = len(MAGIC) + 8
    size = int.from_bytes(data[len(MAGIC):start], "little")
    header = json.loads(data[start:start + size].decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != TOKEN_TABLE_FORMAT or header.get("key") != key:
        return None
    body = memoryview(data)[start + size:]
    rows = header["rows"]

    def array(spec: dict) -> np.ndarray:
        dtype = np.dtype(spec["dtype"]) if spec["dtype"] in ALLOWED_DTYPES else None
        if dtype is None or spec["count"] != rows or spec["offset"] + rows * dtype.itemsize > len(body):
            raise ValueError("inconsistent cache entry")
        return np.frombuffer(body, dtype=dtype, count=rows, offset=spec["offset"])

    columns = {}
    for spec in header["columns"]:
        if "array" in spec:
            columns[spec["name"]] = array(spec["array"])
            continue
        if "values" in spec:
            values = spec["values"]
            if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
                return None
        else:
            text = spec["text"]
            if text["offset"] + text["length"] > len(body):
                return None
            values = bytes(body[text["offset"]:text["offset"] + text["length"]]).decode("utf-8", "surrogatepass")
            values = values.split(SEPARATOR) if text["count"] else []
            if len(values) != text["count"]:
                return None
        # from_codes checks every code against the categories and that they are unique (ValueError: rebuilt)
        columns[spec["name"]] = pd.Categorical.from_codes(array(spec["codes"]),
                                                          categories=pd.Index(values, dtype=object))
    return pd.DataFrame(columns, copy=False)  # the arrays were read for this table alone: no second copy


# ---------------------------------------------------------------- cache info / clear
@dataclass(frozen=True)
class CacheInfo:
    """What ``textanalyse cache info`` shows: where, how many entries, how many bytes (no text)."""

    folder: Path
    entries: int
    size_bytes: int
    old_files: int

    def lines(self) -> list[str]:
        """Lines for the terminal.

        Example:
            >>> CacheInfo(Path("/tmp/c"), 2, 3_500_000, 0).lines()
            ['folder: /tmp/c', 'entries: 2', 'size: 3.3 MiB']
        """
        lines = [f"folder: {self.folder}", f"entries: {self.entries}", f"size: {_size(self.size_bytes)}"]
        if self.old_files:
            lines.append(f"old-format files: {self.old_files} (never read; 'textanalyse cache clear' removes them)")
        return lines


def _size(n_bytes: int) -> str:
    if n_bytes < 1024:
        return f"{n_bytes} B"
    if n_bytes < 1024 ** 2:
        return f"{n_bytes / 1024:.1f} KiB"
    return f"{n_bytes / 1024 ** 2:.1f} MiB"


def _entry_files(cache_dir) -> tuple[list[Path], list[Path]]:
    """(current entries, old-format and left-over temporary files) in the annotations folder."""
    folder = Path(cache_dir) / "annotations"
    if not folder.is_dir() or folder.is_symlink():
        return [], []
    entries, old = [], []
    for path in folder.iterdir():
        if not path.is_file() or path.is_symlink():
            continue
        if path.suffix in (ENTRY_SUFFIX, LANGUAGE_SUFFIX) and not path.name.startswith("."):
            entries.append(path)
        elif path.suffix in OLD_SUFFIXES or path.name.endswith(".tmp"):
            old.append(path)
    return sorted(entries), sorted(old)


def cache_info(cache_dir) -> CacheInfo:
    """Folder, number of cached annotations and the size of all cache files (reads no entry).

    Example:
        >>> import tempfile
        >>> cache_info(tempfile.mkdtemp()).entries
        0
    """
    folder = Path(cache_dir)
    entries, old = _entry_files(folder)
    annotations = [path for path in entries if path.suffix == ENTRY_SUFFIX]  # language files ride along
    return CacheInfo(folder, len(annotations), sum(path.stat().st_size for path in entries + old), len(old))


def clear_cache(cache_dir) -> int:
    """Remove every cache entry (and old-format files); returns how many files were removed.

    Only files the cache made are removed, nothing else in the folder.

    Example:
        >>> import tempfile
        >>> clear_cache(tempfile.mkdtemp())
        0
    """
    folder = Path(cache_dir)
    entries, old = _entry_files(folder)
    removed = 0
    for path in entries + old:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as error:
            raise UserError(f"{path}: cannot remove ({error.strerror or error}); check the folder's permissions") from None
    return removed
