"""Excluding a word narrows the filtered table: exactly what filtering every token again gives."""

import pandas as pd
import pytest

from textanalyse.corpus import Corpus
from textanalyse.filters import StopList, apply_filters, default_stoplists, narrow
from textanalyse.nlp import annotate
from textanalyse.project import Project

ANSWERS = {"bra": ["Jeg fikk god oppfølging av kontaktpersonen, og oppfølgingen var tett hele tiden.",
                   "Kontaktpersonen ringte meg hver uke og fulgte opp boligen min.",
                   "Tatt hensyn til ønskene mine, og jeg har tatt tak i jobben igjen."],
           "darlig": ["Ventetiden var lang og oppfolging manglet helt i starten.",
                      "Boligkontoret svarte ikke, og ventetiden var uholdbar."]}


@pytest.fixture(scope="module")
def tokens():
    return annotate(Corpus.from_answers(ANSWERS), pipeline="fast")


def _same(narrowed, again):
    pd.testing.assert_frame_equal(narrowed.kept, again.kept)
    pd.testing.assert_frame_equal(narrowed.report, again.report)
    pd.testing.assert_frame_equal(narrowed.variants.reset_index(drop=True), again.variants.reset_index(drop=True),
                                  check_dtype=False)
    assert narrowed.stoplists == again.stoplists
    assert narrowed.removed == again.removed


VARIANTS = {"oppfolging": "oppfølging", "boligkontor": "bolig", "boligkontoret": "bolig", "boligen": "bolig"}


@pytest.mark.parametrize(("unit", "variants", "row", "folded"), [
    ("lemma", None, (4, 2, "oppfølging ventetid"), []),
    ("lemma", VARIANTS, (5, 2, "oppfølging ventetid"), [["boligkontor", "bolig", 1]]),
    ("exact", None, (1, 1, "oppfølging"), []),
    ("exact", VARIANTS, (2, 1, "oppfølging"), [["boligen", "bolig", 1], ["boligkontoret", "bolig", 1]]),
])
def test_narrow_equals_filtering_again(tokens, unit, variants, row, folded):
    lists = default_stoplists()
    before = StopList("egne_ord", "brukerens liste", frozenset({"uke"}))
    after = StopList("egne_ord", "brukerens liste", frozenset({"uke", "oppfølging", "tatt", "ventetid"}))
    first = apply_filters(tokens, unit=unit, stoplists=[*lists, before], variants=variants, keep_words=["tatt"])
    narrowed = narrow(first, after, keep_words=["tatt"])
    again = apply_filters(tokens, unit=unit, stoplists=[*lists, after], variants=variants, keep_words=["tatt"])
    _same(narrowed, again)
    words = set(narrowed.kept["word"].astype(str))
    assert "oppfølging" not in words
    last = narrowed.report.iloc[-1]
    assert (last["filter"], last["tokens_removed"], last["words_removed"], last["words"]) == ("egne_ord", *row)
    assert narrowed.variants.values.tolist() == folded


def test_narrow_refuses_a_list_that_lost_words(tokens):
    first = apply_filters(tokens, stoplists=[StopList("egne_ord", "x", frozenset({"uke", "jobb"}))])
    with pytest.raises(ValueError):
        narrow(first, StopList("egne_ord", "x", frozenset({"uke"})))


def test_project_extend_stoplist_narrows_and_matches_a_fresh_project(tmp_path):
    survey = tmp_path / "svar.csv"
    survey.write_text("id;bra\n" + "".join(f"{n};{text}\n" for n, text in enumerate(ANSWERS["bra"], 1)),
                      encoding="utf-8")
    own = tmp_path / "egne_ord.txt"
    own.write_text("uke  # eget: ikke interessant\n", encoding="utf-8")
    project = Project.from_survey(survey, text_columns=["bra"], id_column="id", pipeline="fast")
    project.set_filters(stoplists=(str(own),))
    before = project.frequencies()
    assert "oppfølging" in before["word"].tolist()
    own.write_text("uke  # eget: ikke interessant\noppfølging  # eget: for vanlig\n", encoding="utf-8")
    project.extend_stoplist(own)
    assert project.has_filtered()      # narrowed, not filtered again
    fresh = Project.from_survey(survey, text_columns=["bra"], id_column="id", pipeline="fast")
    fresh.set_filters(stoplists=(str(own),))
    pd.testing.assert_frame_equal(project.frequencies(), fresh.frequencies())
    pd.testing.assert_frame_equal(project.filtered.report, fresh.filtered.report)
    assert project.frequencies()["word"].tolist()[:2] == fresh.frequencies()["word"].tolist()[:2]
    assert "oppfølging" not in project.frequencies()["word"].tolist()
