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


ANSWERS = ["Fikk egen bolig.", "Leiligheten er fin.", "Tak over hodet endelig.", "Boligen er for dyr.",
           "Bor i kommunal bolig.", "Trenger et sted å bo.", "Nav svarer fort.", "Veilederen på Nav er grei.",
           "Saksbehandler på Nav.", "Legen er god.", "Ingen tar telefonen.", "Fin gruppe på onsdager.",
           "Nav-kontoret er stengt.", "Bor hos mor."]   # the last two are coded by nobody
CODER_A = {"Bolig": [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "NAV": [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0]}
CODER_B = {"Bolig": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1], "NAV": [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0]}


def test_two_coders_of_one_sample_get_their_agreement_beside_the_machine(tmp_path):
    """Bolig: 10 of 12 agree, κ = (10/12 − 1/2)/(1/2) = 2/3, α = 1 − 23·2/(12·12), AC1 = 2/3.
    NAV: 11 of 12, κ = (11/12 − 96/144)/(48/144) = 3/4, α = 1 − 23/(5·19), AC1 with π = 5/24.
    Pooled over the 24 decisions: 21 of 24, κ = 8/11, α = 1 − 47·3/(17·31)."""
    pd.DataFrame({"id": [f"R{i:02d}" for i in range(1, 15)], "bra": ANSWERS}).to_csv(
        tmp_path / "svar.csv", sep=";", index=False)
    for name, codes in (("anne.csv", CODER_A), ("per.csv", CODER_B)):
        pd.DataFrame({"doc_id": [f"R{i:02d}:bra" for i in range(1, 13)], "segment": 0, "question": "bra",
                      "text": ANSWERS[:12], **codes, "kommentar": "", "runde": 1}).to_csv(tmp_path / name,
                                                                                           index=False)
    (tmp_path / "kodebok.yaml").write_text("themes:\n  Bolig:\n    patterns: ['bolig*', 'leilighet*']\n"
                                           "  NAV:\n    patterns: ['nav']\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text("""title = "To kodere"
[annotation]
pipeline = "fast"
[themes]
codebook = "kodebok.yaml"
human = ["anne.csv", "per.csv"]
next_round = 5
[topics]
enabled = false
[quotes]
enabled = false
[[material]]
name = "Svar"
survey = "svar.csv"
text_columns = ["bra"]
id_column = "id"
""", encoding="utf-8")
    result = run_analysis(tmp_path / "analyse.toml", out_dir=tmp_path / "resultater")
    material = result.materials[0]
    coders = material.coding_coders.set_index("theme")
    assert coders.loc["Bolig", "n"] == 12 and coders.loc["(alle)", "n"] == 24  # figures are rounded to 4 decimals
    assert coders.loc["Bolig", "percent_agreement"] == round(10 / 12, 4)
    assert coders.loc["Bolig", "kappa"] == round(2 / 3, 4)
    assert coders.loc["Bolig", "alpha"] == round(1 - 23 * 2 / 144, 4)
    assert coders.loc["Bolig", "ac1"] == round(2 / 3, 4)
    assert coders.loc["NAV", "kappa"] == round(0.75, 4)
    assert coders.loc["NAV", "alpha"] == round(1 - 23 / 95, 4)
    pi = 5 / 24
    assert coders.loc["NAV", "ac1"] == round((11 / 12 - 2 * pi * (1 - pi)) / (1 - 2 * pi * (1 - pi)), 4)
    assert coders.loc["(alle)", "kappa"] == round(8 / 11, 4)
    assert coders.loc["(alle)", "alpha"] == round(1 - 47 * 3 / (17 * 31), 4)
    for name in ("kappa", "alpha", "ac1"):
        assert coders.loc["(alle)", f"{name}_low"] <= coders.loc["(alle)", name] <= coders.loc["(alle)", f"{name}_high"]
    # the machine learned from Anne only; Per's sheet is no training data
    assert material.coding_sample["n_human"] == 12 and material.coding_sample["n_coders"] == 12
    human = material.theme_coded.loc[material.theme_coded["source"] == "human"]
    assert sorted(human.loc[human["theme"] == "NAV", "doc_id"]) == ["R07:bra", "R08:bra", "R09:bra"]
    assert material.coding_disagreements[["doc_id", "theme", "coder_a", "coder_b"]].values.tolist() == [
        ["R06:bra", "Bolig", 1, 0], ["R09:bra", "NAV", 1, 0], ["R12:bra", "Bolig", 0, 1]]
    html = (tmp_path / "resultater" / "rapport.html").read_text(encoding="utf-8")
    assert "Samsvar mellom to kodere" in html
    assert "To personer kodet de samme 12 svarene uavhengig av hverandre; samsvaret mellom dem var κ = 0,73" in html
    book = load_workbook(tmp_path / "resultater" / "tabeller.xlsx", read_only=True)
    assert {"Samsvar kodere", "Uenighet kodere"} <= set(book.sheetnames)
    assert (tmp_path / "resultater" / "tabeller" / "svar_koding_samsvar_kodere.csv").exists()
    # the next round draws only what neither person coded
    from textanalyse.coding.sheet import read_sheet

    drawn = read_sheet(tmp_path / "resultater" / "koding_runde2.xlsx")
    assert sorted(drawn.segments["doc_id"]) == ["R13:bra", "R14:bra"] and set(drawn.segments["runde"]) == {2}


def test_a_third_sheet_of_the_same_sample_is_refused(tmp_path):
    from textanalyse.coding.run_step import split_coders
    from textanalyse.coding.sheet import CodingSheet
    from textanalyse.errors import UserError

    def sheet(name):
        return CodingSheet(pd.DataFrame({"doc_id": ["R1:bra"], "segment": [0]}), pd.DataFrame({"Bolig": [1]}),
                           pd.Series([""]), name)

    with pytest.raises(UserError, match=r"\[themes\] human: ida.csv codes segments that per.csv and an earlier sheet"):
        split_coders([sheet("anne.csv"), sheet("per.csv"), sheet("ida.csv")])
