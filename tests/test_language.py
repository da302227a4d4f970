"""Bokmål/Nynorsk per respondent: pooling, majority fallback, reasons in the token table."""

import pandas as pd

from textanalyse.nlp import annotate, language_decisions
from textanalyse.nlp.language import decide_languages, language_score, language_summary
from tests.conftest import survey_corpus


def test_issue_examples_are_nynorsk_in_a_bokmal_material():
    corpus = survey_corpus({"bra": ["Bustaden eg har fått er bra.", "Jeg har fått god hjelp av NAV.",
                                    "Jeg er fornøyd med boligen.", "Det er ikke lett å få jobb."],
                            "forslag": ["Meir hjelp til å finne seg arbeid.", "Kortere ventetid hos legen.",
                                        "Mer hjelp til de som trenger det.", "Bedre oppfølging fra kommunen."]})
    tokens = annotate(corpus, pipeline="fast")
    langs = tokens.groupby("doc_id", observed=True)["lang"].first().astype(str)
    assert langs.to_dict() == {"R1:bra": "nn", "R2:bra": "nb", "R3:bra": "nb", "R4:bra": "nb",
                               "R1:forslag": "nn", "R2:forslag": "nb", "R3:forslag": "nb", "R4:forslag": "nb"}
    bustad = tokens[tokens["form"].astype(str) == "Bustaden"]
    assert bustad["lemma"].astype(str).tolist() == ["bustad"]
    assert bustad["lang_reason"].astype(str).iloc[0].startswith("gjenkjent: nynorsk (")
    assert "eg" in bustad["lang_reason"].astype(str).iloc[0]


def test_answers_are_pooled_per_respondent():
    # "Lang ventetid." alone says nothing; its writer's other answer is Nynorsk.
    docs = pd.DataFrame({"doc_id": ["1:a", "1:b", "2:a"], "respondent": ["1", "1", "2"],
                         "text": ["Eg fekk ikkje hjelp.", "Lang ventetid.", "Jeg fikk ikke hjelp."]})
    decisions = decide_languages(docs)
    assert decisions["lang"].tolist() == ["nn", "nn", "nb"]
    assert decisions["lang_reason"].tolist()[:2] == [
        "gjenkjent: nynorsk (+14.4 over 4 ord i teksten; eg, fekk, ikkje)",
        "gjenkjent: nynorsk (+12.6 over 6 ord fra respondenten; eg, fekk, ikkje)"]


def test_an_answer_that_settles_its_language_keeps_it():
    docs = pd.DataFrame({"doc_id": ["1:a", "1:b"], "respondent": ["1", "1"],
                         "text": ["Oppfølgingen er alltid god, og samtalene hjelper.", "Eg fekk ikkje bustad."]})
    assert decide_languages(docs)["lang"].tolist() == ["nb", "nn"]


def test_weak_evidence_takes_the_majority_and_says_so():
    docs = pd.DataFrame({"doc_id": ["1", "2", "3", "4"], "respondent": ["1", "2", "3", "4"],
                         "text": ["Eg fekk ikkje hjelp frå kommunen.", "Kva skal eg gjere no?",
                                  "Heime er best, seier eg.", "Bra."]})
    decisions = decide_languages(docs)
    assert decisions["lang"].tolist() == ["nn", "nn", "nn", "nn"]
    assert decisions["lang_reason"].iloc[3].startswith("svakt grunnlag (")
    assert decisions["lang_reason"].iloc[3].endswith("materialets flertall, nynorsk (3 av 3 sikre)")
    assert language_summary(decisions).to_dict("records") == [
        {"lang": "nn", "basis": "gjenkjent", "documents": 3}, {"lang": "nn", "basis": "svakt grunnlag", "documents": 1}]


def test_fixed_language_is_reported_as_fixed():
    corpus = survey_corpus({"q": ["Jeg fikk hjelp."]})
    tokens = annotate(corpus, pipeline="fast", language="nn")
    assert set(tokens["lang"].astype(str)) == {"nn"}
    assert set(tokens["lang_reason"].astype(str)) == {"fastsatt: nynorsk valgt for hele materialet"}


def test_transcripts_are_pooled_per_informant_and_named_so():
    corpus = survey_corpus({"intervju": ["Det er greitt.", "Eg bur heime."]})
    corpus.documents["respondent"] = "informant 1"
    corpus = type(corpus)(documents=corpus.documents, segments=corpus.segments, nonanswers=corpus.nonanswers,
                          kind="transcripts")
    assert language_decisions(corpus)["lang_reason"].iloc[0].startswith("gjenkjent: nynorsk (")
    assert "fra informanten" in language_decisions(corpus)["lang_reason"].iloc[0]


def test_scores_add_up_over_words():
    single = language_score("eg") - language_score("")
    assert abs(language_score("eg eg") - language_score("") - 2 * single) < 1e-9
    assert single > 1


def test_report_overview_says_how_languages_were_decided():
    from types import SimpleNamespace

    from textanalyse.report.sections import _language_basis_sentence

    decisions = decide_languages(pd.DataFrame({"doc_id": ["1", "2", "3"], "respondent": ["1", "2", "3"],
                                               "text": ["Eg fekk ikkje hjelp.", "Kva skal eg gjere no?", "Bra."]}))
    material = SimpleNamespace(language_decisions=decisions, kind="survey")
    assert _language_basis_sentence(material) == (
        " Grunnlag: 2 gjenkjent fra alle svarene til samme respondent (klassifikator og rene nynorsk-/bokmålsformer);"
        " 1 satt til materialets flertall fordi teksten var for kort til å avgjøre."
        " Begrunnelsen per dokument står i arket «Målform» i tabeller.xlsx.")


def test_scoring_unknown_words_at_once_gives_the_same_numbers_as_one_by_one():
    from textanalyse.nlp.language import _WordScores, _model, char_ngrams

    grams = _model()[1].grams
    words = ["bustadkontoret", "ruskonsulenten", "å", "ø", "x", "kommunepsykologen", "čšž", "ﬁnt", "𝔞𝔟c",
             "ñandú", "heimetenesta", "oppfølgingstjenesten" * 3, "ikkje", "ǆ", "i"]
    one_by_one = [sum(grams.get(gram, 0.0) for gram in char_ngrams(word)) for word in words]
    table = _WordScores(grams)
    table.add_words(words)
    assert [table[word] for word in words] == one_by_one   # exactly, not approximately
    assert all(type(table[word]) is float for word in words)
