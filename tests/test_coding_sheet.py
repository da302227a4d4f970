"""Coding sheets: stratified sample, blind XLSX/CSV layout, reading a filled-in sheet back."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from textanalyse.coding.sheet import combine_sheets, draw_sample, read_sheet, write_sheet
from textanalyse.errors import UserError

THEMES = ["Bolig", "Ventetid og tilgjengelighet"]


def _segments():
    texts = ["Fikk tak over hodet.", "Ingen tar telefonen.", "=1+1 er ikke en formel", "Lang ventetid.",
             "Sitter alene hele dagen.", "De ser ned på oss.", "Bra.", "Fikk hjelp fort."]
    return pd.DataFrame({"doc_id": [f"R{i}:bra" if i < 5 else f"R{i}:darlig" for i in range(8)], "segment": 0,
                         "question": ["bra"] * 5 + ["darlig"] * 3,
                         "alder": ["18-23", "67+", "18-23", "67+", "67+", "18-23", "67+", "67+"], "text": texts})


def test_sample_is_stratified_fixed_by_the_seed_and_skips_excluded_segments():
    segments = _segments()
    first = draw_sample(segments, n=4, group_by=["alder"], seed=3)
    assert first.equals(draw_sample(segments, n=4, group_by=["alder"], seed=3))
    # four strata (question x alder), one each
    assert sorted(zip(first["question"], first["alder"])) == [("bra", "18-23"), ("bra", "67+"),
                                                              ("darlig", "18-23"), ("darlig", "67+")]
    rest = draw_sample(segments, n=8, seed=3, exclude=list(zip(first["doc_id"], first["segment"])))
    assert len(rest) == 4 and not set(rest["doc_id"]) & set(first["doc_id"])
    with pytest.raises(UserError, match="--n must be"):
        draw_sample(segments, n=0)


def test_xlsx_sheet_is_blind_validated_frozen_and_keeps_text_as_text(tmp_path):
    path = write_sheet(_segments(), tmp_path / "koding.xlsx", themes=THEMES,
                       descriptions={"Bolig": "Å ha et sted å bo."})
    book = load_workbook(path)
    assert book.sheetnames == ["Koding", "Veiledning"]
    sheet = book["Koding"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["doc_id", "segment", "question", "alder", "text", *THEMES, "kommentar", "runde"]
    assert sheet.freeze_panes == "F2"
    assert sheet["E4"].value == "=1+1 er ikke en formel" and sheet["E4"].data_type == "s"
    assert [sheet.cell(row=2, column=c).value for c in (6, 7)] == [None, None]   # blind: no machine codes
    ranges = [str(v.sqref) for v in sheet.data_validations.dataValidation]
    assert ranges == ["F2:G9"]
    instructions = " ".join(str(c.value) for row in book["Veiledning"].iter_rows() for c in row if c.value)
    assert "Kod etter meningen" in instructions and "Å ha et sted å bo." in instructions


def test_filled_sheet_reads_blank_as_zero_and_names_a_bad_cell(tmp_path):
    path = write_sheet(_segments(), tmp_path / "koding.xlsx", themes=THEMES)
    book = load_workbook(path)
    sheet = book["Koding"]
    sheet["F2"] = 1
    sheet["G3"] = "x"
    sheet["H3"] = "usikker"
    book.save(path)
    coded = read_sheet(path, themes=THEMES)
    assert coded.themes == THEMES
    assert coded.codes["Bolig"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    assert coded.codes["Ventetid og tilgjengelighet"].tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert coded.comments.tolist()[1] == "usikker"
    assert coded.segments["runde"].tolist() == [1] * 8
    sheet["G4"] = 2
    book.save(path)
    with pytest.raises(UserError, match="row 4, column 'Ventetid og tilgjengelighet' must be 1, 0 or empty"):
        read_sheet(path)
    with pytest.raises(UserError, match="not a theme of the codebook"):
        read_sheet(path, themes=["Bolig"])


def test_csv_sheet_round_trips_and_defuses_formulas(tmp_path):
    path = write_sheet(_segments(), tmp_path / "koding.csv", themes=THEMES, round_number=2)
    raw = path.read_text(encoding="utf-8")
    assert "'=1+1 er ikke en formel" in raw
    coded = read_sheet(path)
    assert coded.segments["text"].tolist()[2] == "=1+1 er ikke en formel"
    assert coded.segments["runde"].tolist() == [2] * 8
    assert coded.codes.sum().sum() == 0


def test_combining_rounds_refuses_a_segment_coded_twice(tmp_path):
    first = read_sheet(write_sheet(_segments().head(3), tmp_path / "a.csv", themes=THEMES))
    second = read_sheet(write_sheet(_segments().tail(5), tmp_path / "b.csv", themes=THEMES, round_number=2))
    both = combine_sheets([first, second])
    assert len(both.codes) == 8
    with pytest.raises(UserError, match="coded in two sheets"):
        combine_sheets([first, first])


def test_a_sheet_without_the_layout_is_refused_in_one_line(tmp_path):
    path = tmp_path / "annet.csv"
    path.write_text("id;svar\n1;bra\n", encoding="utf-8")
    with pytest.raises(UserError, match="column 'doc_id' is missing"):
        read_sheet(path)
    with pytest.raises(UserError, match="not found"):
        read_sheet(tmp_path / "mangler.xlsx")
