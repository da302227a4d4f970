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
