"""Benchmark keyness on Storting speeches: wall time and peak memory, median of several runs.

Usage:
    python scripts/bench_compare.py --words 1000000 --runs 5
    python scripts/bench_compare.py --words 5000000 --groups party     # one group vs the rest

Speeches (``../shared/data/storting_speeches.csv.gz`` beside the repository, or ``--data``)
are taken in a fixed shuffled order (seed 0) until ``--words`` words (the ``n_words`` column) are
collected. ``--groups age`` compares speakers born before 1950 with those born 1970 or
later; ``--groups party`` runs one-vs-rest over parties. The corpus is annotated once
(pipeline ``fast``) and filtered once (lemma, default lists); only :func:`keyness` is timed.

Each run is a forked child process, so its peak memory is measured alone:
``ru_maxrss`` (resource.getrusage) at the end of the run minus the resident size when the
run started, that is the memory keyness needed on top of its inputs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textanalyse.compare import keyness  # noqa: E402
from textanalyse.corpus import Corpus  # noqa: E402
from textanalyse.filters import apply_filters  # noqa: E402
from textanalyse.nlp import annotate  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import rss_kib  # noqa: E402


def load(data: Path, words: int, groups: str) -> Corpus:
    columns = ["speech_id", "birth_year", "party", "n_words", "text"]
    speeches = pd.read_csv(data / "storting_speeches.csv.gz", dtype=str, usecols=columns)
    # a fixed shuffle, so that any number of words spans many speakers and years
    speeches = speeches.sort_values("speech_id", kind="mergesort").sample(frac=1.0, random_state=0)
    if groups == "age":
        born = pd.to_numeric(speeches["birth_year"], errors="coerce")
        label = pd.Series("", index=speeches.index)
        label[born < 1950] = "eldre"
        label[born >= 1970] = "yngre"
    else:
        label = speeches["party"].fillna("")
    speeches = speeches.assign(gruppe=label)[label != ""]
    n_words = pd.to_numeric(speeches["n_words"], errors="coerce").fillna(0).cumsum()
    speeches = speeches[n_words.shift(fill_value=0) < words]
    documents = pd.DataFrame({
        "doc_id": speeches["speech_id"], "respondent": speeches["speech_id"], "question": "tale",
        "source": "storting", "text": speeches["text"].fillna(""), "gruppe": speeches["gruppe"],
    })
    return Corpus.from_documents(documents, metadata_columns=("gruppe",), kind="transcripts")


def run_once(tokens, kept, documents, target) -> tuple[float, float, int]:
    """Fork, time keyness in the child, return (seconds, extra peak MiB, rows)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        try:
            start_rss = rss_kib()
            started = time.perf_counter()
            table = keyness(tokens, kept, documents, group_column="gruppe", target=target)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
            os.write(write_fd, f"{seconds} {(peak - start_rss) / 1024} {len(table)}".encode())
        except BaseException as error:  # report and leave the child without running parent code
            os.write(write_fd, f"error {type(error).__name__}: {error}".encode()[:1000])
        finally:
            os._exit(0)
    os.close(write_fd)
    message = os.read(read_fd, 1024).decode()
    os.close(read_fd)
    os.waitpid(pid, 0)
    if message.startswith("error "):
        raise SystemExit(message[6:])
    seconds, extra, rows = message.split()
    return float(seconds), float(extra), int(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="words of speeches (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--groups", choices=["age", "party"], default="age")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with storting_speeches.csv.gz")
    args = parser.parse_args(argv)
    if not (args.data / "storting_speeches.csv.gz").exists():
        print(f"{args.data}: storting_speeches.csv.gz not found; pass --data", file=sys.stderr)
        return 2

    started = time.perf_counter()
    corpus = load(args.data, args.words, args.groups)
    tokens = annotate(corpus, pipeline="fast")
    kept = apply_filters(tokens, unit="lemma").kept
    prepared = time.perf_counter() - started
    n_word_tokens = int(tokens["is_word"].sum())
    print(f"documents {len(corpus.documents):,}  word tokens {n_word_tokens:,}  kept {len(kept):,}  "
          f"groups {corpus.documents['gruppe'].nunique()}  (prepared in {prepared:.1f} s)")

    target = "eldre" if args.groups == "age" else None
    results = [run_once(tokens, kept, corpus.documents, target) for _ in range(args.runs)]
    seconds = [r[0] for r in results]
    extra = [r[1] for r in results]
    print(f"keyness ({args.groups}): {results[0][2]:,} rows")
    print(f"  time      median {statistics.median(seconds):.3f} s   (runs: {', '.join(f'{s:.3f}' for s in seconds)})")
    print(f"  peak mem  median {statistics.median(extra):.1f} MiB above inputs   "
          f"(process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)")
    print(f"  speed     {n_word_tokens / statistics.median(seconds) / 1e6:.1f} M word tokens / s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
