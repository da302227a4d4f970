"""Ctrl-C during a run: previous results stay byte-identical, no temporary folders are left,
and the CLI says so in one line with exit code 130."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from textanalyse.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "eksempel"
# The survey part of the example only (the interviews add time, not coverage); topics off for speed.
CONFIG = f"""title = "Avbrudd"
[annotation]
pipeline = "fast"
[topics]
enabled = false
[[material]]
name = "Brukerundersøkelse"
survey = "{(EXAMPLE / 'brukerundersokelse.csv').as_posix()}"
text_columns = ["fungerer_bra", "fungerer_darlig"]
id_column = "respondent_id"
group_by = ["aldersgruppe"]
"""
INTERRUPTED = "interrupted: nothing was written; earlier results are unchanged"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


# A run of the test material takes 5-15 s; its imports take well under a second. Several moments,
# because where a Ctrl-C lands matters: inside a library's lazy import (scipy runs code from
# strings there), CPython once ended the process by SIGINT (-2) instead of exit code 130, and a
# half-finished import came out as an ImportError ("internal error").
SIGNAL_AFTER_SECONDS = (0.3, 1.0, 2.0, 2.2, 2.4, 3.0)


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One finished run into OUT; every test below tries (and fails) to replace it."""
    base = tmp_path_factory.mktemp("avbrudd")
    (base / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(base / "cache"))
        result = CliRunner().invoke(main, ["run", str(base / "analyse.toml"), "--out", str(base / "ut" / "OUT")])
    assert result.exit_code == 0, result.output
    out = base / "ut" / "OUT"
    files = snapshot(out)
    assert "rapport.html" in files and "manifest.json" in files
    return base, out, files


def assert_untouched(out: Path, files: dict) -> None:
    assert snapshot(out) == files, "the earlier results changed"
    assert leftovers(out.parent) == [], "temporary folders were left behind"


@pytest.mark.parametrize("target", ["textanalyse.report.write_report", "textanalyse.run.analyse_material",
                                    "textanalyse.run.write_csv_tables"])
def test_keyboard_interrupt_in_process_keeps_earlier_results(first_run, monkeypatch, target):
    base, out, files = first_run
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))

    def interrupt(*args, **kwargs):
        for arg in args:  # when writing, leave a half-written file in the new folder first
            if isinstance(arg, Path) and arg.is_dir():
                (arg / "rapport.html").write_text("<html>halvferdig", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(target, interrupt)
    result = CliRunner().invoke(main, ["run", str(base / "analyse.toml"), "--out", str(out), "--overwrite"])
    assert result.exit_code == 130, result.output
    assert result.stderr.strip() == INTERRUPTED
    assert result.stdout == ""
    assert_untouched(out, files)


@pytest.mark.parametrize("seconds", SIGNAL_AFTER_SECONDS)
def test_sigint_during_a_run_keeps_earlier_results(first_run, seconds):
    """A real Ctrl-C (SIGINT) in a subprocess, sent in the middle of a run.

    The signal goes out a fixed time after start: from Python's own imports to well inside the
    analysis, seconds before the run ends. Waiting for the new folder to appear and signalling then was a race: a fast machine
    could finish writing in between. Interrupts inside the writing itself are covered
    in-process above (KeyboardInterrupt in the report, the CSV tables and the analysis).
    """
    if sys.platform == "win32":
        pytest.skip("SIGINT to a child process is POSIX-only")
    base, out, files = first_run
    env = dict(os.environ, XDG_CACHE_HOME=str(base / "cache"), TEXTANALYSE_DEBUG="0")
    command = [sys.executable, "-m", "textanalyse", "run", str(base / "analyse.toml"), "--out", str(out), "--overwrite"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        time.sleep(seconds)
        assert process.poll() is None, "the run finished before it could be interrupted"
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, (stdout, stderr)
    assert stderr.strip().splitlines() == [INTERRUPTED]
    assert "Traceback" not in stderr and stdout == ""
    assert_untouched(out, files)


def test_a_finished_overwrite_replaces_everything_and_leaves_nothing(first_run, tmp_path):
    """Control: without an interrupt --overwrite does replace OUT (so the tests above are meaningful)."""
    base, out, files = first_run
    copy = tmp_path / "OUT"
    shutil.copytree(out, copy)
    (copy / ".DS_Store").write_bytes(b"Finder")  # clutter a user's file browser adds; anything else is refused
    env = {"XDG_CACHE_HOME": str(base / "cache")}
    result = CliRunner(env=env).invoke(main, ["run", str(base / "analyse.toml"), "--out", str(copy), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (copy / ".DS_Store").exists() and (copy / "rapport.html").is_file()
    assert leftovers(tmp_path) == []
