"""The table registry: every result table of a material, its CSV name, its sheet name and its row labels.

The CSV writer (``run``), the workbook and the HTML report take their tables from
:func:`material_tables`, so a table has one name per output and its row labels are written
wherever it goes (the theme co-occurrence matrix is labelled by theme).

Example:
    >>> [spec.csv for spec in TABLES][:3]
    ['oversikt', 'grupper', None]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd


@dataclass(frozen=True)
class TableSpec:
    """One kind of result table.

    attribute: the :class:`~textanalyse.analysis.MaterialAnalysis` attribute holding it
        (``comparison.keyness`` / ``comparison.themes`` for each comparison).
    csv: file name after ``<material>_`` in ``tabeller/`` (``None``: no CSV).
    sheet: workbook sheet name (``None``: not in the workbook).
    index: the column name the row labels get (``None``: the index is not data).
    grouped: the attribute is ``{group column: table}``; names get ``_etter_<column>``.
    always: written even when empty (the overview, the filter report, the frequencies).
    """

    attribute: str
    csv: str | None
    sheet: str | None
    index: str | None = None
    grouped: bool = False
    always: bool = False


TABLES = (
    TableSpec("overview", "oversikt", "Oversikt", always=True),
    TableSpec("groups", "grupper", "Grupper"),
    TableSpec("corpus.nonanswers", None, "Ikke-svar"),
    TableSpec("language_decisions", "maalform", "Målform"),
    TableSpec("filter_report", "filtre", "Filtre", always=True),
    TableSpec("frequencies", "ordfrekvenser", "Ord", always=True),
    TableSpec("frequencies_by_group", "ordfrekvenser", "Ord", grouped=True),
    TableSpec("theme_coded", "tema_koding", None),
    TableSpec("theme_summary", "tema", "Temaer"),
    TableSpec("theme_summary_by_group", "tema", "Temaer", grouped=True),
    TableSpec("theme_cooccurrence", "tema_samforekomst", "Samforekomst", index="theme"),
    TableSpec("coding_validation", "koding_samsvar", "Validering"),
    TableSpec("coding_coders", "koding_samsvar_kodere", "Samsvar kodere"),
    TableSpec("coding_disagreements", "koding_uenighet_kodere", "Uenighet kodere"),
    TableSpec("coding_models", "koding_modeller", "Kodemodeller"),
    TableSpec("coding_review", "koding_til_vurdering", "Til vurdering"),
    TableSpec("coding_suggestions", "koding_forslag_monstre", "Forslag mønstre"),
    TableSpec("topics", "emner", "Emner"),
    TableSpec("topic_assignments", "emner_tilordning", "Emnetilhørighet"),
    TableSpec("topic_left_out", None, "Utenfor emner"),
    TableSpec("codebook_misses", "kandidattema", "Kandidattema"),
    TableSpec("comparison.keyness", "ord", "Nøkkelord"),
    TableSpec("comparison.themes", "tema", "Temaer"),
    TableSpec("quotes", "sitater", "Sitater"),
    TableSpec("kwic", "konkordans", "KWIC"),
    TableSpec("closed_levels", "lukkede_temaer", "Lukkede spørsmål"),
    TableSpec("closed_trends", "lukkede_trend", "Lukkede trend"),
    TableSpec("closed_words", "lukkede_ord", "Lukkede ord", grouped=True),
    TableSpec("waves.sizes", "bolger_svar", "Bølger svar"),
    TableSpec("waves.themes", "bolger_temaer", "Bølger temaer"),
    TableSpec("waves.trends", "bolger_trend", "Bølger trend"),
    TableSpec("waves.words", "bolger_ord", "Bølger ord"),
    TableSpec("waves.keyness", "bolger_nokkelord", "Bølger nøkkelord"),
)


def table_spec(attribute: str) -> TableSpec:
    """The registered spec of ``attribute``.

    Example:
        >>> table_spec("theme_cooccurrence").csv
        'tema_samforekomst'
    """
    return next(spec for spec in TABLES if spec.attribute == attribute)


@dataclass(frozen=True)
class Entry:
    """One table of one material, with its names (``csv`` without ``.csv``; ``None`` where not written)."""

    spec: TableSpec
    csv: str | None
    sheet: str | None
    table: pd.DataFrame


def flat(table: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """The table with its row labels as the first column (``spec.index``) when they are data.

    Example:
        >>> matrix = pd.DataFrame({"Bolig": [3, 1]}, index=["Bolig", "NAV"])
        >>> flat(matrix, table_spec("theme_cooccurrence")).columns.tolist()
        ['theme', 'Bolig']
    """
    if spec.index is None or not isinstance(table, pd.DataFrame) or spec.index in table.columns:
        return table
    labelled = table.copy()
    labelled.insert(0, spec.index, [str(value) for value in labelled.index])
    return labelled.reset_index(drop=True)


def material_tables(material, *, prefix: str) -> Iterator[Entry]:
    """Every table of ``material`` in report order; ``prefix`` starts each CSV name (the material's slug)."""
    from textanalyse.report.plan import slug

    for spec in TABLES:
        if spec.attribute.startswith("comparison."):
            field = spec.attribute.split(".", 1)[1]
            for number, comparison in enumerate(material.comparisons, start=1):
                yield Entry(spec, f"{prefix}_sammenligning_{number}_{spec.csv}", f"{spec.sheet} {comparison.name}",
                            flat(getattr(comparison, field), spec))
            continue
        value = material
        for part in spec.attribute.split("."):
            value = getattr(value, part, None) if value is not None else None
        if value is None:          # e.g. waves.* for a material without a wave column
            continue
        if spec.grouped:
            for column, table in (value or {}).items():
                yield Entry(spec, f"{prefix}_{spec.csv}_etter_{slug(column)}", f"{spec.sheet} etter {column}",
                            flat(table, spec))
        else:
            yield Entry(spec, f"{prefix}_{spec.csv}" if spec.csv else None, spec.sheet, flat(value, spec))


def write_csv_tables(result, folder: Path) -> list[str]:
    """Every registered table with a CSV name as UTF-8 CSV with the documented English column names."""
    from textanalyse.report.plan import slug

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for material in result.materials:
        for entry in material_tables(material, prefix=slug(material.name)):
            if entry.csv is None or not isinstance(entry.table, pd.DataFrame):
                continue
            path = folder / f"{entry.csv}.csv"
            entry.table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
            written.append(f"tabeller/{path.name}")
    return written
