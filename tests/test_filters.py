import pytest

from textanalyse.errors import UserError
from textanalyse.filters import apply_filters, default_stoplists, suggest_variants
from textanalyse.nlp import annotate
from tests.conftest import survey_corpus

ANSWERS = {
    "bra": ["Jeg har fått god oppfølging av ruskonsulenten.", "Oppfølgingen er alltid god, og samtalene hjelper.",
            "Ingenting."],
    "darlig": ["Lang ventetid på bolig, lang ventetid på jobb.", "Eg fekk ikkje bustad.", "Kontakten med NAV er dårlig."],
}


@pytest.fixture(scope="module")
def tokens():
    return annotate(survey_corpus(ANSWERS), pipeline="fast")


def report_rows(result):
    return result.report[["filter", "tokens_removed", "words_removed", "words"]].values.tolist()


def test_lemma_mode_report_pins_every_filter(tokens):
    result = apply_filters(tokens, unit="lemma")
    assert report_rows(result) == [
        ["ikke-ord", 8, 2, ""],
        ["minstelengde", 13, 10, "få god på av eg ha jeg med nav og"],
        ["generelle", 3, 2, "være ikkje"],
        ["flertydige", 0, 0, ""],
        ["lite_informative", 1, 1, "alltid"],
        ["fyllord_transkripsjon", 0, 0, ""],
    ]
    assert len(result.kept) == 40 - 8 - 13 - 3 - 1


def test_exact_mode_applies_length_and_lists_to_word_forms(tokens):
    result = apply_filters(tokens, unit="exact")
    assert report_rows(result)[1:5] == [
        ["minstelengde", 13, 10, "er god på av eg har jeg med nav og"],
        ["generelle", 1, 1, "ikkje"],
        ["flertydige", 2, 2, "fekk fått"],
        ["lite_informative", 1, 1, "alltid"],
    ]
    assert sorted(set(result.kept["word"])) == ["bolig", "bustad", "dårlig", "hjelper", "ingenting", "jobb",
                                                "kontakten", "lang", "oppfølging", "oppfølgingen",
                                                "ruskonsulenten", "samtalene", "ventetid"]


def test_min_length_is_configurable(tokens):
    result = apply_filters(tokens, unit="lemma", min_length=3, stoplists=[])
    assert "god" in set(result.kept["word"]) and "nav" in set(result.kept["word"])
    assert "av" not in set(result.kept["word"])
    with pytest.raises(UserError, match="--min-length must be a whole number of at least 1, got 0"):
        apply_filters(tokens, min_length=0)


def test_user_words_keep_and_exclude(tokens):
    result = apply_filters(tokens, unit="lemma", exclude_words=["Ventetid"], keep_words=["alltid"])
    words = set(result.kept["word"])
    assert "ventetid" not in words and "alltid" in words
    assert report_rows(result)[-1] == ["brukerens ord", 2, 1, "ventetid"]


def test_no_stoplists_keeps_function_words_of_four_letters(tokens):
    words = set(apply_filters(tokens, unit="exact", stoplists=[]).kept["word"])
    assert {"ikkje", "alltid", "fått"} <= words


def test_central_survey_words_are_never_in_the_default_lists():
    listed = set().union(*(s.words for s in default_stoplists()))
    central = {"oppfølging", "kontakt", "tid", "hjelp", "bolig", "jobb", "samtaler", "samtale", "ventetid",
               "respekt", "ingenting", "viktig", "bedre", "dårlig"}
    assert central & listed == set()
    assert {"jeg", "om", "det", "sette", "tatt", "etter", "alltid", "eh", "mhm"} <= listed


def test_each_default_list_states_its_reason_in_the_file():
    for stoplist in default_stoplists():
        comments = [line for line in open(stoplist.path, encoding="utf-8") if line.startswith("#")]
        assert any(line.startswith("# Reason:") for line in comments), stoplist.name
        assert any(line.startswith("# Source:") for line in comments), stoplist.name


def test_variants_fold_spelling_and_are_reported():
    corpus = survey_corpus({"q": ["God oppfølging.", "Dårlig oppfølgning.", "Ingen opfølging", "oppfølging igjen"]})
    tokens = annotate(corpus, pipeline="fast")
    result = apply_filters(tokens, unit="exact", variants={"oppfølgning": "oppfølging", "opfølging": "oppfølging"})
    assert (result.kept["word"] == "oppfølging").sum() == 4
    assert result.variants.values.tolist() == [["opfølging", "oppfølging", 1], ["oppfølgning", "oppfølging", 1]]


def test_suggest_variants_finds_one_edit_rare_forms():
    corpus = survey_corpus({"q": ["oppfølging"] * 6 + ["oppfølgning", "opfølging", "kontakt"]})
    result = apply_filters(annotate(corpus, pipeline="fast"), unit="exact")
    assert suggest_variants(result.kept).values.tolist() == [
        ["opfølging", "oppfølging", 1, 6], ["oppfølgning", "oppfølging", 1, 6]]


def test_unknown_unit():
    with pytest.raises(UserError, match="unit 'stem' is not supported; use lemma or exact"):
        apply_filters(None, unit="stem")
