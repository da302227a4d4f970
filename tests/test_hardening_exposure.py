"""Exposure (issue 18, items 4 and 5): no answer text in error messages, no formulas in written files."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from test_hardening import FAST, SECRET, assert_clean_error, guarded, work, write_survey  # noqa: F401

FORMULA = '=HYPERLINK("http://x.test","klikk")'
ANSWERS = [(str(n), f"{SECRET} svarte noe langt og personlig om bolig nummer {n}", f"{SECRET} tekst {n} her og der",
            "unge" if n % 2 else "eldre") for n in range(1, 9)]


# ---------------------------------------------------------------- item 4: answers in error messages
def test_compare_on_a_free_text_column_names_no_answers(work):
    write_survey(work / "svar.csv", ANSWERS, header=("id", "svar", "svar2", "gruppe"))
    result = guarded(work, "compare", "svar.csv", "--text-col", "svar", "--group-col", "svar2",
                     "--target", "unge", *FAST)
    assert_clean_error(result, "'svar2' looks like free text", "8 different values")


def test_csv_without_header_row_shows_no_answers(work):
    (work / "svar.csv").write_text("".join(f"{i};{SECRET} fikk god hjelp;unge\n" for i in range(1, 4)),
                                   encoding="utf-8")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST)
    assert_clean_error(result, "svar.csv", "'svar' not found", "does not look like column names", "add a header row")


def test_header_of_long_sentences_shows_no_answers(work):
    (work / "svar.csv").write_text(f"id;{SECRET} hadde det ikke så bra med bolig\n1;x\n", encoding="utf-8")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST)
    assert_clean_error(result, "does not look like column names")


def test_group_values_that_are_labels_are_still_listed(work):
    write_survey(work / "svar.csv", [(n, "Bolig og oppfølging er viktig for meg", g) for n, g in
                                     enumerate(["unge", "eldre", "unge"], 1)])
    result = guarded(work, "compare", "svar.csv", "--text-col", "svar", "--group-col", "gruppe", "--target", "barn",
                     *FAST)
    assert_clean_error(result, "values are: 'eldre', 'unge'")


# ---------------------------------------------------------------- item 5: formulas
@pytest.fixture
def formula_survey(work):
    rows = [("1", f"{FORMULA} og oppfølging", "unge"), ("2", "+47 oppfølging hver uke", "eldre"),
            ("3", "-oppfølging var dårlig", "unge"), ("4", "@oppfølging kommer sent", "eldre")]
    return write_survey(work / "svar.csv", rows)


def _strings(path, column=None):
    sheet = load_workbook(path).active
    return [(cell.value, cell.data_type) for row in sheet.iter_rows(min_row=2) for cell in row
            if isinstance(cell.value, str)]


@pytest.mark.parametrize("args", [
    ("anonymize", "svar.csv", "--text-col", "svar", "--pipeline", "rules", "--out", "ut.xlsx"),
    ("kwic", "svar.csv", "--text-col", "svar", "--word", "oppfølging", *FAST, "--out", "ut.xlsx"),
    ("quotes", "svar.csv", "--text-col", "svar", "--word", "oppfølging", "--min-words", "2", *FAST, "--out", "ut.xlsx"),
])
def test_every_workbook_stores_answers_as_text(formula_survey, work, args):
    result = guarded(work, *args, outputs=["ut.xlsx"])
    assert result.exit_code == 0, result.output
    cells = _strings(work / "ut.xlsx")
    starting = [value for value, _ in cells if value.startswith("=")]
    assert starting, cells  # the formula-like answer is there, as typed ...
    assert all(kind == "s" for value, kind in cells), [c for c in cells if c[1] != "s"]  # ... and never a formula


@pytest.mark.parametrize("command, extra", [
    ("kwic", ("--word", "oppfølging")),
    ("quotes", ("--word", "oppfølging", "--min-words", "2")),
])
def test_csv_made_for_people_follows_the_owasp_guard(formula_survey, work, command, extra):
    result = guarded(work, command, "svar.csv", "--text-col", "svar", *extra, *FAST, "--out", "ut.csv",
                     outputs=["ut.csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(work / "ut.csv", dtype=str, keep_default_na=False)
    cells = [value for column in table.columns for value in table[column]]
    assert not [value for value in cells if value.startswith(("=", "+", "-", "@"))], cells
    assert any(value.startswith("'=HYPERLINK") for value in cells), cells


def test_data_csv_keeps_answers_exactly(formula_survey, work):
    """The masked table is read again by scripts and by textanalyse: documented as unguarded."""
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--pipeline", "rules", "--out", "m.csv",
                     outputs=["m.csv"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(work / "m.csv", sep=None, engine="python", dtype=str)["svar"][1] == "+47 oppfølging hver uke"


def test_control_characters_in_answers_do_not_break_a_workbook(work):
    write_survey(work / "svar.csv", [("1", "God\x01 oppfølging\x1f her", "unge")])
    result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", "--pipeline", "rules", "--out", "ut.xlsx",
                     outputs=["ut.xlsx"])
    assert result.exit_code == 0, result.output
    assert _strings(work / "ut.xlsx")[1][0] == "God oppfølging her"
