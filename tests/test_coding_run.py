"""``run`` with ``[themes] human``: the report gets «Validering av kodingen» and flagged themes."""

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from textanalyse.api import load_material
from textanalyse.coding.assisted import code_sheet
from textanalyse.coding.devset import DEVSET_DIR, QUESTIONS, devset_labels
from textanalyse.options import InputOptions
from textanalyse.run import run_analysis
from textanalyse.themes import load_codebook


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    material = load_material(InputOptions(paths=(str(DEVSET_DIR / "svar.csv"),), text_columns=QUESTIONS,
                                          id_column="respondent_id", pipeline="fast"))
    codebook = load_codebook()
    sheet = folder / "koding.csv"
    sample = code_sheet(material, sheet, codebook=codebook, n=120, group_by=("aldersgruppe",), seed=2)
    codes = devset_labels().groupby("doc_id")["theme"].agg(set)
    for theme in codebook.theme_names:
        sample[theme] = [1 if theme in codes.get(doc, set()) else 0 for doc in sample["doc_id"]]
    sample["kommentar"], sample["runde"] = "", 1
    sample.to_csv(sheet, index=False)
    config = folder / "analyse.toml"
    config.write_text(f"""title = "Validering"
[output]
dir = "resultater"
[annotation]
pipeline = "fast"
[themes]
codebook = "default"
human = ["koding.csv"]
next_round = 30
[topics]
enabled = false
[quotes]
enabled = false
[frequency]
kwic_top = 0
[[material]]
name = "Utviklingssett"
survey = "{DEVSET_DIR / 'svar.csv'}"
text_columns = ["fungerer_bra", "fungerer_darlig", "forslag"]
id_column = "respondent_id"
group_by = ["aldersgruppe"]
""", encoding="utf-8")
    result = run_analysis(config)
    return folder / "resultater", result


def test_report_has_the_validation_section_and_the_methods_figures(finished):
    out, result = finished
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert "Validering av kodingen" in html
    assert "Kodingen ble validert mot manuell koding av 120 tilfeldig valgte svar: κ = " in html
    material = result.materials[0]
    pooled = material.coding_validation.iloc[-1]
    assert pooled["theme"] == "(alle)" and pooled["n"] == 120 * 16
    kappa = f"{pooled['kappa']:.2f}".replace(".", ",")
    assert f"κ = {kappa}" in html


def test_theme_shares_carry_kappa_and_the_weak_ones_are_flagged(finished):
    out, result = finished
    summary = result.materials[0].theme_summary
    assert {"kappa", "low_agreement"} <= set(summary.columns)
    validation = result.materials[0].coding_validation.set_index("theme")
    for theme, flag in zip(summary["theme"], summary["low_agreement"]):
        assert flag == (not validation.loc[theme, "kappa"] >= 0.6)
    coded = result.materials[0].theme_coded
    assert set(coded["source"]) <= {"human", "model", "codebook"} and "human" in set(coded["source"])
    tables = pd.read_csv(out / "tabeller" / "utviklingssett_tema.csv")
    assert "low_agreement" in tables.columns
    book = load_workbook(out / "tabeller.xlsx", read_only=True)
    assert {"Validering", "Kodemodeller"} <= set(book.sheetnames)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(path.endswith("koding.csv") for path in manifest["input_files_sha256"])


def test_run_writes_the_next_round_sheet_exactly_as_code_sheet_round_2(finished, tmp_path):
    out, result = finished
    assert "koding_runde2.xlsx" in result.files
    from textanalyse.coding.sheet import read_sheet

    drawn = read_sheet(out / "koding_runde2.xlsx", themes=load_codebook().theme_names)
    coded = read_sheet(out.parent / "koding.csv")
    assert len(drawn.segments) == 30 and set(drawn.segments["runde"]) == {2}
    assert not set(zip(drawn.segments["doc_id"], drawn.segments["segment"])) & set(
        zip(coded.segments["doc_id"], coded.segments["segment"]))
    assert int(drawn.codes.to_numpy().sum()) == 0   # blind: no machine codes shown
    material = load_material(InputOptions(paths=(str(DEVSET_DIR / "svar.csv"),), text_columns=QUESTIONS,
                                          id_column="respondent_id", pipeline="fast"))
    by_hand = code_sheet(material, tmp_path / "runde2.xlsx", codebook=load_codebook(), n=30,
                         group_by=("aldersgruppe",), round_number=2, human=[out.parent / "koding.csv"])
    assert drawn.segments[["doc_id", "segment", "question", "aldersgruppe", "text"]].values.tolist() == \
        by_hand[["doc_id", "segment", "question", "aldersgruppe", "text"]].values.tolist()
    html = (out / "rapport.html").read_text(encoding="utf-8")
    assert "Neste kodeark (runde 2) har 30 tekster modellen var mest usikker på" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["themes"]["next_round"] == 30


@pytest.mark.parametrize("setting, message", [
    ("next_round = 20", "themes.next_round needs the sheets coded so far in themes.human"),
    ('human = ["k.csv"]\nnext_round = -1', "themes.next_round must be at least 0, got -1"),
    ('human = ["k.csv"]\nnext_round = "mange"', "next_round")])
def test_next_round_is_checked_in_the_config(tmp_path, setting, message):
    from textanalyse.config import load_config
    from textanalyse.errors import UserError

    (tmp_path / "svar.csv").write_text("id;bra\n1;God oppfølging.\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text(f'[themes]\n{setting}\n[[material]]\nname = "A"\nsurvey = "svar.csv"\n'
                                           'text_columns = ["bra"]\n', encoding="utf-8")
    with pytest.raises(UserError, match=message):
        load_config(tmp_path / "analyse.toml")
