"""Where outputs may go: never onto an input, never two outputs on one path, and an existing
results folder is replaced only when it provably holds an earlier result of this tool and nothing else.

A run's ``manifest.json`` carries ``results_folder = {"format": RESULTS_FORMAT, "files": {path: sha256}}``
listing every file the run wrote. ``--overwrite`` replaces a folder only when that list matches
what is in the folder: a researcher's own file, a file edited after the run, or a manifest that
this tool did not write, means the folder is left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from textanalyse.errors import UserError

MANIFEST = "manifest.json"
RESULTS_FORMAT = "textanalyse-results/1"
# Files the operating system drops into any folder a user opens; replacing them loses nothing.
OS_CLUTTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
# Present only while a folder is being written (see textanalyse.atomic); never part of a result.
PARTIAL_MARKER = ".textanalyse-partial"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def results_listing(folder) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` except the manifest itself.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "ord.csv").write_text("word,count\\nbolig,2\\n", encoding="utf-8")
        >>> list(results_listing(folder))
        ['ord.csv']
    """
    folder = Path(folder)
    listing = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative in (MANIFEST, PARTIAL_MARKER) or path.is_dir():
            continue
        listing[relative] = _sha256(path)
    return listing


def stamp_results(manifest: dict, folder) -> dict:
    """Add the marker and the list of written files to a run's manifest (call it last).

    Example:
        >>> import tempfile
        >>> stamp_results({}, tempfile.mkdtemp())["results_folder"]
        {'format': 'textanalyse-results/1', 'files': {}}
    """
    manifest["results_folder"] = {"format": RESULTS_FORMAT, "files": results_listing(folder)}
    return manifest


def not_an_earlier_result(folder) -> str | None:
    """Why ``folder`` is not provably an earlier result of this tool, or ``None`` if it is (or is empty).

    Reasons name files, never their contents.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "avhandling.docx").write_bytes(b"PK")
        >>> not_an_earlier_result(folder)
        'it holds avhandling.docx and no manifest.json of textanalyse'
    """
    folder = Path(folder)
    present = sorted(path for path in folder.rglob("*"))
    if not present:
        return None
    for path in present:
        if path.is_symlink():
            return f"it holds a link, {path.relative_to(folder).as_posix()}"
        if not (path.is_dir() or path.is_file()):
            return f"it holds {path.relative_to(folder).as_posix()}, which is not an ordinary file"
    manifest_path = folder / MANIFEST
    files = [path.relative_to(folder).as_posix() for path in present if path.is_file()]
    others = [name for name in files if name != MANIFEST and Path(name).name not in OS_CLUTTER]
    if not manifest_path.is_file():
        return f"it holds {others[0] if others else files[0]} and no {MANIFEST} of textanalyse"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = manifest["results_folder"]["files"]
        if manifest["results_folder"]["format"] != RESULTS_FORMAT or not isinstance(listed, dict):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        return f"its {MANIFEST} was not written by this version of textanalyse"
    for name in others:
        if name not in listed:
            return f"it holds {name}, which the earlier run did not write"
        if _sha256(folder / name) != listed[name]:
            return f"{name} was changed after the earlier run"
    empty = [path for path in present if path.is_dir() and not any(path.iterdir())]
    if empty:
        return f"it holds the folder {empty[0].relative_to(folder).as_posix()}, which the earlier run did not write"
    return None


def _resolved(path) -> Path:
    return Path(os.path.realpath(path))  # never raises, also not for a link loop


def input_inside(folder, inputs) -> str | None:
    """The first input that ``folder`` is, or holds (at any depth); ``None`` if none.

    Example:
        >>> input_inside("prosjekt", ["prosjekt/data/svar.csv"])
        'prosjekt/data/svar.csv'
        >>> input_inside("prosjekt/resultater", ["prosjekt/data/svar.csv"]) is None
        True
    """
    target = _resolved(folder)
    for given in inputs:
        if not given:
            continue
        path = _resolved(given)
        if path == target or target in path.parents:
            return str(given)
    return None


def _resolved_parent(path) -> Path:
    """``path`` with its folder resolved but the last part kept, so a link itself is seen as a link."""
    absolute = Path(os.path.abspath(path))
    return Path(os.path.realpath(absolute.parent)) / absolute.name


def check_results_folder(path, *, overwrite: bool = False, inputs=(), offer_overwrite: bool = True) -> Path:
    """The resolved output folder, or one clear error if a run may not write (or replace) it.

    Never a folder that is or holds an input or the current folder; an existing folder only
    with ``overwrite`` and only when it is empty or provably an earlier result. The advice
    names ``--overwrite`` only where it would work (``offer_overwrite``: the command has it).
    """
    target = _resolved_parent(path)
    cwd = Path.cwd().resolve()
    if cwd == target or target in cwd.parents:
        raise UserError(f"{target}: is (or contains) the current folder; choose a new folder for --out")
    held = input_inside(target, inputs)
    if held:
        raise UserError(f"{target}: holds the input {held}; the output folder must be a new folder "
                        "outside the data, choose another --out")
    if target.exists() or target.is_symlink():
        if target.is_symlink():
            raise UserError(f"{target}: is a symbolic link; give the folder itself or a new folder for --out "
                            "(links are never written through)")
        if not target.is_dir():
            raise UserError(f"{target}: exists and is not a folder; choose another --out")
        if not offer_overwrite:
            raise UserError(f"{target}: output folder already exists; choose a new folder for --out")
        reason = not_an_earlier_result(target)
        if reason:
            raise UserError(f"{target}: already exists and is not an earlier results folder ({reason}); "
                            "it is not replaced, choose a new folder for --out")
        if not overwrite:
            raise UserError(f"{target}: output folder already exists; use --overwrite to replace it "
                            "or choose another --out")
    return target


def check_output_path(path, *, inputs=(), option: str = "--out", folder: bool = False) -> None:
    """Refuse an output path before any work is done, so a failing command writes nothing.

    The path must not be one of ``inputs`` (nor the same file under another name), nor a
    symbolic link, nor an existing folder unless ``folder``; the nearest existing folder above
    it must be writable.

    Example:
        >>> check_output_path("svar.csv", inputs=["svar.csv"])
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: svar.csv: --out must differ from the input; the input is never overwritten
    """
    path = Path(path)
    resolved = _resolved(path)
    for given in inputs:
        if not given:
            continue
        if _resolved(given) == resolved:
            raise UserError(f"{path}: {option} must differ from the input; the input is never overwritten")
        if path.is_file() and Path(given).is_file() and _same_file(path, given):
            raise UserError(f"{path}: {option} is the same file as the input {given} (a hard link); "
                            "give a new file name, the input is never overwritten")
    if path.is_symlink():
        raise UserError(f"{path}: {option} is a symbolic link; give a new or ordinary file name "
                        "(links and what they point to are never written through)")
    if path.is_dir() and not folder:
        raise UserError(f"{path}: {option} is a folder; give a file name")
    parent = resolved.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(f"{path}: cannot write here ({parent} is a file, not a folder); choose another {option}")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{path}: cannot write here (permission denied in {parent}); choose another {option}")


def _same_file(first, second) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def check_distinct_outputs(outputs) -> None:
    """One path given to two outputs loses one of them: refuse before any work.

    ``outputs`` are ``(option, path)`` pairs.

    Example:
        >>> check_distinct_outputs([("--out", "m.csv"), ("--report", "./m.csv")])
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: ./m.csv: given to both --out and --report; give each output its own file name
    """
    seen: dict[Path, str] = {}
    for option, path in outputs:
        if not path:
            continue
        key = _resolved(path)
        if key in seen:
            raise UserError(f"{path}: given to both {seen[key]} and {option}; give each output its own file name")
        for other_key, other_option in seen.items():
            if other_key in key.parents or key in other_key.parents:
                raise UserError(f"{path}: {option} and {other_option} lie inside one another; "
                                "give each output its own place")
        seen[key] = option
