"""Keyness on real parliament speeches: speakers born before 1950 against those born 1970 or later.

Uses the shared data folder beside the repository (``../shared/data``) and skips when it is
absent. The counts and statistics are checked against an independent computation (Counter,
math.log, a plain Benjamini–Hochberg loop); the top keywords get a few loose checks that were
verified by eye (older speakers: foreign and security policy of the early 2000s — Irak,
forsvar, sikkerhet; younger speakers: barn, skole, elev, and the intensifier «veldig»).
"""

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from textanalyse.compare import KEYNESS_COLUMNS, keyness

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SPEECHES = DATA / "storting_speeches.csv.gz"
PER_GROUP = 600

pytestmark = pytest.mark.skipif(not SPEECHES.exists(), reason="shared data (storting speeches) not available")


def _sample(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """A fixed sample: ``n`` speeches evenly spaced in speech_id order (many speakers, many years)."""
    frame = frame.sort_values("speech_id", kind="mergesort")
    index = np.linspace(0, len(frame) - 1, n).round().astype(int)
    return frame.iloc[index]


@pytest.fixture(scope="module")
def storting():
    from textanalyse.corpus import Corpus
    from textanalyse.nlp import annotate

    filters = pytest.importorskip("textanalyse.filters")
    speeches = pd.read_csv(SPEECHES, dtype=str, usecols=["speech_id", "birth_year", "text"])
    born = pd.to_numeric(speeches["birth_year"], errors="coerce")
    sample = pd.concat([
        _sample(speeches[born < 1950], PER_GROUP).assign(alder="eldre"),
        _sample(speeches[born >= 1970], PER_GROUP).assign(alder="yngre"),
    ])
    documents = pd.DataFrame({
        "doc_id": sample["speech_id"], "respondent": sample["speech_id"], "question": "tale",
        "source": SPEECHES.name, "text": sample["text"].fillna(""), "alder": sample["alder"],
    })
    corpus = Corpus.from_documents(documents, metadata_columns=("alder",), kind="transcripts")
    tokens = annotate(corpus, pipeline="fast")
    result = filters.apply_filters(tokens, unit="lemma")
    table = keyness(tokens, result.kept, corpus.documents, group_column="alder", target="eldre")
    return corpus, tokens, result.kept, table


def _independent(corpus, tokens, kept, min_count=5, min_documents=2):
    """g2, log_ratio, p_adjusted per word from plain Python (no numpy, no textanalyse.stats)."""
    group_of = dict(zip(corpus.documents["doc_id"], corpus.documents["alder"]))
    n = Counter(group_of[d] for d, is_word in zip(tokens["doc_id"], tokens["is_word"]) if is_word)
    counts = {"eldre": Counter(), "yngre": Counter()}
    docs = {"eldre": {}, "yngre": {}}
    for doc_id, word in zip(kept["doc_id"], kept["word"]):
        group = group_of[doc_id]
        counts[group][word] += 1
        docs[group].setdefault(word, set()).add(doc_id)
    n_t, n_r = n["eldre"], n["yngre"]
    rows = {}
    for word in set(counts["eldre"]) | set(counts["yngre"]):
        o_t, o_r = counts["eldre"][word], counts["yngre"][word]
        d = len(docs["eldre"].get(word, ())) + len(docs["yngre"].get(word, ()))
        if o_t + o_r < min_count or d < min_documents:
            continue
        e_t = n_t * (o_t + o_r) / (n_t + n_r)
        e_r = n_r * (o_t + o_r) / (n_t + n_r)
        g2 = 2 * sum(o * math.log(o / e) for o, e in ((o_t, e_t), (o_r, e_r)) if o > 0)
        lr = math.log2(((o_t + 0.5) / n_t) / ((o_r + 0.5) / n_r))
        p = math.erfc(math.sqrt(g2 / 2))  # chi-square, 1 df
        rows[word] = [o_t, o_r, g2, lr, p]
    words = sorted(rows, key=lambda w: rows[w][4])
    m = len(words)
    running = 1.0
    for rank in range(m, 0, -1):
        word = words[rank - 1]
        running = min(running, rows[word][4] * m / rank)
        rows[word].append(running)
    return n_t, n_r, rows


def test_statistics_match_independent_computation(storting):
    corpus, tokens, kept, table = storting
    n_t, n_r, expected = _independent(corpus, tokens, kept)
    assert tuple(table.columns) == KEYNESS_COLUMNS
    assert table.attrs["tokens_target"] == n_t and table.attrs["tokens_reference"] == n_r
    assert set(table["word"]) == set(expected)
    want = np.array([expected[w] for w in table["word"]], dtype=float)
    np.testing.assert_array_equal(table["count_target"], want[:, 0])
    np.testing.assert_array_equal(table["count_reference"], want[:, 1])
    np.testing.assert_allclose(table["g2"], want[:, 2], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(table["log_ratio"], want[:, 3], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(table["p_value"], want[:, 4], rtol=1e-6, atol=1e-300)
    np.testing.assert_allclose(table["p_adjusted"], want[:, 5], rtol=1e-6, atol=1e-300)
    # sorted by g2 descending
    assert (np.diff(table["g2"].to_numpy()) <= 0).all()


def test_top_keywords_are_plausible(storting):
    corpus, tokens, kept, table = storting
    older = table[table["log_ratio"] > 0].head(15)
    younger = table[table["log_ratio"] < 0].head(15)
    assert len(older) == 15 and len(younger) == 15
    # strong and significant after adjustment
    assert (older["p_adjusted"] < 0.001).all() and (younger["p_adjusted"] < 0.001).all()
    # content words, not function words: a broad list of Norwegian function words stays out of the top
    function_words = set((DATA / "stopwords_iso_no.txt").read_text(encoding="utf-8").split())
    function_words |= set((DATA / "stopwords_nltk_no.txt").read_text(encoding="utf-8").split())
    top = set(older["word"]) | set(younger["word"])
    assert len(top & function_words) <= 2, sorted(top & function_words)
    # loose topical expectations (seen by eye on this fixed sample)
    assert {"irak", "forsvar", "sikkerhet", "sikkerhetsråd"} & set(older["word"])
    assert {"barn", "skole", "elev"} & set(younger["word"])
    # per-1000 rates point the same way as the log ratio
    assert (older["per_1000_target"] > older["per_1000_reference"]).all()
    assert (younger["per_1000_target"] < younger["per_1000_reference"]).all()
