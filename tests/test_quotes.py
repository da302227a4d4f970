import pytest

from textanalyse.errors import UserError
from textanalyse.nlp import annotate
from textanalyse.quotes import QUOTE_COLUMNS, quote_candidates, risk_flags, split_sentences
from tests.conftest import survey_corpus

ANSWERS = {"bra": [
    "Jeg får god oppfølging av ruskonsulenten hver uke. Det betyr mye for meg.",
    "Oppfølgingen fra Kari på rustjenesten har vært god hele veien, hun ringer alltid tilbake.",
    "God oppfølging. Kort svar.",
    "Jeg får god oppfølging av ruskonsulenten hver uke. Det betyr mye for meg!",
    "Jeg er 19 år og har ADHD, og oppfølgingen fra skolen har vært bra for meg.",
    "Bolig fikk jeg til slutt, etter lang tid på venteliste hos kommunen i bygda.",
]}


@pytest.fixture(scope="module")
def quotes():
    corpus = survey_corpus(ANSWERS, gruppe=["unge", "eldre", "unge", "eldre", "unge", "eldre"],
                           kommunestorrelse=["Stor", "Stor", "Stor", "Stor", "Stor", "Liten"])
    return quote_candidates(corpus, annotate(corpus, pipeline="fast"), words=["oppfølging", "bolig"], per_item=3,
                            group_column="gruppe")


def test_columns_and_choice(quotes):
    assert quotes.columns.tolist() == QUOTE_COLUMNS
    assert quotes[["theme_or_word", "rank", "respondent"]].values.tolist() == [
        ["oppfølging", 1, "R1"], ["oppfølging", 2, "R5"], ["oppfølging", 3, "R2"], ["bolig", 1, "R6"]]


def test_near_duplicates_and_too_short_answers_are_skipped(quotes):
    assert "R4" not in set(quotes["respondent"])  # same words as R1
    assert "R3" not in set(quotes["respondent"])  # 4 words < min_words 8


def test_quotes_are_whole_sentences_and_deidentified(quotes):
    first = quotes.iloc[0]
    assert first["quote"] == "Jeg får god oppfølging av ruskonsulenten hver uke."
    assert first["citation"] == "«Jeg får god oppfølging av ruskonsulenten hver uke.» (respondent, unge)"
    assert quotes.iloc[2]["quote"] == ("Oppfølgingen fra [NAVN-1] på rustjenesten har vært god hele veien, "
                                       "hun ringer alltid tilbake.")


def test_risk_flags(quotes):
    assert quotes.iloc[1]["risk_flags"] == "alder; tall; diagnose: adhd; sjeldne ord (én respondent): skolen"
    assert quotes.iloc[3]["risk_flags"].endswith("liten kommune: bygda, svar fra liten kommune")
    assert risk_flags("Vi var på [STED-1] i fjor.") == []
    assert risk_flags("Han heter Olsen.", uncertain=("Olsen",)) == ["usikre ord med stor forbokstav: Olsen"]


def test_split_sentences():
    text = "Bra hjelp. Lang ventetid! dr. Hansen sa nei.\nNy linje"
    assert [text[a:b] for a, b in split_sentences(text)] == ["Bra hjelp.", "Lang ventetid! dr. Hansen sa nei.",
                                                             "Ny linje"]


def test_bad_options():
    corpus = survey_corpus({"q": ["God hjelp."]})
    with pytest.raises(UserError, match=r"--max-words \(quotes.max_words in a config\) must be a whole number of at least 10"):
        quote_candidates(corpus, annotate(corpus, pipeline="fast"), words=["hjelp"], min_words=10, max_words=5)
    with pytest.raises(UserError, match="--group-by column 'gruppe' not found"):
        quote_candidates(corpus, annotate(corpus, pipeline="fast"), words=["hjelp"], group_column="gruppe")


def test_a_memo_gives_the_same_quotes_and_rechooses_only_the_item_that_changed():
    import pandas as pd

    corpus = survey_corpus(ANSWERS, gruppe=["unge", "eldre", "unge", "eldre", "unge", "eldre"])
    tokens = annotate(corpus, pipeline="fast")
    segments = corpus.segments.reset_index(drop=True)
    coded = pd.DataFrame({"doc_id": segments["doc_id"], "segment": segments["segment"], "question": "bra",
                          "theme": ["Oppfølging"] * 5 + ["Bolig"], "matched": ["oppfølging"] * 5 + ["Bolig"],
                          "pattern": ["oppfølging*"] * 5 + ["bolig*"], "start": [12, 0, 4, 12, 29, 0],
                          "end": [22, 10, 14, 22, 39, 5]})

    def quotes(coded, memo=None):
        return quote_candidates(corpus, tokens, words=["oppfølging"], coded=coded, per_item=2, group_column="gruppe",
                                positions=True, memo=memo)
    memo: dict = {}
    first = quotes(coded, memo)
    pd.testing.assert_frame_equal(first, quotes(coded))
    assert first[["theme_or_word", "kind", "rank", "respondent"]].values.tolist() == [
        ["oppfølging", "word", 1, "R1"], ["oppfølging", "word", 2, "R5"], ["Oppfølging", "theme", 1, "R1"],
        ["Oppfølging", "theme", 2, "R5"], ["Bolig", "theme", 1, "R6"]]
    kept = {key: value for key, value in memo.items() if key != "lookups"}
    assert len(kept) == 3
    marked_wrong = coded.drop(index=0)                    # R1's Oppfølging passage marked wrong
    second = quotes(marked_wrong, memo)
    pd.testing.assert_frame_equal(second, quotes(marked_wrong))
    assert second[["theme_or_word", "rank", "respondent"]].values.tolist() == [
        ["oppfølging", 1, "R1"], ["oppfølging", 2, "R5"], ["Oppfølging", 1, "R5"], ["Oppfølging", 2, "R2"],
        ["Bolig", 1, "R6"]]
    assert len(memo) == 5 and all(memo[key] is value for key, value in kept.items())   # one item chosen again
