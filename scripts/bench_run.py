#!/usr/bin/env python3
"""Benchmark the full ``textanalyse run`` (every analysis, report, workbook, figures) over 1M words.

    python scripts/bench_run.py [--runs 3] [--data ../shared/data/norec_1m.csv] [--pipeline fast]

Writes a temporary config (TOML) with one ``[[material]]``: the survey is a copy of the NoReC
1M-word CSV (``norec_1m.csv``, 2,022 reviews) with the outlet column ``source`` renamed ``avis``
(a metadata column named ``source`` clashes with the corpus's own ``source`` column);
``text_columns = ["text"]``, ``id_column = "id"``, ``group_by = ["avis"]``, one comparison
``avis``: ``vg`` against the rest, themes with the shipped codebook, topics (``k = "auto"``),
KWIC for the 10 most frequent words and quotes for a few words. Everything lives in a temporary
folder that is deleted at the end.

Cold runs: a fresh ``XDG_CACHE_HOME`` (so the annotation cache is empty) and a fresh ``--out``
folder per run; the median of ``--runs`` is reported. One cached rerun (same cache, new output
folder) shows how much of the time is annotation. Per process: wall time, CPU seconds (user +
system, including reaped workers), ``ru_maxrss`` (``os.wait4``) and the sampled peak PSS of the
whole process tree (see ``_measure.py``). The run's own per-material timing from
``manifest.json`` is printed too. Targets (issue 8): ≤ 60 s and < 2 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import count_words, machine, measure, repository, textanalyse_command  # noqa: E402

SECONDS_TARGET = 60.0
MEMORY_TARGET_MIB = 2 * 1024

CONFIG = """\
title = "Ytelsestest: NoReC 1M ord"

[output]
dir = "resultater"

[annotation]
pipeline = "{pipeline}"
language = "auto"

[frequency]
top = 30
kwic_top = 10
kwic_window = 6

[themes]
codebook = "default"

[topics]
enabled = true
k = "auto"
seed = 0

[compare]
min_count = 5
min_documents = 2

[quotes]
enabled = true
per_item = 3
words = ["film", "musikk", "skuespiller"]
min_words = 8
max_words = 60

[[material]]
name = "NoReC"
survey = "norec.csv"
text_columns = ["text"]
id_column = "id"
group_by = ["avis"]
compare = [{{ column = "avis", target = "vg", name = "VG mot resten" }}]
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=repository().parent / "shared" / "data" / "norec_1m.csv")
    parser.add_argument("--runs", type=int, default=3, help="cold runs (median)")
    parser.add_argument("--pipeline", default="fast", help="annotation pipeline in the config (default fast)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_run_"))
    try:
        table = pd.read_csv(args.data, dtype=str, keep_default_na=False).rename(columns={"source": "avis"})
        table.to_csv(work / "norec.csv", index=False)
        words = count_words(table["text"])
        config = work / "analyse.toml"
        config.write_text(CONFIG.format(pipeline=args.pipeline), encoding="utf-8")
        print(f"{dt.date.today()}  machine: {machine()}  load average: {os.getloadavg()[0]:.1f}")
        print(f"data: {args.data.name}: {len(table):,} reviews, {words:,} words; pipeline {args.pipeline}")
        command = textanalyse_command() + ["run", str(config)]
        cold, manifests = [], []
        for number in range(args.runs):
            env = dict(os.environ, XDG_CACHE_HOME=str(work / f"xdg{number}"))
            out = work / f"out{number}"
            result = measure(command + ["--out", str(out)], env=env)
            cold.append(result)
            manifests.append(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["timings_seconds"])
            print(f"  cold run {number + 1}: {result.seconds:6.1f} s  cpu {result.cpu_seconds:6.1f} s  "
                  f"maxrss {result.maxrss_mib:6.0f} MiB  tree PSS {result.tree_mib:6.0f} MiB  "
                  f"manifest {manifests[-1]}", flush=True)
            if number < args.runs - 1:
                shutil.rmtree(work / f"xdg{number}", ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
        env = dict(os.environ, XDG_CACHE_HOME=str(work / f"xdg{args.runs - 1}"))
        cached = measure(command + ["--out", str(work / "out_cached")], env=env)
        print(f"  cached  : {cached.seconds:6.1f} s  cpu {cached.cpu_seconds:6.1f} s  "
              f"maxrss {cached.maxrss_mib:6.0f} MiB  tree PSS {cached.tree_mib:6.0f} MiB")

        seconds = statistics.median(r.seconds for r in cold)
        memory = max(max(r.maxrss_mib, r.tree_mib) for r in cold)
        print()
        print("| run | runs | median wall s | min–max s | median CPU s | ru_maxrss MiB | tree PSS MiB | words/s |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| cold | {len(cold)} | {seconds:.1f} | {min(r.seconds for r in cold):.1f}–{max(r.seconds for r in cold):.1f} "
              f"| {statistics.median(r.cpu_seconds for r in cold):.1f} | {max(r.maxrss_mib for r in cold):,.0f} "
              f"| {max(r.tree_mib for r in cold):,.0f} | {words / seconds:,.0f} |")
        print(f"| cached | 1 | {cached.seconds:.1f} | – | {cached.cpu_seconds:.1f} | {cached.maxrss_mib:,.0f} "
              f"| {cached.tree_mib:,.0f} | {words / cached.seconds:,.0f} |")
        print(f"time: {seconds:.1f} s ({'within' if seconds <= SECONDS_TARGET else 'OVER'} the {SECONDS_TARGET:.0f} s target); "
              f"memory: {memory:,.0f} MiB ({'within' if memory < MEMORY_TARGET_MIB else 'OVER'} the 2 GiB target)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
