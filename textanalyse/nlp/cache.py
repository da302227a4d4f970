"""Private on-disk cache of token tables, keyed by the texts and the exact pipeline that made them.

Survey answers are health data, often on shared research servers, so the cache is private and
is read back as data only:

- one file per entry, ``<root>/annotations/<key>.npz``: numeric numpy arrays (row, position,
  offsets, ``is_word``, category codes) plus a JSON header (format, key, row count, the category
  values), loaded with ``allow_pickle=False`` — nothing in a cache file is ever executed;
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
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.errors import UserError

# Bump when the token table's layout or the annotation code changes its output.
TOKEN_TABLE_FORMAT = "tokens-v2"
ENTRY_SUFFIX = ".npz"
OLD_SUFFIXES = (".pkl",)  # earlier versions pickled; such files are never read, only removed
FOLDER_MODE = 0o700
FILE_MODE = 0o600
NUMERIC_COLUMNS = ("_row", "position", "start", "end", "is_word")
CATEGORY_COLUMNS = ("form", "lower", "lemma", "pos", "ent", "lang")
TABLE_COLUMNS = ("_row", "position", "start", "end", "form", "lower", "lemma", "pos", "ent", "is_word", "lang")


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


def cache_file(cache_dir, key: str) -> Path:
    return Path(cache_dir) / "annotations" / f"{key}{ENTRY_SUFFIX}"


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


def load_cached(cache_dir, key: str) -> pd.DataFrame | None:
    """The cached table for ``key``, or ``None``: absent, damaged, foreign or not the user's own."""
    if cache_dir is None:
        return None
    path = cache_file(cache_dir, key)
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            return _table_from_arrays(archive, key)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, UnicodeDecodeError):
        return None  # a truncated or foreign file is simply rebuilt


def store(cache_dir, key: str, table: pd.DataFrame) -> None:
    """Store atomically as a ``0600`` file; a cache that cannot be written is skipped, never fatal."""
    if cache_dir is None:
        return
    path = cache_file(cache_dir, key)
    from textanalyse.atomic import atomic_path

    try:
        if prepare(cache_dir) is None:
            return
        with atomic_path(path, mode=FILE_MODE) as tmp:
            with open(tmp, "wb") as handle:
                np.savez(handle, **_arrays_from_table(table, key))
    except (OSError, UserError):
        pass


def _arrays_from_table(table: pd.DataFrame, key: str) -> dict[str, np.ndarray]:
    header = {"format": TOKEN_TABLE_FORMAT, "key": key, "rows": len(table),
              "categories": {column: [str(value) for value in table[column].cat.categories]
                             for column in CATEGORY_COLUMNS}}
    arrays = {"header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
    for column in NUMERIC_COLUMNS:
        arrays[column] = table[column].to_numpy()
    for column in CATEGORY_COLUMNS:
        arrays[f"{column}.codes"] = table[column].cat.codes.to_numpy()
    return arrays


def _table_from_arrays(archive, key: str) -> pd.DataFrame | None:
    header = json.loads(archive["header"].tobytes().decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != TOKEN_TABLE_FORMAT or header.get("key") != key:
        return None
    rows, categories = header["rows"], header["categories"]
    columns = {}
    for column in NUMERIC_COLUMNS:
        values = archive[column]
        if values.dtype.kind not in "iub" or values.shape != (rows,):
            return None
        columns[column] = values
    for column in CATEGORY_COLUMNS:
        codes, values = archive[f"{column}.codes"], categories[column]
        if codes.dtype.kind != "i" or codes.shape != (rows,) or not all(isinstance(v, str) for v in values):
            return None
        # from_codes checks every code against the categories (ValueError: rebuilt)
        columns[column] = pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object))
    return pd.DataFrame({column: columns[column] for column in TABLE_COLUMNS})


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
        if path.suffix == ENTRY_SUFFIX and not path.name.startswith("."):
            entries.append(path)
        elif path.suffix in OLD_SUFFIXES or path.name.endswith(".tmp"):
            old.append(path)
    return sorted(entries), sorted(old)


def cache_info(cache_dir) -> CacheInfo:
    """Folder, number of entries and their total size (reads no entry).

    Example:
        >>> import tempfile
        >>> cache_info(tempfile.mkdtemp()).entries
        0
    """
    folder = Path(cache_dir)
    entries, old = _entry_files(folder)
    return CacheInfo(folder, len(entries), sum(path.stat().st_size for path in entries + old), len(old))


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
