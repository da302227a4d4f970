import pandas as pd
import pytest
from click.testing import CliRunner

from textanalyse.cli import main

SURVEY = ("respondent_id;kjonn;fungerer_bra;fungerer_darlig\r\n"
          "R1;Kvinne;God oppfølging av ruskonsulenten;Lang ventetid på bolig\r\n"
          "R2;Mann;Oppfølgingen er god;Vet ikke\r\n"
          "R3;Kvinne;Fin kontakt og gode samtaler;Ingenting fungerer\r\n")


@pytest.fixture
def survey(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(SURVEY.encode("cp1252"))
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_freq_writes_csv_with_documented_columns(survey, tmp_path):
    out = tmp_path / "ord.csv"
    result = run("freq", survey, "--text-col", "fungerer_bra", "--text-col", "fungerer_darlig",
                 "--id-col", "respondent_id", "--pipeline", "fast", "--no-cache", "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert table.columns.tolist() == ["question", "word", "length", "count", "weighted_percentage", "documents",
                                      "similar_words"]
    assert table[["question", "word", "count", "documents"]].values.tolist()[:2] == [
        ["fungerer_bra", "oppfølging", 2, 2], ["fungerer_bra", "kontakt", 1, 1]]
    assert survey.read_bytes() == SURVEY.encode("cp1252")  # input untouched


def test_freq_group_by_and_exact_and_filter_report(survey, tmp_path):
    out, report = tmp_path / "ord.xlsx", tmp_path / "filtre.csv"
    result = run("freq", survey, "--text-col", "fungerer_bra", "--id-col", "respondent_id", "--unit", "exact",
                 "--group-by", "kjonn", "--top", "1", "--pipeline", "fast", "--no-cache", "--out", out,
                 "--filter-report", report)
    assert result.exit_code == 0, result.output
    table = pd.read_excel(out)
    assert table[["kjonn", "word"]].values.tolist() == [["Kvinne", "gode"], ["Mann", "oppfølgingen"]]
    assert pd.read_csv(report)["filter"].tolist()[:2] == ["ikke-ord", "minstelengde"]


def test_freq_prints_a_table_without_out(survey):
    result = run("freq", survey, "--text-col", "fungerer_bra", "--pipeline", "fast", "--no-cache")
    assert result.exit_code == 0
    assert "oppfølging" in result.output and "weighted" in result.output


def test_kwic_command(survey, tmp_path):
    out = tmp_path / "kwic.csv"
    result = run("kwic", survey, "--text-col", "fungerer_bra", "--word", "oppfølging", "--window", "2",
                 "--pipeline", "fast", "--no-cache", "--out", out)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out)["keyword"].tolist() == ["oppfølging", "Oppfølgingen"]


def test_suggest_exclusions_runs(survey):
    result = run("suggest-exclusions", survey, "--text-col", "fungerer_bra", "--pipeline", "fast", "--no-cache")
    assert result.exit_code == 0
    assert "Forslag til utelatte ord" in result.output and "suggested_list" in result.output


@pytest.mark.parametrize("args, message", [
    (["--text-col", "fungerer_bar"], "--text-col column 'fungerer_bar' not found; did you mean 'fungerer_bra'?"),
    (["--text-col", "fungerer_bra", "--encoding", "utf-8"], "try --encoding cp1252, or leave --encoding out"),
    (["--text-col", "fungerer_bra", "--group-by", "alder"], "--group-by column 'alder' not found"),
    (["--text-col", "fungerer_bra", "--out", "ord.pdf"], "--out must end in .csv or .xlsx"),
])
def test_bad_input_gives_one_clear_line(survey, args, message):
    result = CliRunner().invoke(main, ["freq", str(survey), "--pipeline", "fast", "--no-cache", *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_type(tmp_path):
    result = CliRunner().invoke(main, ["freq", str(tmp_path / "nope.csv"), "--text-col", "x"])
    assert result.exit_code == 2 and "file not found" in result.output
    other = tmp_path / "svar.pdf"
    other.write_bytes(b"%PDF")
    result = CliRunner().invoke(main, ["freq", str(other), "--text-col", "x"])
    assert result.exit_code == 2 and "unknown file type '.pdf'" in result.output


def test_all_nonanswers_is_a_clear_error(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;svar\n1;vet ikke\n2;-\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["freq", str(path), "--text-col", "svar", "--no-cache"])
    assert result.exit_code == 2 and "no answers to analyse" in result.output


def test_every_command_has_an_example_in_help():
    for command in main.commands:
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, command


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "textanalyse", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "textanalyse" in result.stdout
