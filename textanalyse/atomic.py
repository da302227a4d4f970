"""Atomic writing: outputs appear complete or not at all."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
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
    clean_stale_temporaries(target.parent, name=target.name)
    fd, tmp_name = tempfile.mkstemp(prefix=_temporary_prefix(target.name), suffix=".tmp", dir=target.parent)
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


def check_replaceable(path, *, overwrite: bool = False, inputs=(), offer_overwrite: bool = True) -> Path:
    """The resolved output folder, or one clear error if a run may not write (or replace) it.

    Call it before long work, so a refused ``--out`` fails at once; :func:`atomic_directory`
    checks again when it writes. See :func:`textanalyse.outputs.check_results_folder`: only an
    empty folder or one that provably holds an earlier result (and nothing else) is replaced,
    never one that is or holds an input of the run or the current folder.
    """
    from textanalyse.outputs import check_results_folder

    return check_results_folder(path, overwrite=overwrite, inputs=inputs, offer_overwrite=offer_overwrite)


# Temporary names carry the writer's process id, so a later run can tell a crashed writer's
# leftovers (process gone) from a running one's: ".resultater.textanalyse-4711-k2j3h4.tmp".
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.textanalyse-(?P<pid>\d+)-[A-Za-z0-9_]+\.(?P<kind>tmp|old)$")


def _temporary_prefix(name: str) -> str:
    return f".{name}.textanalyse-{os.getpid()}-"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def _claim(folder: Path) -> None:
    """Mark a temporary folder as this process's (see :func:`clean_stale_temporaries`)."""
    from textanalyse.outputs import PARTIAL_MARKER

    (folder / PARTIAL_MARKER).write_text(f"{socket.gethostname()}\n{os.getpid()}\n", encoding="utf-8")


def _claimed_by_dead_writer(folder: Path, pid: int) -> bool:
    from textanalyse.outputs import PARTIAL_MARKER

    marker = folder / PARTIAL_MARKER
    if not marker.is_file() or marker.is_symlink():
        return not any(folder.iterdir())  # killed before the marker was written: an empty folder loses nothing
    try:
        host, owner = marker.read_text(encoding="utf-8").split()[:2]
    except (OSError, ValueError):
        return False
    return host == socket.gethostname() and owner == str(pid)


def clean_stale_temporaries(folder, *, name: str | None = None) -> list[str]:
    """Remove hidden temporary files and folders that a killed run of this tool left in ``folder``.

    Only names this module makes are considered, only when their writer process is gone, and
    a folder only when it carries this tool's marker. A results folder that a killed swap left
    aside is put back. ``name`` limits the cleaning to the temporaries of one output.
    Returns the names removed.
    """
    folder = Path(folder)
    removed = []
    try:
        children = list(folder.iterdir())
    except OSError:
        return removed
    for child in children:
        match = _TEMPORARY.match(child.name)
        if not match or (name is not None and match["name"] != name) or child.is_symlink():
            continue
        pid = int(match["pid"])
        if _running(pid):
            continue
        try:
            if child.is_dir():
                if not _claimed_by_dead_writer(child, pid):
                    continue
                previous, target = child / "previous", folder / match["name"]
                if match["kind"] == "old" and previous.is_dir() and not target.exists():
                    os.replace(previous, target)
                shutil.rmtree(child)
            elif child.is_file() and match["kind"] == "tmp":
                child.unlink()
            else:
                continue
        except OSError:
            continue
        removed.append(child.name)
    return removed


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, *, overwrite: bool = False, inputs=(),
                     offer_overwrite: bool = True) -> Iterator[Path]:
    """Yield a fresh temporary folder; it replaces ``path`` only when the block succeeds.

    An existing ``path`` is refused unless ``overwrite`` is true, and even then it stays
    untouched until the new folder is complete, so an interrupted run leaves the previous
    results intact. Only a folder that is empty or provably an earlier result is ever
    replaced, never one that is or holds an input or the current folder (see
    :func:`check_replaceable`). Temporaries a killed run left beside ``path`` are removed first.
    """
    from textanalyse.outputs import PARTIAL_MARKER

    target = check_replaceable(path, overwrite=overwrite, inputs=inputs, offer_overwrite=offer_overwrite)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(target.parent)
        tmp = Path(tempfile.mkdtemp(prefix=_temporary_prefix(target.name), suffix=".tmp", dir=target.parent))
        _claim(tmp)
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        yield tmp
        # again: the folder may have changed during the work
        check_replaceable(target, overwrite=overwrite, inputs=inputs, offer_overwrite=offer_overwrite)
        os.chmod(tmp, 0o777 & ~_umask())
        with _no_interrupt():  # Ctrl-C between the two renames would leave no results folder at all
            (tmp / PARTIAL_MARKER).unlink()
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=_temporary_prefix(target.name), suffix=".old", dir=target.parent))
                _claim(old)
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
