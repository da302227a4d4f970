"""Benchmark NMF topics on Storting speeches: wall time, peak memory, k chosen, stability.

Usage:
    python scripts/bench_topics.py                    # 5,000 speeches, k chosen automatically
    python scripts/bench_topics.py --speeches 2000 --k 6 --seed 1

Speeches (``../shared/data/storting_speeches.csv.gz`` beside the repository, or ``--data``)
are taken in a fixed shuffled order (seed 0). They are annotated once (pipeline ``fast``)
and filtered once (lemma, default stop lists); only :func:`find_topics` is timed. Memory is
``ru_maxrss`` (resource.getrusage) of the process at the end, and the growth of the peak over
the resident size just before :func:`find_topics` started.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textanalyse.corpus import Corpus  # noqa: E402
from textanalyse.filters import apply_filters  # noqa: E402
from textanalyse.nlp import annotate  # noqa: E402
from textanalyse.topics import find_topics, map_topics_to_themes  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import rss_kib  # noqa: E402


def load_speeches(data: Path, n: int) -> Corpus:
    columns = ["speech_id", "party", "text"]
    speeches = pd.read_csv(data / "storting_speeches.csv.gz", dtype=str, usecols=columns)
    speeches = speeches.sort_values("speech_id", kind="mergesort").sample(frac=1.0, random_state=0).head(n)
    documents = pd.DataFrame({
        "doc_id": speeches["speech_id"].to_numpy(),
        "respondent": speeches["speech_id"].to_numpy(),
        "question": "tale",
        "source": "storting_speeches.csv.gz",
        "text": speeches["text"].fillna("").to_numpy(),
        "parti": speeches["party"].fillna("").to_numpy(),
    })
    return Corpus.from_documents(documents, metadata_columns=("parti",), sources=("storting_speeches.csv.gz",))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--speeches", type=int, default=5000)
    parser.add_argument("--k", default="auto")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "storting_speeches.csv.gz").is_file():
        print(f"no data: {args.data / 'storting_speeches.csv.gz'}", file=sys.stderr)
        return 1
    k = args.k if args.k == "auto" else int(args.k)

    start = time.perf_counter()
    corpus = load_speeches(args.data, args.speeches)
    tokens = annotate(corpus, pipeline="fast")
    kept = apply_filters(tokens, unit="lemma").kept
    prepare = time.perf_counter() - start
    print(f"speeches: {len(corpus.documents):,}  tokens: {len(tokens):,}  kept: {len(kept):,}  "
          f"(read + annotate + filter {prepare:.1f} s, not timed below)")

    rss_before = rss_kib()
    start = time.perf_counter()
    result = find_topics(corpus, kept, k=k, seed=args.seed)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    print(f"find_topics: {elapsed:.1f} s")
    print(f"peak memory: {peak / 1024:.0f} MiB (ru_maxrss), "
          f"+{max(0, peak - rss_before) / 1024:.0f} MiB over the resident size before find_topics")
    print(f"units: {result.params['units']:,}  vocabulary: {result.params['vocabulary']:,}  "
          f"left out: {len(result.left_out)} {result.left_out['reason'].value_counts().to_dict()}")
    print(f"k chosen: {result.k}  run stability (mean ARI over {result.params['n_reruns']} refits): "
          f"{result.stability:.3f}")
    print("k scores (mean ARI on the selection sample):")
    print(result.k_scores.to_string(index=False))
    print("topics:")
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(result.topics[["topic", "label", "size", "stability", "top_words"]].to_string(index=False))
        mapping = map_topics_to_themes(result)
        if len(mapping):
            print("codebook themes sharing top words:")
            print(mapping.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
