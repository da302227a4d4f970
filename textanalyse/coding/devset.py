"""The labelled development set in ``tests/data/devset/``: loading it and scoring codes against it.

Used by ``scripts/eval_coding.py`` and the tests; not part of any command. The set itself is
described in ``tests/data/devset/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DEVSET_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "devset"
QUESTIONS = ("fungerer_bra", "fungerer_darlig", "forslag")
NO_THEME = "(ingen)"


def devset_material(*, pipeline: str = "fast", directory: Path = DEVSET_DIR):
    """Read and annotate ``svar.csv`` (doc ids ``R001:fungerer_bra`` …)."""
    from textanalyse.api import load_material
    from textanalyse.options import InputOptions

    inputs = InputOptions(paths=(str(directory / "svar.csv"),), text_columns=QUESTIONS,
                          id_column="respondent_id", pipeline=pipeline)
    return load_material(inputs)


def devset_labels(*, directory: Path = DEVSET_DIR) -> pd.DataFrame:
    """The human codes: ``doc_id, respondent_id, question, theme, main`` (``(ingen)`` rows kept)."""
    labels = pd.read_csv(directory / "koder.csv", sep=";", dtype=str, keep_default_na=False)
    labels["doc_id"] = labels["respondent_id"] + ":" + labels["question"]
    labels["main"] = labels["main"].astype(int)
    return labels[["doc_id", "respondent_id", "question", "theme", "main"]]


def score_codes(predicted: pd.DataFrame, labels: pd.DataFrame, *, documents=None) -> pd.DataFrame:
    """Precision, recall and F1 of ``predicted`` (``doc_id, theme``) against ``labels``.

    Only documents in ``documents`` (default: every labelled document) are scored; ``(ingen)`` is
    no theme. Returns one row per theme plus ``theme = "(alle)"`` with the micro average:
    ``theme, support, predicted, true_positive, precision, recall, f1``.

    Example:
        >>> gold = pd.DataFrame({"doc_id": ["1:bra", "2:bra"], "theme": ["Bolig", "(ingen)"]})
        >>> guess = pd.DataFrame({"doc_id": ["1:bra", "2:bra"], "theme": ["Bolig", "NAV"]})
        >>> score_codes(guess, gold)[["theme", "precision", "recall", "f1"]].to_dict("records")[-1]
        {'theme': '(alle)', 'precision': 0.5, 'recall': 1.0, 'f1': 0.6666666666666666}
    """
    docs = set(labels["doc_id"]) if documents is None else set(documents) & set(labels["doc_id"])
    gold = labels.loc[labels["doc_id"].isin(docs) & (labels["theme"] != NO_THEME), ["doc_id", "theme"]]
    guess = predicted.loc[predicted["doc_id"].isin(docs) & (predicted["theme"] != NO_THEME), ["doc_id", "theme"]]
    gold_pairs = set(map(tuple, gold.drop_duplicates().to_numpy()))
    guess_pairs = set(map(tuple, guess.drop_duplicates().to_numpy()))
    themes = list(dict.fromkeys(sorted({t for _, t in gold_pairs | guess_pairs})))
    rows = []
    for theme in [*themes, None]:
        g = {p for p in gold_pairs if theme is None or p[1] == theme}
        p = {q for q in guess_pairs if theme is None or q[1] == theme}
        tp = len(g & p)
        precision = tp / len(p) if p else float("nan")
        recall = tp / len(g) if g else float("nan")
        f1 = 2 * tp / (len(g) + len(p)) if (g or p) else float("nan")
        rows.append({"theme": theme or "(alle)", "support": len(g), "predicted": len(p), "true_positive": tp,
                     "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def split_respondents(labels: pd.DataFrame, *, fraction: float = 0.25, seed: int = 1) -> tuple[list, list]:
    """Respondents drawn for the hand-coded sample (``fraction``) and the held-out rest."""
    respondents = sorted(labels["respondent_id"].unique())
    rng = np.random.default_rng(seed)
    chosen = set(rng.choice(respondents, size=round(len(respondents) * fraction), replace=False).tolist())
    return sorted(chosen), [r for r in respondents if r not in chosen]


def label_matrix(labels: pd.DataFrame, doc_ids, themes) -> pd.DataFrame:
    """0/1 matrix (rows ``doc_ids`` in order, one column per theme) from the long label table."""
    matrix = pd.DataFrame(0, index=pd.Index(list(doc_ids), name="doc_id"), columns=list(themes))
    known = labels.loc[labels["doc_id"].isin(matrix.index) & labels["theme"].isin(matrix.columns)]
    for doc, theme in zip(known["doc_id"], known["theme"]):
        matrix.loc[doc, theme] = 1
    return matrix


def learner_split_scores(material, labels: pd.DataFrame, *, codebook, seed: int = 1, fraction: float = 0.25,
                         score_only=None) -> pd.DataFrame:
    """Train on ``fraction`` of the respondents, code the rest, score against their labels.

    ``score_only``: respondent ids to score (default: every held-out respondent).
    """
    from textanalyse.coding.learner import decide, fit_learner, predict_proba, segment_features

    train_ids, _ = split_respondents(labels, fraction=fraction, seed=seed)
    everything = segment_features(material.corpus, material.tokens, codebook)
    respondent = everything.keys["doc_id"].str.split(":").str[0]
    train_rows = np.flatnonzero(respondent.isin(train_ids).to_numpy())
    test_rows = np.flatnonzero(~respondent.isin(train_ids).to_numpy())
    from textanalyse.coding.learner import _subset

    train = _subset(everything, train_rows)
    themes = [theme.name for theme in codebook.themes]
    y = label_matrix(labels, train.keys["doc_id"], themes).reset_index(drop=True)
    learner = fit_learner(train, y, codebook, seed=seed, unlabelled=everything)
    test = _subset(everything, test_rows)
    codes = decide(learner, predict_proba(learner, test))
    long = codes.stack()
    predicted = long[long == 1].reset_index()[["doc_id", "level_2" if "level_2" in long.reset_index().columns
                                               else long.reset_index().columns[2]]]
    predicted.columns = ["doc_id", "theme"]
    held_out = labels.loc[~labels["respondent_id"].isin(train_ids), ["respondent_id", "doc_id"]]
    if score_only is not None:
        held_out = held_out.loc[held_out["respondent_id"].isin(set(score_only))]
    held_out = held_out["doc_id"]
    return score_codes(predicted, labels, documents=held_out)
