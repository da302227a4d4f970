"""Report sections for closed questions and survey waves, in HTML and in Word.

The numbers come from :mod:`textanalyse.closed` and :mod:`textanalyse.waves`; here they are
only laid out: one row per theme, one column per level (or wave) with «andel (antall)», and
the trend test (Cochran–Armitage z and the Benjamini–Hochberg adjusted p) at the end.

Example:
    >>> html = closed_section_html(material, ids)                         # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from textanalyse.report.labels import format_cell, has_rows

KEYNESS_ROWS = 15


def _cell(row) -> str:
    return f"{format_cell('share', float(row['share']))} ({int(row['documents_coded'])} av {int(row['documents_total'])})"


def level_frame(levels: pd.DataFrame, trends: pd.DataFrame, *, level: str, rank: str,
                order: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Themes × levels for one question: «andel (k av n)» per level, then z and adjusted p."""
    frame = {"theme": list(dict.fromkeys(levels["theme"]))}
    for value in order:
        rows = levels[levels[level].astype(str) == value].set_index("theme")
        frame[f"level::{value}"] = [_cell(rows.loc[theme]) if theme in rows.index else "" for theme in frame["theme"]]
    table = pd.DataFrame(frame)
    if has_rows(trends):
        trends = trends.set_index("theme")
        table["z"] = [float(trends.loc[t, "z"]) if t in trends.index else float("nan") for t in table["theme"]]
        table["p_adjusted"] = [float(trends.loc[t, "p_adjusted"]) if t in trends.index else float("nan")
                               for t in table["theme"]]
    labels = {f"level::{value}": value for value in order}
    return table, labels


def _closed_blocks(material):
    """(item, question label, frame, labels) for every closed item and question."""
    from textanalyse.report.plan import _question_text, _questions, _rows_for

    levels, trends = material.closed_levels, material.closed_trends
    for item, order in (material.closed_order or {}).items():
        item_rows = levels[levels["item"] == item] if has_rows(levels) else pd.DataFrame()
        item_trends = trends[trends["item"] == item] if has_rows(trends) else pd.DataFrame()
        for question in _questions(item_rows) if len(item_rows) else []:
            frame, labels = level_frame(_rows_for(item_rows, question), _rows_for(item_trends, question),
                                        level="level", rank="level_rank", order=order)
            yield item, _question_text(material, question), frame, labels


CLOSED_TEXT = ("Andelen svar som er kodet med hvert tema, for hvert nivå av det lukkede spørsmålet (andel, og "
               "antall kodet av alle svar på nivået). Trend (z) er Cochran–Armitages test for lineær trend i "
               "andelen over nivåene (positiv z: andelen øker mot det siste nivået); p er justert etter "
               "Benjamini–Hochberg over temaene og spørsmålene.")

WAVE_TEXT = ("Andelen svar som er kodet med hvert tema i hver bølge. Trend (z) er Cochran–Armitages test for "
             "lineær trend over bølgene, med bølgenes årstall som avstand; p er justert etter Benjamini–Hochberg. "
             "Nøkkelordene sammenligner siste bølge med første.")


def _too_few(waves) -> list[str]:
    sizes = waves.sizes
    return list(sizes.loc[sizes["too_few"].astype(bool), "wave"].astype(str)) if has_rows(sizes) else []


def _wave_blocks(material):
    from textanalyse.report.plan import _question_text, _questions, _rows_for

    waves = material.waves
    if waves is None or not has_rows(waves.themes):
        return
    for question in _questions(waves.themes):
        frame, labels = level_frame(_rows_for(waves.themes, question), _rows_for(waves.trends, question),
                                    level="wave", rank="wave_rank", order=waves.order)
        yield question, _question_text(material, question), frame, labels


def _keyness_rows(waves) -> pd.DataFrame:
    table = waves.keyness
    if not has_rows(table):
        return pd.DataFrame()
    table = table.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort").head(KEYNESS_ROWS * 2)
    return table.reset_index(drop=True)


def _keyness_labels(waves) -> dict[str, str]:
    first, last = waves.order[0], waves.order[-1]
    return {"count_target": f"Antall {last}", "count_reference": f"Antall {first}",
            "per_1000_target": f"Per 1000 ord {last}", "per_1000_reference": f"Per 1000 ord {first}"}


KEYNESS_COLUMNS = ["word", "count_target", "count_reference", "per_1000_target", "per_1000_reference", "g2",
                   "log_ratio", "p_adjusted"]


# ---------------------------------------------------------------------------- HTML

def closed_section_html(material, ids) -> str:
    """The «Lukkede spørsmål» section of ``rapport.html`` ("" when no closed item was given)."""
    from textanalyse.report.html_tables import esc, table_html
    from textanalyse.report.sections import _side_by_side

    if not material.closed_order:
        return ""
    parts = [f'<section id="{ids(material.name, "lukkede")}"><h3>Lukkede spørsmål og temaer</h3>',
             f"<p>{esc(CLOSED_TEXT)}</p>"]
    current = None
    for item, label, frame, labels in _closed_blocks(material):
        if item != current:
            parts.append(f"<h4>{esc(item)}: {esc(', '.join(material.closed_order[item]))}</h4>")
            current = item
        parts.append(table_html(frame, header_labels=labels, caption=label))
    for item, table in (material.closed_words or {}).items():
        table = table[table[item].astype(str) != ""] if has_rows(table) else table
        if not has_rows(table):
            continue
        parts.append(f"<h4>Mest brukte ord etter {esc(item)}</h4>")
        from textanalyse.report.plan import _question_text, _questions, _rows_for

        for question in _questions(table):
            parts.append(_side_by_side(_rows_for(table, question), item, caption=_question_text(material, question)))
    parts.append("</section>")
    return "".join(parts)


def wave_section_html(material, index, plan, figures, ids) -> str:
    """The «Bølger» section of ``rapport.html`` ("" without a wave column)."""
    from textanalyse.report.html_tables import esc, table_html
    from textanalyse.report.plan import _question_text, _questions, _rows_for
    from textanalyse.report.sections import _image, _side_by_side

    waves = material.waves
    if waves is None:
        return ""
    parts = [f'<section id="{ids(material.name, "bolger")}"><h3>Endring mellom bølger ({esc(waves.column)})</h3>',
             f"<p>{esc(WAVE_TEXT)}</p>"]
    flagged = _too_few(waves)
    if flagged:
        parts.append(f'<p class="advarsel">Få svar (under {waves.min_answers} respondenter) i '
                     f"{esc(', '.join(flagged))}: bølgen er tatt med, men andelene er usikre.</p>")
    parts.append(table_html(waves.sizes.drop(columns="wave_rank"), caption="Svar per bølge"))
    for question, label, frame, labels in _wave_blocks(material):
        if label:
            parts.append(f"<h4>{esc(label)}</h4>")
        parts.append(_image(figures, plan.get((index, "waves", question)), f"Temaer per bølge {label}"))
        parts.append(table_html(frame, header_labels=labels))
    if has_rows(waves.words):
        parts.append("<h4>Mest brukte ord per bølge</h4>")
        for question in _questions(waves.words):
            parts.append(_side_by_side(_rows_for(waves.words, question), waves.column,
                                       caption=_question_text(material, question)))
    rows = _keyness_rows(waves)
    if has_rows(rows):
        parts.append(f"<h4>Nøkkelord: {esc(waves.order[-1])} mot {esc(waves.order[0])}</h4>")
        parts.append(table_html(rows, columns=KEYNESS_COLUMNS, header_labels=_keyness_labels(waves)))
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------------------- Word

def closed_section_docx(report, material, index, plan, figures) -> None:
    """The closed-question section of ``rapport.docx``."""
    from textanalyse.report.plan import _question_text, _questions, _rows_for
    from textanalyse.report.sections import _side_by_side_frame

    if not material.closed_order:
        return
    report.heading("Lukkede spørsmål og temaer", 2)
    report.text(CLOSED_TEXT)
    for item, label, frame, labels in _closed_blocks(material):
        report.table(frame, header_labels=labels, caption=f"Temaer etter {item}: {label}" if label else item)
    for item, table in (material.closed_words or {}).items():
        table = table[table[item].astype(str) != ""] if has_rows(table) else table
        for question in _questions(table) if has_rows(table) else []:
            frame, labels = _side_by_side_frame(_rows_for(table, question), item)
            label = _question_text(material, question)
            report.table(frame, header_labels=labels,
                         caption=f"Mest brukte ord etter {item}" + (f": {label}" if label else ""))


def wave_section_docx(report, material, index, plan, figures) -> None:
    """The wave section of ``rapport.docx``."""
    from textanalyse.report.plan import _question_text, _questions, _rows_for
    from textanalyse.report.sections import _side_by_side_frame

    waves = material.waves
    if waves is None:
        return
    report.heading(f"Endring mellom bølger ({waves.column})", 2)
    report.text(WAVE_TEXT)
    flagged = _too_few(waves)
    if flagged:
        report.text(f"Få svar (under {waves.min_answers} respondenter) i {', '.join(flagged)}: bølgen er tatt med, "
                    "men andelene er usikre.", italic=True)
    report.table(waves.sizes.drop(columns="wave_rank"), caption="Svar per bølge")
    for question, label, frame, labels in _wave_blocks(material):
        if label:
            report.heading(label, 3)
        spec = plan.get((index, "waves", question))
        if spec is not None and spec.name in figures:
            report.figure(figures[spec.name], spec.caption)
        report.table(frame, header_labels=labels, caption=f"Temaer per bølge: {label}" if label else "Temaer per bølge")
    for question in _questions(waves.words) if has_rows(waves.words) else []:
        frame, labels = _side_by_side_frame(_rows_for(waves.words, question), waves.column)
        label = _question_text(material, question)
        report.table(frame, header_labels=labels, caption="Mest brukte ord per bølge" + (f": {label}" if label else ""))
    rows = _keyness_rows(waves)
    if has_rows(rows):
        report.table(rows, columns=KEYNESS_COLUMNS, header_labels=_keyness_labels(waves),
                     caption=f"Nøkkelord: {waves.order[-1]} mot {waves.order[0]}")


__all__ = ["closed_section_docx", "closed_section_html", "level_frame", "wave_section_docx", "wave_section_html"]
