import pytest

from textanalyse.errors import UserError
from textanalyse.kwic import kwic, pattern_matcher
from textanalyse.nlp import annotate
from tests.conftest import survey_corpus


def test_kwic_matches_lemma_and_cuts_context_from_text():
    corpus = survey_corpus({"bra": ["Jeg får god oppfølging av ruskonsulenten. Oppfølgingen er fin.", "Ingen bolig."]},
                           gruppe=["unge", "eldre"])
    table = kwic(annotate(corpus, pipeline="fast"), corpus, "oppfølging", window=2)
    assert table[["doc_id", "left", "keyword", "right", "lemma", "gruppe"]].values.tolist() == [
        ["R1:bra", "får god", "oppfølging", "av ruskonsulenten.", "oppfølging", "unge"],
        ["R1:bra", "av ruskonsulenten.", "Oppfølgingen", "er fin.", "oppfølging", "unge"],
    ]


def test_wildcards_for_compounds():
    corpus = survey_corpus({"q": ["Boligkontoret svarer aldri om kommunebolig."]})
    tokens = annotate(corpus, pipeline="fast")
    assert kwic(tokens, corpus, "bolig*", window=1)["keyword"].tolist() == ["Boligkontoret"]
    assert kwic(tokens, corpus, "*bolig", window=1)["keyword"].tolist() == ["kommunebolig"]
    assert kwic(tokens, corpus, "ventetid").empty


def test_pattern_of_only_stars_is_refused():
    with pytest.raises(UserError, match="matches everything"):
        pattern_matcher("**")
