"""Fitting the NMF topic models of :func:`textanalyse.topics.find_topics`.

One fit (:func:`fit_nmf`), each unit's topic (:func:`topic_labels`), stability as agreement
with refits on subsamples (:func:`stability`), the choice of k by that stability
(:func:`choose_k`) and the whole sequence (:func:`fit_models`). Kept apart from
``topics.py``, which turns tokens into the matrix and the fitted model into tables.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import pandas as pd

from textanalyse.errors import UserError


def fit_nmf(X, k: int, seed: int, max_iter: int) -> np.ndarray:
    from sklearn.decomposition import NMF

    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max_iter, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter: harmless here
        W = model.fit_transform(X)
    return W, model.components_


def topic_labels(W: np.ndarray) -> np.ndarray:
    labels = W.argmax(axis=1).astype(np.int64)
    labels[W.max(axis=1) <= 0] = -1
    return labels


def stability(X, ref_labels: np.ndarray, k: int, seed: int, *, n_reruns: int, fraction: float, max_iter: int):
    """Mean ARI against refits on subsamples, and per-topic mean best-match Jaccard."""
    from sklearn.metrics import adjusted_rand_score

    n = X.shape[0]
    size = max(k + 1, int(round(fraction * n)))
    aris: list[float] = []
    jaccard = np.zeros(k)
    for r in range(1, n_reruns + 1):
        rng = np.random.default_rng([seed, r])
        idx = np.sort(rng.choice(n, size=min(size, n), replace=False))
        W_r, _ = fit_nmf(X[idx], k, seed + r, max_iter)
        lab_r = topic_labels(W_r)
        ref = ref_labels[idx]
        both = (ref >= 0) & (lab_r >= 0)
        if both.sum() >= 2:
            aris.append(float(adjusted_rand_score(ref[both], lab_r[both])))
        else:
            aris.append(0.0)
        for t in range(k):
            a = ref == t
            if not a.any():
                continue
            best = 0.0
            for u in range(k):
                b = lab_r == u
                union = np.count_nonzero(a | b)
                if union:
                    best = max(best, np.count_nonzero(a & b) / union)
            jaccard[t] += best
    return float(np.mean(aris)) if aris else float("nan"), jaccard / max(n_reruns, 1)


def fit_models(X, k, seed, *, k_range, n_units, n_reruns, selection_reruns, selection_sample, max_iter):
    """Choose k (when ``k="auto"``), fit the final model and measure its stability."""
    # ---- choose k
    max_k = max(2, min(k_range[1], n_units // 5))
    if k == "auto":
        candidates = list(range(min(k_range[0], max_k), max_k + 1))
        if len(candidates) == 1:
            k_scores = pd.DataFrame({"k": candidates, "stability": [np.nan]})
            chosen = candidates[0]
        else:
            chosen, k_scores = choose_k(
                X, candidates, seed, reruns=selection_reruns, sample=selection_sample, max_iter=max_iter
            )
    else:
        chosen = int(k)
        if chosen > n_units // 2:
            raise UserError(f"topics: k={chosen} is too many for {n_units} segments; use at most {n_units // 2}")
        k_scores = None

    # ---- final model and stability
    W, H = fit_nmf(X, chosen, seed, max_iter)
    labels = topic_labels(W)
    score, topic_jaccard = stability(X, labels, chosen, seed, n_reruns=n_reruns, fraction=0.8, max_iter=max_iter)
    if k_scores is None:
        k_scores = pd.DataFrame({"k": [chosen], "stability": [round(score, 3)]})

    return chosen, k_scores, W, H, labels, score, topic_jaccard


@contextlib.contextmanager
def one_blas_thread():
    """Run the NMF fits with one BLAS thread.

    The matrices are small (units × at most ``max_features``), so a second BLAS thread
    only adds synchronisation: on a 2-core machine one thread was 1.3-5× faster per fit
    (more so when other processes use the cores). Results are the same either way.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, change nothing
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def choose_k(X, candidates, seed, *, reruns, sample, max_iter):
    n = X.shape[0]
    if n > sample:
        rng = np.random.default_rng([seed, 9973])
        X = X[np.sort(rng.choice(n, size=sample, replace=False))]
    scores = []
    for k in candidates:
        W, _ = fit_nmf(X, k, seed, max_iter)
        ari, _ = stability(X, topic_labels(W), k, seed, n_reruns=reruns, fraction=0.8, max_iter=max_iter)
        scores.append(round(ari, 3))
    best = candidates[int(np.argmax(scores))]  # argmax takes the first (smallest k) on ties
    return best, pd.DataFrame({"k": candidates, "stability": scores})
