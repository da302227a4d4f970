"""Topics for short answers (issue 13): every answer placed or explained, labels led by content words."""

from types import SimpleNamespace
from pathlib import Path

import pandas as pd
import pytest

from textanalyse.codebook_misses import candidates_with_answers, codebook_misses
from textanalyse.corpus import Corpus
from textanalyse.filters import apply_filters
from textanalyse.nlp import annotate
from textanalyse.themes import code_segments
from textanalyse.topic_features import compound_heads, content_weights
from textanalyse.topics import find_topics

TEXTS = ["Trenger hjelp til å søke bolig.", "Må få hjelp til å søke om kommunal bolig.", "Søke leilighet er vanskelig.",
         "Trenger en bolig snart.", "Hjelp til å finne leilighet.", "Trenger bolig med lav husleie.",
         "Trenger hjelp til å søke jobb.", "Søke jobb er vanskelig uten hjelp.", "Vil ha jobb og arbeid.",
         "Trenger arbeid.", "Hjelp til å finne jobb.", "Arbeidstrening og jobb.",
         "Snakke med noen om angsten.", "Trenger å snakke med psykolog.", "Psykologen hjelper meg.",
         "Snakke om angst og depresjon.", "Trenger psykolog.", "Samtaler med psykolog om angst.",
         "Bra.", "", "Trenger bolig med lav husleie."]
GENERAL_VERBS = {"hjelpe", "søke", "trenge", "snakke"}


@pytest.fixture(scope="module")
def material():
    corpus = Corpus.from_documents([{"doc_id": f"R{i}:q", "respondent": f"R{i}", "question": "q", "source": "-",
                                     "text": text} for i, text in enumerate(TEXTS)])
    tokens = annotate(corpus, pipeline="fast")
    return corpus, tokens, apply_filters(tokens).kept


def test_every_answer_is_in_a_topic_or_has_a_reason(material):
    corpus, tokens, kept = material
    result = find_topics(corpus, kept, k=3, seed=0, themes=code_segments(corpus, tokens).coded)
    assert result.left_out.values.tolist() == [["R18:q", 0, "no-content-words", 0], ["R19:q", 0, "empty", 0]]
    assert len(result.assignments) + len(result.left_out) == len(TEXTS)
    members = result.assignments.groupby("topic")["doc_id"].apply(list).to_dict()
    assert members == {1: [f"R{i}:q" for i in (0, 1, 2, 3, 4, 5, 20)], 2: [f"R{i}:q" for i in range(6, 12)],
                       3: [f"R{i}:q" for i in range(12, 18)]}


def test_labels_lead_with_content_words(material):
    corpus, tokens, kept = material
    result = find_topics(corpus, kept, k=3, seed=0, themes=code_segments(corpus, tokens).coded)
    assert result.topics["label"].tolist() == ["bolig / hjelp / leilighet", "jobb / hjelp / arbeid",
                                               "psykolog / angst / snakke"]
    assert not {label.split(" / ")[0] for label in result.topics["label"]} & GENERAL_VERBS
    assert not result.topics["top_words"].str.contains("tema:").any()


def test_compound_heads_and_word_weights():
    assert compound_heads(["bolig", "kommunebolig", "trening", "arbeidstrening"]) == {
        "arbeidstrening": "trening", "kommunebolig": "bolig"}
    assert content_weights(["bolig", "psykolog", "hjelpe", "trenge", "snakke", "søke"]).round(2).tolist() == [
        1.0, 1.0, 0.4, 0.4, 0.4, 0.4]


def test_what_the_codebook_misses(material):
    corpus, tokens, kept = material
    texts = ["Bussen går for sjelden.", "Bussen er alltid full.", "Dyr buss og lang busstur.",
             "Bussen kommer sent.", "Bussen stopper langt unna.", "Bussen går ikke i helgene.",
             "Kaffen på senteret er god.", "Kaffe og vafler på senteret.", "Senteret har god kaffe.",
             "Kaffen er alltid varm.", "Vafler på fredager.", "Senteret og kaffen.", "Fikk kommunal bolig."]
    corpus = Corpus.from_documents([{"doc_id": f"R{i}:q", "respondent": f"R{i}", "question": "q", "source": "-",
                                     "text": text} for i, text in enumerate(texts)])
    tokens = annotate(corpus, pipeline="fast")
    coded = code_segments(corpus, tokens).coded
    coded = coded[coded["theme"] == "Bolig"]  # the shipped codebook 1.1 also codes transport and food
    misses = codebook_misses(corpus, apply_filters(tokens).kept, coded, k=2)
    assert misses.summary == {"segments": 13, "coded": 1, "uncoded": 12, "clustered": 12, "unassignable": 0}
    # words used in one answer only do not lead a topic (min_df 2); "vafle" is simplemma's lemma
    assert misses.candidates[["label", "size"]].values.tolist() == [["buss / lang", 6], ["kaffe / senter / vafle", 6]]
    table = candidates_with_answers(misses)
    assert table.columns.tolist()[-1] == "typical_answers"
    assert table["typical_answers"].str.count(r" \| ").tolist() == [2, 2]


def test_report_lists_candidate_themes():
    from textanalyse.report.sections import _codebook_misses_part

    material = SimpleNamespace(codebook_misses_summary={"segments": 10, "coded": 6, "uncoded": 4, "clustered": 3,
                                                        "unassignable": 1},
                               codebook_misses=pd.DataFrame({"candidate": [1], "label": ["buss / kaffe"], "size": [3],
                                                             "top_words": ["buss, kaffe"], "stability": [0.9],
                                                             "typical_answers": ["Bussen går sjelden"]}))
    html = _codebook_misses_part(material)
    assert "Det kodeboka ikke fanger" in html and "4 av 10 tekster fikk ikke noe tema" in html
    assert "Bussen går sjelden" in html
