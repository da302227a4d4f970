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
