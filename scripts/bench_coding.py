"""Benchmark the learner: train on a hand-coded sample, then code 10,000 answers.

Usage:
    python scripts/bench_coding.py                  # 10,000 answers, 3 runs
    python scripts/bench_coding.py --answers 20000 --runs 5

The answers are built from the development set (tests/data/devset/, invented text): every answer
is one or two devset answers joined, in a fixed random order (seed 0), so no two are alike. The
learner trains on 150 coded devset answers. Timed separately (medians of ``--runs``, wall and
CPU seconds): annotation of the 10,000 answers (pipeline ``fast``, no cache), training, and
coding = features (codebook hits, lemmas, character n-grams) + probabilities + decisions.
Target (issue 14): coding 10,000 answers after training takes seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textanalyse.coding.devset import devset_labels, devset_material, label_matrix  # noqa: E402
from textanalyse.coding.learner import _subset, decide, fit_learner, predict_proba, segment_features  # noqa: E402
from textanalyse.corpus import Corpus  # noqa: E402
from textanalyse.nlp import annotate  # noqa: E402
from textanalyse.themes import load_codebook  # noqa: E402


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    codebook = load_codebook()
    devset = devset_material(pipeline="fast")
    labels = devset_labels()
    features = segment_features(devset.corpus, devset.tokens, codebook)
    rows = np.random.default_rng(0).permutation(len(features.keys))[:150]
    sample = _subset(features, rows)
    y = label_matrix(labels, sample.keys["doc_id"], codebook.theme_names).reset_index(drop=True)

    texts = devset.corpus.documents["text"].tolist()
    rng = np.random.default_rng(0)
    answers = [texts[i] if rng.random() < 0.5 else f"{texts[i]}. {texts[j]}"
               for i, j in zip(rng.integers(0, len(texts), args.answers), rng.integers(0, len(texts), args.answers))]
    corpus = Corpus.from_documents([{"doc_id": f"{n}:svar", "respondent": str(n), "question": "svar",
                                     "source": "bench", "text": text} for n, text in enumerate(answers)])
    results = {"annotate": [], "train": [], "code": []}
    coded = 0
    for _ in range(args.runs):
        tokens, wall, cpu = timed(lambda: annotate(corpus, pipeline="fast"))
        results["annotate"].append((wall, cpu))
        learner, wall, cpu = timed(lambda: fit_learner(sample, y, codebook, seed=0))
        results["train"].append((wall, cpu))

        def code():
            material = segment_features(corpus, tokens, codebook)
            return decide(learner, predict_proba(learner, material))

        codes, wall, cpu = timed(code)
        results["code"].append((wall, cpu))
        coded = int(codes.to_numpy().sum())
    words = sum(len(text.split()) for text in answers)
    print(f"{args.answers:,} answers ({words:,} words), {coded:,} theme codes; medians of {args.runs} runs")
    for step, values in results.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"  {step:9s} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
