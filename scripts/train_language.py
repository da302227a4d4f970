#!/usr/bin/env python3
"""Train the Bokmål/Nynorsk classifier shipped as ``textanalyse/nlp/data/language_weights.tsv.gz``.

    python scripts/train_language.py [--data ../shared/data] [--check]

Input: the two NDT training sets (``ndt_nb_train.conll.gz``, ``ndt_nn_train.conll.gz``), every
sentence of the UD dev and test sets already removed from them. Model: logistic regression on
raw counts of word features (``w:`` + lowercased word) and character n-grams of the word with
boundary marks (``c:`` + 2-4 characters of `` word ``). Because the features are counts and every
feature belongs to one word, the model's score of a text is the bias plus a sum of per-word
scores, so it pools answers simply by adding them and runs on a word table.

Output (counts-derived weights only, never a sentence): a gzipped TSV with a ``b`` row (bias),
``w`` rows (a word seen at least ``--min-count`` times in training → its full score: the word
weight plus its n-gram weights) and ``c`` rows (n-gram → weight, for words not in the table).
Positive scores mean Nynorsk. ``--check`` prints per-sentence accuracy on the UD dev sets.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textanalyse.nlp.language import WORD_PATTERN, char_ngrams  # noqa: E402

OUTPUT = REPO / "textanalyse" / "nlp" / "data" / "language_weights.tsv.gz"


def ndt_sentences(path: Path):
    """Sentences of an NDT .conll.gz file as lists of word forms."""
    sentence = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                if sentence:
                    yield sentence
                sentence = []
            elif not line.startswith("#"):
                columns = line.split("\t")
                if len(columns) == 10:
                    sentence.append(columns[1])
    if sentence:
        yield sentence


def features(words) -> list[str]:
    out = []
    for word in words:
        for lowered in WORD_PATTERN.findall(word.lower()):
            out.append("w:" + lowered)
            out.extend("c:" + gram for gram in char_ngrams(lowered))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--min-count", type=int, default=2, help="words kept in the word table")
    parser.add_argument("--c", type=float, default=0.5, help="inverse L2 regularisation strength")
    parser.add_argument("--min-weight", type=float, default=0.02, help="smaller weights are dropped")
    parser.add_argument("--out", default=str(OUTPUT))
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    data = Path(args.data)
    docs, labels = [], []
    word_counts = collections.Counter()
    for label, name in ((0, "ndt_nb_train.conll.gz"), (1, "ndt_nn_train.conll.gz")):
        for sentence in ndt_sentences(data / name):
            feats = features(sentence)
            if feats:
                docs.append(feats)
                labels.append(label)
                word_counts.update(f[2:] for f in feats if f.startswith("w:"))
    vectorizer = CountVectorizer(analyzer=lambda feats: feats, min_df=2)
    matrix = vectorizer.fit_transform(docs)
    model = LogisticRegression(C=args.c, max_iter=2000, solver="liblinear")
    model.fit(matrix, np.asarray(labels))
    weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0]))
    grams = {f[2:]: w for f, w in weights.items() if f.startswith("c:") and abs(w) >= args.min_weight}
    table = {}
    for word, count in word_counts.items():
        if count < args.min_count:
            continue
        score = weights.get("w:" + word, 0.0) + sum(weights.get("c:" + g, 0.0) for g in char_ngrams(word))
        if abs(score) >= args.min_weight:
            table[word] = score
    lines = [f"b\t\t{model.intercept_[0]:.4f}"]
    lines += [f"w\t{word}\t{score:.3f}" for word, score in sorted(table.items())]
    lines += [f"c\t{gram}\t{weight:.3f}" for gram, weight in sorted(grams.items())]
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("# Bokmål (-) / Nynorsk (+) weights, trained by scripts/train_language.py on NDT; "
                     "no text\n")
        handle.write("\n".join(lines) + "\n")
    print(f"{len(docs)} sentences, {matrix.shape[1]} features; wrote {len(table)} words and {len(grams)} "
          f"n-grams to {args.out} ({Path(args.out).stat().st_size} bytes)")
    if args.check:
        check(data)


def check(data: Path) -> None:
    """Per-sentence accuracy of the written table on the UD dev sets (no pooling, no fallback)."""
    from textanalyse.conllu import read_conllu
    from textanalyse.nlp.language import language_score

    for name, expected in (("ud_nb_dev.conllu", "nb"), ("ud_nn_dev.conllu", "nn")):
        sentences = read_conllu(data / name)
        right = sum((language_score(s.text) > 0) == (expected == "nn") for s in sentences)
        print(f"{name}: {right}/{len(sentences)} = {right / len(sentences):.4f} per sentence (classifier alone)")


if __name__ == "__main__":
    main()
