"""Validated option sets shared by the CLI and the config file: what to read, how to filter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textanalyse.errors import UserError

LANGUAGES = ("auto", "nb", "nn")
UNITS = ("lemma", "exact")


@dataclass(frozen=True)
class InputOptions:
    """Where the material is and how to read and annotate it.

    Example:
        >>> InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",), id_column="id").paths
        ('svar.csv',)
    """

    paths: tuple[str, ...]
    text_columns: tuple[str, ...] = ()
    id_column: str | None = None
    meta: str | None = None
    encoding: str | None = None
    sep: str | None = None
    sheet: str | None = None
    speaker_labels: tuple[str, ...] = ()
    keep_interviewer: bool = False
    extra_nonanswers: tuple[str, ...] = ()
    pipeline: str = "auto"
    language: str = "auto"
    cache_dir: str | None = None

    def __post_init__(self):
        if not self.paths:
            raise UserError("no input given; name a survey file or transcript files/folders")
        if self.language not in LANGUAGES:
            raise UserError(f"language '{self.language}' is not supported; use {', '.join(LANGUAGES)}")
        if self.sep is not None and self.sep not in (",", ";", "\t", "|", "\\t", "tab"):
            raise UserError(f"--sep '{self.sep}' is not supported; use ',', ';', '|' or tab")
        if self.sep in ("\\t", "tab"):
            object.__setattr__(self, "sep", "\t")


@dataclass(frozen=True)
class FilterOptions:
    """Which words are counted (see :func:`textanalyse.filters.apply_filters`)."""

    unit: str = "lemma"
    min_length: int = 4
    default_lists: tuple[str, ...] | None = None
    stoplists: tuple[str, ...] = ()
    exclude_words: tuple[str, ...] = ()
    keep_words: tuple[str, ...] = ()
    variants: str | None = None

    def __post_init__(self):
        if self.unit not in UNITS:
            raise UserError(f"unit '{self.unit}' is not supported; use {' or '.join(UNITS)}")
        from textanalyse.validation import whole_number

        whole_number(self.min_length, what="--min-length")


def read_variants(path) -> dict[str, str]:
    """A spelling-variant mapping from a two-column CSV/TSV file ``variant,word`` (header optional)."""
    from textanalyse.io.tables import decode_bytes

    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: variant file not found; check the path")
    from textanalyse.io.tables import read_file_bytes

    text = decode_bytes(read_file_bytes(path), path, encoding=None)
    mapping = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [part.strip().lower() for part in line.replace("\t", ",").replace(";", ",").split(",")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise UserError(f"{path}: line {number} is not 'variant,word'; write one pair per line")
        if (parts[0], parts[1]) == ("variant", "word"):
            continue
        mapping[parts[0]] = parts[1]
    return mapping
