"""The report's sections, one function each: overview, words, themes, comparisons, topics, quotes, method.

Each takes one material's results (and the figure plan) and returns an HTML fragment; none
computes anything the analysis has not already computed.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
from pathlib import Path

import pandas as pd

from textanalyse.report.html_tables import esc, table_html
from textanalyse.report.labels import format_cell, heading
from textanalyse.report.labels import has_rows
from textanalyse.report.plan import FigureSpec, _group_values, _question_text, _questions, _rows_for, slug

HTML_TOP_WORDS = 30
GROUP_TOP_WORDS = 10
KEYNESS_ROWS = 15


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


def overview_sentences(material) -> list[str]:
    """The plain sentences that open a material's overview (the HTML and the Word report)."""
    corpus = material.corpus
    documents = len(corpus.documents)
    if material.kind == "transcripts":
        informants = corpus.documents["respondent"].astype(str).nunique() if documents else 0
        if getattr(material, "keep_interviewer", False):
            turns, counted = "replikker", "Både informantenes og intervjuerens replikker er talt"
        else:
            turns, counted = "informantreplikker", "Bare informantenes replikker er talt"
        sentences = [f"{documents} transkripsjoner med {informants} informanter og {len(corpus.segments)} {turns}. "
                     f"{counted}; tidsstempler og transkribentens merknader er fjernet."]
    else:
        respondents = set(corpus.documents["respondent"].astype(str))
        if len(corpus.nonanswers):
            respondents |= set(corpus.nonanswers["respondent"].astype(str))
        nonanswers = corpus.nonanswers
        empty = int((nonanswers["reason"] == "empty").sum()) if "reason" in nonanswers else 0
        sentences = [f"{documents} svar fra {len(respondents)} respondenter er analysert. {len(nonanswers)} svar er "
                     f"satt til side ({empty} tomme og {len(nonanswers) - empty} ikke-svar); de står i arket "
                     "«Ikke-svar» i tabeller.xlsx."]
    if material.language_split:
        split = ", ".join(f"{value} på {'bokmål' if key == 'nb' else 'nynorsk' if key == 'nn' else key}"
                          for key, value in material.language_split.items())
        sentences.append(f"Målform per dokument: {split}.{_language_basis_sentence(material)}")
    return sentences


def _overview_section(material, ids) -> str:
    parts = [f'<section id="{ids(material.name, "oversikt")}"><h3>Oversikt over materialet</h3>']
    parts += [f"<p>{esc(sentence)}</p>" for sentence in overview_sentences(material)]
    parts.append(table_html(material.overview))
    if has_rows(material.groups):
        parts.append("<h4>Grupper</h4>")
        groups = material.groups.copy()
        if "value" in groups.columns:
            groups["value"] = groups["value"].map(lambda v: "(uten verdi)" if str(v).strip() in ("", "nan") else v)
        parts.append(table_html(groups))
    if has_rows(material.filter_report):
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
        if not has_rows(table) or column not in table.columns or not {"word", "count"} <= set(table.columns):
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


def _side_by_side_frame(rows: pd.DataFrame, column: str):
    """The rank × group frame of the side-by-side top words (cells ``ord (antall)``) and its headings."""
    values = sorted(dict.fromkeys(rows[column].astype(str)))
    lists = {}
    for value in values:
        block = rows[rows[column].astype(str) == value].sort_values(["count", "word"], ascending=[False, True],
                                                                   kind="mergesort")
        lists[value] = [f"{word} ({int(count)})" for word, count in zip(block["word"], block["count"])][:GROUP_TOP_WORDS]
    depth = max((len(items) for items in lists.values()), default=0)
    data = {"rank": list(range(1, depth + 1))}
    for value in values:
        data[value] = lists[value] + [""] * (depth - len(lists[value]))
    return pd.DataFrame(data), {"rank": "Nr.", **{value: value or "(uten verdi)" for value in values}}


def _side_by_side(rows: pd.DataFrame, column: str, *, caption: str) -> str:
    """Top words of each group next to each other: rank × group, the HTML table of :func:`_side_by_side_frame`."""
    frame, labels = _side_by_side_frame(rows, column)
    return table_html(frame, header_labels=labels, caption=caption)


def _theme_section(material, index, plan, figures, ids, codebook_name) -> str:
    summary = material.theme_summary
    by_group = {k: v for k, v in (material.theme_summary_by_group or {}).items() if has_rows(v)}
    if not has_rows(summary) and not by_group:
        return ""
    parts = [f'<section id="{ids(material.name, "temaer")}"><h3>Temaer</h3>']
    book = f"kodeboken «{esc(codebook_name)}»" if codebook_name else "kodeboken"
    parts.append(f"<p>Andel dokumenter kodet med hvert tema etter {book}, med 95 % konfidensintervall (Wilson). "
                 "Passasjer er antall kodede svar eller replikker.</p>")
    columns = ["theme", "documents_coded", "documents_total", "share", "ci_low", "ci_high", "passages"]
    if has_rows(summary):
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
    if has_rows(material.theme_cooccurrence):
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
    comparisons = [c for c in material.comparisons if has_rows(c.keyness) or has_rows(c.themes)]
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
        if has_rows(keyness):
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
        if has_rows(themes):
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
    if not has_rows(material.topics):
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
    if has_rows(material.topic_left_out):
        parts.append(f"<p class=\"merknad\">{esc(len(material.topic_left_out))} tekster er holdt utenfor "
                     "emneanalysen (se arket «Utenfor emner»).</p>")
    parts.append(_codebook_misses_part(material))
    parts.append("</section>")
    return "".join(parts)


def _codebook_misses_part(material) -> str:
    """What the codebook misses: candidate new themes among the uncoded answers."""
    summary = getattr(material, "codebook_misses_summary", None) or {}
    if not summary:
        return ""
    parts = ["<h4>Det kodeboka ikke fanger</h4>",
             f"<p>{esc(summary['uncoded'])} av {esc(summary['segments'])} tekster fikk ikke noe tema fra kodeboka. "
             f"{esc(summary['clustered'])} av dem er gruppert etter felles ord; gruppene under er kandidater til nye "
             "tema (eller til nye mønstre i eksisterende tema), med typiske svar (avidentifisert). "
             "Les svarene før dere gir gruppen et navn.</p>"]
    if has_rows(material.codebook_misses):
        parts.append(table_html(material.codebook_misses, columns=[
            "candidate", "label", "size", "top_words", "stability", "typical_answers"]))
    return "".join(parts)


def _language_basis_sentence(material) -> str:
    """How the languages were decided (respondent's answers pooled; weak evidence → majority)."""
    from textanalyse.nlp.language import BASIS_CLASSIFIER, BASIS_FIXED, BASIS_MAJORITY, language_summary

    decisions = getattr(material, "language_decisions", None)
    if decisions is None or not len(decisions) or "lang_reason" not in decisions:
        return ""
    counts = language_summary(decisions).groupby("basis")["documents"].sum()
    unit = "informant" if material.kind == "transcripts" else "respondent"
    texts = {BASIS_FIXED: "fastsatt i oppsettet",
             BASIS_CLASSIFIER: f"gjenkjent fra alle svarene til samme {unit} (klassifikator og rene nynorsk-/bokmålsformer)",
             BASIS_MAJORITY: "satt til materialets flertall fordi teksten var for kort til å avgjøre"}
    parts = [f"{int(counts[basis])} {text}" for basis, text in texts.items() if counts.get(basis, 0)]
    return (" Grunnlag: " + "; ".join(parts) + ". Begrunnelsen per dokument står i arket «Målform» i tabeller.xlsx.") if parts else ""


QUOTE_ORDER = ["theme_or_word", "rank", "quote", "group", "question", "matched", "risk_flags", "citation", "doc_id"]


def _quote_section(material, ids) -> str:
    if not has_rows(material.quotes):
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
