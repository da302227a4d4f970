import pytest

from textanalyse.errors import UserError
from textanalyse.filters import apply_filters
from textanalyse.frequency import FREQUENCY_COLUMNS, frequency_table
from textanalyse.nlp import annotate
from tests.conftest import survey_corpus
from tests.test_filters import ANSWERS


@pytest.fixture(scope="module")
def corpus():
    return survey_corpus(ANSWERS, alder=["18-23", "67+", "67+"])


@pytest.fixture(scope="module")
def tokens(corpus):
    return annotate(corpus, pipeline="fast")


def test_lemma_table_per_question(corpus, tokens):
    table = frequency_table(apply_filters(tokens, unit="lemma").kept, corpus)
    assert table.columns.tolist() == ["question"] + FREQUENCY_COLUMNS
    assert table.values.tolist() == [
        ["bra", "oppfølging", 10, 2, 33.33, 2, "oppfølging (1), oppfølgingen (1)"],
        ["bra", "hjelpe", 6, 1, 16.67, 1, "hjelper (1)"],
        ["bra", "ingenting", 9, 1, 16.67, 1, "ingenting (1)"],
        ["bra", "ruskonsulent", 12, 1, 16.67, 1, "ruskonsulenten (1)"],
        ["bra", "samtale", 7, 1, 16.67, 1, "samtalene (1)"],
        ["darlig", "lang", 4, 2, 22.22, 1, "lang (2)"],
        ["darlig", "ventetid", 8, 2, 22.22, 1, "ventetid (2)"],
        ["darlig", "bolig", 5, 1, 11.11, 1, "bolig (1)"],
        ["darlig", "bustad", 6, 1, 11.11, 1, "bustad (1)"],
        ["darlig", "dårlig", 6, 1, 11.11, 1, "dårlig (1)"],
        ["darlig", "jobb", 4, 1, 11.11, 1, "jobb (1)"],
        ["darlig", "kontakt", 7, 1, 11.11, 1, "kontakten (1)"],
    ]


def test_exact_table_counts_word_forms_like_nvivo(corpus, tokens):
    table = frequency_table(apply_filters(tokens, unit="exact").kept, corpus)
    bra = table[table["question"] == "bra"]
    assert bra[["word", "count", "weighted_percentage"]].values.tolist() == [
        ["hjelper", 1, 16.67], ["ingenting", 1, 16.67], ["oppfølging", 1, 16.67], ["oppfølgingen", 1, 16.67],
        ["ruskonsulenten", 1, 16.67], ["samtalene", 1, 16.67]]


def test_documents_count_answers_not_occurrences():
    corpus = survey_corpus({"q": ["bolig bolig bolig", "bolig", "jobb"]})
    table = frequency_table(apply_filters(annotate(corpus, pipeline="fast"), unit="exact").kept, corpus)
    assert table[["word", "count", "documents"]].values.tolist() == [["bolig", 4, 2], ["jobb", 1, 1]]


def test_group_by_and_top(corpus, tokens):
    table = frequency_table(apply_filters(tokens).kept, corpus, group_by="alder", top=1)
    assert table[["question", "alder", "word", "count", "weighted_percentage"]].values.tolist() == [
        ["bra", "18-23", "oppfølging", 1, 50.0],
        ["bra", "67+", "hjelpe", 1, 25.0],
        ["darlig", "18-23", "lang", 2, 33.33],
        ["darlig", "67+", "bustad", 1, 33.33],
    ]


def test_group_by_unknown_column(corpus, tokens):
    with pytest.raises(UserError, match="--group-by column 'kjønn' not found; metadata columns are: alder"):
        frequency_table(apply_filters(tokens).kept, corpus, group_by="kjønn")
