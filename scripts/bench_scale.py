#!/usr/bin/env python3
"""Scale benchmark: ``textanalyse freq`` and ``textanalyse compare`` as whole processes, 1M to 17.5M words.

    python scripts/bench_scale.py                       # NoReC 1M, 4M, all (17.5M) + all speeches
    python scripts/bench_scale.py --sizes 1 4 --runs 5 --no-storting

Each command is the real CLI (``python -m textanalyse ...``) with ``--pipeline fast`` and a fresh,
empty ``--cache-dir`` (cold: read, annotate, filter, count/test, write the CSV). Inputs are prepared
once as CSV files in a temporary folder (deleted at the end; nothing is written to the repository):

- NoReC (``../shared/data/norec_texts.csv.gz``): the first reviews, in file order, until N
  whitespace words are reached (the review that crosses N is included, as in ``norec_1m.csv``);
  ``all`` is every review (about 17.5M words). All columns are kept (they become metadata).
  The outlet column ``source`` is renamed ``avis`` (a metadata column named ``source`` clashes
  with the corpus's own ``source`` column, the file name). ``compare`` uses ``--group-col avis
  --target vg``: VG reviews against all other outlets (``vg`` is present at every size, 18-40 %
  of the reviews; two groups, one comparison).
- Storting (``../shared/data/storting_speeches.csv.gz``): all 30,307 speeches (14M words) with a
  derived column ``kohort``: ``eldre`` (born before 1950), ``yngre`` (born 1970 or later), empty
  otherwise (annotated and counted by ``freq``, left out of the comparison). ``compare`` uses
  ``--group-col kohort`` (two values: ``eldre`` is the target). NUL characters, which the reader
  refuses, are removed (one speech has one).

Per process: wall time, ``ru_maxrss`` from ``os.wait4`` (the larger of the main process and its
largest reaped worker) and the sampled peak of the summed PSS of the whole process tree (main +
forked annotation workers; see ``_measure.py``). Sizes below 10M words run ``--runs`` times
(median, commands alternating); larger inputs run ``--runs-large`` times (default 1). At the
largest NoReC size and for the speeches the cached rerun (the annotation cache filled by the cold
``freq``) is measured too. Growth: seconds per million words at each size and the exponent b in
t ∝ words^b between consecutive sizes, for wall and CPU time (b ≤ 1: no worse than linear).
Target: peak < 6 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
from math import log
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import Measurement, count_words, machine, measure, repository, textanalyse_command  # noqa: E402

DATA = repository().parent / "shared" / "data"
MEMORY_TARGET_MIB = 6 * 1024
LARGE = 10_000_000


def prepare_norec(data: Path, sizes: list[str], folder: Path) -> list[tuple[str, Path, int]]:
    table = pd.read_csv(data / "norec_texts.csv.gz", dtype=str, keep_default_na=False)
    # NoReC's outlet column is called ``source``, which clashes with the corpus's own ``source``
    # (the file name) in ``Corpus.documents``: keep it under the name ``avis``.
    table = table.rename(columns={"source": "avis"}).replace("\x00", "", regex=True)
    words = table["text"].map(lambda text: len(text.split()))
    before = words.cumsum().shift(fill_value=0)
    prepared = []
    for size in sizes:
        subset = table if size == "all" else table[before < float(size) * 1_000_000]
        path = folder / f"norec_{size}m.csv"
        subset.to_csv(path, index=False)
        prepared.append((f"NoReC {size}M" if size != "all" else "NoReC all", path, int(words[subset.index].sum())))
    return prepared


def prepare_storting(data: Path, folder: Path) -> tuple[str, Path, int]:
    table = pd.read_csv(data / "storting_speeches.csv.gz", dtype=str, keep_default_na=False)
    table = table.replace("\x00", "", regex=True)  # one speech has a NUL character, which the reader refuses
    born = pd.to_numeric(table["birth_year"], errors="coerce")
    kohort = pd.Series("", index=table.index)
    kohort[born < 1950] = "eldre"
    kohort[born >= 1970] = "yngre"
    table["kohort"] = kohort
    path = folder / "storting_kohort.csv"
    table.to_csv(path, index=False)
    return "Storting all", path, count_words(table["text"])


def commands(path: Path, dataset: str, out: Path) -> dict[str, list[str]]:
    base = textanalyse_command()
    if dataset.startswith("Storting"):
        inputs = [str(path), "--text-col", "text", "--id-col", "speech_id", "--pipeline", "fast"]
        group = ["--group-col", "kohort"]
    else:
        inputs = [str(path), "--text-col", "text", "--id-col", "id", "--pipeline", "fast"]
        group = ["--group-col", "avis", "--target", "vg"]
    return {
        "freq": base + ["freq", *inputs, "--out", str(out / "freq.csv")],
        "compare": base + ["compare", *inputs, *group, "--out", str(out / "compare.csv")],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--sizes", nargs="*", default=["1", "4", "all"], help="NoReC sizes in millions of words, or all")
    parser.add_argument("--runs", type=int, default=3, help="runs per command below 10M words (median)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per command from 10M words")
    parser.add_argument("--no-storting", action="store_true", help="skip the parliament speeches")
    parser.add_argument("--no-cached", action="store_true", help="skip the cached reruns")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        datasets = prepare_norec(args.data, args.sizes, work)
        if not args.no_storting:
            datasets.append(prepare_storting(args.data, work))
        print(f"{dt.date.today()}  machine: {machine()}  python: {sys.version.split()[0]}  "
              f"load average: {os.getloadavg()[0]:.1f}")
        for name, path, words in datasets:
            print(f"  {name:<14} {words:>12,} words  {path.stat().st_size / 2**20:8.1f} MiB CSV")
        results: dict[tuple[str, str, str], list[Measurement]] = {}
        counter = 0
        for name, path, words in datasets:
            runs = args.runs if words < LARGE else args.runs_large
            todo = commands(path, name, work)
            warm = None
            for round_number in range(runs):
                for command_name, command in todo.items():  # alternate freq and compare
                    counter += 1
                    cache = work / f"cache{counter}"
                    result = measure(command + ["--cache-dir", str(cache)])
                    results.setdefault((name, command_name, "cold"), []).append(result)
                    print(f"  {name:<14} {command_name:<8} cold   {result.seconds:8.2f} s  cpu {result.cpu_seconds:7.1f} s  "
                          f"maxrss {result.maxrss_mib:7.0f} MiB  tree PSS {result.tree_mib:7.0f} MiB", flush=True)
                    if command_name == "freq" and warm is None:
                        warm = cache
                    else:
                        shutil.rmtree(cache, ignore_errors=True)
            is_largest_norec = bool(args.sizes) and name == datasets[len(args.sizes) - 1][0]
            if not args.no_cached and warm is not None and (is_largest_norec or name.startswith("Storting")):
                for command_name, command in todo.items():
                    result = measure(command + ["--cache-dir", str(warm)])
                    results.setdefault((name, command_name, "cached"), []).append(result)
                    print(f"  {name:<14} {command_name:<8} cached {result.seconds:8.2f} s  cpu {result.cpu_seconds:7.1f} s  "
                          f"maxrss {result.maxrss_mib:7.0f} MiB  tree PSS {result.tree_mib:7.0f} MiB", flush=True)
            if warm is not None:
                shutil.rmtree(warm, ignore_errors=True)

        words_of = {name: words for name, _, words in datasets}
        print()
        print(f"| data | words | command | cache | runs | median s | min–max s | CPU s | s per M words | words/s "
              f"| ru_maxrss MiB | tree PSS MiB |")
        print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        worst_memory = 0.0
        medians: dict[tuple[str, str, str], float] = {}
        for (name, command_name, mode), runs in results.items():
            seconds = statistics.median(r.seconds for r in runs)
            medians[(name, command_name, mode)] = seconds
            maxrss = max(r.maxrss_mib for r in runs)
            tree = max(r.tree_mib for r in runs)
            worst_memory = max(worst_memory, maxrss, tree)
            words = words_of[name]
            spread = f"{min(r.seconds for r in runs):.1f}–{max(r.seconds for r in runs):.1f}" if len(runs) > 1 else "–"
            cpu = statistics.median(r.cpu_seconds for r in runs)
            print(f"| {name} | {words / 1e6:.2f}M | {command_name} | {mode} | {len(runs)} | {seconds:.1f} | {spread} | {cpu:.1f} "
                  f"| {seconds / (words / 1e6):.2f} | {words / seconds:,.0f} | {maxrss:,.0f} | {tree:,.0f} |")
        print()
        norec = [(name, words) for name, _, words in datasets if name.startswith("NoReC")]
        cpu_medians = {key: statistics.median(r.cpu_seconds for r in runs) for key, runs in results.items()}
        for command_name in ("freq", "compare"):
            for label, table in (("wall", medians), ("CPU", cpu_medians)):
                steps = []
                for (small, n_small), (large, n_large) in zip(norec, norec[1:]):
                    t_small, t_large = table[(small, command_name, "cold")], table[(large, command_name, "cold")]
                    steps.append(f"{small}→{large}: b = {log(t_large / t_small) / log(n_large / n_small):.2f}")
                per_million = ", ".join(f"{name}: {table[(name, command_name, 'cold')] / (words / 1e6):.2f}"
                                        for name, words in norec)
                print(f"{command_name} cold, {label} s per M words: {per_million};  growth {'; '.join(steps) or '-'}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows wall times)")
        print(f"peak memory (largest of ru_maxrss and tree PSS): {worst_memory:,.0f} MiB "
              f"({'within' if worst_memory < MEMORY_TARGET_MIB else 'OVER'} the 6 GiB target)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
