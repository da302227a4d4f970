"""Keyness and theme comparison between groups of documents, with figures.

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

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from textanalyse import stats
from textanalyse.errors import UserError
from textanalyse.messages import refuse_free_text_grouping, shown_values

__all__ = [
    "KEYNESS_COLUMNS",
    "THEME_COLUMNS",
    "keyness",
    "theme_comparison",
    "plot_keyness",
    "plot_comparison_cloud",
    "plot_theme_shares",
]

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


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based; faster than ``np.unique``'s hash path here)."""
    ordered = np.sort(values, kind="stable")
    if ordered.size == 0:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


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
        >>> table = keyness(tokens, result.kept, corpus.documents,       # doctest: +SKIP
        ...                 group_column="gruppe", target="eldre")
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
    pairs = _distinct(positions.astype(np.int64) * n_words + word_codes)
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
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    if "group" in table.columns:
        table["group"] = table["group"].astype(str)
    table.attrs = groups.attrs()
    if len(groups.comparisons) == 1:
        table.attrs.update(sizes)
    return table


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
        >>> theme_comparison(coded, corpus.documents, group_column="gruppe")  # doctest: +SKIP
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
    pairs = _distinct(positions[valid].astype(np.int64) * max(len(theme_list), 1) + theme_codes[valid])
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
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "group" in table.columns:
        table["group"] = table["group"].astype(str)
    table.attrs = groups.attrs()
    if len(groups.comparisons) == 1:
        table.attrs.update(sizes)
    return table


# --------------------------------------------------------------------------- figures

TARGET_COLOUR = "#1b6ca8"
REFERENCE_COLOUR = "#c8553d"
GROUP_COLOURS = ("#1b6ca8", "#c8553d", "#3b8f5a", "#8a5fb0", "#d49a1a", "#5f6b73", "#b5477d", "#2a9d9a")
_RC = {"svg.hashsalt": "textanalyse", "font.family": "DejaVu Sans", "font.size": 9}


def _format_p(alpha: float) -> str:
    return f"{alpha:g}".replace(".", ",")


def _labels(table: pd.DataFrame, labels, group: str | None) -> tuple[str, str]:
    if labels is not None:
        if len(labels) != 2:
            raise UserError("labels must be two names: (target, reference)")
        return str(labels[0]), str(labels[1])
    if group is not None:
        return group, REST_LABEL
    return str(table.attrs.get("target", "målgruppe")), str(table.attrs.get("reference", "referanse"))


def _select_group(table: pd.DataFrame, group: str | None, what: str) -> tuple[pd.DataFrame, str | None]:
    if "group" not in table.columns:
        return table, None
    available = sorted(table["group"].astype(str).unique())
    if group is None:
        if len(available) == 1:
            group = available[0]
        else:
            raise UserError(f"{what}: the table compares several groups; choose one with group= ({', '.join(available)})")
    if group not in available:
        raise UserError(f"{what}: group {group!r} not in the table; groups are: {', '.join(available)}")
    return table[table["group"].astype(str) == group], group


def _check_columns(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(f"{what}: the table lacks column(s) {', '.join(missing)}; pass the output of the comparison")


def _save(fig, path) -> Path:
    from textanalyse.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=200, metadata={"Software": None})
    return path


def _sides(table: pd.DataFrame, top: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    ordered = table.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort")
    over = ordered[ordered["log_ratio"] > 0].head(top)
    under = ordered[ordered["log_ratio"] < 0].head(top)
    return over, under


def plot_keyness(
    table: pd.DataFrame,
    path,
    *,
    top: int = 15,
    group: str | None = None,
    alpha: float = ALPHA,
    labels: tuple[str, str] | None = None,
) -> Path:
    """Diverging bar chart of the strongest keywords on each side (PNG, 200 dpi).

    The ``top`` words with the largest G² and positive log ratio (more used in the target)
    are drawn to the right, those with negative log ratio to the left; bar length is the
    log ratio. Solid bars: ``p_adjusted < alpha``; light hatched bars: not significant after
    Benjamini–Hochberg adjustment. ``group`` picks one group of a one-vs-rest table;
    ``labels`` overrides the group names taken from ``table.attrs``.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    import matplotlib

    _check_columns(table, ["word", "g2", "log_ratio", "p_adjusted"], "plot_keyness")
    table, group = _select_group(table, group, "plot_keyness")
    target_label, reference_label = _labels(table, labels, group)
    over, under = _sides(table, top)
    rows = pd.concat([over, under])  # target words first; each side strongest first
    with matplotlib.rc_context(_RC):
        height = max(3.0, 0.28 * len(rows) + 1.8)
        fig = Figure(figsize=(7.5, height))
        ax = fig.add_subplot()
        if rows.empty:
            ax.text(0.5, 0.5, "Ingen ord å vise", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            y = np.arange(len(rows))[::-1]
            significant = rows["p_adjusted"].to_numpy() < alpha
            values = rows["log_ratio"].to_numpy()
            colours = np.where(values > 0, TARGET_COLOUR, REFERENCE_COLOUR)
            for yi, value, colour, sig in zip(y, values, colours, significant):
                ax.barh(
                    yi, value, color=colour, alpha=1.0 if sig else 0.35,
                    hatch=None if sig else "///", edgecolor=colour, linewidth=0.6, height=0.75,
                )
            ax.set_yticks(y, labels=rows["word"].tolist())
            ax.axvline(0, color="#333333", linewidth=0.8)
            limit = float(np.abs(values).max()) * 1.08 or 1.0
            ax.set_xlim(-limit, limit)
            ax.set_xlabel("Log-ratio (log₂ av forholdet mellom relative frekvenser); "
                          "sterkeste G² øverst på hver side")
            handles = [
                Patch(facecolor=TARGET_COLOUR, edgecolor=TARGET_COLOUR, label=f"Mer brukt av {target_label}"),
                Patch(facecolor=REFERENCE_COLOUR, edgecolor=REFERENCE_COLOUR, label=f"Mer brukt av {reference_label}"),
                Patch(facecolor="#bbbbbb", edgecolor="#888888", hatch="///", alpha=0.6,
                      label=f"Ikke signifikant etter BH-justering (p ≥ {_format_p(alpha)})"),
            ]
            ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=1,
                      frameon=False, fontsize=8)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.suptitle(f"Nøkkelord: {target_label} mot {reference_label}", fontsize=11)
        fig.tight_layout()
        return _save(fig, path)


def plot_comparison_cloud(
    table: pd.DataFrame,
    path,
    *,
    max_words: int = 60,
    group: str | None = None,
    alpha: float = ALPHA,
    labels: tuple[str, str] | None = None,
    random_state: int = 0,
) -> Path:
    """Comparison word cloud: target keywords left in one colour, reference keywords right.

    Word size is proportional to G². Words significant after Benjamini–Hochberg adjustment
    (``p_adjusted < alpha``) are used when there are any on a side, otherwise the strongest
    words; at most ``max_words`` per side. Layout is deterministic (``random_state``).
    """
    from matplotlib.figure import Figure
    import matplotlib
    from wordcloud import WordCloud

    _check_columns(table, ["word", "g2", "log_ratio", "p_adjusted"], "plot_comparison_cloud")
    table, group = _select_group(table, group, "plot_comparison_cloud")
    target_label, reference_label = _labels(table, labels, group)
    over, under = _sides(table[table["g2"] > 0], len(table))

    def pick(side: pd.DataFrame) -> dict[str, float]:
        significant = side[side["p_adjusted"] < alpha]
        chosen = (significant if len(significant) else side).head(max_words)
        return dict(zip(chosen["word"].astype(str), chosen["g2"].astype(float)))

    panels = [(target_label, TARGET_COLOUR, pick(over)), (reference_label, REFERENCE_COLOUR, pick(under))]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(10, 5))
        axes = fig.subplots(1, 2)
        for ax, (label, colour, frequencies) in zip(axes, panels):
            ax.set_axis_off()
            ax.set_title(f"Mer brukt av {label}", color=colour, fontsize=11)
            if not frequencies:
                ax.text(0.5, 0.5, "Ingen ord", ha="center", va="center", transform=ax.transAxes)
                continue
            cloud = WordCloud(
                width=800, height=700, background_color="white", random_state=random_state,
                max_words=max_words, prefer_horizontal=0.9, margin=4, relative_scaling=0.5,
                color_func=lambda *args, _c=colour, **kwargs: _c, collocations=False,
            ).generate_from_frequencies(frequencies)
            ax.imshow(cloud.to_array(), interpolation="bilinear")
        fig.suptitle(f"Nøkkelord: {target_label} mot {reference_label} (størrelse etter G²)", fontsize=12)
        fig.tight_layout()
        return _save(fig, path)


def plot_theme_shares(theme_table: pd.DataFrame, path, *, alpha: float = ALPHA,
                      labels: tuple[str, str] | None = None) -> Path:
    """Share of documents per theme and group with Wilson 95 % intervals (PNG, 200 dpi).

    Two-group tables show target and reference side by side; one-vs-rest tables show each
    group. Themes whose difference is significant after Benjamini–Hochberg adjustment
    (``p_adjusted < alpha``, two-group tables only) are marked with ``*``.
    """
    from matplotlib.figure import Figure
    import matplotlib

    _check_columns(theme_table, ["theme", "share_target", "ci_low_target", "ci_high_target"], "plot_theme_shares")
    if "group" in theme_table.columns:
        themes = list(dict.fromkeys(theme_table["theme"].astype(str)))
        series = []
        for name, rows in theme_table.groupby("group", sort=True):
            rows = rows.set_index(rows["theme"].astype(str)).reindex(themes)
            n = int(rows["total_target"].iloc[0]) if "total_target" in rows and len(rows) else None
            series.append((str(name), n, rows["share_target"], rows["ci_low_target"], rows["ci_high_target"]))
        marks = [""] * len(themes)
    else:
        _check_columns(theme_table, ["share_reference", "ci_low_reference", "ci_high_reference"], "plot_theme_shares")
        target_label, reference_label = _labels(theme_table, labels, None)
        themes = theme_table["theme"].astype(str).tolist()
        series = [
            (target_label, theme_table.attrs.get("total_target"), theme_table["share_target"],
             theme_table["ci_low_target"], theme_table["ci_high_target"]),
            (reference_label, theme_table.attrs.get("total_reference"), theme_table["share_reference"],
             theme_table["ci_low_reference"], theme_table["ci_high_reference"]),
        ]
        if "p_adjusted" in theme_table.columns:
            marks = [" *" if p < alpha else "" for p in theme_table["p_adjusted"].to_numpy()]
        else:
            marks = [""] * len(themes)
    with matplotlib.rc_context(_RC):
        k = len(series)
        height = max(3.0, len(themes) * (0.25 * k + 0.35) + 1.6)
        fig = Figure(figsize=(7.5, height))
        ax = fig.add_subplot()
        if not themes:
            ax.text(0.5, 0.5, "Ingen temaer å vise", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            bar = 0.8 / k
            base = np.arange(len(themes))[::-1].astype(float)
            for i, (name, n, share, low, high) in enumerate(series):
                share = 100 * np.asarray(share, dtype=float)
                err = np.vstack([share - 100 * np.asarray(low, dtype=float), 100 * np.asarray(high, dtype=float) - share])
                y = base + 0.4 - bar * (i + 0.5)
                label = f"{name} (n = {n})" if n is not None else name
                ax.barh(y, share, height=bar * 0.9, color=GROUP_COLOURS[i % len(GROUP_COLOURS)], label=label,
                        xerr=err, error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
            ax.set_yticks(base, labels=[t + m for t, m in zip(themes, marks)])
            ax.set_xlim(0, 100)
            ax.set_xlabel("Andel dokumenter med temaet (%), med 95 % konfidensintervall (Wilson)")
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(k, 3), frameon=False, fontsize=8)
            if any(marks):
                fig.text(0.01, 0.01, f"* forskjellen er signifikant etter BH-justering (p < {_format_p(alpha)})",
                         fontsize=7, color="#444444")
        fig.suptitle("Temaer etter gruppe", fontsize=11)
        fig.tight_layout()
        return _save(fig, path)
