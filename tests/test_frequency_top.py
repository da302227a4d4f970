"""``top`` describes only the rows that can reach the top: the same table as cutting the full one."""

from pathlib import Path

import pandas as pd
import pytest

from textanalyse.project import Project

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "eksempel" / "brukerundersokelse.csv"


@pytest.fixture(scope="module")
def project():
    return Project.from_survey(EXAMPLE, text_columns=["fungerer_bra", "fungerer_darlig", "forslag"],
                               id_column="respondent_id", pipeline="fast")


@pytest.mark.parametrize("group_by", [None, "aldersgruppe", "kommune"])
@pytest.mark.parametrize("top", [1, 2, 7, 30])
def test_top_is_the_head_of_the_full_table(project, group_by, top):
    full = project.frequencies(group_by=group_by, top=None)
    keys = ["question"] + ([group_by] if group_by else [])
    expected = full.groupby(keys, sort=False, group_keys=False).head(top).reset_index(drop=True)
    pd.testing.assert_frame_equal(project.frequencies(group_by=group_by, top=top), expected)


def test_ties_at_the_cut_are_broken_alphabetically():
    from textanalyse.corpus import Corpus
    from textanalyse.filters import apply_filters
    from textanalyse.frequency import frequency_table
    from textanalyse.nlp import annotate

    corpus = Corpus.from_answers({"bra": ["Boligen og jobben hjalp.", "Jobben og skolen hjalp.", "Skolen hjalp meg."]})
    kept = apply_filters(annotate(corpus, pipeline="fast"), unit="exact").kept
    table = frequency_table(kept, corpus, top=2)
    assert table[["word", "count", "weighted_percentage"]].values.tolist() == [
        ["hjalp", 3, 37.5], ["jobben", 2, 25.0]]
