"""Data loss (issue 18, items 1, 2, 3, 11): --overwrite, colliding outputs, links, stale temporaries.

Each test runs the CLI as a researcher would and checks that nobody's file is deleted or changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_hardening import (CONFIG, FAST, SURVEY_ROWS, assert_clean_error, guarded, invoke, project,  # noqa: F401
                            work, write_survey)


@pytest.fixture
def survey(work) -> Path:
    return write_survey(work / "svar.csv", SURVEY_ROWS)


def run_ok(*args):
    result = invoke("run", *args)
    assert result.exit_code == 0, result.output
    return result


# ---------------------------------------------------------------- item 1: --overwrite
def test_overwrite_keeps_a_folder_whose_manifest_is_not_ours(project, work):
    """The issue's reproduction: manifest.json saying 'not json' beside a thesis."""
    folder = project / "ut"
    folder.mkdir()
    (folder / "manifest.json").write_text("not json", encoding="utf-8")
    (folder / "avhandling.docx").write_bytes(b"PK thesis")
    result = guarded(work, "run", project / "analyse.toml", "--out", folder, "--overwrite")
    assert_clean_error(result, "not an earlier results folder", "manifest.json was not written by")
    assert (folder / "avhandling.docx").read_bytes() == b"PK thesis"


def test_overwrite_keeps_an_earlier_result_with_a_foreign_file(project, work):
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    (out / "avhandling.docx").write_bytes(b"PK thesis")
    result = guarded(work, "run", project / "analyse.toml", "--out", out, "--overwrite")
    assert_clean_error(result, "it holds avhandling.docx, which the earlier run did not write")


def test_overwrite_keeps_an_earlier_result_edited_afterwards(project, work):
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    with open(out / "rapport.html", "a", encoding="utf-8") as handle:
        handle.write("<p>mine notater</p>")
    result = guarded(work, "run", project / "analyse.toml", "--out", out, "--overwrite")
    assert_clean_error(result, "rapport.html was changed after the earlier run")


def test_overwrite_replaces_a_proven_earlier_result(project, work):
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["results_folder"]["format"] == "textanalyse-results/1"
    listed = set(manifest["results_folder"]["files"])
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk and "rapport.html" in listed
    (out / ".DS_Store").write_bytes(b"finder")  # the operating system's clutter is no reason to refuse
    run_ok(project / "analyse.toml", "--out", out, "--overwrite")
    assert not (out / ".DS_Store").exists()


def test_overwrite_never_deletes_the_data_folder_holding_a_manifest(project, work):
    """Output folder = the data folder, which happens to hold a manifest.json of ours."""
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    data = project / "data"
    (data / "manifest.json").write_bytes((out / "manifest.json").read_bytes())
    result = guarded(work, "run", project / "analyse.toml", "--out", data, "--overwrite")
    assert_clean_error(result, "holds the input", "svar.csv", "choose another --out")
    assert "--overwrite" not in result.stderr.split(";")[-1]


def test_overwrite_never_deletes_a_results_folder_holding_the_survey(project, work):
    """The survey copied into an earlier results folder (and the manifest made to list it)."""
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    (out / "svar.csv").write_bytes((project / "data" / "svar.csv").read_bytes())
    config = (project / "analyse.toml").read_text(encoding="utf-8").replace("data/svar.csv", "ut/svar.csv")
    (project / "analyse2.toml").write_text(config, encoding="utf-8")
    result = guarded(work, "run", project / "analyse2.toml", "--out", out, "--overwrite")
    assert_clean_error(result, "holds the input", "svar.csv")


@pytest.mark.parametrize("setting, value", [("stoplists", "[\"ut/mine.txt\"]"), ("variants", "\"ut/varianter.csv\"")])
def test_overwrite_never_deletes_word_lists_or_variants_in_the_output(project, work, setting, value):
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    (out / "mine.txt").write_text("nummer\n", encoding="utf-8")
    (out / "varianter.csv").write_text("nr,nummer\n", encoding="utf-8")
    config = CONFIG.replace("stoplists = [\"lister/mine.txt\"]", f"{setting} = {value}")
    (project / "analyse.toml").write_text(config, encoding="utf-8")
    result = guarded(work, "run", project / "analyse.toml", "--out", out, "--overwrite")
    assert_clean_error(result, "holds the input")


def test_run_with_output_equal_to_the_input_folder_suggests_what_works(project, work):
    result = guarded(work, "run", project / "analyse.toml", "--out", project / "data")
    assert_clean_error(result, "holds the input", "choose another --out")
    assert "use --overwrite" not in result.stderr


def test_existing_earlier_result_without_overwrite_suggests_overwrite(project, work):
    out = project / "ut"
    run_ok(project / "analyse.toml", "--out", out)
    assert_clean_error(guarded(work, "run", project / "analyse.toml", "--out", out), "use --overwrite")


# ---------------------------------------------------------------- item 2: one path, two outputs
@pytest.mark.parametrize("args", [
    ("freq", "--out", "o.csv", "--filter-report", "o.csv"),
    ("freq", "--out", "o.csv", "--filter-report", "./o.csv"),
    ("themes", "--out", "o.csv", "--coded-out", "o.csv"),
    ("topics", "--out", "o.csv", "--assignments-out", "o.csv"),
    ("quotes", "--word", "bolig", "--out", "o.csv", "--text-out", "o.csv"),
])
def test_one_path_for_two_outputs_is_refused_before_work(survey, work, args):
    command, *rest = args
    result = guarded(work, command, "svar.csv", "--text-col", "svar", *FAST, *rest)
    assert_clean_error(result, "o.csv", "given to both", "its own file name")


def test_anonymize_out_and_report_on_one_path(survey, work):
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--out", "m.csv", "--report", "m.csv",
                     "--pipeline", "rules")
    assert_clean_error(result, "m.csv", "given to both --out and --report")


# ---------------------------------------------------------------- item 3: anonymize outputs, links
@pytest.fixture
def transcripts(work) -> Path:
    folder = work / "intervjuer"
    folder.mkdir()
    (folder / "ung_01.txt").write_text("I: Hvordan går det?\nIP: Bra, jeg bor i Bergen.\n", encoding="utf-8")
    return folder


def test_anonymize_transcripts_into_a_file_name_is_refused(transcripts, work):
    result = guarded(work, "anonymize", "intervjuer", "--out", "m.csv", "--pipeline", "rules")
    assert_clean_error(result, "m.csv", "transcripts are written to a folder")
    assert not (work / "m.csv").exists()


def test_anonymize_table_into_a_folder_name_is_refused_before_work(survey, work):
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--out", "maskert", "--pipeline", "rules")
    assert_clean_error(result, "maskert", "must end in .csv or .xlsx")


def test_out_as_a_dangling_symlink_is_refused(survey, work):
    os.symlink(work / "borte" / "m.csv", work / "m.csv")
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--out", "m.csv", "--pipeline", "rules")
    assert_clean_error(result, "m.csv", "symbolic link")
    assert (work / "m.csv").is_symlink() and not (work / "borte").exists()


def test_out_as_a_symlink_to_the_input_is_refused(survey, work):
    os.symlink(work / "svar.csv", work / "m.csv")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "m.csv")
    assert_clean_error(result, "m.csv", "must differ from the input")


def test_out_as_a_hard_link_to_the_input_is_refused(survey, work):
    os.link(work / "svar.csv", work / "m.csv")
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--out", "m.csv", "--pipeline", "rules")
    assert_clean_error(result, "m.csv", "same file as the input svar.csv", "hard link")


def test_text_out_inside_the_transcript_folder_is_refused(transcripts, work):
    result = guarded(work, "quotes", "intervjuer", "--word", "bor", *FAST, "--text-out", "intervjuer/sitater.txt")
    assert_clean_error(result, "sitater.txt", "inside the transcript folder")


# ---------------------------------------------------------------- item 11: stale temporaries
KILLED_RUN = """
import os, signal, sys
from textanalyse.atomic import atomic_directory, atomic_path
with atomic_path(sys.argv[1] + "/ord.csv") as tmp:
    tmp.write_text("halvferdig", encoding="utf-8")
    with atomic_directory(sys.argv[1] + "/resultater") as folder:
        (folder / "rapport.html").write_text("halvferdig", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)
"""


def test_temporaries_of_a_killed_run_are_cleaned_by_the_next_run(project, work):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    completed = subprocess.run([sys.executable, "-c", KILLED_RUN, str(project)], cwd=work, capture_output=True,
                               env=env)
    assert completed.returncode == -9
    leftovers = sorted(p.name for p in project.iterdir() if p.name.startswith("."))
    assert len(leftovers) == 2 and all(name.endswith(".tmp") for name in leftovers), leftovers
    # hidden folders and files that are not this tool's (or whose writer still runs) stay
    foreign = [project / ".resultater.abc123.tmp", project / f".resultater.textanalyse-{os.getpid()}-abc.tmp",
               project / ".resultater.textanalyse-999999999-abc.tmp"]
    for path in foreign:
        path.mkdir()
        (path / "mitt.txt").write_text("mitt", encoding="utf-8")
    run_ok(project / "analyse.toml", "--out", project / "resultater")
    for path in foreign:
        assert (path / "mitt.txt").read_text(encoding="utf-8") == "mitt"
    remaining = {p.name for p in project.iterdir() if p.name.startswith(".")}
    assert remaining == {path.name for path in foreign}
    # the file temporary beside ord.csv is removed by the next write of ord.csv
    write_survey(work / "svar.csv", SURVEY_ROWS)
    result = invoke("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", project / "ord.csv")
    assert result.exit_code == 0, result.output
    assert {p.name for p in project.iterdir() if p.name.startswith(".")} == remaining
