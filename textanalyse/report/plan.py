"""The report's figure plan: which figures a run gets, their stable file names, and drawing them.

:func:`figure_plan` is computed once per report (:func:`textanalyse.report.write_report` hands
the same plan to :func:`write_figures` and to the HTML page). Figure names are built from the
material, the question or comparison and the kind of figure, e.g.
``brukerundersokelse_fungerer_bra_ordsky.png``:

- ``<material>_<spørsmål>_ordsky.png``: word cloud of the question's words;
- ``<material>_<spørsmål>_toppord.png`` and ``.svg``: bar chart of the top 20 words;
- ``<material>[_<spørsmål>]_temaer.png`` and ``.svg``: theme shares with Wilson intervals;
- ``<material>[_<spørsmål>]_temaer_<variabel>.png`` and ``.svg``: the same per group;
- ``<material>_<sammenligning>[_<gruppe>]_nokkelord.png``: keyness chart;
- ``<material>_<sammenligning>_temaer.png``: theme shares compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from textanalyse.report import figures as figs
from textanalyse.report.labels import has_rows

FIGURE_FOLDER = "figurer"
DEFAULT_ALPHA = 0.05


def slug(text) -> str:
    """A file-name-safe form of ``text``: lowercase ASCII, æ→ae, ø→o, å→a, other signs → ``_``.

    Example:
        >>> slug("Unge mot eldre (Ålesund)")
        'unge_mot_eldre_alesund'
    """
    text = str(text).lower()
    for source, target in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("ä", "a"), ("ö", "o"), ("ü", "u"), ("é", "e")):
        text = text.replace(source, target)
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text[:60].strip("_") or "x"


def _questions(table: pd.DataFrame) -> list[str | None]:
    if "question" in table.columns:
        return list(dict.fromkeys(table["question"].astype(str)))
    return [None]


def _rows_for(table: pd.DataFrame, question: str | None) -> pd.DataFrame:
    if question is None or "question" not in table.columns:
        return table
    return table[table["question"].astype(str) == question]


def _group_values(table: pd.DataFrame) -> list[str | None]:
    if "group" in table.columns:
        return sorted(dict.fromkeys(table["group"].astype(str)))
    return [None]


def _alpha(result) -> float:
    value = (result.config or {}).get("compare", {}) if isinstance(result.config, dict) else {}
    value = value.get("alpha", DEFAULT_ALPHA) if isinstance(value, dict) else DEFAULT_ALPHA
    try:
        return float(value)
    except (TypeError, ValueError):
        return DEFAULT_ALPHA


def _question_text(material, question) -> str:
    if question is None:
        return ""
    label = (material.question_labels or {}).get(str(question))
    if label and label != question:
        return f"{question} – «{label}»"
    return str(question)


@dataclass
class FigureSpec:
    """One figure of the report: its key (where it belongs), file name and how to draw it."""

    key: tuple
    name: str
    draw: Callable[[Path], object]
    svg: bool = False
    caption: str = ""


def figure_plan(result) -> list[FigureSpec]:
    """Every figure of the report, in report order, with unique stable names."""
    plan: list[FigureSpec] = []
    used: set[str] = set()

    def add(key, stem, draw, *, svg=False, caption=""):
        stem = slug(stem) if not isinstance(stem, tuple) else "_".join(slug(part) for part in stem if part)
        name, number = f"{stem}.png", 2
        while name in used:
            name = f"{stem}_{number}.png"
            number += 1
        used.add(name)
        plan.append(FigureSpec(key, name, draw, svg, caption))

    material_stems: dict[int, str] = {}
    for index, material in enumerate(result.materials):
        stem = slug(material.name)
        while stem in material_stems.values():
            stem += "_2"
        material_stems[index] = stem
        frequencies = material.frequencies
        if isinstance(frequencies, pd.DataFrame) and {"word", "count"} <= set(frequencies.columns):
            for question in _questions(frequencies):
                rows = _rows_for(frequencies, question)
                label = _question_text(material, question)
                add((index, "cloud", question), (stem, question or "", "ordsky"),
                    lambda path, rows=rows: figs.word_cloud(rows, path),
                    caption=f"Ordsky: {label}" if label else "Ordsky")
                add((index, "bars", question), (stem, question or "", "toppord"),
                    lambda path, rows=rows: figs.bar_chart(rows, path, top=20, title="Mest brukte ord", svg=True),
                    svg=True, caption=f"De 20 mest brukte ordene: {label}" if label else "De 20 mest brukte ordene")
        summary = material.theme_summary
        if has_rows(summary) and {"theme", "share", "ci_low", "ci_high"} <= set(summary.columns):
            for question in _questions(summary):
                rows = _rows_for(summary, question)
                add((index, "themes", question), (stem, question or "", "temaer"),
                    lambda path, rows=rows: figs.theme_chart(rows, path, svg=True), svg=True,
                    caption="Andel dokumenter per tema med 95 % konfidensintervall (Wilson)")
        for column, table in (material.theme_summary_by_group or {}).items():
            if not has_rows(table) or not {"theme", "share", "ci_low", "ci_high"} <= set(table.columns):
                continue
            for question in _questions(table):
                rows = _rows_for(table, question)
                add((index, "themes_group", column, question), (stem, question or "", "temaer", column),
                    lambda path, rows=rows, column=column: figs.theme_chart(
                        rows, path, group_column=column, title=f"Andel dokumenter per tema etter {column}", svg=True),
                    svg=True, caption=f"Temaer etter {column}, med 95 % konfidensintervall (Wilson)")
        alpha = _alpha(result)
        for number, comparison in enumerate(material.comparisons):
            _plan_comparison(add, index, stem, number, comparison, alpha)
        waves = getattr(material, "waves", None)
        if waves is not None and has_rows(waves.themes):
            for question in _questions(waves.themes):
                add((index, "waves", question), (stem, question or "", "bolger"),
                    lambda path, rows=_rows_for(waves.themes, question), sizes=waves.sizes: figs.wave_chart(
                        rows, path, sizes=sizes),
                    caption=f"Andel dokumenter per tema i hver bølge ({waves.column}), "
                            "med 95 % konfidensintervall (Wilson)")
    return plan


def _plan_comparison(add, index, stem, number, comparison, alpha) -> None:
    keyness = comparison.keyness
    if has_rows(keyness) and {"word", "g2", "log_ratio", "p_adjusted"} <= set(keyness.columns):
        labels = None
        if comparison.target is not None and comparison.reference is not None:
            labels = (str(comparison.target), str(comparison.reference))
        for group in _group_values(keyness):
            name = (stem, comparison.name, group or "", "nokkelord")
            add((index, "keyness", number, group), name,
                lambda path, table=keyness, group=group, labels=labels: figs.plot_keyness(
                    table, path, group=group, alpha=alpha, labels=None if group else labels),
                caption="Nøkkelord: lengden er log-ratio; heltrukne stolper er signifikante etter "
                        "Benjamini–Hochberg-justering")
    themes = comparison.themes
    if has_rows(themes) and {"theme", "share_target", "ci_low_target", "ci_high_target"} <= set(themes.columns) and (
            "group" in themes.columns or {"share_reference", "ci_low_reference", "ci_high_reference"} <= set(themes.columns)):
        labels = None
        if comparison.target is not None and comparison.reference is not None and "group" not in themes.columns:
            labels = (str(comparison.target), str(comparison.reference))
        add((index, "compare_themes", number), (stem, comparison.name, "temaer"),
            lambda path, table=themes, labels=labels: figs.plot_theme_shares(table, path, alpha=alpha, labels=labels),
            caption="Andel dokumenter per tema i gruppene, med 95 % konfidensintervall (Wilson); "
                    "* = signifikant forskjell etter BH-justering")


def write_figures(result, folder, *, plan: list[FigureSpec] | None = None) -> dict[str, Path]:
    """Write every figure of the report into ``folder``; returns file name → path.

    Bar charts and theme charts are written as PNG and SVG (both are in the result);
    everything else as PNG (200 dpi). ``plan``: the :func:`figure_plan` already computed.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for spec in figure_plan(result) if plan is None else plan:
        path = folder / spec.name
        spec.draw(path)
        written[spec.name] = path
        if spec.svg and path.with_suffix(".svg").exists():
            written[path.with_suffix(".svg").name] = path.with_suffix(".svg")
    return written
