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


def devset_respondents(*, directory: Path = DEVSET_DIR) -> pd.DataFrame:
    """The respondents' background: ``respondent_id, kommune, aldersgruppe`` (from ``svar.csv``)."""
    table = pd.read_csv(directory / "svar.csv", sep=";", dtype=str, keep_default_na=False)
    return table[["respondent_id", "kommune", "aldersgruppe"]]


def split_respondents(labels: pd.DataFrame, *, fraction: float = 0.25, seed: int = 1,
                      respondents: pd.DataFrame | None = None) -> tuple[list, list]:
    """Respondents drawn for the hand-coded sample (``fraction``) and the held-out rest.

    Stratified by age group × municipality, as ``code-sheet`` stratifies by group: each stratum
    gives its proportional share (largest remainders), drawn with ``seed``.

    Example:
        >>> people = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(8)],
        ...                        "kommune": ["A"] * 4 + ["B"] * 4, "aldersgruppe": "67+"})
        >>> coded, rest = split_respondents(pd.DataFrame({"respondent_id": people["respondent_id"]}),
        ...                                 fraction=0.5, seed=1, respondents=people)
        >>> len(coded), sorted({people.set_index("respondent_id").loc[r, "kommune"] for r in coded})
        (4, ['A', 'B'])
    """
    from textanalyse.coding.sheet import draw_sample

    people = devset_respondents() if respondents is None else respondents
    people = people.loc[people["respondent_id"].isin(set(labels["respondent_id"]))]
    people = people.sort_values("respondent_id").reset_index(drop=True)
    table = pd.DataFrame({"doc_id": people["respondent_id"], "segment": 0, "question": people["aldersgruppe"],
                          "kommune": people["kommune"], "text": ""})
    drawn = draw_sample(table, n=round(len(table) * fraction), group_by=("kommune",), seed=seed)
    chosen = set(drawn["doc_id"])
    return sorted(chosen), [r for r in people["respondent_id"] if r not in chosen]


def never_tuned(respondent_ids) -> list:
    """The even respondents (R002, R004 …): the codebook's patterns were never tuned on them."""
    return sorted(r for r in respondent_ids if int(str(r)[1:]) % 2 == 0)


def label_matrix(labels: pd.DataFrame, doc_ids, themes) -> pd.DataFrame:
    """0/1 matrix (rows ``doc_ids`` in order, one column per theme) from the long label table."""
    matrix = pd.DataFrame(0, index=pd.Index(list(doc_ids), name="doc_id"), columns=list(themes))
    known = labels.loc[labels["doc_id"].isin(matrix.index) & labels["theme"].isin(matrix.columns)]
    for doc, theme in zip(known["doc_id"], known["theme"]):
        matrix.loc[doc, theme] = 1
    return matrix


def split_scores(material, labels: pd.DataFrame, *, codebook, seed: int = 1, fraction: float = 0.25,
                 features=None) -> pd.DataFrame:
    """One evaluation split: train on ``fraction`` of the respondents, code the rest, score both ways.

    The learner sees the human labels of the drawn respondents only; the held-out respondents'
    texts and codebook hits take part as unlabelled material (as in ``code``), never their
    labels. Scored on the held-out respondents (``half = "held-out"``) and on the held-out
    respondents the codebook was never tuned on (``half = "never-tuned"``), for the learner
    (``method = "learner"``) and the codebook alone on the same answers (``"codebook"``).
    Columns: ``seed, method, half`` and those of :func:`score_codes`.
    """
    from textanalyse.coding.learner import _subset, decide, fit_learner, predict_proba, segment_features

    train_ids, held_ids = split_respondents(labels, fraction=fraction, seed=seed)
    everything = segment_features(material.corpus, material.tokens, codebook) if features is None else features
    respondent = everything.keys["doc_id"].str.split(":").str[0]
    train_rows = np.flatnonzero(respondent.isin(train_ids).to_numpy())
    test_rows = np.flatnonzero(~respondent.isin(train_ids).to_numpy())
    train, test = _subset(everything, train_rows), _subset(everything, test_rows)
    themes = [theme.name for theme in codebook.themes]
    y = label_matrix(labels, train.keys["doc_id"], themes).reset_index(drop=True)
    learner = fit_learner(train, y, codebook, seed=seed, unlabelled=everything)
    codes = decide(learner, predict_proba(learner, test)).to_numpy()
    docs = test.keys["doc_id"].to_numpy()
    predictions = {"learner": codes, "codebook": (test.hits > 0).astype(int)}
    halves = {"held-out": held_ids, "never-tuned": never_tuned(held_ids)}
    tables = []
    for method, matrix in predictions.items():
        rows, columns = np.nonzero(matrix)
        predicted = pd.DataFrame({"doc_id": docs[rows], "theme": np.array(themes, dtype=object)[columns]})
        for half, ids in halves.items():
            scored = labels.loc[labels["respondent_id"].isin(set(ids)), "doc_id"]
            table = score_codes(predicted, labels, documents=scored)
            table.insert(0, "half", half)
            table.insert(0, "method", method)
            table.insert(0, "seed", seed)
            tables.append(table)
    return pd.concat(tables, ignore_index=True)
