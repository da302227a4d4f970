"""Atomic writing: outputs appear complete or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` only on success.

    ``mode``: the file's permissions (e.g. ``0o600`` for private cache files); by default the
    usual ones (``0666`` less the umask). The file is never readable by others before the rename.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "ord.csv"
        >>> with atomic_path(path) as tmp:
        ...     _ = tmp.write_text("word,count\\noppfølging,2\\n", encoding="utf-8")
        ...     path.exists()
        False
        >>> path.read_text(encoding="utf-8").splitlines()[1]
        'oppfølging,2'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)  # OSError here: callers decide (the cache skips, others report)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, (0o666 & ~_umask()) if mode is None else mode)  # mkstemp makes 0600
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _user_error(message: str):
    from textanalyse.errors import UserError

    return UserError(message)


def _cannot_write(target: Path, error: OSError):
    """A one-line :class:`UserError` for a folder or file that cannot be created."""
    if isinstance(error, PermissionError):
        return _user_error(f"{target}: cannot write here (permission denied); choose another output location")
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return _user_error(f"{target}: cannot write here (a file is in the way of the folder); "
                           "choose another output location")
    return _user_error(f"{target}: cannot write ({error.strerror or type(error).__name__}); "
                       "choose another output location")


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding=encoding)
    except OSError as error:
        raise _cannot_write(Path(path), error) from None


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    try:
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    except OSError as error:
        raise _cannot_write(Path(path), error) from None


@contextlib.contextmanager
def _no_interrupt():
    """Hold SIGINT back (POSIX, main thread) for a few file operations that must not be split."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def check_replaceable(path, *, overwrite: bool = False, marker: str | None = "manifest.json") -> Path:
    """The resolved output folder, or one clear error if a run may not write (or replace) it.

    Call it before long work, so a refused ``--out`` fails at once; :func:`atomic_directory`
    checks again when it writes. Only an empty folder or one holding ``marker`` (an earlier
    result) may be replaced, and never one that holds the current working directory.
    """
    from textanalyse.errors import UserError

    target = Path(path).resolve()
    if target.exists() and not overwrite:
        raise UserError(f"{target}: output folder already exists; use --overwrite to replace it or choose another --out")
    if target.exists():
        if not target.is_dir():
            raise UserError(f"{target}: exists and is not a folder; choose another --out")
        cwd = Path.cwd().resolve()
        if cwd == target or target in cwd.parents:
            raise UserError(f"{target}: is (or contains) the current folder; choose a new folder for --out")
        if marker and any(target.iterdir()) and not (target / marker).exists():
            raise UserError(f"{target}: is not an earlier results folder (no {marker}); it is not replaced, "
                            "choose a new folder for --out")
    return target


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, *, overwrite: bool = False,
                     marker: str | None = "manifest.json") -> Iterator[Path]:
    """Yield a fresh temporary folder; it replaces ``path`` only when the block succeeds.

    An existing ``path`` is refused unless ``overwrite`` is true, and even then it stays
    untouched until the new folder is complete, so an interrupted run leaves the previous
    results intact. Only a folder is ever replaced, and only one that is empty or holds
    ``marker`` (a previous result), never one that holds the current working directory:
    ``--out . --overwrite`` or ``--out data/ --overwrite`` must not delete anybody's files.
    """
    target = check_replaceable(path, overwrite=overwrite, marker=marker)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
        with _no_interrupt():  # Ctrl-C between the two renames would leave no results folder at all
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
                os.replace(target, old / "previous")
                try:
                    os.replace(tmp, target)
                except BaseException:
                    os.replace(old / "previous", target)
                    raise
                finally:
                    shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
