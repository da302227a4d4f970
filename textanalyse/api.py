"""One library function per command, each a thin call into :class:`textanalyse.project.Project`.

The CLI calls these; notebooks and the app use :class:`~textanalyse.project.Project` directly.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pandas as pd

from textanalyse.atomic import atomic_path
from textanalyse.errors import UserError
from textanalyse.options import FilterOptions, InputOptions
from textanalyse.project import Project


def load_material(inputs: InputOptions, *, on_progress=None) -> Project:
    """A :class:`Project` for ``inputs`` with its corpus read and annotated (``.corpus``, ``.tokens``).

    Kept for callers written before the Project; new code uses ``Project`` directly.
    """
    project = Project(inputs, on_progress=on_progress)
    project.tokens
    return project


def filter_material(material: Project, filters: FilterOptions):
    """The ``FilterResult`` of ``filters`` on a loaded material (its annotation is shared, never redone)."""
    import dataclasses

    return material.with_filters(**dataclasses.asdict(filters)).filtered


def freq(inputs: InputOptions, filters: FilterOptions, *, group_by=None, top=None, on_progress=None):
    """The ``freq`` command: frequency table and filter report.

    Example:
        >>> table, report = freq(InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",)),
        ...                      FilterOptions(unit="exact"), top=20)     # doctest: +SKIP
    """
    project = Project(inputs, filters=filters, on_progress=on_progress)
    return project.frequencies(group_by=group_by, top=top), project.filtered.report


def kwic(inputs: InputOptions, pattern: str, *, window: int = 5, columns=None, on_progress=None) -> pd.DataFrame:
    """The ``kwic`` command: every occurrence of ``pattern`` in context, with the named metadata ``columns``."""
    return Project(inputs, on_progress=on_progress).kwic(pattern, window=window, columns=columns or ())


def suggest_exclusions(inputs: InputOptions, filters: FilterOptions, *, top: int = 40, on_progress=None):
    """The ``suggest-exclusions`` command: candidate words for the ambiguity and low-information lists."""
    return Project(inputs, filters=filters, on_progress=on_progress).exclusion_suggestions(top=top)


def check_output_path(path, *, inputs=(), option: str = "--out", folder: bool = False) -> None:
    """See :func:`textanalyse.outputs.check_output_path` (kept here for callers of the API)."""
    from textanalyse.outputs import check_output_path as check

    check(path, inputs=inputs, option=option, folder=folder)


def write_table(table: pd.DataFrame, path, *, sheet_name: str = "tabell", for_people: bool = False) -> None:
    """Write a table atomically as CSV (UTF-8) or XLSX, chosen by the file ending.

    In an XLSX every text stays text (never a formula). ``for_people`` marks a table made to be
    read in a spreadsheet (concordance, quotes): its CSV gets the OWASP formula guard (see
    :mod:`textanalyse.spreadsheet`); data tables keep their text exactly.

    Example:
        >>> write_table(table, "ord.csv")        # doctest: +SKIP
    """
    from textanalyse.spreadsheet import excel_safe, guard_formulas, text_as_text

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(f"{path}: --out must end in .csv or .xlsx")
    try:
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                tmp.write_text(csv_text(guard_formulas(table) if for_people else table), encoding="utf-8",
                               newline="")
            else:
                with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                    excel_safe(table).to_excel(writer, index=False, sheet_name=sheet_name[:31])
                    for sheet in writer.sheets.values():
                        text_as_text(sheet)
    except PermissionError:
        raise UserError(f"{path}: cannot write here (permission denied, or the file is open in Excel)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot write ({error.strerror})") from None


def csv_text(table: pd.DataFrame) -> str:
    """The table as CSV text, exactly as ``table.to_csv(index=False, lineterminator="\\n")`` writes it.

    Plain columns (numbers, booleans, text without gaps) go through the ``csv`` module, about
    twice as fast as pandas on a frequency table; anything else is left to pandas.

    Example:
        >>> csv_text(pd.DataFrame({"word": ["oppfølging", "bolig, egen"], "count": [2, 1]}))
        'word,count\\noppfølging,2\\n"bolig, egen",1\\n'
    """
    import csv
    import io

    def plain(column: pd.Series) -> bool:
        dtype = column.dtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
            return not isinstance(dtype, pd.CategoricalDtype)
        if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            return not column.isna().any()
        if isinstance(dtype, pd.StringDtype):
            return not column.isna().any()
        return dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string"

    if table.columns.nlevels != 1 or not all(plain(table[column]) for column in table.columns):
        return table.to_csv(index=False, lineterminator="\n")
    columns = [table[column].tolist() for column in table.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(zip(*columns))
    return buffer.getvalue()


def themes(inputs: InputOptions, *, codebook=None, group_by=None, columns=None, on_progress=None):
    """The ``themes`` command: coded passages, summary per question (and group), co-occurrence.

    Returns ``(coded, summary, cooccurrence, warnings)``; ``codebook`` ``None`` = the shipped one.
    The coded passages carry the metadata ``columns`` named (default: ``group_by``).
    """
    project = Project(inputs, config={"themes": {"codebook": str(codebook) if codebook else "default"}},
                      group_by=[group_by] if group_by else (), on_progress=on_progress)
    summary = project.themes(group_by=group_by)
    return (project.coded_passages(columns=columns), summary, project.theme_cooccurrence(),
            project.coding().warnings)


@contextlib.contextmanager
def about(material: str):
    """Prefix an analysis's error with the file or material it is about (``svar.csv: topics: …``)."""
    try:
        yield
    except UserError as error:
        raise UserError(f"{material}: {error}") from None


def _named(inputs: InputOptions) -> str:
    return ", ".join(str(path) for path in inputs.paths)


def topics(inputs: InputOptions, filters: FilterOptions, *, k="auto", seed: int = 0, pos=(), min_words: int = 3,
           on_progress=None):
    """The ``topics`` command: NMF topics with stability; returns the ``TopicResult``.

    ``pos`` keeps only these word classes (e.g. ``("NOUN", "ADJ")``; needs a tagging pipeline).
    """
    with about(_named(inputs)):
        return Project(inputs, filters=filters, on_progress=on_progress).topics(k=k, seed=seed, pos=pos,
                                                                                min_words=min_words)


def codebook_misses(inputs: InputOptions, filters: FilterOptions, *, k="auto", seed: int = 0, codebook=None,
                    on_progress=None):
    """``topics --codebook-misses``: candidate new themes among the answers no codebook theme codes."""
    project = Project(inputs, filters=filters, config={"themes": {"codebook": str(codebook) if codebook else "default"}},
                      on_progress=on_progress)
    return project.codebook_misses(k=k, seed=seed)


def compare(inputs: InputOptions, filters: FilterOptions, *, group_column: str, target=None, reference=None,
            min_count: int = 5, min_documents: int = 2, bins: str | None = None, on_progress=None) -> pd.DataFrame:
    """The ``compare`` command: word keyness between groups (see :mod:`textanalyse.compare`).

    ``bins`` (``"1-2=misfornøyd,4-5=fornøyd"``) turns a closed item's values into levels first
    (see :mod:`textanalyse.closed`).
    """
    project = Project(inputs, filters=filters, on_progress=on_progress)
    if bins:
        project.bins = {group_column: bins}
    with about(_named(inputs)):
        return project.keyness(group_column, target=target, reference=reference, min_count=min_count,
                               min_documents=min_documents)


def quotes(inputs: InputOptions, *, words=(), themes=(), codebook=None, per_item: int = 3, min_words: int = 8,
           max_words: int = 60, group_by=None, on_progress=None) -> pd.DataFrame:
    """The ``quotes`` command: de-identified quote candidates for words and codebook themes."""
    project = Project(inputs, config={"themes": {"codebook": str(codebook) if codebook else "default"}},
                      on_progress=on_progress)
    with about(_named(inputs)):
        return project.quotes(words=tuple(words), themes=tuple(themes), per_item=per_item, min_words=min_words,
                              max_words=max_words, group_by=group_by)
