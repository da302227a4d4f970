"""Summaries of coded passages: shares per question and group, theme co-occurrence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from textanalyse.errors import UserError
from textanalyse.themes.codebook import Codebook


def theme_summary(
    coded: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    group_column: str | None = None,
    themes=None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How many documents mention each theme, per question (and group).

    Args:
        coded: ``CodingResult.coded``.
        documents: ``corpus.documents`` (the denominator: every analysed document;
            non-answers are not documents).
        group_column: a metadata column of ``documents`` to split by (e.g. ``kjønn``).
        themes: theme names (or a :class:`Codebook`) to list even when nothing was coded;
            their order is kept. Default: the coded themes, most frequent first.
        confidence: level of the Wilson interval.

    Returns:
        One row per question × [group] × theme: ``question, [group_column], theme,
        documents_coded`` (documents with at least one match), ``documents_total``,
        ``share`` (coded / total), ``ci_low, ci_high`` (Wilson score interval of the
        share), ``passages`` (coded segments: turns of a transcript, or answers).

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> documents = Corpus.from_answers({"bra": ["Fikk bolig.", "God hjelp.", "Bolig og hjelp."]},
        ...                                 kjonn=["kvinne", "mann", "mann"]).documents
        >>> coded = pd.DataFrame({"doc_id": ["R1:bra", "R3:bra", "R2:bra", "R3:bra"], "segment": 0,
        ...                       "theme": ["Bolig", "Bolig", "Oppfølging", "Oppfølging"]})
        >>> summary = theme_summary(coded, documents, group_column="kjonn")
        >>> summary[["kjonn", "theme", "documents_coded", "documents_total"]].values.tolist()
        [['kvinne', 'Bolig', 1, 1], ['kvinne', 'Oppfølging', 0, 1], ['mann', 'Bolig', 1, 2], ['mann', 'Oppfølging', 2, 2]]
    """
    from textanalyse.stats import wilson_interval

    docs = documents.copy()
    if group_column is not None and group_column not in docs.columns:
        available = [c for c in docs.columns if c not in ("doc_id", "respondent", "source", "text")]
        raise UserError(
            f"theme_summary: group column '{group_column}' not found; available: {', '.join(available)}"
        )
    keys = ["question"] + ([group_column] if group_column else [])
    docs["doc_id"] = docs["doc_id"].astype(str)
    for key in keys:
        docs[key] = docs[key].fillna("").astype(str)
    totals = docs.groupby(keys, sort=False).size().rename("documents_total").reset_index()

    if isinstance(themes, Codebook):
        theme_order = themes.theme_names
    elif themes is not None:
        theme_order = [str(t) for t in themes]
    else:
        counts = coded.groupby("theme")["doc_id"].nunique()
        theme_order = sorted(counts.index, key=lambda t: (-counts[t], t))
    extra = [t for t in pd.unique(coded["theme"]) if t not in theme_order] if len(coded) else []
    theme_order = list(theme_order) + sorted(extra)

    c = coded[["doc_id", "segment", "theme"]].copy()
    c["doc_id"] = c["doc_id"].astype(str)
    c["theme"] = c["theme"].astype(str)
    c = c.merge(docs[["doc_id"] + keys], on="doc_id", how="inner")
    docs_coded = c.groupby(keys + ["theme"])["doc_id"].nunique().rename("documents_coded")
    passages = c.drop_duplicates(["doc_id", "segment", "theme"]).groupby(keys + ["theme"]).size().rename("passages")

    grid = totals.merge(pd.DataFrame({"theme": pd.Series(theme_order, dtype=object)}), how="cross")
    for counts in (docs_coded, passages):
        counts = counts.reset_index()
        for key in keys + ["theme"]:
            counts[key] = counts[key].astype(object)
            grid[key] = grid[key].astype(object)
        grid = grid.merge(counts, on=keys + ["theme"], how="left")
    grid["documents_coded"] = grid["documents_coded"].fillna(0).astype(np.int64)
    grid["passages"] = grid["passages"].fillna(0).astype(np.int64)
    grid["documents_total"] = grid["documents_total"].astype(np.int64)
    k = grid["documents_coded"].to_numpy(float)
    n = grid["documents_total"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid["share"] = np.where(n > 0, k / n, np.nan)
    if len(grid):
        low, high = wilson_interval(k, n, confidence=confidence)
        grid["ci_low"] = np.asarray(low, dtype=float)
        grid["ci_high"] = np.asarray(high, dtype=float)
    else:
        grid["ci_low"] = pd.Series(dtype=float)
        grid["ci_high"] = pd.Series(dtype=float)

    question_rank = {q: i for i, q in enumerate(pd.unique(docs["question"]))}
    theme_rank = {t: i for i, t in enumerate(theme_order)}
    grid["_q"] = grid["question"].map(question_rank)
    grid["_t"] = grid["theme"].map(theme_rank)
    sort = ["_q"] + ([group_column] if group_column else []) + ["_t"]
    grid = grid.sort_values(sort, kind="mergesort").reset_index(drop=True)
    columns = keys + ["theme", "documents_coded", "documents_total", "share", "ci_low", "ci_high", "passages"]
    return grid[columns]


def cooccurrence(coded: pd.DataFrame, *, themes=None, unit: str = "document") -> pd.DataFrame:
    """Theme × theme counts of documents (or segments) coded with both themes.

    The diagonal holds the number of documents coded with the theme. ``unit`` is
    ``"document"`` (default) or ``"segment"`` (same answer / same interview turn).
    ``themes`` (names or a :class:`Codebook`) fixes the rows and columns and their order.

    Example:
        >>> import pandas as pd
        >>> coded = pd.DataFrame({"doc_id": ["R1", "R1", "R2"], "segment": [0, 0, 0],
        ...                       "theme": ["Bolig", "Økonomi", "Bolig"]})
        >>> matrix = cooccurrence(coded)
        >>> int(matrix.loc["Bolig", "Økonomi"]), int(matrix.loc["Bolig", "Bolig"])
        (1, 2)
    """
    if unit not in ("document", "segment"):
        raise UserError(f"cooccurrence: unit must be 'document' or 'segment', not '{unit}'")
    if isinstance(themes, Codebook):
        names = themes.theme_names
    elif themes is not None:
        names = [str(t) for t in themes]
    else:
        counts = coded.groupby("theme")["doc_id"].nunique() if len(coded) else pd.Series(dtype=int)
        names = sorted(counts.index, key=lambda t: (-counts[t], t))
    c = coded[coded["theme"].isin(names)]
    if unit == "document":
        key = c["doc_id"].astype(str)
    else:
        key = c["doc_id"].astype(str) + "\x1f" + c["segment"].astype(str)
    pairs = pd.DataFrame({"unit": key.to_numpy(), "theme": c["theme"].to_numpy()}).drop_duplicates()
    if len(pairs):
        incidence = pd.crosstab(pairs["unit"], pairs["theme"]).reindex(columns=names, fill_value=0)
        matrix = incidence.T.dot(incidence)
    else:
        matrix = pd.DataFrame(0, index=names, columns=names)
    matrix = matrix.reindex(index=names, columns=names, fill_value=0).astype(np.int64)
    matrix.index.name = "theme"
    matrix.columns.name = None
    return matrix
