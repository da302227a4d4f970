import pandas as pd
from click.testing import CliRunner

from textanalyse.cli import main

TABLE = ("id;gruppe;svar\r\n"
         "1;unge;Ruskonsulenten min heter Kari og bor i Bodø.\r\n"
         "2;eldre;Ring meg på 971 15 565.\r\n"
         "3;eldre;Fin kontakt med NAV og fastlegen.\r\n")


def test_table_keeps_rows_order_and_other_columns(tmp_path):
    source = tmp_path / "svar.csv"
    source.write_bytes(TABLE.encode("cp1252"))
    out, report = tmp_path / "maskert.csv", tmp_path / "rapport.csv"
    result = CliRunner().invoke(main, ["anonymize", str(source), "--text-col", "svar", "--out", str(out),
                                       "--report", str(report)])
    assert result.exit_code == 0, result.output
    masked = pd.read_csv(out, dtype=str)
    assert masked.values.tolist() == [
        ["1", "unge", "Ruskonsulenten min heter [NAVN] og bor i [STED]."],
        ["2", "eldre", "Ring meg på [TELEFON]."],
        ["3", "eldre", "Fin kontakt med NAV og fastlegen."],
    ]
    rows = pd.read_csv(report)
    assert "originals" not in rows.columns and rows["count"].sum() == 3
    assert "Kari" not in report.read_text(encoding="utf-8")
    assert source.read_bytes() == TABLE.encode("cp1252")
    assert "masked 3 items in 2 of 3 rows" in result.output


def test_output_must_not_overwrite_input(tmp_path):
    source = tmp_path / "svar.csv"
    source.write_bytes(TABLE.encode("cp1252"))
    result = CliRunner().invoke(main, ["anonymize", str(source), "--text-col", "svar", "--out", str(source)])
    assert result.exit_code == 2 and "never overwritten" in result.output
    assert source.read_bytes() == TABLE.encode("cp1252")


def test_transcripts_keep_labels_and_lines(tmp_path):
    folder = tmp_path / "intervjuer"
    folder.mkdir()
    (folder / "ung_01.txt").write_text("I: Hvem hjelper deg?\nIP: Det er Ola [ler], han bor på Hamar.\n",
                                       encoding="utf-8")
    out = tmp_path / "maskert"
    result = CliRunner().invoke(main, ["anonymize", str(folder), "--out", str(out), "--numbered"])
    assert result.exit_code == 0, result.output
    assert (out / "ung_01.txt").read_text(encoding="utf-8") == (
        "I: Hvem hjelper deg?\nIP: Det er [NAVN-1] [ler], han bor på [STED-1].\n")
    again = CliRunner().invoke(main, ["anonymize", str(folder), "--out", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
