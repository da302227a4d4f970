"""Every command that reads material takes the same input flags (issue 12)."""

import pandas as pd
from click.testing import CliRunner

from textanalyse.cli import main

READING = ("freq", "kwic", "suggest-exclusions", "themes", "topics", "compare", "quotes", "anonymize")


def flags(command: str) -> set[str]:
    return {option for param in main.commands[command].params for option in param.opts if option.startswith("--")}


def test_every_reading_command_takes_the_same_input_flags():
    expected = {"--text-col", "--id-col", "--meta", "--encoding", "--sep", "--sheet", "--speaker",
                "--keep-interviewer", "--nonanswer", "--pipeline", "--language", "--cache-dir", "--no-cache"}
    for command in READING:
        assert expected <= flags(command), command


def test_anonymize_names_rows_by_the_id_column(tmp_path):
    source = tmp_path / "svar.csv"
    source.write_text("id;svar\nR7;Jeg heter Kari Hansen.\nR8;Bra.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["anonymize", str(source), "--text-col", "svar", "--id-col", "id",
                                       "--pipeline", "rules", "--out", str(tmp_path / "ut.csv"),
                                       "--report", str(tmp_path / "rapport.csv")])
    assert result.exit_code == 0, result.output
    report = pd.read_csv(tmp_path / "rapport.csv")
    assert report.to_dict("records") == [{"row": 0, "id": "R7", "column": "svar", "type": "NAVN", "count": 1}]
    assert pd.read_csv(tmp_path / "ut.csv", sep=None, engine="python")["svar"].tolist() == ["Jeg heter [NAVN].", "Bra."]
