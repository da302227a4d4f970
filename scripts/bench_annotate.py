#!/usr/bin/env python3
"""Annotation speed: words per second over the first 1M words of NoReC, cold and cached.

    python scripts/bench_annotate.py [--words 1000000] [--pipeline fast] [--runs 3]

Reads reviews from ../shared/data/norec_texts.csv.gz until --words whitespace words, builds a
corpus (one document per review) and times ``textanalyse.nlp.annotate`` with an empty cache
(cold) and again with the cache it filled (cached). Reading the file is not timed.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textanalyse.corpus import Corpus  # noqa: E402
from textanalyse.nlp import annotate  # noqa: E402


def first_words(path: Path, limit: int) -> pd.DataFrame:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False, usecols=["id", "text"], nrows=20_000)
    words = table["text"].str.split().str.len().cumsum()
    return table[words.shift(fill_value=0) < limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "norec_texts.csv.gz"))
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--pipeline", default="fast")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    table = first_words(Path(args.data), args.words)
    n_words = int(table["text"].str.split().str.len().sum())
    corpus = Corpus.from_documents(pd.DataFrame({"doc_id": table["id"], "respondent": table["id"], "question": "text",
                                                 "source": "norec", "text": table["text"]}))
    cold, cached = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache_dir:
            started = time.perf_counter()
            tokens = annotate(corpus, pipeline=args.pipeline, cache_dir=cache_dir)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            annotate(corpus, pipeline=args.pipeline, cache_dir=cache_dir)
            cached.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pipeline={tokens.attrs['pipeline']} documents={len(table)} words={n_words} tokens={len(tokens)}")
    for name, times in (("cold", cold), ("cached", cached)):
        median = statistics.median(times)
        print(f"{name:<7} median {median:6.2f} s  {n_words / median:>12,.0f} words/s  (runs: "
              + ", ".join(f"{t:.2f}" for t in times) + ")")
    print(f"peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
