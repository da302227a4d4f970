"""``rapport.html``: one self-contained Norwegian report, and the figures it shows.

The HTML file needs nothing else: figures are embedded as ``data:image/png;base64`` URIs,
CSS and the small table-sorting script are inline, and there are no links to fonts, CDNs or
scripts elsewhere, so it opens offline and can be e-mailed or printed to PDF. Everything
shown is HTML-escaped. Apart from the run time in the header, the same run gives the same
file (figures are deterministic, element ids are derived from names, no random ids).

Figures (:func:`write_figures`) have stable names built from the material, the question or
comparison and the kind of figure, e.g. ``brukerundersokelse_fungerer_bra_ordsky.png``:

- ``<material>_<spørsmål>_ordsky.png``: word cloud of the question's words;
- ``<material>_<spørsmål>_toppord.png`` and ``.svg``: bar chart of the top 20 words;
- ``<material>[_<spørsmål>]_temaer.png`` and ``.svg``: theme shares with Wilson intervals;
- ``<material>[_<spørsmål>]_temaer_<variabel>.png`` and ``.svg``: the same per group;
- ``<material>_<sammenligning>[_<gruppe>]_nokkelord.png``: keyness chart;
- ``<material>_<sammenligning>_temaer.png``: theme shares compared.

Example:
    >>> figures = write_figures(result, "ut/figurer")                     # doctest: +SKIP
    >>> write_html(result, "ut/rapport.html", figures=figures)           # doctest: +SKIP
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from textanalyse.atomic import write_text
from textanalyse.report import figures as figs
from textanalyse.report.labels import format_cell, heading

FIGURE_FOLDER = "figurer"
HTML_TOP_WORDS = 30
GROUP_TOP_WORDS = 10
KEYNESS_ROWS = 15
DEFAULT_ALPHA = 0.05


# ----------------------------------------------------------------------------- names

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


def _has(table) -> bool:
    return isinstance(table, pd.DataFrame) and len(table.columns) > 0 and len(table) > 0


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
        if _has(summary) and {"theme", "share", "ci_low", "ci_high"} <= set(summary.columns):
            for question in _questions(summary):
                rows = _rows_for(summary, question)
                add((index, "themes", question), (stem, question or "", "temaer"),
                    lambda path, rows=rows: figs.theme_chart(rows, path, svg=True), svg=True,
                    caption="Andel dokumenter per tema med 95 % konfidensintervall (Wilson)")
        for column, table in (material.theme_summary_by_group or {}).items():
            if not _has(table) or not {"theme", "share", "ci_low", "ci_high"} <= set(table.columns):
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
    return plan


def _plan_comparison(add, index, stem, number, comparison, alpha) -> None:
    from textanalyse.compare import plot_keyness, plot_theme_shares

    keyness = comparison.keyness
    if _has(keyness) and {"word", "g2", "log_ratio", "p_adjusted"} <= set(keyness.columns):
        labels = None
        if comparison.target is not None and comparison.reference is not None:
            labels = (str(comparison.target), str(comparison.reference))
        for group in _group_values(keyness):
            name = (stem, comparison.name, group or "", "nokkelord")
            add((index, "keyness", number, group), name,
                lambda path, table=keyness, group=group, labels=labels: plot_keyness(
                    table, path, group=group, alpha=alpha, labels=None if group else labels),
                caption="Nøkkelord: lengden er log-ratio; heltrukne stolper er signifikante etter "
                        "Benjamini–Hochberg-justering")
    themes = comparison.themes
    if _has(themes) and {"theme", "share_target", "ci_low_target", "ci_high_target"} <= set(themes.columns) and (
            "group" in themes.columns or {"share_reference", "ci_low_reference", "ci_high_reference"} <= set(themes.columns)):
        labels = None
        if comparison.target is not None and comparison.reference is not None and "group" not in themes.columns:
            labels = (str(comparison.target), str(comparison.reference))
        add((index, "compare_themes", number), (stem, comparison.name, "temaer"),
            lambda path, table=themes, labels=labels: plot_theme_shares(table, path, alpha=alpha, labels=labels),
            caption="Andel dokumenter per tema i gruppene, med 95 % konfidensintervall (Wilson); "
                    "* = signifikant forskjell etter BH-justering")


def write_figures(result, folder) -> dict[str, Path]:
    """Write every figure of the report into ``folder``; returns file name → path.

    Bar charts and theme charts are written as PNG and SVG (both are in the result);
    everything else as PNG (200 dpi).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for spec in figure_plan(result):
        path = folder / spec.name
        spec.draw(path)
        written[spec.name] = path
        if spec.svg and path.with_suffix(".svg").exists():
            written[path.with_suffix(".svg").name] = path.with_suffix(".svg")
    return written


# ----------------------------------------------------------------------------- html helpers

def esc(value) -> str:
    """HTML-escape any value (``None`` → empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def _numeric(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iuf"


def _sort_key(value) -> str | None:
    if not _numeric(value):
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return repr(value) if not value.is_integer() else str(int(value))


def table_html(table: pd.DataFrame, *, columns=None, max_rows: int | None = None, header_labels=None,
               row_classes=None, cell_classes=None, note_full: str = "tabeller.xlsx", caption: str = "") -> str:
    """An HTML table with Norwegian headings, sortable by clicking a heading.

    ``columns`` chooses and orders the columns (missing ones are skipped); ``header_labels``
    overrides headings; ``row_classes`` is a list of CSS classes per row; ``cell_classes``
    maps a column to a function value → CSS class.
    """
    if not isinstance(table, pd.DataFrame) or not len(table.columns):
        return '<p class="tom">Ingen data.</p>'
    if columns is not None:
        columns = [c for c in columns if c in table.columns]
    else:
        columns = [str(c) for c in table.columns]
    if not len(table):
        return '<p class="tom">Ingen rader.</p>'
    header_labels = header_labels or {}
    cell_classes = cell_classes or {}
    shown = table if max_rows is None else table.head(max_rows)
    parts = ['<div class="tabell">', '<table class="sorterbar">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<thead><tr>")
    for column in columns:
        numeric = pd.api.types.is_numeric_dtype(table[column].dtype) and not pd.api.types.is_bool_dtype(table[column].dtype)
        css = ' class="tall"' if numeric else ""
        parts.append(f'<th scope="col" tabindex="0"{css}>{esc(header_labels.get(column, heading(column)))}</th>')
    parts.append("</tr></thead><tbody>")
    values = shown[columns].itertuples(index=False, name=None)
    for number, row in enumerate(values):
        css = row_classes[number] if row_classes is not None and number < len(row_classes) else ""
        parts.append(f'<tr class="{esc(css)}">' if css else "<tr>")
        for column, value in zip(columns, row):
            classes = []
            key = _sort_key(value)
            if key is not None:
                classes.append("tall")
            if column in cell_classes:
                extra = cell_classes[column](value)
                if extra:
                    classes.append(extra)
            attributes = f' class="{" ".join(classes)}"' if classes else ""
            if key is not None:
                attributes += f' data-v="{esc(key)}"'
            parts.append(f"<td{attributes}>{esc(format_cell(column, value))}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    if max_rows is not None and len(table) > max_rows:
        parts.append(f'<p class="merknad">Viser de {max_rows} første av {len(table)} radene; '
                     f"hele tabellen står i {esc(note_full)}.</p>")
    return "".join(parts)


def _image(figures: dict, spec: FigureSpec | None, alt: str) -> str:
    if spec is None or spec.name not in figures:
        return ""
    path = Path(figures[spec.name])
    if not path.exists():
        return ""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    caption = f"<figcaption>{esc(spec.caption)}</figcaption>" if spec.caption else ""
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}" '
            f'title="{esc(spec.name)}">{caption}</figure>')


def _question_text(material, question) -> str:
    if question is None:
        return ""
    label = (material.question_labels or {}).get(str(question))
    if label and label != question:
        return f"{question} – «{label}»"
    return str(question)


def _run_date(result) -> str:
    value = (result.manifest or {}).get("started")   # written by run.build_manifest
    if value is None:
        value = _dt.datetime.now().astimezone()
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return value.strftime("%d.%m.%Y kl. %H:%M")
    return str(value)


def _version(result) -> str:
    from textanalyse import __version__

    return str((result.manifest or {}).get("version") or __version__)


def _pipelines(result) -> str:
    from textanalyse.report.methods import pipeline_description

    names = list(dict.fromkeys(str(material.pipeline) for material in result.materials))
    return "; ".join(f"{name} ({pipeline_description(name)})" for name in names) or "–"


# ----------------------------------------------------------------------------- sections

class _Ids:
    """Deterministic unique element ids."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, *parts) -> str:
        base = "-".join(slug(part).replace("_", "-") for part in parts if part is not None and str(part) != "")
        base = base or "del"
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}-{number}", number + 1
        self.used.add(candidate)
        return candidate


def _overview_section(material, ids) -> str:
    corpus = material.corpus
    parts = [f'<section id="{ids(material.name, "oversikt")}"><h3>Oversikt over materialet</h3>']
    documents = len(corpus.documents)
    if material.kind == "transcripts":
        informants = corpus.documents["respondent"].astype(str).nunique() if documents else 0
        if getattr(material, "keep_interviewer", False):
            turns, counted = "replikker", "Både informantenes og intervjuerens replikker er talt"
        else:
            turns, counted = "informantreplikker", "Bare informantenes replikker er talt"
        parts.append(f"<p>{esc(documents)} transkripsjoner med {esc(informants)} informanter og "
                     f"{esc(len(corpus.segments))} {turns}. {counted}; "
                     "tidsstempler og transkribentens merknader er fjernet.</p>")
    else:
        respondents = set(corpus.documents["respondent"].astype(str))
        if len(corpus.nonanswers):
            respondents |= set(corpus.nonanswers["respondent"].astype(str))
        nonanswers = corpus.nonanswers
        empty = int((nonanswers["reason"] == "empty").sum()) if "reason" in nonanswers else 0
        other = len(nonanswers) - empty
        parts.append(f"<p>{esc(documents)} svar fra {esc(len(respondents))} respondenter er analysert. "
                     f"{esc(len(nonanswers))} svar er satt til side ({esc(empty)} tomme og {esc(other)} ikke-svar); "
                     "de står i arket «Ikke-svar» i tabeller.xlsx.</p>")
    if material.language_split:
        split = ", ".join(f"{esc(value)} på {'bokmål' if key == 'nb' else 'nynorsk' if key == 'nn' else esc(key)}"
                          for key, value in material.language_split.items())
        parts.append(f"<p>Målform per dokument: {split}.</p>")
    parts.append(table_html(material.overview))
    if _has(material.groups):
        parts.append("<h4>Grupper</h4>")
        groups = material.groups.copy()
        if "value" in groups.columns:
            groups["value"] = groups["value"].map(lambda v: "(uten verdi)" if str(v).strip() in ("", "nan") else v)
        parts.append(table_html(groups))
    if _has(material.filter_report):
        parts.append("<h4>Hva filtrene fjernet</h4>")
        report = material.filter_report.copy()
        if "words" in report.columns:
            report["words"] = report["words"].fillna("").astype(str).map(lambda text: _shorten_words(text, 25))
        parts.append(table_html(report, header_labels={"words": heading("removed_words")}))
    parts.append("</section>")
    return "".join(parts)


def _shorten_words(text: str, limit: int) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]) + f" … (+{len(words) - limit})"


def _frequency_section(material, index, plan, figures, ids) -> str:
    frequencies = material.frequencies
    if not isinstance(frequencies, pd.DataFrame) or not len(frequencies.columns):
        return ""
    parts = [f'<section id="{ids(material.name, "ord")}"><h3>Mest brukte ord</h3>']
    unit = "lemmaer (grunnformer)" if material.unit == "lemma" else "eksakte ordformer"
    parts.append(f"<p>Ordene er talt som {esc(unit)} med minst {esc(material.min_length)} tegn, etter at "
                 "stoppordlistene er brukt. Vektet prosent er andelen av alle talte ord (som i NVivo).</p>")
    columns = ["word", "count", "weighted_percentage", "documents", "similar_words"]
    if not len(frequencies):
        parts.append('<p class="tom">Ingen ord ble talt.</p>')
    for question in _questions(frequencies) if len(frequencies) else []:
        rows = _rows_for(frequencies, question).reset_index(drop=True)
        label = _question_text(material, question)
        parts.append(f'<article id="{ids(material.name, "ord", question)}">')
        if label:
            parts.append(f"<h4>{esc(label)}</h4>")
        cloud = _image(figures, plan.get((index, "cloud", question)), f"Ordsky {label}")
        bars = _image(figures, plan.get((index, "bars", question)), f"Stolpediagram {label}")
        if cloud or bars:
            parts.append(f'<div class="figurer">{cloud}{bars}</div>')
        extra = [c for c in rows.columns if c not in columns and c != "question" and c != "length"]
        parts.append(table_html(rows, columns=columns + extra, max_rows=HTML_TOP_WORDS))
        parts.append("</article>")
    for column, table in (material.frequencies_by_group or {}).items():
        if not _has(table) or column not in table.columns or not {"word", "count"} <= set(table.columns):
            continue
        parts.append(f'<article id="{ids(material.name, "ord-etter", column)}">'
                     f"<h4>Mest brukte ord etter {esc(column)}</h4>")
        for question in _questions(table):
            rows = _rows_for(table, question)
            label = _question_text(material, question)
            parts.append(_side_by_side(rows, column, caption=label))
        parts.append("</article>")
    parts.append("</section>")
    return "".join(parts)


def _side_by_side(rows: pd.DataFrame, column: str, *, caption: str) -> str:
    """Top words of each group next to each other: rank × group, cells ``ord (antall)``."""
    values = sorted(dict.fromkeys(rows[column].astype(str)))
    lists = {}
    for value in values:
        block = rows[rows[column].astype(str) == value].sort_values(["count", "word"], ascending=[False, True],
                                                                   kind="mergesort")
        lists[value] = [f"{word} ({int(count)})" for word, count in zip(block["word"], block["count"])][:GROUP_TOP_WORDS]
    depth = max((len(items) for items in lists.values()), default=0)
    data = {"rank": list(range(1, depth + 1))}
    for value in values:
        items = lists[value]
        data[value] = items + [""] * (depth - len(items))
    frame = pd.DataFrame(data)
    labels = {value: value or "(uten verdi)" for value in values}
    return table_html(frame, header_labels={"rank": "Nr.", **labels}, caption=caption)


def _theme_section(material, index, plan, figures, ids, codebook_name) -> str:
    summary = material.theme_summary
    by_group = {k: v for k, v in (material.theme_summary_by_group or {}).items() if _has(v)}
    if not _has(summary) and not by_group:
        return ""
    parts = [f'<section id="{ids(material.name, "temaer")}"><h3>Temaer</h3>']
    book = f"kodeboken «{esc(codebook_name)}»" if codebook_name else "kodeboken"
    parts.append(f"<p>Andel dokumenter kodet med hvert tema etter {book}, med 95 % konfidensintervall (Wilson). "
                 "Passasjer er antall kodede svar eller replikker.</p>")
    columns = ["theme", "documents_coded", "documents_total", "share", "ci_low", "ci_high", "passages"]
    if _has(summary):
        for question in _questions(summary):
            rows = _rows_for(summary, question)
            label = _question_text(material, question)
            if label:
                parts.append(f"<h4>{esc(label)}</h4>")
            parts.append(_image(figures, plan.get((index, "themes", question)), f"Temaer {label}"))
            extra = [c for c in rows.columns if c not in columns and c != "question"]
            parts.append(table_html(rows, columns=extra + columns))
    for column, table in by_group.items():
        parts.append(f"<h4>Temaer etter {esc(column)}</h4>")
        for question in _questions(table):
            rows = _rows_for(table, question)
            label = _question_text(material, question)
            if label:
                parts.append(f"<h5>{esc(label)}</h5>")
            parts.append(_image(figures, plan.get((index, "themes_group", column, question)),
                                f"Temaer etter {column} {label}"))
            front = [column] if column in rows.columns else []
            extra = [c for c in rows.columns if c not in columns and c not in front and c != "question"]
            parts.append(table_html(rows, columns=front + extra + columns))
    if _has(material.theme_cooccurrence):
        from textanalyse.tables import flat, table_spec

        parts.append("<h4>Samforekomst av temaer</h4><p>Antall dokumenter som er kodet med begge temaene; "
                     "diagonalen er antall dokumenter med temaet.</p>")
        parts.append(table_html(flat(material.theme_cooccurrence, table_spec("theme_cooccurrence"))))
    parts.append("</section>")
    return "".join(parts)


KEYNESS_ORDER = ["group", "word", "count_target", "count_reference", "per_1000_target", "per_1000_reference",
                 "documents_target", "documents_reference", "g2", "log_ratio", "p_value", "p_adjusted",
                 "p_documents", "significant"]
COMPARE_THEME_ORDER = ["group", "theme", "coded_target", "total_target", "share_target", "ci_low_target",
                       "ci_high_target", "coded_reference", "total_reference", "share_reference",
                       "ci_low_reference", "ci_high_reference", "difference", "difference_low",
                       "difference_high", "p_value", "p_adjusted", "significant"]


def _side_labels(comparison, target=None, reference=None) -> dict[str, str]:
    target = comparison.target if target is None else target
    reference = comparison.reference if reference is None else reference
    labels = {}
    if target is None:
        return labels
    reference = reference if reference is not None else "resten"
    for column in KEYNESS_ORDER + COMPARE_THEME_ORDER:
        name = heading(column)
        if column.endswith("_target"):
            labels[column] = name.replace("målgruppe", str(target))
        elif column.endswith("_reference"):
            labels[column] = name.replace("referanse", str(reference))
    return labels


def _with_significance(table: pd.DataFrame, alpha: float) -> tuple[pd.DataFrame, list[str]]:
    if "p_adjusted" not in table.columns:
        return table, [""] * len(table)
    significant = pd.to_numeric(table["p_adjusted"], errors="coerce").lt(alpha).fillna(False).to_numpy()
    table = table.assign(significant=["ja *" if flag else "" for flag in significant])
    return table, ["signifikant" if flag else "" for flag in significant]


def _comparison_section(material, index, plan, figures, ids, alpha) -> str:
    comparisons = [c for c in material.comparisons if _has(c.keyness) or _has(c.themes)]
    if not comparisons:
        return ""
    parts = [f'<section id="{ids(material.name, "sammenligninger")}"><h3>Sammenligninger mellom grupper</h3>',
             f"<p>Nøkkelord er testet med Dunnings log-likelihood (G²); log-ratio er effektmålet (positiv = mer "
             f"brukt i målgruppen). Rader merket <strong>ja *</strong> er signifikante etter Benjamini–Hochberg-"
             f"justering (justert p &lt; {esc(format_cell('x', alpha))}). «p dokumenter (Fisher)» tester om ordet "
             "forekommer i flere dokumenter, og teller hvert dokument én gang.</p>"]
    for number, comparison in enumerate(comparisons):
        original = material.comparisons.index(comparison)
        parts.append(f'<article id="{ids(material.name, comparison.name)}"><h4>{esc(comparison.name)}</h4>')
        who = f"Gruppevariabel: {esc(comparison.group_column)}"
        if comparison.target is not None:
            who += f"; målgruppe: {esc(comparison.target)}; referanse: {esc(comparison.reference or 'resten')}"
        else:
            who += "; hver gruppe mot resten"
        parts.append(f"<p>{who}.</p>")
        labels = _side_labels(comparison)
        keyness = comparison.keyness
        if _has(keyness):
            for group in _group_values(keyness):
                rows = keyness if group is None else keyness[keyness["group"].astype(str) == group]
                if "g2" in rows.columns:
                    sort = ["g2", "word"] if "word" in rows.columns else ["g2"]
                    rows = rows.sort_values(sort, ascending=[False] + [True] * (len(sort) - 1), kind="mergesort")
                rows = rows.head(KEYNESS_ROWS * 2).reset_index(drop=True)
                if group is not None:
                    parts.append(f"<h5>{esc(group)} mot resten</h5>")
                parts.append(_image(figures, plan.get((index, "keyness", original, group)),
                                    f"Nøkkelord {comparison.name} {group or ''}"))
                rows, classes = _with_significance(rows, alpha)
                present = [c for c in KEYNESS_ORDER if c in rows.columns and c not in ("group", "p_value")]
                extra = [c for c in rows.columns if c not in KEYNESS_ORDER]
                header = labels if group is None else _side_labels(comparison, group, "resten")
                parts.append(table_html(rows, columns=present + extra, header_labels=header, row_classes=classes,
                                        note_full="tabeller.xlsx (med p-verdi før justering)"))
        themes = comparison.themes
        if _has(themes):
            parts.append("<h5>Temaer</h5>")
            parts.append(_image(figures, plan.get((index, "compare_themes", original)),
                                f"Temaer {comparison.name}"))
            rows, classes = _with_significance(themes.reset_index(drop=True), alpha)
            present = [c for c in COMPARE_THEME_ORDER if c in rows.columns]
            extra = [c for c in rows.columns if c not in present]
            parts.append(table_html(rows, columns=present + extra, header_labels=labels, row_classes=classes))
        parts.append("</article>")
    parts.append("</section>")
    return "".join(parts)


def _topic_section(material, ids) -> str:
    if not _has(material.topics):
        return ""
    parts = [f'<section id="{ids(material.name, "emner")}"><h3>Emner (NMF)</h3>']
    stability = material.topic_stability
    if stability is not None and not (isinstance(stability, float) and math.isnan(stability)):
        verdict = ("god" if stability >= 0.7 else "middels" if stability >= 0.5 else "svak")
        parts.append(f"<p>Stabilitet for hele inndelingen (gjennomsnittlig justert Rand-indeks): "
                     f"<strong>{esc(format_cell('stability', float(stability)))}</strong> ({verdict}). "
                     "Emnenes stabilitet (0–1) er hvor likt emnet kommer tilbake når modellen tilpasses på nytt.</p>")
        if stability < 0.5:
            parts.append('<p class="advarsel">Emnene er lite stabile: les ikke mye inn i enkeltemner.</p>')
    columns = ["topic", "label", "size", "top_words", "stability"]
    extra = [c for c in material.topics.columns if c not in columns and c != "weights"]
    classes = []
    if "stability" in material.topics.columns:
        values = pd.to_numeric(material.topics["stability"], errors="coerce")
        classes = ["ustabil" if value < 0.5 else "" for value in values.fillna(1.0)]
    parts.append(table_html(material.topics, columns=columns + extra, row_classes=classes or None))
    if _has(material.topic_left_out):
        parts.append(f"<p class=\"merknad\">{esc(len(material.topic_left_out))} tekster er holdt utenfor "
                     "emneanalysen (se arket «Utenfor emner»).</p>")
    parts.append("</section>")
    return "".join(parts)


QUOTE_ORDER = ["theme_or_word", "rank", "quote", "group", "question", "matched", "risk_flags", "citation", "doc_id"]


def _quote_section(material, ids) -> str:
    if not _has(material.quotes):
        return ""
    quotes = material.quotes.reset_index(drop=True)
    parts = [f'<section id="{ids(material.name, "sitater")}"><h3>Sitatkandidater</h3>',
             '<div class="advarsel"><strong>Må vurderes før publisering.</strong> Sitatene er avidentifisert '
             "automatisk, men kan fortsatt gjøre en person gjenkjennelig. Sitater med risikomerker må "
             "vurderes særskilt.</div>"]
    flags = quotes["risk_flags"].fillna("").astype(str).str.strip() if "risk_flags" in quotes else None
    classes = ["risiko" if flag else "" for flag in flags] if flags is not None else None
    present = [c for c in QUOTE_ORDER if c in quotes.columns]
    extra = [c for c in quotes.columns if c not in present]
    parts.append(table_html(quotes, columns=present + extra, row_classes=classes,
                            cell_classes={"risk_flags": lambda value: "flagg" if str(value or "").strip()
                                          and str(value) != "nan" else ""}))
    parts.append("</section>")
    return "".join(parts)


def _methods_section(material, ids, settings) -> str:
    from textanalyse.report.methods import methods_paragraph

    text = methods_paragraph(material, settings=settings)
    box = ids(material.name, "metodetekst")
    return (f'<section id="{ids(material.name, "metode")}"><h3>Metode</h3>'
            f'<div class="metode"><p class="hint">Tekst til metodekapitlet. Klikk <button type="button" '
            f'class="kopier" data-target="{box}">Kopier</button> eller marker teksten og trykk Ctrl+C.</p>'
            f'<p id="{box}" class="metodetekst">{esc(text)}</p></div></section>')


# ----------------------------------------------------------------------------- page

CSS = """
:root { --blue: #1b6ca8; --ink: #1d2329; --muted: #5f6b73; --line: #d7dde2; --soft: #f3f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }
main, header.topp, nav.innhold, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header.topp { padding-top: 28px; padding-bottom: 12px; border-bottom: 3px solid var(--blue); }
header.topp h1 { margin: 0 0 6px; font-size: 1.9rem; }
header.topp dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0;
  color: var(--muted); font-size: .9rem; }
header.topp dt { font-weight: 600; }
header.topp dd { margin: 0; }
nav.innhold { margin-top: 16px; font-size: .92rem; }
nav.innhold ul { margin: 4px 0; padding-left: 20px; }
h2 { font-size: 1.55rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.25rem; margin: 30px 0 8px; color: var(--blue); }
h4 { font-size: 1.05rem; margin: 22px 0 6px; }
h5 { font-size: .95rem; margin: 16px 0 4px; }
p { margin: 6px 0 10px; max-width: 80ch; }
.merknad, .tom { color: var(--muted); font-size: .85rem; }
.figurer { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; align-items: start; }
figure { margin: 8px 0 12px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
figcaption { color: var(--muted); font-size: .8rem; margin-top: 3px; }
figure img { max-width: min(100%, 720px); }
.figurer figure img { max-width: 100%; }
.tabell { overflow-x: auto; margin: 6px 0 14px; }
table { border-collapse: collapse; font-size: .84rem; min-width: 40%; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #e3ebf1; cursor: pointer; user-select: none; min-width: 4.5em; }
th::after { content: " \\2195"; color: #98a4ad; font-size: .8em; }
th[aria-sort="ascending"]::after { content: " \\2191"; color: var(--ink); }
th[aria-sort="descending"]::after { content: " \\2193"; color: var(--ink); }
th.tall, td.tall { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: var(--soft); }
tr.signifikant td { font-weight: 600; }
tr.ustabil td { color: var(--muted); }
tr.risiko { background: #fff3e0 !important; }
td.flagg { color: #9a3412; font-weight: 600; }
.advarsel { border-left: 5px solid #c2410c; background: #fff7ed; padding: 10px 14px; margin: 8px 0 12px;
  max-width: 80ch; }
.metode { border: 1px solid var(--line); border-left: 5px solid var(--blue); background: var(--soft);
  padding: 10px 16px; max-width: 88ch; }
.metode .hint { color: var(--muted); font-size: .85rem; }
.metodetekst { white-space: normal; }
button.kopier { font: inherit; font-size: .85rem; padding: 1px 10px; border: 1px solid var(--blue);
  background: #fff; color: var(--blue); border-radius: 3px; cursor: pointer; }
footer { color: var(--muted); font-size: .8rem; margin-top: 40px; padding-top: 10px; padding-bottom: 30px;
  border-top: 1px solid var(--line); }
@media (max-width: 800px) { .figurer { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 10.5pt; }
  main, header.topp, nav.innhold, footer { max-width: none; padding: 0; }
  nav.innhold, button.kopier, .hint { display: none; }
  h2 { break-before: page; }
  h2, h3, h4, h5 { break-after: avoid; }
  .figurer { display: block; }
  figure, img, tr, .advarsel, .metode { break-inside: avoid; page-break-inside: avoid; }
  figure img { max-width: 100% !important; border: none; }
  .tabell { overflow: visible; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  th { background: #e3ebf1 !important; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th::after { content: ""; }
  tr.risiko { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

SCRIPT = r"""
(function () {
  function key(cell) {
    var raw = cell.getAttribute('data-v');
    if (raw !== null) { return {n: parseFloat(raw)}; }
    var text = cell.textContent.trim();
    var clean = text.replace(/[\s\u00a0]/g, '').replace('%', '').replace(',', '.');
    if (/^[<>]?[-+\u2212]?\d+(\.\d+)?$/.test(clean)) {
      return {n: parseFloat(clean.replace(/^[<>]/, '').replace('\u2212', '-'))};
    }
    return {s: text.toLowerCase()};
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    if (a.n !== undefined) { return -1; }
    if (b.n !== undefined) { return 1; }
    return a.s.localeCompare(b.s, 'nb');
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return {row: row, key: key(row.cells[index]), i: i};
    });
    rows.sort(function (a, b) {
      var c = compare(a.key, b.key);
      return (ascending ? c : -c) || a.i - b.i;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }
  var tables = document.querySelectorAll('table.sorterbar');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener('click', function () { sortBy(table, th, index); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(table, th, index); }
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.kopier'), function (button) {
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-target'));
      if (!target) { return; }
      var text = target.textContent;
      function done() { button.textContent = 'Kopiert'; setTimeout(function () { button.textContent = 'Kopier'; }, 1500); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { document.execCommand('copy'); done(); } catch (e) {}
      }
    });
  });
})();
"""


def _settings(result) -> dict:
    settings = dict(result.config or {})
    if result.codebook_name and "codebook_name" not in settings:
        settings["codebook_name"] = result.codebook_name
    return settings


def render_html(result, figures: dict) -> str:
    """The report as one HTML string; ``figures`` maps file name → path (from :func:`write_figures`)."""
    plan = {spec.key: spec for spec in figure_plan(result)}
    ids = _Ids()
    settings = _settings(result)
    alpha = _alpha(result)
    title = result.title or "Tekstanalyse"
    body, toc = [], []
    for index, material in enumerate(result.materials):
        anchor = ids(material.name)
        kind = "intervjuer" if material.kind == "transcripts" else "spørreundersøkelse"
        sections = [
            ("Oversikt", _overview_section(material, ids)),
            ("Mest brukte ord", _frequency_section(material, index, plan, figures, ids)),
            ("Temaer", _theme_section(material, index, plan, figures, ids, result.codebook_name)),
            ("Sammenligninger", _comparison_section(material, index, plan, figures, ids, alpha)),
            ("Emner", _topic_section(material, ids)),
            ("Sitatkandidater", _quote_section(material, ids)),
            ("Metode", _methods_section(material, ids, settings)),
        ]
        body.append(f'<section class="materiale" id="{anchor}"><h2>{esc(material.name)} '
                    f'<small class="merknad">({esc(kind)})</small></h2>')
        links = []
        for label, content in sections:
            if not content:
                continue
            body.append(content)
            match = re.search(r'id="([^"]+)"', content)
            if match:
                links.append(f'<li><a href="#{match.group(1)}">{esc(label)}</a></li>')
        body.append("</section>")
        toc.append(f'<li><a href="#{anchor}">{esc(material.name)}</a><ul>{"".join(links)}</ul></li>')
    header = (
        f'<header class="topp"><h1>{esc(title)}</h1><dl>'
        f"<dt>Kjørt</dt><dd>{esc(_run_date(result))}</dd>"
        f"<dt>Verktøy</dt><dd>textanalyse {esc(_version(result))}</dd>"
        f"<dt>Pipeline</dt><dd>{esc(_pipelines(result))}</dd>"
        + (f"<dt>Kodebok</dt><dd>{esc(result.codebook_name)}</dd>" if result.codebook_name else "")
        + "</dl></header>"
    )
    nav = f'<nav class="innhold" aria-label="Innhold"><strong>Innhold</strong><ul>{"".join(toc)}</ul></nav>'
    footer = ("<footer>Laget med textanalyse. Alle tabeller finnes i sin helhet i tabeller.xlsx, og figurene "
              "som egne filer i mappen figurer/. Klikk en kolonneoverskrift for å sortere en tabell.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"{header}\n{nav}\n<main>\n" + "\n".join(body) + f"\n</main>\n{footer}\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def write_html(result, path, *, figures: dict | None = None) -> Path:
    """Write ``rapport.html`` for ``result`` to ``path``.

    ``figures`` (file name → path, from :func:`write_figures`) are embedded; without it the
    figures are drawn into a temporary folder first, so the file is complete either way.
    """
    path = Path(path)
    if figures is None:
        with tempfile.TemporaryDirectory(prefix="textanalyse-figurer-") as folder:
            figures = write_figures(result, folder)
            text = render_html(result, figures)
    else:
        text = render_html(result, figures)
    write_text(path, text)
    return path
