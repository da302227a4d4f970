"""The methods paragraph: counts from the actual run, and only what ran."""

import dataclasses
import re

import pandas as pd
import pytest

from textanalyse.analysis import Comparison, MaterialAnalysis
from textanalyse.corpus import Corpus
from textanalyse.filters import apply_filters
from textanalyse.frequency import frequency_table
from textanalyse.nlp import annotate
from textanalyse.report.methods import methods_paragraph
from textanalyse.topics import TopicResult

ANSWERS = [
    ("R1", "bra", "Fikk god oppfølging av ruskonsulenten, og oppfølgingen var jevn og trygg.", "Kvinne"),
    ("R2", "bra", "Kontaktpersonen min er ærlig og hjelper meg med bolig og økonomi.", "Mann"),
    ("R3", "bra", "Oppfølging hver uke og hjelp med økonomi.", "Kvinne"),
    ("R1", "darlig", "Lang ventetid på time hos psykolog, okei, det er veldig lenge.", "Kvinne"),
    ("R2", "darlig", "Ventetid og dårlig informasjon fra kommunen.", "Mann"),
]
NONANSWERS = pd.DataFrame({
    "respondent": ["R3", "R4", "R4"], "question": ["darlig", "bra", "darlig"], "source": ["svar.csv"] * 3,
    "raw": ["vet ikke", "", "-"], "reason": ["non-answer", "empty", "non-answer"],
})


def build_material(**changes) -> MaterialAnalysis:
    corpus = Corpus.from_documents(
        [{"doc_id": f"{r}:{q}", "respondent": r, "question": q, "source": "svar.csv", "text": t, "kjonn": k}
         for r, q, t, k in ANSWERS], metadata_columns=("kjonn",), sources=("svar.csv",))
    corpus = dataclasses.replace(corpus, nonanswers=NONANSWERS)
    tokens = annotate(corpus, pipeline="fast")
    result = apply_filters(tokens, unit="lemma", min_length=4)
    overview = pd.DataFrame({"question": ["bra", "darlig"], "documents": [3, 2], "respondents": [3, 2],
                             "nonanswers": [0, 2], "empty": [1, 0], "words": [0, 0]})
    material = MaterialAnalysis(
        name="svar", kind="survey", corpus=corpus, pipeline="fast", unit="lemma", min_length=4,
        overview=overview, groups=pd.DataFrame(), filter_report=result.report,
        frequencies=frequency_table(result.kept, corpus), stoplists=result.stoplists,
        question_labels={"bra": "Hva fungerer bra?"}, language_split={"nb": 5})
    return dataclasses.replace(material, **changes)


@pytest.fixture(scope="module")
def material():
    return build_material()


def plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


def test_counts_of_every_filter_are_quoted_exactly(material):
    text = methods_paragraph(material, settings={})
    report = material.filter_report
    assert len(report) == 6          # non-words, min length, four default lists
    for row in report.itertuples():
        expected = (f"{plural(row.tokens_removed, 'forekomst', 'forekomster')} av "
                    f"{plural(row.words_removed, 'ulikt ord', 'ulike ord')}")
        if row.filter in ("ikke-ord", "minstelengde"):
            assert expected in text, row.filter
        else:
            assert f"«{row.filter}» – {row.reason} – fjernet {expected}" in text
    assert "minst 4 tegn" in text
    assert "fire stoppordlister" in text
    # the filler word list removed "okei"
    fillers = report.set_index("filter").loc["fyllord_transkripsjon"]
    assert fillers.tokens_removed == 1 and fillers.words == "okei"


def test_material_counts_and_nonanswers(material):
    text = methods_paragraph(material, settings={})
    assert "spørreundersøkelse (svar.csv) med svar fra 4 respondenter på to åpne spørsmål" in text
    assert "«Hva fungerer bra?» (bra): 3 svar (1 tomme satt til side)" in text
    assert "«darlig»: 2 svar (2 ikke-svar satt til side)" in text
    assert "Til sammen ble 3 svar satt til side før analysen: 1 tomme og 2 ikke-svar (som «-» og «vet ikke»)" in text


def test_pipeline_unit_and_language(material):
    text = methods_paragraph(material, settings={})
    assert "spaCy-tokenisering og simplemma-lemmatisering" in text
    assert "lemmaer (grunnformer)" in text
    assert "bokmål" in text
    exact = methods_paragraph(build_material(unit="exact", pipeline="accurate"), settings={})
    assert "eksakte ordformer" in exact
    assert "Norsk dependenstrebank" in exact
    split = methods_paragraph(build_material(language_split={"nb": 3, "nn": 2}), settings={})
    assert "3 dokumenter på bokmål og 2 på nynorsk" in split


def test_optional_analyses_are_only_mentioned_when_they_ran(material):
    text = methods_paragraph(material, settings={})
    for absent in ("G²", "Benjamini", "Fisher", "NMF", "Wilson", "kodebok", "Sitat", "avidentifisert"):
        assert absent not in text


def test_comparison_is_described_when_it_ran():
    keyness = pd.DataFrame({"word": ["ventetid"], "count_target": [2], "count_reference": [0], "g2": [4.2],
                            "log_ratio": [2.0], "p_value": [0.04], "p_adjusted": [0.04], "p_documents": [0.3]})
    material = build_material(comparisons=[Comparison("Kvinne mot Mann", "kjonn", "Kvinne", "Mann", keyness)])
    text = methods_paragraph(material, settings={"compare": {"alpha": 0.01}})
    assert "«Kvinne mot Mann»" in text
    assert "Dunnings log-likelihood (G²)" in text and "log-ratio" in text
    assert "Benjamini–Hochberg" in text and "Fishers eksakte test" in text
    assert "justert p under 0,01" in text
    assert "Newcombe" not in text                     # no theme comparison ran
    empty = build_material(comparisons=[Comparison("tom", "kjonn", None, None, pd.DataFrame())])
    assert "G²" not in methods_paragraph(empty, settings={})


def test_themes_topics_and_quotes_are_described_when_present():
    summary = pd.DataFrame({"question": ["bra"] * 2, "theme": ["Bolig", "Økonomi"], "documents_coded": [1, 2],
                            "documents_total": [3, 3], "share": [1 / 3, 2 / 3], "ci_low": [0.06, 0.2],
                            "ci_high": [0.8, 0.94], "passages": [1, 2]})
    topics = pd.DataFrame({"topic": [1, 2], "label": ["a", "b"], "size": [3, 2], "top_words": ["a", "b"],
                           "weights": ["1", "1"], "stability": [0.8, 0.6]})
    quotes = pd.DataFrame({"theme_or_word": ["Bolig"], "rank": [1], "quote": ["Bor hos [NAVN]"], "doc_id": ["R2:bra"],
                           "question": ["bra"], "group": [""], "matched": ["bolig"], "risk_flags": ["alder"],
                           "citation": ["(R2)"]})
    def fitted(k, tried):  # what find_topics records: the settings used and the k tried
        return TopicResult(topics=topics, assignments=pd.DataFrame(), left_out=pd.DataFrame(), stability=0.734,
                           k=2, k_scores=pd.DataFrame({"k": tried}), words=pd.DataFrame(), typical=pd.DataFrame(),
                           params={"k": k, "k_range": (3, 8), "n_reruns": 5})

    material = build_material(theme_summary=summary, topics=topics, topic_stability=0.734, quotes=quotes,
                              topic_result=fitted("auto", list(range(3, 9))))
    text = methods_paragraph(material, settings={"codebook_name": "Kommunale tjenester", "topics": {"k": "auto"}})
    assert "kodeboken «Kommunale tjenester» (2 temaer)" in text
    assert "Wilsons metode" in text
    assert "NMF" in text and "TF-IDF" in text
    assert "k = 2" in text and "mellom 3 og 8" in text
    assert "justert Rand-indeks (ARI)" in text and "ARI = 0,73" in text and "5 nye tilpasninger" in text
    assert "1 sitat er merket" in text and "må vurderes manuelt" in text
    fixed = methods_paragraph(dataclasses.replace(material, topic_result=fitted(2, [2])), settings={"topics": {"k": 2}})
    assert "ble satt til k = 2" in fixed


def test_transcripts_describe_informants_groups_and_cleaning():
    corpus = Corpus.from_documents(
        [{"doc_id": "U01", "respondent": "U01", "question": "intervju", "source": "ung_01.txt",
          "text": "Jeg fikk hjelp.", "gruppe": "unge"},
         {"doc_id": "E01", "respondent": "E01", "question": "intervju", "source": "eldre_01.txt",
          "text": "Hjemmetjenesten kommer.", "gruppe": "eldre"}], metadata_columns=("gruppe",), kind="transcripts")
    groups = pd.DataFrame({"variable": ["gruppe", "gruppe"], "value": ["eldre", "unge"], "respondents": [1, 1],
                           "documents": [1, 1]})
    material = dataclasses.replace(build_material(), name="intervjuer", kind="transcripts", corpus=corpus,
                                   groups=groups, overview=pd.DataFrame())
    text = methods_paragraph(material, settings={})
    assert "2 intervjutranskripsjoner med 2 informanter" in text
    assert "Fordelt på gruppe: 1 eldre og 1 unge" in text
    assert "Bare informantenes replikker ble talt" in text and "tidsstempler" in text
    assert "respondenter" not in text


def test_paragraph_is_one_clean_line(material):
    text = methods_paragraph(material, settings={})
    assert "\n" not in text and "  " not in text
    assert re.search(r"\.\s*$", text)
