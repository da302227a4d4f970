"""Agreement between two codings of the same segments: two coders, or a machine against a human.

Each theme is a yes/no decision per segment, so two codings of one theme form a 2 × 2 table
(``both`` coded it, only ``a``, only ``b``, ``neither``). Every statistic below is a function of
that table, which makes the bootstrap cheap: segments are resampled with replacement and the
tables re-summed. The pooled row (``theme = "(alle)"``) pools every (segment, theme) decision;
its bootstrap resamples whole segments, so the themes of one segment stay together.

Statistics (``a`` is the reference coder, e.g. the human; ``b`` the other, e.g. the machine):

- ``percent_agreement``: share of decisions where both agree (0–1).
- ``kappa``: Cohen's kappa, chance from each coder's own marginals.
- ``alpha``: Krippendorff's alpha for nominal data (two coders, no missing values).
- ``ac1``: Gwet's AC1, chance from the mean prevalence; stable when a theme is rare.
- ``precision``, ``recall``, ``f1``: of ``b`` against ``a``.

Each has ``_low`` and ``_high`` beside it: a percentile bootstrap 95 % interval (fixed seed).
A statistic that is undefined (kappa when both coders never use a theme) is ``NaN``.

:func:`agreement_table` columns (stable): ``theme, n, coded_a, coded_b, both,
percent_agreement, percent_agreement_low, percent_agreement_high, kappa, kappa_low, kappa_high,
alpha, alpha_low, alpha_high, ac1, ac1_low, ac1_high, precision, precision_low, precision_high,
recall, recall_low, recall_high, f1, f1_low, f1_high``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textanalyse.errors import UserError

POOLED = "(alle)"
STATISTICS = ("percent_agreement", "kappa", "alpha", "ac1", "precision", "recall", "f1")
AGREEMENT_COLUMNS = ("theme", "n", "coded_a", "coded_b", "both") + tuple(
    column for name in STATISTICS for column in (name, f"{name}_low", f"{name}_high"))
BOOTSTRAP_SAMPLES = 2000
BOOTSTRAP_SEED = 20240914

__all__ = ["POOLED", "AGREEMENT_COLUMNS", "percent_agreement", "cohen_kappa", "krippendorff_alpha",
           "gwet_ac1", "agreement_table"]


# ------------------------------------------------------------------ general definitions
def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if a.shape != b.shape or a.ndim != 1:
        raise UserError("the two codings must have the same number of segments")
    if len(a) == 0:
        raise UserError("no segments to compare; the two codings share no segment")
    return a, b


def percent_agreement(a, b) -> float:
    """Share of segments both codings give the same value.

    Example:
        >>> percent_agreement([1, 0, 1, 1], [1, 0, 0, 1])
        0.75
    """
    a, b = _pair(a, b)
    return float(np.mean(a == b))


def cohen_kappa(a, b) -> float:
    """Cohen's kappa for two coders and any nominal categories; ``NaN`` when chance agreement is 1.

    Example:
        >>> round(cohen_kappa(["bolig", "jobb", "bolig", "nav"], ["bolig", "jobb", "nav", "nav"]), 4)
        0.6364
    """
    a, b = _pair(a, b)
    categories = sorted(set(a) | set(b), key=str)
    observed = float(np.mean(a == b))
    expected = sum(float(np.mean(a == c)) * float(np.mean(b == c)) for c in categories)
    return float("nan") if expected == 1 else (observed - expected) / (1 - expected)


def gwet_ac1(a, b) -> float:
    """Gwet's AC1 for two coders and nominal categories.

    Chance agreement is ``sum_k pi_k (1 - pi_k) / (K - 1)`` with ``pi_k`` the mean share of
    category ``k`` over both coders and ``K`` the number of categories (at least 2).

    Example:
        >>> round(gwet_ac1([1, 1, 1, 1, 0], [1, 1, 1, 0, 0]), 4)   # (0.8 - 0.42) / (1 - 0.42)
        0.6552
    """
    a, b = _pair(a, b)
    categories = sorted(set(a) | set(b), key=str)
    k = max(len(categories), 2)
    observed = float(np.mean(a == b))
    shares = [(float(np.mean(a == c)) + float(np.mean(b == c))) / 2 for c in categories]
    expected = sum(p * (1 - p) for p in shares) / (k - 1)
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha for nominal data: coders × units, missing values as ``None``/``NaN``.

    Units with fewer than two values are not pairable and are left out (Krippendorff 2011).
    ``NaN`` when every pairable value is the same category.

    Example (Krippendorff's worked example, four coders, twelve units):
        >>> nan = float("nan")
        >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        ...         [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        ...         [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
        >>> round(krippendorff_alpha(data), 3)
        0.743
    """
    table = pd.DataFrame(list(data), dtype=object).T  # units × coders
    present = table.notna() & table.map(lambda value: not (isinstance(value, float) and np.isnan(value)))
    values = sorted({v for v in table.to_numpy()[present.to_numpy()]}, key=str)
    index = {value: i for i, value in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for (_, row), (_, mask) in zip(table.iterrows(), present.iterrows()):
        unit = [index[v] for v in row[mask]]
        m = len(unit)
        if m < 2:
            continue
        counts = np.bincount(unit, minlength=len(values)).astype(float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    disagreement = coincidence.sum() - np.trace(coincidence)
    expected = n * n - float(np.sum(totals ** 2))
    if n == 0 or expected == 0:
        return float("nan")
    return float(1 - (n - 1) * disagreement / expected)


# ------------------------------------------------------------------ 2 × 2 tables, vectorised
def _statistics(both, only_a, only_b, neither) -> dict[str, np.ndarray]:
    """Every statistic from 2 × 2 counts (arrays of equal shape: one entry per table)."""
    both, only_a, only_b, neither = (np.asarray(x, dtype=float) for x in (both, only_a, only_b, neither))
    n = both + only_a + only_b + neither
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (both + neither) / n
        a_yes, b_yes = (both + only_a) / n, (both + only_b) / n
        chance = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
        kappa = np.where(chance >= 1, np.nan, (observed - chance) / (1 - chance))
        prevalence = (a_yes + b_yes) / 2
        chance_ac1 = 2 * prevalence * (1 - prevalence)
        ac1 = (observed - chance_ac1) / (1 - chance_ac1)
        # Krippendorff's alpha, two coders, no missing: 1 - (2n - 1)(disagreements) / (n_yes n_no)
        values_yes = 2 * both + only_a + only_b
        values_no = 2 * neither + only_a + only_b
        denominator = values_yes * values_no
        alpha = np.where(denominator == 0, np.nan, 1 - (2 * n - 1) * (only_a + only_b) / denominator)
        precision = np.where(both + only_b == 0, np.nan, both / (both + only_b))
        recall = np.where(both + only_a == 0, np.nan, both / (both + only_a))
        f1 = np.where(2 * both + only_a + only_b == 0, np.nan, 2 * both / (2 * both + only_a + only_b))
    return {"percent_agreement": observed, "kappa": kappa, "alpha": alpha, "ac1": ac1,
            "precision": precision, "recall": recall, "f1": f1}


def _cells(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per segment and theme the 2 × 2 cell counts: array segments × themes × 4."""
    return np.stack([a & b, a & ~b, ~a & b, ~a & ~b], axis=-1).astype(np.int32)


def agreement_table(a: pd.DataFrame, b: pd.DataFrame, *, samples: int = BOOTSTRAP_SAMPLES,
                    seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """Agreement per theme and pooled between two codings of the same segments.

    Args:
        a, b: one row per segment (same index, same order), one 0/1 column per theme; the
            columns both have are compared. ``a`` is the reference (the human).
        samples, seed: bootstrap resamples of the segments and the random seed.

    Example:
        >>> human = pd.DataFrame({"Bolig": [1, 0, 1, 0], "NAV": [0, 0, 1, 1]})
        >>> machine = pd.DataFrame({"Bolig": [1, 0, 1, 1], "NAV": [0, 0, 1, 1]})
        >>> table = agreement_table(human, machine, samples=200)
        >>> table[["theme", "n", "percent_agreement", "kappa"]].to_dict("records")[0]
        {'theme': 'Bolig', 'n': 4, 'percent_agreement': 0.75, 'kappa': 0.5}
        >>> table["theme"].tolist()
        ['Bolig', 'NAV', '(alle)']
    """
    themes = [column for column in a.columns if column in b.columns]
    if not themes:
        raise UserError("the two codings have no theme column in common")
    if len(a) != len(b):
        raise UserError("the two codings must have the same segments")
    if len(a) == 0:
        raise UserError("no segments to compare; the two codings share no segment")
    yes_a = a[themes].to_numpy(dtype=int) == 1
    yes_b = b[themes].to_numpy(dtype=int) == 1
    cells = _cells(yes_a, yes_b)                              # segments × themes × 4
    per_theme = cells.sum(axis=0)                             # themes × 4
    pooled = per_theme.sum(axis=0, keepdims=True)             # 1 × 4
    point = np.concatenate([per_theme, pooled])               # (themes + 1) × 4
    estimates = _statistics(*point.T)

    rng = np.random.default_rng(seed)
    n_segments = len(a)
    low = {name: np.full(len(point), np.nan) for name in STATISTICS}
    high = {name: np.full(len(point), np.nan) for name in STATISTICS}
    if samples > 0:
        draws = []
        flat = cells.reshape(n_segments, -1)
        for start in range(0, samples, 250):  # chunks keep memory small for big samples
            size = min(250, samples - start)
            picks = rng.integers(0, n_segments, size=(size, n_segments))
            counts = np.stack([np.bincount(row, minlength=n_segments) for row in picks])  # size × segments
            summed = (counts @ flat).reshape(size, len(themes), 4)
            draws.append(np.concatenate([summed, summed.sum(axis=1, keepdims=True)], axis=1))
        boot = np.concatenate(draws)                          # samples × (themes + 1) × 4
        stats = _statistics(*np.moveaxis(boot, -1, 0))
        for name in STATISTICS:
            values = stats[name]
            with np.errstate(invalid="ignore"):
                for column in range(values.shape[1]):
                    finite = values[:, column][np.isfinite(values[:, column])]
                    if len(finite) >= samples / 2:
                        low[name][column], high[name][column] = np.percentile(finite, [2.5, 97.5])
    rows = []
    for i, theme in enumerate([*themes, POOLED]):
        row = {"theme": theme, "n": int(point[i].sum()), "coded_a": int(point[i, 0] + point[i, 1]),
               "coded_b": int(point[i, 0] + point[i, 2]), "both": int(point[i, 0])}
        for name in STATISTICS:
            row[name] = _number(estimates[name][i])
            row[f"{name}_low"] = _number(low[name][i])
            row[f"{name}_high"] = _number(high[name][i])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def _number(value) -> float:
    return float("nan") if not np.isfinite(value) else round(float(value), 4)
