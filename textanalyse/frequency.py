"""Word-frequency tables per question and group, NVivo-compatible and beyond.

Columns of :func:`frequency_table` (stable; scripts depend on them):
``question`` (and the group column when split), ``word, length, count,
weighted_percentage, documents, similar_words``.

- ``count``: occurrences of the word (unit) after filtering;
- ``weighted_percentage``: 100 × count / all words kept in that table (NVivo's definition),
  rounded to 2 decimals;
- ``documents``: documents containing the word (survey answers = respondents per question;
  transcripts = informants);
- ``similar_words``: the lowercased forms counted under the word with their counts, most
  frequent first, e.g. ``oppfølging (12), oppfølgingen (3)``.

Rows are sorted by count descending, then word ascending, within each question and group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError

FREQUENCY_COLUMNS = ["word", "length", "count", "weighted_percentage", "documents", "similar_words"]


def frequency_table(kept: pd.DataFrame, corpus: Corpus, *, group_by: str | None = None,
                    top: int | None = None) -> pd.DataFrame:
    """Frequencies per question (and per value of ``group_by``) of the kept words.

    Args:
        kept: ``FilterResult.kept`` (token table with ``word``).
        corpus: the corpus the tokens came from (for question and metadata).
        group_by: a metadata column to split by, e.g. ``aldersgruppe``.
        top: keep only the ``top`` most frequent words of each table.

    Example:
        >>> table = frequency_table(result.kept, corpus, top=20)     # doctest: +SKIP
        >>> table.loc[0, ["word", "count", "documents"]].tolist()    # doctest: +SKIP
        ['oppfølging', 41, 35]
    """
    if top is not None and (not isinstance(top, (int, np.integer)) or top < 1):
        raise UserError(f"--top must be a whole number of at least 1, got {top!r}")
    keys = ["question"] + ([group_by] if group_by else [])
    if group_by and group_by not in corpus.metadata_columns:
        raise UserError(f"--group-by column '{group_by}' not found; metadata columns are: "
                        + (", ".join(corpus.metadata_columns) or "(none)"))
    doc_table = corpus.documents.set_index("doc_id")[keys]
    frame = pd.DataFrame({
        "doc_id": kept["doc_id"].astype(object).to_numpy(),
        "word": kept["word"].astype(object).to_numpy(),
        "lower": kept["lower"].astype(object).to_numpy(),
    })
    for key in keys:
        frame[key] = frame["doc_id"].map(doc_table[key]).to_numpy()
    if frame.empty:
        return pd.DataFrame(columns=keys + FREQUENCY_COLUMNS)

    counts = frame.groupby(keys + ["word"], sort=False).size().rename("count")
    documents = frame.drop_duplicates(keys + ["word", "doc_id"]).groupby(keys + ["word"], sort=False).size()
    forms = frame.groupby(keys + ["word", "lower"], sort=False).size().rename("n").reset_index()
    forms = forms.sort_values(keys + ["word", "n", "lower"], ascending=[True] * (len(keys) + 1) + [False, True],
                              kind="stable")
    forms["label"] = forms["lower"] + " (" + forms["n"].astype(str) + ")"
    similar = forms.groupby(keys + ["word"], sort=False)["label"].agg(", ".join)

    table = counts.to_frame()
    table["documents"] = documents
    table["similar_words"] = similar
    table = table.reset_index()
    totals = table.groupby(keys, sort=False)["count"].transform("sum")
    table["weighted_percentage"] = (100.0 * table["count"] / totals).round(2)
    table["length"] = table["word"].str.len()
    table = _order_blocks(table, keys, corpus)
    if top is not None:
        table = table.groupby(keys, sort=False, group_keys=False).head(top)
    table = table[keys + FREQUENCY_COLUMNS].reset_index(drop=True)
    return table.astype({"length": "int64", "count": "int64", "documents": "int64"})


def _order_blocks(table: pd.DataFrame, keys: list[str], corpus: Corpus) -> pd.DataFrame:
    question_order = {question: index for index, question in enumerate(corpus.questions)}
    table = table.assign(_question=table["question"].map(question_order))
    sort_keys = ["_question"] + keys[1:] + ["count", "word"]
    ascending = [True] * len(keys) + [False, True]
    return table.sort_values(sort_keys, ascending=ascending, kind="stable").drop(columns="_question")
