"""``rapport.docx``: the report as a Word document to paste into a report template.

The same content as ``rapport.html``, written with Word's built-in styles so a template's
look takes over when the text is pasted in: ``Title``, ``Heading 1``–``Heading 3``,
``Caption`` for numbered captions, ``Quote`` for quotes, ``Normal`` for running text and the
methods paragraph. Captions are real Word captions with a ``SEQ`` field («Tabell 3»,
«Figur 2»), so Word's list of tables/figures and cross references work; they sit above
tables and below figures. Tables are Word tables with Norwegian headings, a repeated header
row and numbers aligned right; figures are the report's 200 dpi PNG files at 16 cm width.

Nothing in the file depends on when it was written: document properties and ZIP entry dates
are fixed, images and ids are numbered in report order, and the run time is left out, so two
runs on the same input give byte-identical files.

Example:
    >>> write_docx(result, "ut/rapport.docx", figures=figures)       # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from textanalyse.atomic import write_bytes
from textanalyse.report.docx_parts import (FIGURE_WIDTH_CM, INTERVAL_LABELS, LANDSCAPE_WIDTH_CM, SHARE_INTERVALS,
                                           column_widths, field_char, fill, least_width_cm, repeat_header, shade,
                                           text_widths, with_intervals)
from textanalyse.report.labels import format_cell, has_rows, heading

TOP_WORDS = 30
KEYNESS_ROWS = 30
LANGUAGE = "nb-NO"


class WordReport:
    """A python-docx document with numbered captions and report-style tables and figures.

    The section renderers (here and in other report modules) call :meth:`heading`,
    :meth:`text`, :meth:`table`, :meth:`figure` and :meth:`quote`; :meth:`to_bytes` gives the
    finished, deterministic file.
    """

    def __init__(self, title: str):
        self.document = Document()
        self.tables = 0
        self.figures = 0
        self.landscape = False
        self._setup(title)

    def _setup(self, title: str) -> None:
        document = self.document
        section = document.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)   # A4, not the template's Letter
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.5))
        normal = document.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        # Norwegian spelling and hyphenation for every style that inherits from Normal.
        for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Caption", "Quote", "Title"):
            properties = document.styles[style_name].element.get_or_add_rPr()
            language = properties.find(qn("w:lang"))
            if language is None:
                language = OxmlElement("w:lang")
                properties.append(language)
            language.set(qn("w:val"), LANGUAGE)
        core = document.core_properties
        core.title = str(title or "")
        core.author = "textanalyse"
        core.last_modified_by = "textanalyse"
        core.language = LANGUAGE
        core.revision = 1
        core.comments = ""
        core.keywords = ""
        core.subject = ""
        from textanalyse.report.workbook import FIXED_TIME

        core.created = core.modified = core.last_printed = FIXED_TIME

    # ------------------------------------------------------------------ blocks

    def page(self, *, landscape: bool) -> None:
        """Continue on a portrait or a landscape A4 page (a new section when it changes).

        A table too wide for a portrait page gets a landscape page; the next text, heading or
        figure returns to portrait, so wide tables that follow each other share landscape pages.
        """
        if landscape == self.landscape:
            return
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_side, short_side = Cm(29.7), Cm(21.0)
        section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)
        self.landscape = landscape

    def heading(self, text: str, level: int) -> None:
        self.page(landscape=False)
        self.document.add_heading(str(text), level=level)

    def title(self, text: str) -> None:
        self.page(landscape=False)
        self.document.add_paragraph(str(text), style="Title")

    def text(self, text: str, *, small: bool = False, italic: bool = False) -> None:
        if not str(text).strip():
            return
        self.page(landscape=False)
        self._paragraph(text, small=small, italic=italic)

    def _paragraph(self, text: str, *, small: bool = False, italic: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(str(text))
        if small:
            run.font.size = Pt(9)
        run.italic = italic

    def caption(self, kind: str, text: str, *, above: bool) -> int:
        """A Word caption «Tabell n: text» with a SEQ field; returns the number."""
        number = self.tables + 1 if kind == "Tabell" else self.figures + 1
        if kind == "Tabell":
            self.tables = number
        else:
            self.figures = number
        paragraph = self.document.add_paragraph(style="Caption")
        paragraph.add_run(f"{kind} ")
        # A complex field (begin / instruction / separate / cached number / end): Word renumbers it,
        # and readers that ignore fields still see the number as ordinary run text.
        field_char(paragraph.add_run(), "begin")
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = f" SEQ {kind} \\* ARABIC "
        paragraph.add_run()._r.append(instruction)
        field_char(paragraph.add_run(), "separate")
        paragraph.add_run(str(number))
        field_char(paragraph.add_run(), "end")
        if text:
            paragraph.add_run(f": {text}")
        paragraph.paragraph_format.keep_with_next = above
        return number

    def table(self, table: pd.DataFrame, *, caption: str, columns=None, header_labels=None, max_rows=None,
              formatters=None) -> None:
        """A Word table with a numbered caption above it; cells formatted as in the HTML report."""
        if not isinstance(table, pd.DataFrame) or not len(table.columns):
            return
        columns = [c for c in (columns or list(table.columns)) if c in table.columns]
        if not len(table) or not columns:
            return
        header_labels = header_labels or {}
        formatters = formatters or {}
        shown = table if max_rows is None else table.head(max_rows)
        numeric = [pd.api.types.is_numeric_dtype(table[c].dtype) and not pd.api.types.is_bool_dtype(table[c].dtype)
                   for c in columns]
        titles = [header_labels.get(column, heading(column)) for column in columns]
        rows = [[(formatters[column](value) if column in formatters else format_cell(column, value))
                 for column, value in zip(columns, row)] for row in shown[columns].itertuples(index=False, name=None)]
        least, lengths = text_widths(titles, rows, numeric)
        wide = least_width_cm(least) > FIGURE_WIDTH_CM
        self.page(landscape=wide)
        self.caption("Tabell", caption, above=True)
        word_table = self.document.add_table(rows=1, cols=len(columns))
        word_table.style = self.document.styles["Table Grid"]
        word_table.alignment = WD_TABLE_ALIGNMENT.LEFT
        header = word_table.rows[0]
        repeat_header(header)
        for cell, title, is_number in zip(header.cells, titles, numeric):
            fill(cell, title, bold=True, right=is_number)
            shade(cell, "E3EBF1")
        for row in rows:
            for cell, text, is_number in zip(word_table.add_row().cells, row, numeric):
                fill(cell, text, right=is_number)
        column_widths(word_table, lengths, least=least, width=LANDSCAPE_WIDTH_CM if wide else FIGURE_WIDTH_CM)
        if max_rows is not None and len(table) > max_rows:
            self._paragraph(f"Viser de {max_rows} første av {len(table)} radene; hele tabellen står i tabeller.xlsx.",
                            small=True, italic=True)
        else:
            self.document.add_paragraph()

    def figure(self, path, caption: str) -> None:
        """A PNG at print width with a numbered caption below it."""
        if path is None or not Path(path).exists():
            return
        self.page(landscape=False)
        self.document.add_picture(str(path), width=Cm(FIGURE_WIDTH_CM))
        picture = self.document.paragraphs[-1]
        picture.paragraph_format.keep_with_next = True
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.caption("Figur", caption, above=False)

    def quote(self, text: str, source: str) -> None:
        """A quote in «…» in the Quote style, followed by its source line."""
        body = str(text).strip()
        self.page(landscape=False)
        if not body.startswith("«"):
            body = f"«{body}»"
        paragraph = self.document.add_paragraph(body, style="Quote")
        paragraph.paragraph_format.keep_with_next = True
        line = self.document.add_paragraph(style="Quote")
        run = line.add_run(f"– {source}")
        run.font.size = Pt(9)
        run.italic = False

    def to_bytes(self) -> bytes:
        from textanalyse.report.workbook import _normalise_zip

        buffer = io.BytesIO()
        self.document.save(buffer)
        return _normalise_zip(buffer.getvalue())


# ---------------------------------------------------------------------- sections


def _figure(report: WordReport, plan: dict, figures: dict, key) -> None:
    spec = plan.get(key)
    if spec is not None and spec.name in figures:
        report.figure(figures[spec.name], spec.caption)


def _overview(report: WordReport, material) -> None:
    from textanalyse.report.sections import overview_sentences

    report.heading("Oversikt over materialet", 2)
    for sentence in overview_sentences(material):
        report.text(sentence)
    report.table(material.overview, caption=f"Materialet per spørsmål ({material.name})")
    if has_rows(material.groups):
        groups = material.groups.copy()
        if "value" in groups.columns:
            groups["value"] = groups["value"].map(lambda v: "(uten verdi)" if str(v).strip() in ("", "nan") else v)
        report.table(groups, caption=f"Grupper ({material.name})")
    if has_rows(material.filter_report):
        table = material.filter_report.copy()
        if "words" in table.columns:
            table["words"] = table["words"].fillna("").astype(str).map(lambda text: _shorten(text, 25))
        report.table(table, caption="Hva filtrene fjernet", header_labels={"words": heading("removed_words")})


def _shorten(text: str, limit: int) -> str:
    words = text.split()
    return text if len(words) <= limit else " ".join(words[:limit]) + f" … (+{len(words) - limit})"


def _frequencies(report: WordReport, material, index: int, plan: dict, figures: dict) -> None:
    from textanalyse.report.plan import _question_text, _questions, _rows_for
    from textanalyse.report.sections import _side_by_side_frame

    frequencies = material.frequencies
    if not isinstance(frequencies, pd.DataFrame) or not len(frequencies.columns):
        return
    report.heading("Mest brukte ord", 2)
    unit = "lemmaer (grunnformer)" if material.unit == "lemma" else "eksakte ordformer"
    report.text(f"Ordene er talt som {unit} med minst {material.min_length} tegn, etter at stoppordlistene er "
                "brukt. Vektet prosent er andelen av alle talte ord (som i NVivo).")
    columns = ["word", "count", "weighted_percentage", "documents", "similar_words"]
    for question in _questions(frequencies) if len(frequencies) else []:
        rows = _rows_for(frequencies, question).reset_index(drop=True)
        label = _question_text(material, question)
        if label:
            report.heading(label, 3)
        _figure(report, plan, figures, (index, "cloud", question))
        _figure(report, plan, figures, (index, "bars", question))
        report.table(rows, columns=columns, max_rows=TOP_WORDS,
                     caption=f"De mest brukte ordene: {label}" if label else "De mest brukte ordene")
    for column, table in (material.frequencies_by_group or {}).items():
        if not has_rows(table) or column not in table.columns or not {"word", "count"} <= set(table.columns):
            continue
        report.heading(f"Mest brukte ord etter {column}", 3)
        for question in _questions(table):
            frame, labels = _side_by_side_frame(_rows_for(table, question), column)
            label = _question_text(material, question)
            report.table(frame, header_labels=labels,
                         caption=f"Mest brukte ord etter {column}" + (f": {label}" if label else ""))


THEME_COLUMNS = ["theme", "documents_coded", "documents_total", "share", "passages"]


def _themes(report: WordReport, material, index: int, plan: dict, figures: dict, codebook_name) -> None:
    from textanalyse.report.plan import _question_text, _questions, _rows_for

    summary = material.theme_summary
    by_group = {k: v for k, v in (material.theme_summary_by_group or {}).items() if has_rows(v)}
    if not has_rows(summary) and not by_group:
        return
    report.heading("Temaer", 2)
    book = f"kodeboken «{codebook_name}»" if codebook_name else "kodeboken"
    report.text(f"Andel dokumenter kodet med hvert tema etter {book}, med 95 % konfidensintervall (Wilson). "
                "Passasjer er antall kodede svar eller replikker.")
    if has_rows(summary):
        for question in _questions(summary):
            rows = _rows_for(summary, question)
            label = _question_text(material, question)
            if label:
                report.heading(label, 3)
            _figure(report, plan, figures, (index, "themes", question))
            report.table(with_intervals(rows, SHARE_INTERVALS), columns=THEME_COLUMNS, header_labels=INTERVAL_LABELS,
                         caption=f"Temaer: {label}" if label else "Temaer")
    for column, table in by_group.items():
        report.heading(f"Temaer etter {column}", 3)
        for question in _questions(table):
            rows = _rows_for(table, question)
            label = _question_text(material, question)
            _figure(report, plan, figures, (index, "themes_group", column, question))
            report.table(with_intervals(rows, SHARE_INTERVALS), columns=[column] + THEME_COLUMNS,
                         header_labels=INTERVAL_LABELS,
                         caption=f"Temaer etter {column}" + (f": {label}" if label else ""))
    if has_rows(material.theme_cooccurrence):
        from textanalyse.tables import flat, table_spec

        report.text("Antall dokumenter som er kodet med begge temaene; diagonalen er antall dokumenter med temaet.")
        report.table(flat(material.theme_cooccurrence, table_spec("theme_cooccurrence")),
                     caption="Samforekomst av temaer")


def _comparisons(report: WordReport, material, index: int, plan: dict, figures: dict, alpha: float) -> None:
    from textanalyse.report.plan import _group_values
    from textanalyse.report.sections import COMPARE_THEME_ORDER, KEYNESS_ORDER, _side_labels, _with_significance

    comparisons = [c for c in material.comparisons if has_rows(c.keyness) or has_rows(c.themes)]
    if not comparisons:
        return
    report.heading("Sammenligninger mellom grupper", 2)
    report.text("Nøkkelord er testet med Dunnings log-likelihood (G²); log-ratio er effektmålet (positiv = mer "
                "brukt i målgruppen). Rader merket «ja *» er signifikante etter Benjamini–Hochberg-justering "
                f"(justert p < {format_cell('x', alpha)}). «p dokumenter (Fisher)» tester om ordet forekommer i "
                "flere dokumenter, og teller hvert dokument én gang.")
    for comparison in comparisons:
        original = material.comparisons.index(comparison)
        report.heading(comparison.name, 3)
        who = f"Gruppevariabel: {comparison.group_column}"
        if comparison.target is not None:
            who += f"; målgruppe: {comparison.target}; referanse: {comparison.reference or 'resten'}"
        else:
            who += "; hver gruppe mot resten"
        report.text(who + ".")
        keyness = comparison.keyness
        if has_rows(keyness):
            for group in _group_values(keyness):
                rows = keyness if group is None else keyness[keyness["group"].astype(str) == group]
                rows = rows.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort")
                rows, _ = _with_significance(rows.head(KEYNESS_ROWS).reset_index(drop=True), alpha)
                _figure(report, plan, figures, (index, "keyness", original, group))
                present = [c for c in KEYNESS_ORDER if c in rows.columns and c not in ("group", "p_value")]
                labels = _side_labels(comparison) if group is None else _side_labels(comparison, group, "resten")
                title = f"Nøkkelord, {comparison.name}" + (f": {group} mot resten" if group else "")
                report.table(rows, columns=present, header_labels=labels, caption=title)
        themes = comparison.themes
        if has_rows(themes):
            _figure(report, plan, figures, (index, "compare_themes", original))
            rows, _ = _with_significance(themes.reset_index(drop=True), alpha)
            rows = with_intervals(rows, SHARE_INTERVALS)
            present = [c for c in COMPARE_THEME_ORDER if c in rows.columns and c != "p_value"]
            labels = {**_side_labels(comparison), "difference": INTERVAL_LABELS["difference"]}
            for side in ("target", "reference"):
                labels[f"share_{side}"] = labels.get(f"share_{side}", heading(f"share_{side}")) + " (95 % KI)"
            report.table(rows, columns=present, header_labels=labels, caption=f"Temaer, {comparison.name}")


def _topics(report: WordReport, material) -> None:
    if not has_rows(material.topics):
        return
    report.heading("Emner (NMF)", 2)
    stability = material.topic_stability
    if stability is not None and not (isinstance(stability, float) and math.isnan(stability)):
        verdict = "god" if stability >= 0.7 else "middels" if stability >= 0.5 else "svak"
        report.text(f"Stabilitet for hele inndelingen (gjennomsnittlig justert Rand-indeks): "
                    f"{format_cell('stability', float(stability))} ({verdict}). Emnenes stabilitet (0–1) er hvor "
                    "likt emnet kommer tilbake når modellen tilpasses på nytt.")
        if stability < 0.5:
            report.text("Emnene er lite stabile: les ikke mye inn i enkeltemner.", italic=True)
    report.table(material.topics, columns=["topic", "label", "size", "top_words", "stability"], caption="Emner")


def quote_source(row: dict) -> str:
    """The source line under a quote: who, which question, which group, and the risk flags."""
    parts = [str(row.get(key) or "").strip() for key in ("respondent", "question", "group")]
    source = ", ".join(part for part in parts if part and part != "nan")
    flags = str(row.get("risk_flags") or "").strip()
    if flags and flags != "nan":
        source += f" (må vurderes: {flags})"
    return source


def _quotes(report: WordReport, material) -> None:
    if not has_rows(material.quotes):
        return
    report.heading("Sitatkandidater", 2)
    report.text("Må vurderes før publisering. Sitatene er avidentifisert automatisk, men kan fortsatt gjøre en "
                "person gjenkjennelig. Sitater med risikomerker må vurderes særskilt.", italic=True)
    quotes = material.quotes
    items = list(dict.fromkeys(quotes["theme_or_word"].astype(str))) if "theme_or_word" in quotes else [None]
    for item in items:
        rows = quotes if item is None else quotes[quotes["theme_or_word"].astype(str) == item]
        if item is not None:
            report.heading(f"Sitater: {item}", 3)
        for row in rows.to_dict("records"):
            report.quote(str(row.get("quote", "")), quote_source(row))


def _methods(report: WordReport, material, settings: dict) -> None:
    from textanalyse.report.methods import methods_paragraph

    report.heading("Metode", 2)
    report.text(methods_paragraph(material, settings=settings))


def render_docx(result, figures: dict, *, extra_sections=()) -> bytes:
    """The Word report as bytes; ``figures`` maps file name → path (from ``write_figures``).

    ``extra_sections`` are callables ``(report, material, index, plan, figures)`` that add
    sections (waves, closed questions) after the comparisons, in the order given.
    """
    from textanalyse.report.html import _settings
    from textanalyse.report.plan import _alpha, figure_plan
    from textanalyse.report.sections import _pipelines, _version
    from textanalyse.report.survey_sections import closed_section_docx, wave_section_docx

    plan = {spec.key: spec for spec in figure_plan(result)}
    settings = _settings(result)
    alpha = _alpha(result)
    report = WordReport(result.title or "Tekstanalyse")
    report.title(result.title or "Tekstanalyse")
    lines = [f"Verktøy: textanalyse {_version(result)}", f"Pipeline: {_pipelines(result)}"]
    if result.codebook_name:
        lines.append(f"Kodebok: {result.codebook_name}")
    report.text(". ".join(lines) + ".", small=True)
    for index, material in enumerate(result.materials):
        kind = "intervjuer" if material.kind == "transcripts" else "spørreundersøkelse"
        report.heading(f"{material.name} ({kind})", 1)
        _overview(report, material)
        _frequencies(report, material, index, plan, figures)
        _themes(report, material, index, plan, figures, result.codebook_name)
        _comparisons(report, material, index, plan, figures, alpha)
        closed_section_docx(report, material, index, plan, figures)
        wave_section_docx(report, material, index, plan, figures)
        for section in extra_sections:
            section(report, material, index, plan, figures)
        _topics(report, material)
        _quotes(report, material)
        _methods(report, material, settings)
    return report.to_bytes()


def write_docx(result, path, *, figures: dict, extra_sections=()) -> Path:
    """Write ``rapport.docx`` for ``result`` to ``path`` atomically."""
    path = Path(path)
    write_bytes(path, render_docx(result, figures, extra_sections=extra_sections))
    return path
