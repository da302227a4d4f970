#!/usr/bin/env python3
"""Benchmark ``textanalyse freq`` against the naive reference, as a user feels it (whole processes).

    python scripts/bench_freq.py [--data ../shared/data/norec_1m.csv] [--runs 5]

Alternates three commands per round and reports medians of wall time and peak memory (RSS):
the naive reference (``../shared/bench/naive_freq.py``), ``textanalyse freq`` cold (an empty
annotation cache) and ``textanalyse freq`` cached (the cache filled by an earlier run).
Targets (issue 12): cold ≤ 2.0 × naive, cached ≤ 0.5 × naive (issue 3 asked 2.5 × and 1.0 ×).
The machine is often shared: the load average at the start and end is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


# As an installed package runs: with its bytecode compiled (pip compiles it at install). A
# developer's shell may set PYTHONDONTWRITEBYTECODE, which would make every run compile our
# modules again (about 0.1 s); the first, cache-filling run writes the bytecode.
ENVIRONMENT = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENVIRONMENT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(SHARED / "data" / "norec_1m.csv"))
    parser.add_argument("--column", default="text")
    parser.add_argument("--naive", default=str(SHARED / "bench" / "naive_freq.py"), help="the naive reference script")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--extra", nargs="*", default=[], help="extra arguments for textanalyse freq")
    args = parser.parse_args()
    load_before = _load()
    textanalyse = [sys.executable, "-m", "textanalyse"]
    work = Path(tempfile.mkdtemp(prefix="bench_freq_"))
    warm_cache = work / "warm"
    freq = textanalyse + ["freq", args.data, "--text-col", args.column, "--unit", "lemma", "--out",
                          str(work / "ord.csv"), *args.extra]
    naive = [sys.executable, args.naive, args.data, "--column", args.column]
    subprocess.run(freq + ["--cache-dir", str(warm_cache)], check=True, capture_output=True, env=ENVIRONMENT)  # fill the cache
    results = {"naive": [], "cold": [], "cached": []}
    for round_number in range(args.runs):
        cold_cache = work / f"cold{round_number}"
        results["naive"].append(timed(naive))
        results["cold"].append(timed(freq + ["--cache-dir", str(cold_cache)]))
        results["cached"].append(timed(freq + ["--cache-dir", str(warm_cache)]))
        shutil.rmtree(cold_cache, ignore_errors=True)
    medians = {name: (statistics.median(t for t, _ in runs), statistics.median(m for _, m in runs))
               for name, runs in results.items()}
    print(f"data: {args.data}  runs: {args.runs}  cores: {os.cpu_count()}")
    print(f"{'command':<10}{'median s':>10}{'peak MiB':>10}{'× naive':>10}")
    for name, (seconds, memory) in medians.items():
        print(f"{name:<10}{seconds:>10.2f}{memory:>10.0f}{seconds / medians['naive'][0]:>10.2f}")
    cold_ratio = medians["cold"][0] / medians["naive"][0]
    cached_ratio = medians["cached"][0] / medians["naive"][0]
    print(f"cold/naive = {cold_ratio:.2f} (target ≤ 2.0)   cached/naive = {cached_ratio:.2f} (target ≤ 0.5)")
    print(f"load average (1, 5, 15 min): before {load_before}, after {_load()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
