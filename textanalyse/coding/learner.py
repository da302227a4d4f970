"""Learn a researcher's coding from a hand-coded sample and code the rest of the material.

Per theme one logistic regression (scikit-learn, ``liblinear``: deterministic) on features of
each segment:

- the codebook's pattern hits (one column per theme, so "Bolig" may learn from a NAV hit);
- lemmas, and the heads of compounds (``ruskonsulent`` also gives ``konsulent`` when that is a
  word of the material), so a paraphrase the coder marked teaches the model its words;
- character n-grams (3–5, within words) of the lowercased text, robust to typos and dialect
  forms (``oppfølgningen``, ``itj``);
- the codebook itself as extra training text: each theme's description and patterns are added
  as a positive example of that theme, so a theme with few coded examples still leans on it.

A theme with fewer than ``min_examples`` coded positives (or negatives) in the sample gets no
model: its codes are the codebook's pattern hits (probability 1 or 0), and the reason is
recorded. A segment is coded with a theme when its probability is at least 0.5 (choosing the
threshold by cross-validation on the sample was tried on the development set and did not help);
segments within ``REVIEW_MARGIN`` of it are "til manuell vurdering".

The unlabelled rest of the material also takes part, with weight ``PSEUDO_WEIGHT`` and the
codebook's hits as its labels (self-training), so words that co-occur with pattern hits count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from textanalyse.errors import UserError

MIN_EXAMPLES = 5
DEFAULT_THRESHOLD = 0.5
REVIEW_MARGIN = 0.15  # 0.35–0.65 is "til manuell vurdering"
HIT_WEIGHT = 2.0
REGULARISATION_C = 4.0
CLASS_WEIGHT = "balanced"
PSEUDO_WEIGHT = 0.3
FOLDS = 5
_HEAD_MIN = 4


@dataclass
class Features:
    """What the classifiers see for a set of segments (rows in ``keys`` order)."""

    keys: pd.DataFrame          # doc_id, segment
    texts: list[str]            # lowercased segment texts
    lemmas: list[str]           # space-joined lemmas and compound heads
    hits: np.ndarray            # segments × themes, 1 where the codebook matches


@dataclass
class ThemeModel:
    theme: str
    kind: str                   # "model" or "codebook"
    reason: str = ""
    threshold: float = DEFAULT_THRESHOLD
    positives: int = 0
    classifier: object = None


@dataclass
class Learner:
    """A trained learner: vectorizers and one :class:`ThemeModel` per codebook theme."""

    themes: list[str]
    models: dict[str, ThemeModel]
    vectorizers: tuple = ()
    seed: int = 0
    notes: list[str] = field(default_factory=list)


def segment_features(corpus, tokens: pd.DataFrame, codebook, *, keys: pd.DataFrame | None = None) -> Features:
    """Features of every segment of ``corpus`` (or of the ``keys`` given: ``doc_id, segment``)."""
    from textanalyse.themes import code_segments

    segments = corpus.segments[["doc_id", "segment", "text"]]
    if keys is not None:
        segments = keys[["doc_id", "segment"]].merge(segments, on=["doc_id", "segment"], how="left")
        segments["text"] = segments["text"].fillna("")
    segments = segments.reset_index(drop=True)
    index = pd.MultiIndex.from_frame(segments[["doc_id", "segment"]].astype({"segment": int}))
    themes = [theme.name for theme in codebook.themes]
    hits = np.zeros((len(segments), len(themes)), dtype=np.float64)
    coded = code_segments(corpus, tokens, codebook).coded
    if len(coded):
        rows = index.get_indexer(pd.MultiIndex.from_frame(coded[["doc_id", "segment"]].astype({"segment": int})))
        columns = pd.Index(themes).get_indexer(coded["theme"])
        ok = (rows >= 0) & (columns >= 0)
        hits[rows[ok], columns[ok]] = 1.0
    words = tokens.loc[tokens["is_word"].astype(bool), ["doc_id", "segment", "lemma", "lower"]]
    lemmas = words["lemma"].astype(str).str.lower().to_numpy(dtype=object)
    vocabulary = set(lemmas) | set(words["lower"].astype(str))
    # expand each distinct lemma once (a 10,000-answer material has far fewer lemmas than tokens)
    unique, inverse = np.unique(lemmas, return_inverse=True) if len(lemmas) else (np.array([], object), [])
    expanded = np.array([" ".join(_with_heads([lemma], vocabulary)) for lemma in unique], dtype=object)[inverse]
    rows = index.get_indexer(pd.MultiIndex.from_arrays([words["doc_id"].astype(str).to_numpy(),
                                                        words["segment"].to_numpy(dtype=np.int64)]))
    order = np.argsort(rows, kind="stable")
    rows, expanded = rows[order], expanded[order]
    lemma_text = [""] * len(segments)
    bounds = np.flatnonzero(np.diff(rows)) + 1
    for chunk_rows, chunk in zip(np.split(rows, bounds), np.split(expanded, bounds)):
        if len(chunk_rows) and chunk_rows[0] >= 0:
            lemma_text[chunk_rows[0]] = " ".join(chunk)
    texts = segments["text"].astype(str).str.lower().tolist()
    return Features(keys=segments[["doc_id", "segment"]].astype({"segment": int}), texts=texts,
                    lemmas=lemma_text, hits=hits)


def _with_heads(lemmas: list[str], vocabulary: set[str]) -> list[str]:
    """Lemmas plus ``head:x`` for compounds whose last part ``x`` is itself a word of the material."""
    out = []
    for lemma in lemmas:
        lemma = lemma.lower()
        out.append(lemma)
        for cut in range(3, len(lemma) - _HEAD_MIN + 1):
            head = lemma[cut:]
            if head in vocabulary:
                out.append("head:" + head)
                break
    return out


def codebook_documents(codebook) -> tuple[list[str], list[str], np.ndarray]:
    """Each theme's description and patterns as one extra (text, lemma text, theme index) example."""
    texts, lemmas, labels = [], [], []
    for i, theme in enumerate(codebook.themes):
        words = " ".join(" ".join(w.strip("*") for w in pattern.words) for pattern in theme.patterns)
        text = f"{theme.description} {words}".lower()
        texts.append(text)
        lemmas.append(" ".join(part.strip(".,:;()«»") for part in text.split()))
        labels.append(i)
    return texts, lemmas, np.array(labels)


def _vectorizers(seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer

    lemma = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, binary=True,
                            sublinear_tf=True, min_df=1)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=60000)
    return lemma, chars


def _matrix(vectorizers, texts, lemmas, hits) -> sparse.csr_matrix:
    lemma, chars = vectorizers
    return sparse.hstack([lemma.transform(lemmas), chars.transform(texts),
                          sparse.csr_matrix(hits * HIT_WEIGHT)]).tocsr()


def fit_learner(features: Features, labels: pd.DataFrame, codebook, *, seed: int = 0,
                min_examples: int = MIN_EXAMPLES, unlabelled: Features | None = None) -> Learner:
    """Train one classifier per theme on the coded segments.

    Args:
        features: features of the coded segments (same row order as ``labels``).
        labels: one 0/1 column per theme (the human codes).
        unlabelled: features of the whole material; only their words shape the vocabulary.
    """
    from sklearn.linear_model import LogisticRegression

    themes = [theme.name for theme in codebook.themes]
    book_texts, book_lemmas, book_labels = codebook_documents(codebook)
    vectorizers = _vectorizers(seed)
    vocab_texts = features.texts + book_texts + (unlabelled.texts if unlabelled is not None else [])
    vocab_lemmas = features.lemmas + book_lemmas + (unlabelled.lemmas if unlabelled is not None else [])
    vectorizers[0].fit(vocab_lemmas)
    vectorizers[1].fit(vocab_texts)
    book_hits = np.eye(len(themes))
    extra = _uncoded(unlabelled, features)
    x = _matrix(vectorizers, features.texts + book_texts + extra.texts, features.lemmas + book_lemmas + extra.lemmas,
                np.vstack([features.hits, book_hits, extra.hits]))
    weights = np.concatenate([np.ones(len(features.texts) + len(book_texts)), np.full(len(extra.texts), PSEUDO_WEIGHT)])
    models, notes = {}, []
    for t, theme in enumerate(themes):
        y_sample = labels[theme].to_numpy(int) if theme in labels.columns else np.zeros(len(labels), int)
        positives, negatives = int(y_sample.sum()), int(len(y_sample) - y_sample.sum())
        if theme not in labels.columns:
            reason = "temaet er ikke en kolonne i kodearket"
        elif positives < min_examples:
            reason = f"for få kodede eksempler ({positives} < {min_examples})"
        elif negatives < min_examples:
            reason = f"for få svar uten temaet ({negatives} < {min_examples})"
        else:
            reason = ""
        if reason:
            models[theme] = ThemeModel(theme, "codebook", reason=reason, positives=positives)
            notes.append(f"{theme}: kodeboka alene ({reason})")
            continue
        y = np.concatenate([y_sample, (book_labels == t).astype(int), (extra.hits[:, t] > 0).astype(int)])
        classifier = LogisticRegression(C=REGULARISATION_C, class_weight=CLASS_WEIGHT, solver="liblinear",
                                        random_state=seed)
        classifier.fit(x, y, sample_weight=weights)
        models[theme] = ThemeModel(theme, "model", positives=positives, classifier=classifier)
    return Learner(themes=themes, models=models, vectorizers=vectorizers, seed=seed, notes=notes)


def _uncoded(unlabelled: Features | None, coded: Features) -> Features:
    """The segments of the material that are not in the coded sample (pseudo-labelled by the codebook)."""
    if unlabelled is None or PSEUDO_WEIGHT <= 0:
        return Features(keys=coded.keys.iloc[:0], texts=[], lemmas=[], hits=np.zeros((0, coded.hits.shape[1])))
    known = set(zip(coded.keys["doc_id"], coded.keys["segment"]))
    rows = np.array([i for i, key in enumerate(zip(unlabelled.keys["doc_id"], unlabelled.keys["segment"]))
                     if key not in known], dtype=int)
    return _subset(unlabelled, rows)


def predict_proba(learner: Learner, features: Features) -> pd.DataFrame:
    """Probability per segment (rows as ``features.keys``) and theme (columns)."""
    x = _matrix(learner.vectorizers, features.texts, features.lemmas, features.hits)
    out = {}
    for t, theme in enumerate(learner.themes):
        model = learner.models[theme]
        if model.kind == "model":
            out[theme] = model.classifier.predict_proba(x)[:, 1]
        else:
            out[theme] = features.hits[:, t].astype(float)
    return pd.DataFrame(out, index=pd.MultiIndex.from_frame(features.keys))


def decide(learner: Learner, probabilities: pd.DataFrame) -> pd.DataFrame:
    """0/1 codes from probabilities with each theme's threshold."""
    return pd.DataFrame({theme: (probabilities[theme] >= learner.models[theme].threshold).astype(int)
                         for theme in learner.themes}, index=probabilities.index)


def _folds(n: int, seed: int, groups=None) -> list[np.ndarray]:
    """Fold number per coded segment; segments of one respondent stay in one fold."""
    rng = np.random.default_rng(seed)
    if groups is None:
        groups = np.arange(n)
    unique = np.array(sorted(set(groups)))
    order = rng.permutation(len(unique))
    fold_of_group = {g: i % FOLDS for i, g in zip(range(len(unique)), unique[order])}
    return np.array([fold_of_group[g] for g in groups])


def cross_validate(features: Features, labels: pd.DataFrame, codebook, *, seed: int = 0, groups=None,
                   min_examples: int = MIN_EXAMPLES, unlabelled: Features | None = None) -> pd.DataFrame:
    """Out-of-fold probabilities for the coded segments (each predicted by a model that never saw it)."""
    n = len(labels)
    if n < FOLDS * 2:
        raise UserError(f"only {n} coded segments; code at least {FOLDS * 2} to measure agreement")
    fold = _folds(n, seed, groups)
    result = None
    for k in range(FOLDS):
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        if len(test) == 0:
            continue
        learner = fit_learner(_subset(features, train), labels.iloc[train].reset_index(drop=True), codebook,
                              seed=seed, min_examples=min_examples, unlabelled=unlabelled)
        probabilities = predict_proba(learner, _subset(features, test))
        codes = decide(learner, probabilities)
        part = pd.concat({"p": probabilities.reset_index(drop=True), "code": codes.reset_index(drop=True)}, axis=1)
        part.index = test
        result = part if result is None else pd.concat([result, part])
    return result.sort_index()


def _subset(features: Features, rows: np.ndarray) -> Features:
    return Features(keys=features.keys.iloc[rows].reset_index(drop=True), texts=[features.texts[i] for i in rows],
                    lemmas=[features.lemmas[i] for i in rows], hits=features.hits[rows])
