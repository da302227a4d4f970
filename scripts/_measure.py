"""Helpers for the whole-process benchmarks (``bench_scale.py``, ``bench_run.py``); not part of the package.

:func:`measure` starts one command and returns its wall time and two memory figures:

- ``maxrss_mib``: ``ru_maxrss`` of the child from ``os.wait4``. On Linux this is the larger of
  the child's own peak and the peak of the largest descendant it reaped (the forked annotation
  workers), not their sum.
- ``tree_mib``: the largest sum of PSS (proportional set size: shared copy-on-write pages are
  split between the processes sharing them) over the child and all its descendants, sampled
  every ``interval`` seconds from ``/proc``. This is what the machine actually had to hold while
  the workers ran; a short spike between two samples can be missed.
- ``cpu_seconds``: user + system CPU time of the child and the descendants it reaped. Less
  sensitive than wall time to other work on a shared machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measurement:
    seconds: float
    cpu_seconds: float
    maxrss_mib: float
    tree_mib: float


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kib(pid: int) -> int:
    """Sum of PSS over ``pid`` and all its descendants (KiB)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _pss_kib(current)
        stack += _children(current)
    return total


def measure(command: list[str], *, env: dict | None = None, interval: float = 0.1) -> Measurement:
    """Run ``command`` to the end; exit on failure with the end of its stderr."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_pss_kib(process.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr.read().decode()[-2000:]}")
    return Measurement(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0] / 1024)


def textanalyse_command() -> list[str]:
    return [sys.executable, "-m", "textanalyse"]


def count_words(texts) -> int:
    """Whitespace words, as the naive reference and the data README count them."""
    return sum(len(str(text).split()) for text in texts)


def machine() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "")
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu or 'unknown CPU'}), {memory:.0f} GiB"


def repository() -> Path:
    return Path(__file__).resolve().parents[1]


def rss_kib() -> int:
    """Resident memory of this process now, in KiB (from /proc/self/statm)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
