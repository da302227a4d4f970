"""Topics on 5,000 real parliament speeches: a valid, stable result.

Skips when ``../shared/data`` (beside the repository) is absent, as in a user's fresh clone.
Reading, annotating (pipeline ``fast``) and filtering take about 10 s and are not timed;
its time is measured by ``scripts/bench_topics.py`` (a benchmark, not a timed test, so a busy
machine cannot fail the suite).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "storting_speeches.csv.gz"

pytestmark = pytest.mark.skipif(not DATA.is_file(), reason="shared data (storting_speeches.csv.gz) not available")


def test_topics_on_5000_speeches():
    from textanalyse.corpus import Corpus
    from textanalyse.filters import apply_filters
    from textanalyse.nlp import annotate
    from textanalyse.topics import find_topics

    speeches = pd.read_csv(DATA, dtype=str, usecols=["speech_id", "text"])
    speeches = speeches.sort_values("speech_id", kind="mergesort").sample(frac=1.0, random_state=0).head(5000)
    corpus = Corpus.from_documents(pd.DataFrame({
        "doc_id": speeches["speech_id"].to_numpy(), "respondent": speeches["speech_id"].to_numpy(),
        "question": "tale", "source": "storting_speeches.csv.gz", "text": speeches["text"].fillna("").to_numpy(),
    }))
    kept = apply_filters(annotate(corpus, pipeline="fast"), unit="lemma").kept

    result = find_topics(corpus, kept, seed=0)
    print(f"\nfind_topics on 5,000 speeches: k={result.k}, stability={result.stability:.3f}")
    print(result.topics[["topic", "label", "size", "stability"]].to_string(index=False))

    assert 3 <= result.k <= 10
    tried = result.k_scores["k"].tolist()
    assert tried == list(range(3, tried[-1] + 1)) and tried[-1] <= 16
    assert math.isfinite(result.stability) and -1.0 <= result.stability <= 1.0
    assert result.topics["stability"].between(0.0, 1.0).all()
    assert len(result.topics) == result.k
    assert result.topics["size"].sum() == len(result.assignments)
    assert len(result.assignments) + len(result.left_out) == 5000
    assert result.params["vocabulary"] == 5000
