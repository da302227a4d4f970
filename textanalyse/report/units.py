"""Unit reports: ``<out>/kommuner/<enhet>/rapport.html`` (and ``.docx``) plus ``kommuner/index.html``.

Everything shown comes from :mod:`textanalyse.units`, where the privacy rules are applied;
here hidden cells are written as «<5» (the count) and «–» (share, interval, difference, p),
whole-material shares as whole percents, and the methods paragraph says which thresholds
were used and what they hid.

Example:
    >>> write_unit_reports(result, "resultater")          # doctest: +SKIP
    ['kommuner/granmo/rapport.html', ..., 'kommuner/index.html']
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from textanalyse.atomic import write_text
from textanalyse.report.labels import format_cell, norwegian_number
from textanalyse.units import UNIT_FOLDER

HIDDEN = "–"


def _units_by_name(result) -> dict[str, list]:
    units: dict[str, list] = {}
    for material in result.materials:
        for unit in material.units or []:
            units.setdefault(unit.unit, []).append((material, unit))
    return dict(sorted(units.items()))


def _percent(value, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN
    return norwegian_number(100 * float(value), decimals) + "\u00a0%"


def _points(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN
    return norwegian_number(100 * float(value), 1).replace("-", "\u2212")


def display_table(table: pd.DataFrame, *, label_column: str, min_cell: int) -> pd.DataFrame:
    """The unit table as it is printed: «<5» for hidden counts, «–» for what would give them back."""
    rows = []
    for row in table.to_dict("records"):
        hidden = bool(row["suppressed"])
        interval = HIDDEN if hidden else f"{_percent(row['ci_low'])} – {_percent(row['ci_high'])}"
        difference = HIDDEN if hidden else (f"{_points(row['difference'])} "
                                            f"({_points(row['difference_low'])} til {_points(row['difference_high'])})")
        rows.append({
            label_column: row[label_column],
            "coded": f"<{min_cell}" if hidden else format_cell("coded", int(row["coded"])),
            "total": f"<{min_cell}" if int(row["total"]) < min_cell else format_cell("total", int(row["total"])),
            "share": _percent(row["share"]),
            "interval": interval,
            "share_all": _percent(row["share_all"], 0),
            "difference": difference,
            "p_adjusted": HIDDEN if hidden or pd.isna(row["p_adjusted"]) else format_cell("p_adjusted", row["p_adjusted"]),
        })
    return pd.DataFrame(rows)


HEADINGS = {"theme": "Tema", "word": "Ord", "coded": "Svar i enheten", "total": "Alle svar i enheten",
            "share": "Andel i enheten", "interval": "95 % KI (Wilson)", "share_all": "Hele materialet (avrundet)",
            "difference": "Forskjell fra resten, prosentpoeng (95 % KI)", "p_adjusted": "p (Fisher, BH-justert)"}


def _blocks(unit):
    """(title, display frame, caption) for the unit's theme and word tables, per question."""
    from textanalyse.report.plan import _question_text

    material = unit[0]
    analysis = unit[1]
    for name, label_column, title in (("themes", "theme", "Temaer"), ("words", "word", "Mest brukte ord")):
        table = getattr(analysis, name)
        if not len(table):
            continue
        for question in dict.fromkeys(table["question"].astype(str)):
            rows = table[table["question"].astype(str) == question]
            yield title, display_table(rows, label_column=label_column, min_cell=analysis.min_cell), \
                f"{title}: {_question_text(material, question)}"


def privacy_sentences(analysis, small_units: list[str]) -> str:
    """The privacy part of a unit report's methods paragraph: thresholds and what they hid."""
    hidden = analysis.cells_suppressed
    extra = int(sum(table["complementary"].sum() for table in (analysis.themes, analysis.words) if len(table)))
    small = ", ".join(small_units) if small_units else "ingen"
    text = (f"Rapporten viser {analysis.column} {analysis.unit} ({analysis.respondents} respondenter) ved siden av hele "
            f"materialet; forskjellen er testet mot resten av materialet (Fishers eksakte test, Benjamini–Hochberg-"
            f"justert) med Newcombes konfidensintervall for differansen. Personvern: en enhet med færre enn "
            f"{analysis.min_respondents} respondenter får ingen egen rapport, og sitater fra slike enheter er holdt "
            f"tilbake (her: {small}). Tall under {analysis.min_cell} vises som «<{analysis.min_cell}», og da skjules "
            "også andel, konfidensintervall, forskjell og p-verdi, som ellers ville gitt tallet tilbake. ")
    if hidden:
        text += (f"I denne rapporten er {hidden} celler skjult" +
                 (f", {extra} av dem fordi tallet ellers kunne regnes ut fra tallene for hele materialet og de andre "
                  "enhetene" if extra else "") + ". ")
    else:
        text += "Ingen celler i denne rapporten er skjult. "
    text += "Tall for hele materialet vises bare som andeler avrundet til hele prosent. "
    if analysis.quotes_withheld:
        text += (f"{analysis.quotes_withheld} sitater er holdt tilbake fordi de kommer fra temaer eller ord som under "
                 f"{analysis.min_cell} svar i enheten handler om.")
    return text


def _small_units(result) -> list[str]:
    return sorted({u.unit for material in result.materials for u in (material.units or []) if u.too_small})


# ---------------------------------------------------------------------------- HTML


def _unit_html(result, name: str, parts: list) -> str:
    from textanalyse.report.html import CSS
    from textanalyse.report.html_tables import esc, table_html
    from textanalyse.report.methods import methods_paragraph

    small = _small_units(result)
    body = [f'<header class="topp"><h1>{esc(result.title or "Tekstanalyse")}: {esc(name)}</h1>'
            f'<p class="merknad"><a href="../index.html">Alle enheter</a> · tabellene viser enheten ved siden av '
            "hele materialet.</p></header><main>"]
    for material, analysis in parts:
        if analysis.too_small:
            continue
        body.append(f"<h2>{esc(material.name)}</h2>")
        answers = analysis.answers
        if len(answers):
            shown = answers.assign(answers=[f"<{analysis.min_cell}" if hidden else str(int(count)) for count, hidden
                                            in zip(answers["answers"], answers["suppressed"])])
            body.append(table_html(shown[["question", "answers"]], header_labels={"answers": "Svar i enheten"},
                                   caption=f"{analysis.respondents} respondenter i {analysis.unit}"))
        current = None
        for title, frame, caption in _blocks((material, analysis)):
            if title != current:
                body.append(f"<h3>{esc(title)}</h3>")
                current = title
            body.append(table_html(frame, header_labels=HEADINGS, caption=caption))
        if len(analysis.quotes):
            body.append("<h3>Sitatkandidater</h3><p class=\"advarsel\"><strong>Må vurderes før publisering.</strong> "
                        "I en enkelt kommune kan et sitat lettere gjøre en person gjenkjennelig.</p>")
            for row in analysis.quotes.to_dict("records"):
                body.append(f"<blockquote>«{esc(str(row.get('quote', '')).strip('«»'))}»<br>"
                            f"<small>– {esc(row.get('theme_or_word', ''))}, {esc(row.get('question', ''))}</small>"
                            "</blockquote>")
        settings = dict(result.config or {})
        body.append(f"<h3>Metode</h3><p>{esc(privacy_sentences(analysis, small))}</p>"
                    f"<p>{esc(methods_paragraph(material, settings=settings))}</p>")
    body.append("</main>")
    return ("<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) +
            "\n</body>\n</html>\n")


def _index_html(result, units: dict, folders: dict) -> str:
    from textanalyse.report.html import CSS
    from textanalyse.report.html_tables import esc

    materials = [m for m in result.materials if m.units]
    rows = []
    for name, parts in units.items():
        by_material = {material.name: analysis for material, analysis in parts}
        cells = []
        for material in materials:
            analysis = by_material.get(material.name)
            if analysis is None:
                cells.append("<td>–</td>")
            elif analysis.too_small:
                cells.append(f'<td class="tall">&lt;{analysis.min_respondents}</td>')
            else:
                cells.append(f'<td class="tall">{analysis.respondents}</td>')
        if name in folders:
            link = f'<a href="{esc(folders[name])}/rapport.html">rapport</a>'
        else:
            minimum = parts[0][1].min_respondents
            link = f"for liten: færre enn {minimum} respondenter, ingen egen rapport"
        rows.append(f"<tr><td>{esc(name)}</td>{''.join(cells)}<td>{link}</td></tr>")
    column = materials[0].units[0].column if materials else "enhet"
    heads = "".join(f'<th class="tall">Respondenter: {esc(m.name)}</th>' for m in materials)
    return ("<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(result.title or 'Tekstanalyse')}: rapporter per {esc(column)}</title>\n<style>{CSS}</style>\n"
            f"</head>\n<body>\n<header class=\"topp\"><h1>Rapporter per {esc(column)}</h1></header><main>"
            f"<p>Én rapport per {esc(column)}, med enheten ved siden av hele materialet. Enheter med for få "
            "respondenter får ingen egen rapport, av hensyn til personvernet.</p>"
            f"<table><thead><tr><th>{esc(column.capitalize())}</th>{heads}<th>Rapport</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></main>\n</body>\n</html>\n")


# ---------------------------------------------------------------------------- Word


def _unit_docx(result, name: str, parts: list) -> bytes:
    from textanalyse.report.docx import WordReport
    from textanalyse.report.methods import methods_paragraph

    small = _small_units(result)
    report = WordReport(f"{result.title or 'Tekstanalyse'}: {name}")
    report.title(f"{result.title or 'Tekstanalyse'}: {name}")
    for material, analysis in parts:
        if analysis.too_small:
            continue
        report.heading(material.name, 1)
        current = None
        for title, frame, caption in _blocks((material, analysis)):
            if title != current:
                report.heading(title, 2)
                current = title
            report.table(frame, header_labels=HEADINGS, caption=caption)
        if len(analysis.quotes):
            report.heading("Sitatkandidater", 2)
            report.text("Må vurderes før publisering. I en enkelt kommune kan et sitat lettere gjøre en person "
                        "gjenkjennelig.", italic=True)
            for row in analysis.quotes.to_dict("records"):
                report.quote(str(row.get("quote", "")), f"{row.get('theme_or_word', '')}, {row.get('question', '')}")
        report.heading("Metode", 2)
        report.text(privacy_sentences(analysis, small))
        report.text(methods_paragraph(material, settings=dict(result.config or {})))
    return report.to_bytes()


def write_unit_reports(result, out_dir, *, docx: bool = False) -> list[str]:
    """Write one report per unit that is large enough, and ``kommuner/index.html``; returns the file names."""
    from textanalyse.atomic import write_bytes
    from textanalyse.report.plan import slug

    units = _units_by_name(result)
    if not units:
        return []
    folder = Path(out_dir) / UNIT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written, folders, used = [], {}, set()
    for name, parts in units.items():
        if all(analysis.too_small for _, analysis in parts):
            continue
        stem = slug(name)
        while stem in used:
            stem += "_2"
        used.add(stem)
        folders[name] = stem
        (folder / stem).mkdir(exist_ok=True)
        write_text(folder / stem / "rapport.html", _unit_html(result, name, parts))
        written.append(f"{UNIT_FOLDER}/{stem}/rapport.html")
        if docx:
            write_bytes(folder / stem / "rapport.docx", _unit_docx(result, name, parts))
            written.append(f"{UNIT_FOLDER}/{stem}/rapport.docx")
    write_text(folder / "index.html", _index_html(result, units, folders))
    written.append(f"{UNIT_FOLDER}/index.html")
    return sorted(written)
