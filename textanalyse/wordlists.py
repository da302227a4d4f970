"""Plain word lists: one entry per line, ``#`` starts a comment."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textanalyse.errors import UserError


def read_word_list(path) -> list[str]:
    """Entries of a plain word list, in file order, lowercased; blanks and comments ignored.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "egne.txt"
        >>> _ = path.write_text("# egne ord\\nSette  # flertydig\\n\\ntatt\\n", encoding="utf-8")
        >>> read_word_list(path)
        ['sette', 'tatt']
    """
    from textanalyse.io.tables import require_regular_file

    if Path(path).exists() or Path(path).is_symlink():
        require_regular_file(path)  # a pipe would block forever
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: word list not found; check the path") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: word list is not UTF-8; save it as UTF-8 text") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read word list ({error.strerror})") from None
    entries = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry:
            entries.append(entry)
    return entries


def file_sha256(path) -> str:
    """SHA-256 of a file's bytes, for the run manifest."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
