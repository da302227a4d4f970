"""A Norwegian (bokmål) methods paragraph written from what a run actually did.

:func:`methods_paragraph` describes one material: what was read (answers per question and
the non-answers set aside, or transcripts and informants per group), the annotation
pipeline, the counted unit and minimum length, each stop list with its reason and what it
removed (from the filter report), the frequency measures, and — only when they ran — themes,
topics, group comparisons and quote de-identification. It is meant to be pasted into a
report and edited.

Settings read (all optional; missing keys fall back to the documented defaults):

- ``codebook_name`` (str) or ``themes.codebook`` (path; its file stem is used);
- ``topics.k`` (int or ``"auto"``), when the material carries no ``topic_result``;
- ``compare.alpha`` (default 0.05);
Read from the material (``MaterialAnalysis``): ``keep_interviewer`` (whether the
interviewer's turns were counted) and ``topic_result`` (``params``: ``k``, ``k_range``,
``n_reruns``; ``k_scores``: the k actually tried).

Usage (a finished run; :func:`textanalyse.run.run_analysis`'s doctest writes one)::

    text = methods_paragraph(result.materials[0], settings=result.config)
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from textanalyse.report.labels import has_rows, norwegian_number

PIPELINE_DESCRIPTIONS = {
    "fast": "den raske pipelinen i textanalyse (spaCy-tokenisering og simplemma-lemmatisering, "
            "uten ordklassetagging)",
    "accurate": "den nøyaktige pipelinen i textanalyse (textanalyse sin egen modell trent på "
                "Norsk dependenstrebank, med ordklassetagging og lemmatisering)",
}
NUMBER_WORDS = {1: "én", 2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "sju", 8: "åtte", 9: "ni",
                10: "ti", 11: "elleve", 12: "tolv"}
STRUCTURAL_FILTERS = ("ikke-ord", "minstelengde")


def _n(value) -> str:
    """A count with a no-break space between thousands."""
    return norwegian_number(int(value), 0)


def _count_word(value: int, *, neuter: bool = False) -> str:
    """Small numbers in words (``tre``), larger ones in digits; ``ett`` for neuter one."""
    value = int(value)
    if value == 1 and neuter:
        return "ett"
    return NUMBER_WORDS.get(value, _n(value))


def _plural(value: int, singular: str, plural: str) -> str:
    return f"{_n(value)} {singular if int(value) == 1 else plural}"


def _join(items: list[str]) -> str:
    items = [item for item in items if item]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _get(settings: dict, *keys, default=None):
    """``settings[k1][k2]…`` or ``default`` when any level is missing."""
    value = settings
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def _decimal(value: float, decimals: int = 2) -> str:
    return norwegian_number(float(value), decimals)


def pipeline_description(name: str) -> str:
    """A Norwegian description of the annotation pipeline ``name``."""
    name = str(name or "")
    if name in PIPELINE_DESCRIPTIONS:
        return PIPELINE_DESCRIPTIONS[name]
    if name.startswith("nb_core_news"):
        return f"spaCy-modellen {name} (trent på Norsk dependenstrebank)"
    return f"pipelinen «{name}»" if name else "en ukjent pipeline"


# ----------------------------------------------------------------------------- material

def _material_sentences(material) -> list[str]:
    if material.kind == "transcripts":
        return _transcript_sentences(material)
    return _survey_sentences(material)


def _question_label(material, question: str) -> str:
    label = material.question_labels.get(question) if material.question_labels else None
    if label and label != question:
        return f"«{label}» ({question})"
    return f"«{question}»"


def _survey_sentences(material) -> list[str]:
    corpus = material.corpus
    overview = material.overview
    respondents = set(corpus.documents["respondent"].astype(str))
    if len(corpus.nonanswers):
        respondents |= set(corpus.nonanswers["respondent"].astype(str))
    sources = ", ".join(Path(str(source)).name for source in corpus.sources) or material.name
    questions = overview["question"].astype(str).tolist() if "question" in overview else corpus.questions
    sentences = [
        f"Materialet er en spørreundersøkelse ({sources}) med svar fra {_plural(len(respondents), 'respondent', 'respondenter')} "
        f"på {_count_word(len(questions), neuter=True)} åpne {'spørsmål'}."
    ]
    parts = []
    empty_total = nonanswer_total = 0
    for row in overview.to_dict("records") if len(overview) else []:
        documents = int(row.get("documents", 0) or 0)
        empty = int(row.get("empty", 0) or 0)
        nonanswers = int(row.get("nonanswers", 0) or 0)
        empty_total += empty
        nonanswer_total += nonanswers
        part = f"{_question_label(material, str(row.get('question', '')))}: {_plural(documents, 'svar', 'svar')}"
        set_aside = []
        if empty:
            set_aside.append(f"{_n(empty)} tomme")
        if nonanswers:
            set_aside.append(f"{_n(nonanswers)} ikke-svar")
        if set_aside:
            part += f" ({_join(set_aside)} satt til side)"
        parts.append(part)
    if parts:
        sentences.append("Antall svar som ble analysert: " + "; ".join(parts) + ".")
    if empty_total or nonanswer_total:
        examples = _nonanswer_examples(corpus)
        text = (f"Til sammen ble {_plural(empty_total + nonanswer_total, 'svar', 'svar')} satt til side før analysen: "
                f"{_n(empty_total)} tomme og {_n(nonanswer_total)} ikke-svar")
        text += f" (som {examples})." if examples else "."
        sentences.append(text)
    else:
        sentences.append("Ingen svar ble satt til side som tomme eller ikke-svar.")
    sentences.append("Hvert svar på hvert spørsmål regnes som ett dokument.")
    return sentences


def _nonanswer_examples(corpus) -> str:
    table = corpus.nonanswers
    if not len(table) or "reason" not in table:
        return ""
    raw = table.loc[table["reason"] == "non-answer", "raw"].astype(str).str.strip()
    raw = raw[(raw.str.len() > 0) & (raw.str.len() <= 20)]
    if raw.empty:
        return ""
    counts = raw.str.lower().value_counts()
    top = sorted(counts.index, key=lambda value: (-counts[value], value))[:3]
    return _join([f"«{value}»" for value in top])


def _transcript_sentences(material) -> list[str]:
    corpus = material.corpus
    documents = corpus.documents
    informants = documents["respondent"].astype(str).nunique()
    transcripts = len(documents)
    sentences = [
        f"Materialet er {_plural(transcripts, 'intervjutranskripsjon', 'intervjutranskripsjoner')} med "
        f"{_plural(informants, 'informant', 'informanter')}."
    ]
    groups = material.groups
    if len(groups) and {"variable", "value"} <= set(groups.columns):
        for variable, rows in groups.groupby("variable", sort=False):
            counts = rows["respondents"] if "respondents" in rows else rows.get("documents")
            if counts is None:
                continue
            items = [f"{_n(count)} {value or '(uten verdi)'}" for value, count in zip(rows["value"], counts)]
            sentences.append(f"Fordelt på {variable}: {_join(items)}.")
    turns = len(corpus.segments)
    sentences.append(
        f"Hver informants transkripsjon regnes som ett dokument; tekstene ble delt i "
        f"{_plural(turns, 'replikk', 'replikker')}, som er enhetene for koding og sitater."
    )
    if getattr(material, "keep_interviewer", False):
        sentences.append(
            "Både informantenes og intervjuerens replikker ble talt; tidsstempler og transkribentens "
            "merknader (som [latter] eller [pause]) ble fjernet før analysen."
        )
    else:
        sentences.append(
            "Bare informantenes replikker ble talt; intervjuerens spørsmål, tidsstempler og transkribentens "
            "merknader (som [latter] eller [pause]) ble fjernet før analysen."
        )
    return sentences


# ----------------------------------------------------------------------------- language and filters

def _pipeline_sentences(material) -> list[str]:
    sentences = [f"Tekstene ble tokenisert og lemmatisert med {pipeline_description(material.pipeline)}."]
    split = {key: int(value) for key, value in (material.language_split or {}).items() if value}
    if split:
        nb, nn = split.get("nb", 0), split.get("nn", 0)
        if nb and nn:
            sentences.append(
                f"Målformen ble gjenkjent per dokument: {_plural(nb, 'dokument', 'dokumenter')} på bokmål og "
                f"{_n(nn)} på nynorsk, og hvert dokument ble lemmatisert med ordboken for sin målform."
            )
        elif nn:
            sentences.append("Alle dokumentene ble gjenkjent som nynorsk og lemmatisert med nynorsk ordbok.")
        else:
            sentences.append("Alle dokumentene ble gjenkjent som bokmål og lemmatisert med bokmålsordbok.")
    return sentences


def _report_row(report: pd.DataFrame, name: str):
    if report is None or not len(report) or "filter" not in report:
        return None
    rows = report[report["filter"].astype(str) == name]
    return None if rows.empty else rows.iloc[0]


def _removed(row) -> str:
    tokens = int(row["tokens_removed"]) if "tokens_removed" in row else 0
    words = int(row["words_removed"]) if "words_removed" in row else 0
    return (f"{_plural(tokens, 'forekomst', 'forekomster')} av "
            f"{_plural(words, 'ulikt ord', 'ulike ord')}")


def _filter_sentences(material) -> list[str]:
    report = material.filter_report
    if material.unit == "lemma":
        unit = ("Ordene ble talt som lemmaer (grunnformer), slik at bøyningsformer som «oppfølgingen» "
                "telles under «oppfølging»")
    else:
        unit = "Ordene ble talt som eksakte ordformer (med små bokstaver), slik NVivo gjør"
    sentences = [unit + "."]
    nonwords = _report_row(report, "ikke-ord")
    if nonwords is not None:
        sentences.append(f"Tegn uten bokstaver (tall og tegnsetting) ble ikke talt ({_removed(nonwords)}).")
    short = _report_row(report, "minstelengde")
    text = f"Bare ord med minst {_n(material.min_length)} tegn ble talt"
    sentences.append(text + (f"; kortere ord utgjorde {_removed(short)}." if short is not None else "."))
    lists = []
    user_words = None
    if report is not None and len(report) and "filter" in report:
        for row in report.to_dict("records"):
            name = str(row["filter"])
            if name in STRUCTURAL_FILTERS:
                continue
            if name == "brukerens ord":
                user_words = row
                continue
            lists.append(f"«{name}» – {row.get('reason', '')} – fjernet {_removed(row)}")
    if lists:
        sentences.append(
            f"Deretter ble {_count_word(len(lists), neuter=False)} stoppordliste{'r' if len(lists) != 1 else ''} "
            f"brukt, i denne rekkefølgen: " + "; ".join(lists) + "."
        )
    else:
        sentences.append("Ingen stoppordlister ble brukt.")
    if user_words is not None:
        sentences.append(f"I tillegg valgte vi bort enkeltord for hånd ({_removed(user_words)}).")
    return sentences


def _frequency_sentences(material) -> list[str]:
    document = "intervju" if material.kind == "transcripts" else "svar"
    return [
        "Ordfrekvenstabellene viser for hvert ord antall forekomster, vektet prosent (antall forekomster "
        "delt på alle talte ord i samme tabell, ganget med 100, samme definisjon som NVivo) og antall "
        f"dokumenter ordet forekommer i (hvert {document} telles én gang)."
    ]


# ----------------------------------------------------------------------------- optional analyses

def _theme_sentences(material, settings: dict) -> list[str]:
    if not has_rows(material.theme_summary):
        return []
    name = _get(settings, "codebook_name")
    if not name:
        path = _get(settings, "themes", "codebook")
        name = Path(str(path)).stem if path else None
    themes = material.theme_summary["theme"].astype(str).nunique() if "theme" in material.theme_summary else 0
    unit = "hver replikk" if material.kind == "transcripts" else "hvert svar"
    book = f"kodeboken «{name}»" if name else "en kodebok"
    if getattr(material, "coding_sample", None):  # assisted coding: the validation sentences say how
        sentences = [f"Temaene kom fra {book} ({_plural(themes, 'tema', 'temaer')})."]
    else:
        sentences = [
            f"Tekstene ble kodet med {book} ({_plural(themes, 'tema', 'temaer')}): {unit} ble kodet med et tema "
            "når ett av temaets ordmønstre (lemma eller ordform, med * for sammensatte ord) forekom i teksten."
        ]
    sentences.append(
        "For hvert tema oppgis andelen dokumenter som er kodet med temaet, med 95 % konfidensintervall "
        "beregnet med Wilsons metode."
    )
    return sentences


def _topic_sentences(material, settings: dict) -> list[str]:
    if not has_rows(material.topics):
        return []
    k = len(material.topics)
    result = getattr(material, "topic_result", None)   # the TopicResult: what the model actually used
    params = getattr(result, "params", None) or {}
    requested = params.get("k", _get(settings, "topics", "k", default="auto"))
    unit = "hvert svar" if material.kind == "survey" else "hver replikk"
    words = "lemmaene" if material.unit == "lemma" else "ordformene"
    sentences = [
        f"Emner ble funnet med ikke-negativ matrisefaktorisering (NMF) på TF-IDF-vekter av de talte {words} "
        f"i {unit}."
    ]
    if has_rows(material.topic_left_out):
        sentences.append(
            f"{_plural(len(material.topic_left_out), 'tekst', 'tekster')} ble holdt utenfor emneanalysen "
            "(for korte, gjentatte eller uten ord i vokabularet)."
        )
    reruns = params.get("n_reruns", 5)
    if str(requested) == "auto":
        low, high = params.get("k_range", (3, 10))
        tried = getattr(result, "k_scores", None)
        if isinstance(tried, pd.DataFrame) and len(tried):   # the range actually tried (capped by the material)
            low, high = int(tried["k"].min()), int(tried["k"].max())
    if str(requested) == "auto" and low == high:
        sentences.append(f"Antall emner ble satt til k = {k}, det eneste antallet materialet ga rom for "
                         "(høyst ett emne per fem tekster).")
    elif str(requested) == "auto":
        sentences.append(
            f"Antall emner (k = {k}) ble valgt automatisk som den k mellom {low} og {high} som ga de mest "
            "stabile emnene når modellen ble tilpasset på nytt på tilfeldige utvalg av 80 % av tekstene."
        )
    else:
        sentences.append(f"Antall emner ble satt til k = {k}.")
    stability = material.topic_stability
    if stability is not None and not (isinstance(stability, float) and math.isnan(stability)):
        verdict = ("god" if stability >= 0.7 else "middels" if stability >= 0.5 else "svak")
        sentences.append(
            f"Stabiliteten ble målt som gjennomsnittlig justert Rand-indeks (ARI) mellom modellen og "
            f"{_n(reruns)} nye tilpasninger på 80 % utvalg: ARI = {_decimal(stability, 2)} ({verdict} stabilitet; "
            "1 = identisk inndeling, 0 = som tilfeldig)."
        )
    return sentences


def _comparison_sentences(material, settings: dict) -> list[str]:
    comparisons = [c for c in material.comparisons if has_rows(c.keyness) or has_rows(c.themes)]
    if not comparisons:
        return []
    alpha = _get(settings, "compare", "alpha", default=0.05)
    names = _join([f"«{c.name}»" for c in comparisons])
    sentences = [
        f"Gruppene ble sammenlignet ({names}). For hvert ord ble forskjellen testet med Dunnings "
        "log-likelihood (G²), og log-ratio (log₂ av forholdet mellom de relative frekvensene) er brukt som "
        "effektmål. Fordi mange ord testes samtidig, ble p-verdiene justert med Benjamini–Hochberg-metoden "
        f"(falsk oppdagelsesrate), og ord med justert p under {_decimal(alpha, 2)} regnes som signifikante."
    ]
    sentences.append(
        "Siden G² behandler hver forekomst som uavhengig, testet vi også med Fishers eksakte test om ordet "
        "forekommer i flere dokumenter i den ene gruppen enn i den andre (hvert dokument telles én gang)."
    )
    if any(has_rows(c.themes) for c in comparisons):
        sentences.append(
            "Andelen dokumenter med hvert tema ble sammenlignet mellom gruppene med Fishers eksakte test "
            "(Benjamini–Hochberg-justert), med 95 % konfidensintervall for differansen (Newcombe)."
        )
    return sentences


def _quote_sentences(material) -> list[str]:
    if not has_rows(material.quotes):
        return []
    sentences = [
        f"Sitatkandidatene ({_plural(len(material.quotes), 'sitat', 'sitater')}) ble avidentifisert automatisk: "
        "personnavn, stedsnavn, organisasjoner, kontaktopplysninger, datoer og andre direkte "
        "identifiserende opplysninger ble erstattet med plassholdere i hakeparentes."
    ]
    if "risk_flags" in material.quotes:
        flagged = int((material.quotes["risk_flags"].fillna("").astype(str).str.strip() != "").sum())
        if flagged:
            sentences.append(
                f"{_plural(flagged, 'sitat', 'sitater')} er merket med mulig gjenværende risiko for gjenkjenning."
            )
    sentences.append("Alle sitater må vurderes manuelt før de publiseres.")
    return sentences


def _survey_link_sentences(material, settings: dict) -> list[str]:
    """Closed items, waves and unit reports: what was done, and what privacy rules held back."""
    sentences = []
    order = getattr(material, "closed_order", None) or {}
    if order:
        items = _join([f"«{item}» ({', '.join(levels)})" for item, levels in order.items()])
        sentences.append(f"Temaene er lest opp mot de lukkede spørsmålene {items}: andelen svar kodet med hvert tema "
                         "på hvert nivå, med Cochran–Armitages test for lineær trend over nivåene "
                         "(Benjamini–Hochberg-justert).")
    waves = getattr(material, "waves", None)
    if waves is not None:
        sentences.append(f"Bølgene ({waves.column}: {', '.join(waves.order)}) er sammenlignet med andelen svar per tema "
                         "i hver bølge, Cochran–Armitages trendtest med bølgenes årstall som avstand, og nøkkelord "
                         "mellom første og siste bølge.")
        small = list(waves.sizes.loc[waves.sizes["too_few"].astype(bool), "wave"].astype(str))
        if small:
            sentences.append(f"Bølgen {_join(small)} har færre enn {waves.min_answers} respondenter og er merket, "
                             "ikke utelatt.")
    units = getattr(material, "units", None) or []
    if units:
        column = units[0].column
        minimum = units[0].min_respondents
        small = [unit.unit for unit in units if unit.too_small]
        text = (f"Det er laget en egen rapport per {column} for enheter med minst {minimum} respondenter; celler under "
                f"{units[0].min_cell} er skjult der.")
        if small:
            text += f" For små til egen rapport: {_join(small)}."
        withheld = getattr(material, "quotes_withheld", 0)
        if withheld:
            text += (f" {_plural(withheld, 'sitat', 'sitater')} fra enheter med færre enn {minimum} respondenter er "
                     "holdt tilbake fra denne rapporten.")
        sentences.append(text)
    return sentences


def methods_paragraph(material, *, settings: dict) -> str:
    """A Norwegian methods paragraph for ``material`` (a :class:`MaterialAnalysis`).

    Only what ran is described: themes, topics, comparisons and quotes are mentioned only
    when their tables are not empty. ``settings`` is the effective config (see the module
    docstring for the keys read). Counts come from the material's overview and filter report.
    """
    settings = settings or {}
    sentences = []
    sentences += _material_sentences(material)
    sentences += _pipeline_sentences(material)
    sentences += _filter_sentences(material)
    sentences += _frequency_sentences(material)
    sentences += _theme_sentences(material, settings)
    from textanalyse.report.validation import validation_sentences

    sentences += validation_sentences(material)
    sentences += _topic_sentences(material, settings)
    sentences += _comparison_sentences(material, settings)
    sentences += _quote_sentences(material)
    sentences += _survey_link_sentences(material, settings)
    text = " ".join(sentence.strip() for sentence in sentences if sentence.strip())
    return re.sub(r"\s+", " ", text).strip()
