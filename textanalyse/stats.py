"""Pure statistics for comparing word and theme frequencies between groups.

Every function takes scalars or array-likes (broadcast with numpy) and returns a numpy
array of floats (or a Python ``float`` when every input is a scalar). Nothing here reads
files or DataFrames; :mod:`textanalyse.compare` builds the tables.

Definitions (``t`` = target group, ``r`` = reference group):

- **Dunning's G²** (log-likelihood, Dunning 1993; the two-cell form of Rayson & Garside
  2000 used in corpus linguistics): ``G² = 2 Σ_i O_i ln(O_i / E_i)`` over the two cells
  ``i ∈ {t, r}``, with expected counts ``E_i = N_i (O_t + O_r) / (N_t + N_r)``. A cell with
  ``O_i = 0`` adds 0 (the limit of ``x ln x``). G² is never negative.
- **Log ratio** (Hardie 2014), the effect size: ``log2(((O_t + 0.5) / N_t) / ((O_r + 0.5) / N_r))``.
  Positive = relatively more frequent in the target, 1 = twice as frequent. The 0.5 added
  to each count keeps zero cells finite.
- **p from G²**: the chi-square survival function with one degree of freedom.
- **Benjamini–Hochberg** adjusted p-values (false discovery rate).
- **Fisher's exact test** for a 2×2 table, two-sided as in :func:`scipy.stats.fisher_exact`.
- **Wilson score interval** for a proportion and **Newcombe's hybrid score interval**
  for a difference of two independent proportions.
- **Cochran–Armitage test for trend** in proportions across ordered groups (levels of a
  Likert item, survey waves).
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy import stats as _sstats

__all__ = [
    "dunning_g2",
    "log_ratio",
    "chi2_p",
    "benjamini_hochberg",
    "fisher_exact_2x2",
    "wilson_interval",
    "difference_interval",
    "cochran_armitage",
]


def _all_scalar(*values) -> bool:
    return all(np.ndim(v) == 0 for v in values)


def _out(value, scalar: bool):
    if scalar:
        return float(np.asarray(value).reshape(-1)[0])
    return value


def _xlogx_over(o: np.ndarray, e: np.ndarray) -> np.ndarray:
    """``o * ln(o / e)`` with the convention ``0 * ln(0 / e) = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        term = o * np.log(o / e)
    return np.where(o > 0, term, 0.0)


def dunning_g2(o_t, o_r, n_t, n_r):
    """Dunning's log-likelihood G² for a word's counts in two corpora (two-cell form).

    ``G² = 2 [O_t ln(O_t / E_t) + O_r ln(O_r / E_r)]`` with
    ``E_t = N_t (O_t + O_r) / (N_t + N_r)`` and ``E_r = N_r (O_t + O_r) / (N_t + N_r)``;
    a zero count contributes 0. ``N_t`` and ``N_r`` are the corpus sizes in tokens. The
    result is 0 when the word is absent from both corpora, and NaN when a corpus size is
    not positive.

    Example:
        >>> round(dunning_g2(10, 0, 100, 100), 4)   # 2 * 10 * ln(10 / 5)
        13.8629
    """
    scalar = _all_scalar(o_t, o_r, n_t, n_r)
    o_t, o_r, n_t, n_r = (np.asarray(v, dtype=float) for v in (o_t, o_r, n_t, n_r))
    total = n_t + n_r
    with np.errstate(divide="ignore", invalid="ignore"):
        e_t = n_t * (o_t + o_r) / total
        e_r = n_r * (o_t + o_r) / total
    g2 = 2.0 * (_xlogx_over(o_t, e_t) + _xlogx_over(o_r, e_r))
    g2 = np.maximum(g2, 0.0)  # remove rounding noise below zero
    g2 = np.where((n_t > 0) & (n_r > 0), g2, np.nan)
    return _out(g2, scalar)


def log_ratio(o_t, o_r, n_t, n_r):
    """Hardie's log ratio: ``log2(((O_t + 0.5) / N_t) / ((O_r + 0.5) / N_r))``.

    The binary log of the ratio of relative frequencies, with 0.5 added to both counts so
    that a word absent from one group still gets a finite value. NaN when a corpus size is
    not positive.

    Example:
        >>> log_ratio(9.5, 1.5, 100, 50)            # log2((10/100) / (2/50)) = log2(2.5)
        1.3219280948873624
    """
    scalar = _all_scalar(o_t, o_r, n_t, n_r)
    o_t, o_r, n_t, n_r = (np.asarray(v, dtype=float) for v in (o_t, o_r, n_t, n_r))
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.log2(((o_t + 0.5) / n_t) / ((o_r + 0.5) / n_r))
    lr = np.where((n_t > 0) & (n_r > 0), lr, np.nan)
    return _out(lr, scalar)


def chi2_p(g2):
    """p-value of a G² (or Pearson X²) statistic: chi-square survival function, 1 df.

    NaN stays NaN. Example: ``chi2_p(3.841458820694124)`` is 0.05.
    """
    scalar = _all_scalar(g2)
    p = _sstats.chi2.sf(np.asarray(g2, dtype=float), 1)
    return _out(np.asarray(p, dtype=float), scalar)


def benjamini_hochberg(p):
    """Benjamini–Hochberg adjusted p-values (q-values), in the input order.

    With the ``m`` non-missing p-values sorted ascending, ``p_(1) ≤ … ≤ p_(m)``, the
    adjusted value of rank ``i`` is ``min_{j ≥ i} min(1, p_(j) · m / j)``: monotone in ``p``
    and capped at 1. NaN inputs are left out of ``m`` and stay NaN in the output. Ties get
    the same adjusted value. Reject at false discovery rate ``q`` where ``adjusted ≤ q``.

    Example:
        >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.20]).round(4).tolist()
        [0.04, 0.0533, 0.0533, 0.2]
    """
    scalar = _all_scalar(p)
    values = np.atleast_1d(np.asarray(p, dtype=float))
    shape = values.shape
    flat = values.reshape(-1)
    out = np.full(flat.shape, np.nan)
    ok = ~np.isnan(flat)
    if np.any((flat[ok] < 0) | (flat[ok] > 1)):
        raise ValueError("benjamini_hochberg: p-values must lie between 0 and 1")
    m = int(ok.sum())
    if m:
        idx = np.flatnonzero(ok)
        order = np.argsort(flat[idx], kind="mergesort")
        ranked = flat[idx][order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
        out[idx[order]] = np.minimum(adjusted, 1.0)
    return _out(out.reshape(shape), scalar)


_TIE_TOLERANCE = 1e-7


def _hypergeom_table(n1: int, n2: int, k: int):
    """Null distribution of the top-left cell of a 2×2 table with fixed margins.

    Rows have totals ``n1`` and ``n2``, the first column total is ``k``; the cell ``x``
    ranges over ``max(0, k - n2) .. min(n1, k)`` with hypergeometric probabilities
    ``C(n1, x) C(n2, k - x) / C(n1 + n2, k)`` (computed with log-gamma). Returns the lowest
    ``x``, the probabilities in ``x`` order, the probabilities sorted ascending and their
    cumulative sums.
    """
    lo = max(0, k - n2)
    hi = min(n1, k)
    x = np.arange(lo, hi + 1, dtype=float)
    gl = special.gammaln
    log_pmf = (
        gl(n1 + 1) - gl(x + 1) - gl(n1 - x + 1)
        + gl(n2 + 1) - gl(k - x + 1) - gl(n2 - k + x + 1)
        - (gl(n1 + n2 + 1) - gl(k + 1) - gl(n1 + n2 - k + 1))
    )
    pmf = np.exp(log_pmf)
    sorted_pmf = np.sort(pmf, kind="mergesort")
    cumulative = np.cumsum(sorted_pmf)
    return lo, pmf, sorted_pmf, cumulative


def fisher_exact_2x2(a, b, c, d):
    """Two-sided Fisher exact test for the table ``[[a, b], [c, d]]`` (element-wise).

    Conditional on the margins, the top-left cell follows a hypergeometric distribution;
    the two-sided p-value is the total probability of the tables that are no more likely
    than the observed one (the definition of :func:`scipy.stats.fisher_exact`). Tables whose
    probabilities differ by less than a relative 1e-7 count as equally likely (as in R's
    ``fisher.test``), which keeps ties exact despite rounding. A table with an empty row or
    column has p = 1. The null distribution is computed once per distinct set of margins,
    so many tables with the same group sizes (one per word) are cheap.

    Example:
        >>> round(fisher_exact_2x2(6, 2, 1, 4), 6)
        0.102564
    """
    scalar = _all_scalar(a, b, c, d)
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=np.int64) for v in (a, b, c, d)))
    shape = a.shape
    a, b, c, d = (v.reshape(-1) for v in (a, b, c, d))
    if np.any((a < 0) | (b < 0) | (c < 0) | (d < 0)):
        raise ValueError("fisher_exact_2x2: counts must be non-negative")
    n1 = a + b
    n2 = c + d
    k = a + c
    out = np.ones(a.shape, dtype=float)
    degenerate = (n1 == 0) | (n2 == 0) | (k == 0) | (b + d == 0)
    todo = np.flatnonzero(~degenerate)
    if todo.size:
        keys = np.stack([n1[todo], n2[todo], k[todo]], axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="mergesort")
        bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
        gamma = 1.0 + _TIE_TOLERANCE
        for u, (un1, un2, uk) in enumerate(unique):
            rows = todo[order[bounds[u]:bounds[u + 1]]]
            lo, pmf, sorted_pmf, cumulative = _hypergeom_table(int(un1), int(un2), int(uk))
            pexact = pmf[a[rows] - lo]
            pos = np.searchsorted(sorted_pmf, pexact * gamma, side="right")
            p = cumulative[pos - 1]
            out[rows] = np.where(pos >= len(pmf), 1.0, np.minimum(p, 1.0))
    return _out(out.reshape(shape), scalar)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must lie strictly between 0 and 1")
    return float(special.ndtri(0.5 + confidence / 2.0))


def wilson_interval(k, n, confidence: float = 0.95):
    """Wilson score interval for the proportion ``k / n``; returns ``(low, high)``.

    ``(p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`` with ``p = k / n`` and ``z``
    the two-sided normal quantile of ``confidence`` (1.959964 for 95 %). Unlike the
    Wald interval it stays inside [0, 1] and behaves well for ``k = 0`` or ``k = n``.
    ``n = 0`` gives NaN.

    Example:
        >>> [round(v, 4) for v in wilson_interval(5, 20)]
        [0.1119, 0.4687]
    """
    scalar = _all_scalar(k, n)
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > n):
        raise ValueError("wilson_interval: need 0 <= k <= n")
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denom
        half = z / denom * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
        low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # exact bounds at the edges (avoid 1e-17 rounding noise)
    low = np.where(k == 0, 0.0, low)
    high = np.where((k == n) & (n > 0), 1.0, high)
    low = np.where(n > 0, low, np.nan)
    return _out(low, scalar), _out(high, scalar)


def difference_interval(k1, n1, k2, n2, confidence: float = 0.95):
    """Newcombe's hybrid score interval for ``p1 - p2`` (two independent proportions).

    Newcombe (1998), method 10: with ``p1 = k1/n1``, ``p2 = k2/n2``, ``d = p1 - p2`` and the
    Wilson intervals ``(l1, u1)`` and ``(l2, u2)`` of each proportion,

    ``low  = d - sqrt((p1 - l1)² + (u2 - p2)²)``
    ``high = d + sqrt((u1 - p1)² + (p2 - l2)²)``.

    It has close to nominal coverage for small samples and never leaves [-1, 1]. Returns
    ``(low, high)``; NaN when either ``n`` is 0.

    Example:
        >>> [round(v, 4) for v in difference_interval(5, 20, 2, 20)]
        [-0.0939, 0.3803]
    """
    scalar = _all_scalar(k1, n1, k2, n2)
    k1, n1, k2, n2 = (np.asarray(v, dtype=float) for v in (k1, n1, k2, n2))
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1 = k1 / n1
        p2 = k2 / n2
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return _out(np.asarray(low, dtype=float), scalar), _out(np.asarray(high, dtype=float), scalar)


def cochran_armitage(coded, totals, scores=None) -> tuple[float, float]:
    """Cochran–Armitage test for a linear trend in the proportions ``coded / totals``.

    For ordered groups ``i`` with ``x_i`` of ``n_i`` coded, scores ``s_i`` (default 1, 2, …),
    ``N = Σ n_i`` and ``p = Σ x_i / N``:

    ``T = Σ s_i (x_i - n_i p)``, ``Var T = p (1 - p) (Σ n_i s_i² - (Σ n_i s_i)² / N)``,
    ``z = T / sqrt(Var T)``, two-sided ``p`` from the standard normal (Armitage 1955; the
    square of ``z`` is R's ``prop.trend.test`` statistic). Positive ``z``: the share rises
    with the score. Returns ``(z, p)``; both NaN when no group or every group is coded (or
    none is), or when fewer than two scores have answers.

    Example:
        >>> z, p = cochran_armitage([2, 5, 9], [20, 20, 20])
        >>> round(z, 4), round(p, 4)
        (2.5028, 0.0123)
    """
    x = np.asarray(coded, dtype=float)
    n = np.asarray(totals, dtype=float)
    if x.shape != n.shape or x.ndim != 1:
        raise ValueError("cochran_armitage: coded and totals must be one-dimensional and of equal length")
    if np.any(x < 0) or np.any(x > n):
        raise ValueError("cochran_armitage: need 0 <= coded <= totals")
    s = np.arange(1, len(x) + 1, dtype=float) if scores is None else np.asarray(scores, dtype=float)
    if s.shape != x.shape:
        raise ValueError("cochran_armitage: one score per group")
    total = n.sum()
    if total <= 0:
        return float("nan"), float("nan")
    share = x.sum() / total
    spread = (n * s * s).sum() - (n * s).sum() ** 2 / total
    variance = share * (1.0 - share) * spread
    if variance <= 1e-12 * max(total, 1.0):
        return float("nan"), float("nan")
    z = float((s * (x - n * share)).sum() / np.sqrt(variance))
    return z, float(2.0 * _sstats.norm.sf(abs(z)))
