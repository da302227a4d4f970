"""One library function per command: read, annotate, filter, analyse; the CLI calls these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from textanalyse.atomic import atomic_path
from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.filters import FilterResult, apply_filters, default_stoplists, user_stoplist
from textanalyse.io import read_material
from textanalyse.nlp import annotate
from textanalyse.options import FilterOptions, InputOptions, read_variants


@dataclass
class Material:
    """A read and annotated corpus."""

    corpus: Corpus
    tokens: pd.DataFrame

    @property
    def pipeline(self) -> str:
        return self.tokens.attrs.get("pipeline", "")


def load_material(inputs: InputOptions, *, on_progress=None) -> Material:
    """Read the input files and annotate them (using the cache when one is set).

    Example:
        >>> material = load_material(InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",)))  # doctest: +SKIP
    """
    corpus = read_material(
        list(inputs.paths), text_columns=inputs.text_columns, id_column=inputs.id_column, meta=inputs.meta,
        encoding=inputs.encoding, sep=inputs.sep, sheet=inputs.sheet, speaker_labels=inputs.speaker_labels,
        keep_interviewer=inputs.keep_interviewer, extra_nonanswers=inputs.extra_nonanswers,
    )
    if corpus.documents.empty:
        raise UserError(f"{', '.join(inputs.paths)}: no answers to analyse (all cells are empty or non-answers)")
    tokens = annotate(corpus, pipeline=inputs.pipeline, language=inputs.language, cache_dir=inputs.cache_dir,
                      on_progress=on_progress)
    return Material(corpus, tokens)


def filter_material(material: Material, filters: FilterOptions) -> FilterResult:
    """Apply the filter options to an annotated material."""
    lists = list(default_stoplists(filters.default_lists)) if filters.default_lists != () else []
    lists += [user_stoplist(path) for path in filters.stoplists]
    variants = read_variants(filters.variants) if filters.variants else None
    return apply_filters(material.tokens, unit=filters.unit, min_length=filters.min_length, stoplists=lists,
                         exclude_words=filters.exclude_words, keep_words=filters.keep_words, variants=variants)


def freq(inputs: InputOptions, filters: FilterOptions, *, group_by=None, top=None, on_progress=None):
    """The ``freq`` command: frequency table and filter report.

    Example:
        >>> table, report = freq(InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",)),
        ...                      FilterOptions(unit="exact"), top=20)     # doctest: +SKIP
    """
    from textanalyse.frequency import frequency_table

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    return frequency_table(result.kept, material.corpus, group_by=group_by, top=top), result.report


def kwic(inputs: InputOptions, pattern: str, *, window: int = 5, on_progress=None) -> pd.DataFrame:
    """The ``kwic`` command: every occurrence of ``pattern`` in context."""
    from textanalyse.kwic import kwic as kwic_table

    material = load_material(inputs, on_progress=on_progress)
    return kwic_table(material.tokens, material.corpus, pattern, window=window)


def suggest_exclusions(inputs: InputOptions, filters: FilterOptions, *, top: int = 40, on_progress=None):
    """The ``suggest-exclusions`` command: candidate words for the ambiguity and low-information lists."""
    from textanalyse.exclusions import suggest_exclusions as suggest

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    return suggest(result.kept, material.corpus, top=top)


def write_table(table: pd.DataFrame, path, *, sheet_name: str = "tabell") -> None:
    """Write a table atomically as CSV (UTF-8) or XLSX, chosen by the file ending.

    Example:
        >>> write_table(table, "ord.csv")        # doctest: +SKIP
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(f"{path}: --out must end in .csv or .xlsx")
    try:
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                table.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
            else:
                with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                    table.to_excel(writer, index=False, sheet_name=sheet_name[:31])
    except PermissionError:
        raise UserError(f"{path}: cannot write here (permission denied, or the file is open in Excel)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot write ({error.strerror})") from None
