"""The whole assisted-coding loop from the CLI on the development set: sheet, filled sheet, code,
a second round of active sampling, and agreement between two coders."""

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from textanalyse.cli import main
from textanalyse.coding.devset import DEVSET_DIR, devset_labels

INPUT = [str(DEVSET_DIR / "svar.csv"), "--text-col", "fungerer_bra", "--text-col", "fungerer_darlig",
         "--text-col", "forslag", "--id-col", "respondent_id", "--pipeline", "fast"]


def _fill(path, labels, *, flip_every=0):
    """Fill a sheet with the development set's codes (a second coder: flip every n-th cell)."""
    book = load_workbook(path)
    sheet = book["Koding"]
    header = [cell.value for cell in sheet[1]]
    themes = header[header.index("text") + 1:header.index("kommentar")]
    codes = labels.groupby("doc_id")["theme"].agg(set)
    count = 0
    for row in range(2, sheet.max_row + 1):
        doc = sheet.cell(row=row, column=1).value
        for offset, theme in enumerate(themes):
            value = 1 if theme in codes.get(doc, set()) else 0
            count += 1
            if flip_every and count % flip_every == 0:
                value = 1 - value
            sheet.cell(row=row, column=header.index("text") + 2 + offset, value=value if value else None)
    book.save(path)


def _run(args):
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    folder = tmp_path_factory.mktemp("koding")
    cache = ["--cache-dir", str(folder / "cache")]
    labels = devset_labels()
    sheet1 = folder / "koding.xlsx"
    _run(["code-sheet", *INPUT, *cache, "--group-by", "aldersgruppe", "--n", "120", "--out", str(sheet1)])
    _fill(sheet1, labels)
    coded = folder / "kodet.csv"
    agreement = folder / "samsvar.csv"
    output = _run(["code", *INPUT, *cache, "--human", str(sheet1), "--out", str(coded),
                   "--agreement-out", str(agreement), "--review-out", str(folder / "vurder.csv")])
    sheet2 = folder / "koding2.csv"
    _run(["code-sheet", *INPUT, *cache, "--round", "2", "--human", str(sheet1), "--n", "30", "--out", str(sheet2)])
    return {"folder": folder, "labels": labels, "sheet1": sheet1, "sheet2": sheet2, "coded": coded,
            "agreement": agreement, "output": output, "cache": cache}


def test_sheet_is_a_stratified_blind_sample(loop):
    table = pd.read_excel(loop["sheet1"], sheet_name="Koding")
    assert len(table) == 120
    assert set(table["question"]) == {"fungerer_bra", "fungerer_darlig", "forslag"}
    assert set(table["aldersgruppe"]) == {"18-23", "24-39", "40-66", "67+"}
    assert table.columns[:5].tolist() == ["doc_id", "segment", "question", "aldersgruppe", "text"]


def test_code_writes_every_coded_segment_with_its_source_and_agreement(loop):
    coded = pd.read_csv(loop["coded"])
    assert coded.columns.tolist() == ["doc_id", "segment", "question", "theme", "probability", "source", "review"]
    human_docs = set(pd.read_excel(loop["sheet1"], sheet_name="Koding")["doc_id"])
    human = coded.loc[coded["source"] == "human"]
    assert set(human["doc_id"]) <= human_docs and (human["probability"] == 1.0).all()
    assert not set(coded.loc[coded["source"] != "human", "doc_id"]) & human_docs
    assert set(coded["source"]) <= {"human", "model", "codebook"}
    table = pd.read_csv(loop["agreement"])
    assert table["theme"].iloc[-1] == "(alle)"
    pooled = table.iloc[-1]
    assert pooled["n"] == 120 * 16
    assert 0.5 < pooled["kappa"] < 1 and pooled["kappa_low"] < pooled["kappa"] < pooled["kappa_high"]
    assert "agreement with the coder (cross-validated, all themes): kappa" in loop["output"]


def test_round_two_adds_uncertain_segments_never_coded_before(loop):
    first = set(pd.read_excel(loop["sheet1"], sheet_name="Koding")["doc_id"])
    second = pd.read_csv(loop["sheet2"])
    assert len(second) == 30 and not set(second["doc_id"]) & first
    assert set(second["runde"]) == {2}
    filled = second.copy()
    codes = loop["labels"].groupby("doc_id")["theme"].agg(set)
    themes = second.columns[second.columns.get_loc("text") + 1:second.columns.get_loc("kommentar")]
    for theme in themes:
        filled[theme] = [1 if theme in codes.get(doc, set()) else 0 for doc in filled["doc_id"]]
    filled.to_csv(loop["sheet2"], index=False)
    out = loop["folder"] / "kodet2.csv"
    output = _run(["code", *INPUT, *loop["cache"], "--human", str(loop["sheet1"]), "--human", str(loop["sheet2"]),
                   "--out", str(out)])
    assert "150 segments coded by hand (120 random)" in output
    coded = pd.read_csv(out)
    themed = set(loop["labels"].loc[loop["labels"]["theme"] != "(ingen)", "doc_id"])
    assert set(coded.loc[coded["source"] == "human", "doc_id"]) >= set(second["doc_id"]) & themed


def test_two_coders_agreement_and_disagreement_table(loop, tmp_path):
    other = tmp_path / "koding_b.xlsx"
    other.write_bytes(loop["sheet1"].read_bytes())
    _fill(other, loop["labels"], flip_every=97)
    out, differ = tmp_path / "samsvar.csv", tmp_path / "uenighet.csv"
    _run(["agreement", str(loop["sheet1"]), str(other), "--out", str(out), "--disagreements", str(differ)])
    table = pd.read_csv(out)
    assert table.columns[:6].tolist() == ["theme", "n", "coded_a", "coded_b", "both", "percent_agreement"]
    assert {"kappa", "alpha", "ac1", "kappa_low", "kappa_high"} <= set(table.columns)
    disagreements = pd.read_csv(differ)
    assert len(disagreements) == 120 * 16 // 97
    pooled = table.iloc[-1]
    assert pooled["theme"] == "(alle)"
    assert pooled["percent_agreement"] == round(1 - len(disagreements) / (120 * 16), 4)


def test_agreement_refuses_sheets_that_share_no_segment(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("doc_id,segment,question,text,Bolig,kommentar\n1:bra,0,bra,Tak over hodet,1,\n", encoding="utf-8")
    b.write_text("doc_id,segment,question,text,Bolig,kommentar\n2:bra,0,bra,Bra,0,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["agreement", str(a), str(b)])
    assert result.exit_code == 2
    assert "share no doc_id/segment pair" in result.output
