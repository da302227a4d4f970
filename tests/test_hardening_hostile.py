"""A cheap sample of scripts/hostile_inputs.py (issue 18, second pass): no traceback, no data loss,
no answer text in a message, the expected outcome. The script runs all cases."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "hostile_inputs.py"
_spec = importlib.util.spec_from_file_location("hostile_inputs", SCRIPT)
hostile = importlib.util.module_from_spec(_spec)
sys.modules["hostile_inputs"] = hostile  # dataclasses look their module up while the script loads
_spec.loader.exec_module(hostile)

# Quick cases from every group (no full run of the whole analysis).
SAMPLE = [
    "csv: CR-only line endings", "csv: cp1252 and UTF-8 halves", "csv: answer text as the only header",
    "csv: gzip compressed", "xlsx: CSV text named .xlsx", "xlsx: duplicate header names", "sav: truncated",
    "txt: two unknown labels, no meta", "docx: three-column table (time, label, text)", "folder: a FIFO named .txt",
    "meta: a FIFO", "out: the input through a linked folder", "out: a link to a researcher's file",
    "out: hard link to the stop list", "anonymize: --out an existing folder of the researcher",
    "run: --out the researcher's folder with our manifest copied in", "run: config is a FIFO",
    "opt: --stoplist a FIFO", "opt: --group-by a free-text column in quotes", "opt: --codebook with a YAML bomb",
    "opt: --seed -1", "run: --out a link to an earlier result",
]


def test_at_least_100_cases_and_the_sample_exists():
    names = [item.name for item in hostile.CASES]
    assert len(names) >= 100 and len(set(names)) == len(names)
    assert set(SAMPLE) <= set(names)


@pytest.mark.parametrize("name", SAMPLE)
def test_hostile_input(name, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    item = next(item for item in hostile.CASES if item.name == name)
    assert hostile.run_case(item, tmp_path) == []
