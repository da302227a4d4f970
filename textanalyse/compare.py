"""Keyness and theme comparison between groups of documents (figures: ``textanalyse.report.figures``).

Groups are the values of one column of ``documents`` (a metadata column such as
``gruppe`` or ``alder``, or ``question``). Documents whose value is empty (``""`` or
missing) take part in no comparison. Only documents listed in ``documents`` count, so a
comparison can be restricted (for example to one question) by passing a subset of rows.

Comparisons
-----------
- ``target`` given: the target value(s) against ``reference`` (default: every other value).
- no ``target`` and exactly two values: the first value in sorted order is the target.
- no ``target`` and more than two values: each value against all the others ("one vs
  rest"); the output then starts with a ``group`` column (the target of that row).

The chosen labels and sizes are stored in ``table.attrs`` (``group_column``, ``target``,
``reference``, ``tokens_target``, ``tokens_reference``, ``total_target``,
``total_reference``, or ``groups`` for one-vs-rest) for figures and reports.

Keyness table (:func:`keyness`), one row per tested word
--------------------------------------------------------
``word``                 the counted unit (column ``word`` of the filtered tokens)
``count_target``         O_t: occurrences in the target documents (after filters)
``count_reference``      O_r: occurrences in the reference documents (after filters)
``per_1000_target``      1000 · O_t / N_t, where N_t is the number of word tokens
                         (``is_word``) in the target *before* stop-word and length filters
``per_1000_reference``   1000 · O_r / N_r
``documents_target``     target documents containing the word at least once
``documents_reference``  reference documents containing the word
``g2``                   Dunning's log-likelihood G² (:func:`textanalyse.stats.dunning_g2`)
``log_ratio``            log2 of the ratio of relative frequencies, 0.5 added to counts;
                         positive = more used in the target
``p_value``              chi-square (1 df) p-value of ``g2``
``p_adjusted``           Benjamini–Hochberg adjusted ``p_value`` over all tested words of
                         the comparison
``p_documents``          two-sided Fisher exact test of documents containing the word vs
                         not, target against reference

Sorted by ``g2`` descending, then ``word`` ascending (one-vs-rest: by ``group`` first). Over-
and under-use are in the same table: the sign of ``log_ratio`` gives the direction.

Token-based G² treats every token as independent, which overstates certainty when a few
documents repeat a word; ``p_documents`` counts each document once and is the safer test of
whether a word is typical of a group. A *document* is one row of ``documents``: for a survey
one respondent's answer to one question, for interviews one informant's transcript. When a
survey comparison spans several questions a respondent contributes several documents; pass
the rows of one question to count each respondent once.

Theme table (:func:`theme_comparison`), one row per theme
---------------------------------------------------------
``theme``                                  theme name
``coded_target``, ``total_target``          target documents coded with the theme; all target documents
``share_target``                           ``coded_target / total_target``
``ci_low_target``, ``ci_high_target``      Wilson 95 % interval of the share
``coded_reference``, ``total_reference``, ``share_reference``, ``ci_low_reference``,
``ci_high_reference``                      the same for the reference
``difference``                             ``share_target - share_reference``
``difference_low``, ``difference_high``    Newcombe hybrid score 95 % interval of the difference
``p_value``                                two-sided Fisher exact test on the 2×2 table
                                           (coded / not coded × target / reference)
``p_adjusted``                             Benjamini–Hochberg over the themes of the comparison
``small_cells``                            True when a cell of that table is below 5: read the
                                           shares descriptively (Fisher stays exact, but power
                                           is low)
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from textanalyse import stats
from textanalyse.corpus import distinct_codes
from textanalyse.errors import UserError
from textanalyse.messages import refuse_free_text_grouping, shown_values

__all__ = ["KEYNESS_COLUMNS", "THEME_COLUMNS", "keyness", "theme_comparison"]

KEYNESS_COLUMNS = (
    "word",
    "count_target",
    "count_reference",
    "per_1000_target",
    "per_1000_reference",
    "documents_target",
    "documents_reference",
    "g2",
    "log_ratio",
    "p_value",
    "p_adjusted",
    "p_documents",
)

THEME_COLUMNS = (
    "theme",
    "coded_target",
    "total_target",
    "share_target",
    "ci_low_target",
    "ci_high_target",
    "coded_reference",
    "total_reference",
    "share_reference",
    "ci_low_reference",
    "ci_high_reference",
    "difference",
    "difference_low",
    "difference_high",
    "p_value",
    "p_adjusted",
    "small_cells",
)

REST_LABEL = "resten"
ALPHA = 0.05


# --------------------------------------------------------------------------- groups


def _frame(value, attribute: str, name: str) -> pd.DataFrame:
    """Accept a DataFrame or an object holding one (``FilterResult.kept``, ``Corpus.documents``)."""
    if isinstance(value, pd.DataFrame):
        return value
    inner = getattr(value, attribute, None)
    if isinstance(inner, pd.DataFrame):
        return inner
    raise UserError(f"{name}: expected a table (DataFrame), got {type(value).__name__}")


def _require(table: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(
            f"{name}: column(s) {', '.join(repr(c) for c in missing)} missing; "
            f"columns are: {', '.join(map(str, table.columns))}"
        )


def _values_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return [str(v) for v in value]


def _label(values: Sequence[str]) -> str:
    return " + ".join(values)


class _Groups:
    """Documents mapped to group codes and the comparisons to run."""

    def __init__(self, documents: pd.DataFrame, group_column: str, target, reference, *, what: str):
        _require(documents, ["doc_id"], "documents")
        if group_column not in documents.columns:
            candidates = [c for c in documents.columns if c not in ("doc_id", "text", "source")]
            raise UserError(
                f"{what}: group column '{group_column}' not found; use one of: {', '.join(map(str, candidates))}"
            )
        refuse_free_text_grouping(documents, group_column, option=f"{what}: group column")
        doc_ids = documents["doc_id"].astype(str)
        if doc_ids.duplicated().any():
            raise UserError(f"{what}: documents has repeated doc_id values; each document must appear once")
        labels = documents[group_column].fillna("").astype(str).str.strip()
        self.values = sorted(v for v in labels.unique() if v != "")
        self.group_column = group_column
        self.doc_index = pd.Index(doc_ids.to_numpy())
        index_of = {v: i for i, v in enumerate(self.values)}
        self.doc_group = labels.map(lambda v: index_of.get(v, -1)).to_numpy(dtype=np.int64)
        self.documents_per_group = np.bincount(self.doc_group[self.doc_group >= 0], minlength=len(self.values))
        self.comparisons = self._comparisons(target, reference, what)

    def _unknown(self, values: list[str], option: str, what: str) -> None:
        unknown = [v for v in values if v not in self.values]
        if unknown:
            shown = shown_values(self.values, column=self.group_column)
            raise UserError(
                f"{what}: {option} value {', '.join(repr(v) for v in unknown)} not found in column "
                f"'{self.group_column}'; values are: {shown}"
            )

    def _comparisons(self, target, reference, what: str):
        """List of ``(group_label_or_None, target_values, reference_values)``."""
        targets = _values_list(target)
        references = _values_list(reference)
        if len(self.values) < 2:
            shown = shown_values(self.values, column=self.group_column)
            raise UserError(
                f"{what}: column '{self.group_column}' needs at least two non-empty values to compare; "
                f"values are: {shown}"
            )
        if targets:
            self._unknown(targets, "target", what)
            if references:
                self._unknown(references, "reference", what)
                overlap = sorted(set(targets) & set(references))
                if overlap:
                    raise UserError(
                        f"{what}: {', '.join(map(repr, overlap))} is both target and reference; choose different values"
                    )
            else:
                references = [v for v in self.values if v not in targets]
                if not references:
                    raise UserError(
                        f"{what}: no reference left: every value of '{self.group_column}' is in the target"
                    )
            return [(None, targets, references)]
        if references:
            raise UserError(f"{what}: reference given without target; give target as well")
        if len(self.values) == 2:
            return [(None, [self.values[0]], [self.values[1]])]
        return [(v, [v], [w for w in self.values if w != v]) for v in self.values]

    def mask(self, values: Sequence[str]) -> np.ndarray:
        wanted = set(values)
        return np.array([v in wanted for v in self.values], dtype=bool)

    def positions(self, doc_id: pd.Series) -> np.ndarray:
        """Row position in ``documents`` of every entry of ``doc_id`` (-1 when absent)."""
        codes, uniques = pd.factorize(doc_id, sort=False)
        unique_pos = self.doc_index.get_indexer(pd.Index(np.asarray(uniques, dtype=object)).astype(str))
        unique_pos = np.append(unique_pos, -1)  # code -1 (missing doc_id) maps to -1
        return unique_pos[codes]

    def group_codes(self, positions: np.ndarray) -> np.ndarray:
        lookup = np.append(self.doc_group, -1)
        return lookup[np.where(positions >= 0, positions, len(self.doc_group))]

    def attrs(self) -> dict:
        if len(self.comparisons) == 1:
            _, t, r = self.comparisons[0]
            return {"group_column": self.group_column, "target": _label(t), "reference": _label(r)}
        return {"group_column": self.group_column, "groups": list(self.values), "reference": REST_LABEL}


def _assemble(frames: list[pd.DataFrame], groups: "_Groups", sizes: dict) -> pd.DataFrame:
    """One table from the comparisons' frames, with the labels (and, for one comparison, the sizes) in attrs."""
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    if "group" in table.columns:
        table["group"] = table["group"].astype(str)
    table.attrs = groups.attrs()
    if len(groups.comparisons) == 1:
        table.attrs.update(sizes)
    return table



def _check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise UserError(f"keyness: {name} must be a whole number 0 or more, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- keyness


def keyness(
    tokens,
    kept,
    documents,
    *,
    group_column: str,
    target: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    min_count: int = 5,
    min_documents: int = 2,
) -> pd.DataFrame:
    """Words over- and under-used in one group of documents compared with another.

    Args:
        tokens: the full token table from :func:`textanalyse.nlp.annotate` (needs ``doc_id``
            and ``is_word``); gives the group sizes N before filtering.
        kept: the filtered tokens (``FilterResult`` or its ``kept`` table; needs ``doc_id``
            and ``word``); gives the counts.
        documents: ``Corpus.documents`` (or a ``Corpus``, or a subset of its rows) with
            ``doc_id`` and ``group_column``.
        group_column: the column whose values form the groups.
        target: value (or list of values) of the target group; see the module docstring
            for the default.
        reference: value(s) of the reference group; default every other non-empty value.
        min_count: words with fewer occurrences in target + reference are not tested.
        min_documents: words found in fewer documents (target + reference) are not tested.

    Returns:
        One row per tested word with the columns of :data:`KEYNESS_COLUMNS` (with ``group``
        first for one-vs-rest), defined in the module docstring; sorted by ``g2``
        descending then ``word``.

    Raises:
        UserError: unknown column or group value (the existing values are listed), fewer
            than two groups, or a group without words.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.filters import apply_filters
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["Hjemmesykepleien er flink.", "Appen virker.",
        ...                                       "Appen er grei."]}, gruppe=["eldre", "unge", "unge"])
        >>> tokens = annotate(corpus, pipeline="fast")
        >>> kept = apply_filters(tokens, unit="lemma").kept
        >>> table = keyness(tokens, kept, corpus.documents, group_column="gruppe", target="unge",
        ...                 min_count=1, min_documents=1)
        >>> table[["word", "count_target", "count_reference"]].values.tolist()
        [['flink', 0, 1], ['hjemmesykepleie', 0, 1], ['grei', 1, 0], ['virke', 1, 0]]
    """
    tokens = _frame(tokens, "tokens", "tokens")
    kept = _frame(kept, "kept", "kept")
    documents = _frame(documents, "documents", "documents")
    _require(tokens, ["doc_id", "is_word"], "tokens")
    _require(kept, ["doc_id", "word"], "kept tokens")
    min_count = _check_count(min_count, "min_count")
    min_documents = _check_count(min_documents, "min_documents")
    groups = _Groups(documents, group_column, target, reference, what="keyness")
    n_groups = len(groups.values)
    compared = [value for _, targets, references in groups.comparisons for value in (*targets, *references)]
    single = sorted({value for value in compared if groups.documents_per_group[groups.values.index(value)] < 2})
    if single:
        from textanalyse.errors import warn

        warn(f"keyness: {len(single)} of the compared groups of '{group_column}' hold a single document; the "
             "document test (Fisher) and its p-values mean little then; compare groups with several documents each")

    # N: word tokens per group before filters
    is_word = tokens["is_word"].to_numpy(dtype=bool, na_value=False)
    token_groups = groups.group_codes(groups.positions(tokens["doc_id"]))[is_word]
    tokens_per_group = np.bincount(token_groups[token_groups >= 0], minlength=n_groups)

    # O and document frequencies per group and word, from the kept tokens
    positions = groups.positions(kept["doc_id"])
    kept_groups = groups.group_codes(positions)
    word_codes, vocabulary = pd.factorize(kept["word"], sort=False)
    valid = (kept_groups >= 0) & (word_codes >= 0)
    positions, kept_groups, word_codes = positions[valid], kept_groups[valid], word_codes[valid]
    n_words = len(vocabulary)
    counts = np.bincount(kept_groups * n_words + word_codes, minlength=n_groups * n_words).reshape(n_groups, n_words)
    pairs = distinct_codes(positions.astype(np.int64) * n_words + word_codes)
    pair_groups = groups.doc_group[pairs // max(n_words, 1)]
    doc_freq = np.bincount(
        pair_groups * n_words + pairs % max(n_words, 1), minlength=n_groups * n_words
    ).reshape(n_groups, n_words)
    vocabulary = np.asarray(vocabulary, dtype=object).astype(str)

    frames = []
    for label, target_values, reference_values in groups.comparisons:
        t_mask, r_mask = groups.mask(target_values), groups.mask(reference_values)
        n_t, n_r = int(tokens_per_group[t_mask].sum()), int(tokens_per_group[r_mask].sum())
        for values, size in ((target_values, n_t), (reference_values, n_r)):
            if size == 0:
                raise UserError(
                    f"keyness: group {_label(values)!r} of column '{group_column}' has no words; "
                    "check the token table and the group values"
                )
        d_t, d_r = int(groups.documents_per_group[t_mask].sum()), int(groups.documents_per_group[r_mask].sum())
        o_t, o_r = counts[t_mask].sum(axis=0), counts[r_mask].sum(axis=0)
        f_t, f_r = doc_freq[t_mask].sum(axis=0), doc_freq[r_mask].sum(axis=0)
        tested = ((o_t + o_r) >= max(min_count, 1)) & ((f_t + f_r) >= min_documents)
        o_t, o_r, f_t, f_r = o_t[tested], o_r[tested], f_t[tested], f_r[tested]
        g2 = np.asarray(stats.dunning_g2(o_t, o_r, n_t, n_r), dtype=float)
        p = np.asarray(stats.chi2_p(g2), dtype=float)
        frame = pd.DataFrame(
            {
                "word": pd.Series(vocabulary[tested], dtype=str),
                "count_target": o_t.astype(np.int64),
                "count_reference": o_r.astype(np.int64),
                "per_1000_target": 1000.0 * o_t / n_t,
                "per_1000_reference": 1000.0 * o_r / n_r,
                "documents_target": f_t.astype(np.int64),
                "documents_reference": f_r.astype(np.int64),
                "g2": g2,
                "log_ratio": np.asarray(stats.log_ratio(o_t, o_r, n_t, n_r), dtype=float),
                "p_value": p,
                "p_adjusted": np.asarray(stats.benjamini_hochberg(p), dtype=float).reshape(-1),
                "p_documents": np.asarray(
                    stats.fisher_exact_2x2(f_t, d_t - f_t, f_r, d_r - f_r), dtype=float
                ).reshape(-1),
            }
        )
        frame = frame.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort")
        if label is not None:
            frame.insert(0, "group", label)
        frames.append(frame)
        sizes = {"tokens_target": n_t, "tokens_reference": n_r, "total_target": d_t, "total_reference": d_r}
    return _assemble(frames, groups, sizes)


# --------------------------------------------------------------------------- themes


def theme_comparison(
    coded,
    documents,
    *,
    group_column: str,
    target: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | None = None,
    themes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of documents coded with each theme, compared between groups.

    Args:
        coded: long table from the themes module, one row per match, with at least
            ``doc_id`` and ``theme`` (``segment, question, matched`` are not needed). A
            document is coded with a theme when it has at least one row for it.
        documents: ``Corpus.documents`` (or a ``Corpus``, or a subset of its rows); the
            denominators are its rows per group. Coded rows of other documents are ignored.
        group_column, target, reference: as in :func:`keyness`.
        themes: themes to report, in this order, including themes with no matches;
            default every theme in ``coded``, sorted by name.

    Returns:
        One row per theme (per group and theme for one-vs-rest, ``group`` first) with the
        columns of :data:`THEME_COLUMNS`, defined in the module docstring. ``p_value`` is a
        two-sided Fisher exact test (exact for any cell size); ``p_adjusted`` is
        Benjamini–Hochberg across the themes of one comparison.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> from textanalyse.themes import code_segments
        >>> corpus = Corpus.from_answers({"bra": ["Fikk bolig.", "God oppfølging.", "Bolig og oppfølging."]},
        ...                              gruppe=["unge", "eldre", "eldre"])
        >>> coded = code_segments(corpus, annotate(corpus, pipeline="fast")).coded
        >>> table = theme_comparison(coded, corpus.documents, group_column="gruppe", target="eldre")
        >>> table[["theme", "coded_target", "total_target", "coded_reference", "total_reference"]].values.tolist()
        [['Bolig', 1, 2, 1, 1], ['Oppfølging', 2, 2, 0, 1]]
    """
    coded = _frame(coded, "coded", "coded")
    documents = _frame(documents, "documents", "documents")
    _require(coded, ["doc_id", "theme"], "coded")
    groups = _Groups(documents, group_column, target, reference, what="theme comparison")
    n_groups = len(groups.values)
    theme_values = coded["theme"].fillna("").astype(str)
    if themes is None:
        theme_list = sorted(v for v in theme_values.unique() if v != "")
    else:
        theme_list = list(dict.fromkeys(str(t) for t in themes))
    theme_index = pd.Index(theme_list)

    positions = groups.positions(coded["doc_id"])
    theme_codes = theme_index.get_indexer(theme_values)
    valid = (positions >= 0) & (theme_codes >= 0)
    pairs = distinct_codes(positions[valid].astype(np.int64) * max(len(theme_list), 1) + theme_codes[valid])
    width = max(len(theme_list), 1)
    pair_groups = groups.doc_group[pairs // width]
    keep = pair_groups >= 0
    coded_counts = np.bincount(
        pair_groups[keep] * width + pairs[keep] % width, minlength=n_groups * width
    ).reshape(n_groups, width)[:, : len(theme_list)]

    frames = []
    for label, target_values, reference_values in groups.comparisons:
        t_mask, r_mask = groups.mask(target_values), groups.mask(reference_values)
        n_t = int(groups.documents_per_group[t_mask].sum())
        n_r = int(groups.documents_per_group[r_mask].sum())
        k_t, k_r = coded_counts[t_mask].sum(axis=0), coded_counts[r_mask].sum(axis=0)
        low_t, high_t = stats.wilson_interval(k_t, n_t)
        low_r, high_r = stats.wilson_interval(k_r, n_r)
        diff_low, diff_high = stats.difference_interval(k_t, n_t, k_r, n_r)
        p = np.asarray(stats.fisher_exact_2x2(k_t, n_t - k_t, k_r, n_r - k_r), dtype=float).reshape(-1)
        cells = np.stack([k_t, n_t - k_t, k_r, n_r - k_r])
        frame = pd.DataFrame(
            {
                "theme": pd.Series(theme_list, dtype=str),
                "coded_target": k_t.astype(np.int64),
                "total_target": np.full(len(theme_list), n_t, dtype=np.int64),
                "share_target": k_t / n_t,
                "ci_low_target": low_t,
                "ci_high_target": high_t,
                "coded_reference": k_r.astype(np.int64),
                "total_reference": np.full(len(theme_list), n_r, dtype=np.int64),
                "share_reference": k_r / n_r,
                "ci_low_reference": low_r,
                "ci_high_reference": high_r,
                "difference": k_t / n_t - k_r / n_r,
                "difference_low": diff_low,
                "difference_high": diff_high,
                "p_value": p,
                "p_adjusted": np.asarray(stats.benjamini_hochberg(p), dtype=float).reshape(-1),
                "small_cells": (cells < 5).any(axis=0) if len(theme_list) else np.zeros(0, dtype=bool),
            }
        )
        if label is not None:
            frame.insert(0, "group", label)
        frames.append(frame)
        sizes = {"total_target": n_t, "total_reference": n_r}
    return _assemble(frames, groups, sizes)
