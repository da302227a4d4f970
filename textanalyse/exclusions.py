"""Suggest words for the ambiguity and low-information lists, with the evidence; never edits a list.

Columns of :func:`suggest_exclusions` (stable): ``word, count, documents, spread, readings,
forms, suggested_list, evidence``.

- ``spread``: how evenly the word is used across questions and groups (normalised entropy of
  its per-1,000-word rates; 1 = equally frequent everywhere, 0 = used in one place only).
  A word that is frequent everywhere tells little about what differs.
- ``readings``: distinct lemmas its written forms received, plus distinct word classes when
  the pipeline tags them; more than one suggests several meanings.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus

# Words these surveys are about: never suggested, whatever their spread.
CORE_WORDS = frozenset(
    "oppfølging kontakt tid hjelp bolig jobb samtale samtaler ventetid respekt ingenting "
    "ruskonsulent nav kommune kommunen behandling informasjon".split()
)
SUGGESTION_COLUMNS = ["word", "count", "documents", "spread", "readings", "forms", "suggested_list", "evidence"]


def suggest_exclusions(kept: pd.DataFrame, corpus: Corpus, *, top: int = 40, min_count: int = 5) -> pd.DataFrame:
    """Rank words that may belong on the ambiguity or low-information list.

    The score favours frequent words that are spread evenly across questions and groups, and
    words with several readings. The researcher accepts or rejects each one (add accepted
    words with ``--exclude-word`` or a list file).

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.filters import apply_filters
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["Egentlig grei oppfølging.", "Egentlig greit nok."]})
        >>> kept = apply_filters(annotate(corpus, pipeline="fast"), unit="lemma").kept
        >>> suggest_exclusions(kept, corpus, min_count=1).columns[:3].tolist()
        ['word', 'count', 'documents']
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        from textanalyse.errors import UserError

        raise UserError(f"--top must be a whole number of at least 1, got {top!r}")
    columns = ["question", *corpus.metadata_columns]
    doc_table = corpus.documents.set_index("doc_id")
    cells = kept["doc_id"].astype(object).map(
        doc_table[columns].astype(str).agg(" | ".join, axis=1) if columns else doc_table["question"])
    frame = pd.DataFrame({"word": kept["word"].astype(object).to_numpy(), "cell": cells.to_numpy(),
                          "doc_id": kept["doc_id"].astype(object).to_numpy(),
                          "lower": kept["lower"].astype(object).to_numpy(),
                          "lemma": kept["lemma"].astype(object).to_numpy(),
                          "pos": kept["pos"].astype(object).to_numpy()})
    counts = frame.groupby("word").size()
    candidates = counts[(counts >= min_count) & ~counts.index.isin(CORE_WORDS)].index
    if len(candidates) == 0:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    frame = frame[frame["word"].isin(candidates)]
    cell_sizes = pd.Series(cells.to_numpy()).value_counts()
    rates = frame.groupby(["word", "cell"]).size().unstack(fill_value=0)
    rates = rates.div(cell_sizes.reindex(rates.columns).to_numpy(), axis=1)
    shares = rates.div(rates.sum(axis=1), axis=0)
    n_cells = max(shares.shape[1], 2)
    entropy = -(shares * np.log(shares.where(shares > 0, 1))).sum(axis=1) / math.log(n_cells)
    documents = frame.drop_duplicates(["word", "doc_id"]).groupby("word").size()
    lemma_readings = frame.groupby("lower")["lemma"].nunique()
    forms = frame.groupby(["word", "lower"]).size().rename("n").reset_index()
    readings = forms.assign(readings=forms["lower"].map(lemma_readings)).groupby("word")["readings"].max()
    pos_readings = frame[frame["pos"] != ""].groupby("word")["pos"].nunique()
    readings = readings.add(pos_readings.reindex(readings.index).fillna(1) - 1, fill_value=0).astype(int)
    form_lists = (forms.sort_values(["word", "n", "lower"], ascending=[True, False, True])
                  .groupby("word")["lower"].agg(lambda values: ", ".join(values[:5])))
    table = pd.DataFrame({"word": counts[candidates].index, "count": counts[candidates].to_numpy()})
    table["documents"] = table["word"].map(documents).astype(int)
    table["spread"] = table["word"].map(entropy).round(3)
    table["readings"] = table["word"].map(readings).fillna(1).astype(int)
    table["forms"] = table["word"].map(form_lists)
    table["suggested_list"] = np.where(table["readings"] > 1, "flertydige", "lite_informative")
    table["evidence"] = [
        f"brukt jevnt i {shares.shape[1]} grupper (spredning {spread:.2f})" + (f"; {r} lesninger" if r > 1 else "")
        for spread, r in zip(table["spread"], table["readings"])
    ]
    score = table["spread"] * np.log1p(table["count"]) * (1 + 0.5 * (table["readings"] > 1))
    table = table.assign(_score=score).sort_values(["_score", "word"], ascending=[False, True], kind="stable")
    return table.drop(columns="_score").head(top).reset_index(drop=True)[SUGGESTION_COLUMNS]
