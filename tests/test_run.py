"""The config-driven run: every output, reproducibility, atomic folders, and a real browser."""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from textanalyse.cli import main
from textanalyse.errors import UserError
from textanalyse.run import run_analysis

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "eksempel" / "analyse.toml"
FAST = ["annotation.pipeline=fast"]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    cache = base / "cache"
    first = run_analysis(EXAMPLE, out_dir=base / "a", overrides=FAST, cache_dir=cache)
    second = run_analysis(EXAMPLE, out_dir=base / "b", overrides=FAST, cache_dir=None)
    return Path(first.out_dir), Path(second.out_dir), first


def test_every_output_exists(two_runs):
    out, _, result = two_runs
    for name in ("rapport.html", "tabeller.xlsx", "manifest.json"):
        assert (out / name).is_file(), name
    figures = sorted(p.name for p in (out / "figurer").iterdir())
    assert any(name.endswith("_ordsky.png") for name in figures)
    assert any(name.endswith(".svg") for name in figures)
    assert "tabeller/brukerundersokelse_ordfrekvenser.csv" in result.files
    assert not list(out.parent.glob(".*.tmp"))


def test_workbook_sheets_have_norwegian_frozen_headers(two_runs):
    workbook = openpyxl.load_workbook(two_runs[0] / "tabeller.xlsx")
    overview = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in overview[1]] == ["Spørsmål", "Dokumenter", "Respondenter", "Ikke-svar",
                                                    "Tomme svar", "Ord talt"]
    assert overview.freeze_panes == "A2"
    words = next(workbook[name] for name in workbook.sheetnames if "Ord fungerer_bra" in name)
    assert [cell.value for cell in words[1]][:4] == ["Spørsmål", "Ord", "Lengde", "Antall"]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_manifest_records_versions_config_and_hashes(two_runs):
    out = two_runs[0]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    survey = EXAMPLE.parent / "brukerundersokelse.csv"
    assert manifest["input_files_sha256"][str(survey.resolve())] == hashlib.sha256(survey.read_bytes()).hexdigest()
    assert len([path for path in manifest["input_files_sha256"] if "intervjuer" in path]) == 15  # 14 + meta
    assert set(manifest["word_lists"]) == {"generelle", "flertydige", "lite_informative", "fyllord_transkripsjon"}
    for entry in manifest["word_lists"].values():
        assert entry["sha256"] == hashlib.sha256(Path(entry["path"]).read_bytes()).hexdigest()
    assert manifest["codebook"]["sha256"]
    assert manifest["pipelines"]["Brukerundersøkelse"]["pipeline"] == "fast"
    assert manifest["config"]["filters"]["min_length"] == 4
    assert manifest["dependencies"]["spacy"] and manifest["version"]


def test_two_runs_give_identical_tables_figures_and_report(two_runs):
    a, b, _ = two_runs
    for folder in ("tabeller", "figurer"):
        names = sorted(p.name for p in (a / folder).iterdir())
        assert names == sorted(p.name for p in (b / folder).iterdir())
        for name in names:
            assert (a / folder / name).read_bytes() == (b / folder / name).read_bytes(), name
    assert (a / "tabeller.xlsx").read_bytes() == (b / "tabeller.xlsx").read_bytes()
    html_a = (a / "rapport.html").read_text(encoding="utf-8").splitlines()
    html_b = (b / "rapport.html").read_text(encoding="utf-8").splitlines()
    differing = [x for x, y in zip(html_a, html_b) if x != y]
    assert len(html_a) == len(html_b) and len(differing) <= 1  # the run timestamp


def test_existing_output_is_refused_and_kept(tmp_path):
    out = tmp_path / "resultat"
    out.mkdir()
    (out / "gammel.txt").write_text("fra forrige kjøring", encoding="utf-8")
    with pytest.raises(UserError, match="already exists and is not an earlier results folder"):
        run_analysis(EXAMPLE, out_dir=out, overrides=FAST)
    assert (out / "gammel.txt").read_text(encoding="utf-8") == "fra forrige kjøring"


def test_cli_run_from_another_directory_resolves_paths_from_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", str(EXAMPLE), "--out", "ut", "--set", "annotation.pipeline=fast",
                                       "--set", "topics.enabled=false"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ut" / "rapport.html").is_file()
    result = CliRunner().invoke(main, ["run", str(EXAMPLE), "--out", "ut", "--set", "annotation.pipeline=fast"])
    assert result.exit_code == 2 and "already exists" in result.output


def test_methods_paragraph_is_written_from_the_run(two_runs):
    html = (two_runs[0] / "rapport.html").read_text(encoding="utf-8")
    assert "Benjamini" in html and "Wilson" in html and "minst 4 tegn" in html


def chromium_or_skip() -> str:
    """The system Chromium; the suite installs nothing (``.ci/run`` installs Debian's chromium)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does this)")
    return path


def test_report_renders_in_headless_chromium_without_console_errors(two_runs, tmp_path):
    chromium = chromium_or_skip()
    report = two_runs[0] / "rapport.html"
    shot = tmp_path / "rapport.png"
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
               "--enable-logging=stderr", "--v=0", "--window-size=1280,2400", f"--screenshot={shot}",
               report.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert shot.is_file()
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2400)
    colours = image.resize((160, 300)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 200  # tables and figures, not a blank page
    dom = subprocess.run(command[:-3] + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.stdout.count("<table") >= 10 and dom.stdout.count("data:image/png;base64") >= 6
