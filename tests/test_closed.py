"""Closed items: bins, SPSS value labels, theme × level shares and the Cochran–Armitage trend test."""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from statsmodels.stats.contingency_tables import Table

from textanalyse.closed import (apply_levels, bin_documents, closed_analysis, level_order, level_trends,
                                parse_bins, theme_by_level, value_labels)
from textanalyse.errors import UserError
from textanalyse.stats import cochran_armitage

LABELS = {"1": "Svært misfornøyd", "2": "Misfornøyd", "3": "Nøytral", "4": "Fornøyd", "5": "Svært fornøyd"}


def test_parse_bins_ranges_singles_and_order():
    assert parse_bins("1-2=misfornøyd,3=nøytral,4-5=fornøyd") == [
        ("misfornøyd", ("1", "2")), ("nøytral", ("3",)), ("fornøyd", ("4", "5"))]
    assert parse_bins("Ja=ja, Nei=nei") == [("ja", ("Ja",)), ("nei", ("Nei",))]


@pytest.mark.parametrize("spec, message", [
    ("", "--bins is empty"),
    ("1-2", "'1-2' needs a level name"),
    ("2-1=lav", "range '2-1' goes backwards"),
    ("1-3=lav,3-5=høy", "value 3 is in both 'lav' and 'høy'"),
    ("=lav", "needs both values and a level name"),
])
def test_parse_bins_rejects_bad_specs_in_one_line(spec, message):
    with pytest.raises(UserError, match=message):
        parse_bins(spec)


def test_levels_from_codes_labels_and_bins():
    codes = pd.Series(["1", "3", "5", "2", "", "4"])
    assert apply_levels(codes, bins=parse_bins("1-2=misfornøyd,4-5=fornøyd")).tolist() == [
        "misfornøyd", "", "fornøyd", "misfornøyd", "", "fornøyd"]
    # SPSS files are read with the labels applied: bins still refer to the codes.
    labelled = codes.map(lambda code: LABELS.get(code, ""))
    assert apply_levels(labelled, labels=LABELS, bins=parse_bins("1-2=misfornøyd,4-5=fornøyd")).tolist() == [
        "misfornøyd", "", "fornøyd", "misfornøyd", "", "fornøyd"]
    assert apply_levels(codes, labels=LABELS).tolist() == [
        "Svært misfornøyd", "Nøytral", "Svært fornøyd", "Misfornøyd", "", "Fornøyd"]
    # Labels are ordered by their codes, not alphabetically; numbers by value.
    assert level_order(labelled, labels=LABELS) == ["Svært misfornøyd", "Misfornøyd", "Nøytral", "Fornøyd",
                                                    "Svært fornøyd"]
    assert level_order(pd.Series(["10", "9", "1"])) == ["1", "9", "10"]


def test_spss_value_labels_are_read_from_the_sav_file(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"respondent_id": ["R1", "R2", "R3"], "tilfredshet": [1.0, 4.0, 5.0],
                          "svar": ["Lang ventetid.", "God oppfølging.", "Veldig bra hjelp."]})
    path = tmp_path / "svar.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"tilfredshet": {float(k): v for k, v in LABELS.items()}})
    assert value_labels(path) == {"tilfredshet": LABELS}
    assert value_labels(tmp_path / "svar.csv") == {}


def documents_and_coding():
    # 12 respondents, one question; tilfredshet 1–5; the theme Ventetid is coded mostly among the dissatisfied.
    satisfaction = ["1", "1", "2", "2", "2", "3", "3", "4", "4", "5", "5", "5"]
    documents = pd.DataFrame({"doc_id": [f"R{i}:q" for i in range(1, 13)], "respondent": [f"R{i}" for i in range(1, 13)],
                              "question": "q", "source": "s.csv", "text": "x", "tilfredshet": satisfaction})
    coded_docs = {"Ventetid": ["R1:q", "R2:q", "R3:q", "R4:q", "R8:q"], "Oppfølging": ["R5:q", "R9:q", "R10:q", "R11:q"]}
    coded = pd.DataFrame([{"doc_id": doc, "segment": 0, "theme": theme} for theme, docs in coded_docs.items()
                          for doc in docs])
    return documents, coded


def test_theme_by_level_counts_shares_and_wilson_intervals_by_hand():
    documents, coded = documents_and_coding()
    binned = bin_documents(documents, {"tilfredshet": "1-2=misfornøyd,3=nøytral,4-5=fornøyd"})
    table = theme_by_level(coded, binned, item="tilfredshet", levels=["misfornøyd", "nøytral", "fornøyd"],
                           themes=["Ventetid", "Oppfølging"])
    ventetid = table[table["theme"] == "Ventetid"]
    assert ventetid["level"].tolist() == ["misfornøyd", "nøytral", "fornøyd"]
    assert ventetid["documents_coded"].tolist() == [4, 0, 1]
    assert ventetid["documents_total"].tolist() == [5, 2, 5]
    assert ventetid["share"].tolist() == pytest.approx([0.8, 0.0, 0.2])
    # Wilson 95 % for 4 of 5, by hand: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z = 1.959963984540054
    p, n = 0.8, 5
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert ventetid["ci_low"].iloc[0] == pytest.approx(centre - half)
    assert ventetid["ci_high"].iloc[0] == pytest.approx(centre + half)


def test_cochran_armitage_agrees_with_a_hand_computed_table_and_statsmodels():
    # Hand: p = 16/60, T = Σ s (x - n p) = 7, Var = p (1-p) (Σ n s² - (Σ n s)² / N) = (16/60)(44/60)(280 - 240)
    z, p = cochran_armitage([2, 5, 9], [20, 20, 20])
    assert z == pytest.approx(7 / math.sqrt((16 / 60) * (44 / 60) * 40))
    assert z == pytest.approx(2.502839, abs=1e-6) and p == pytest.approx(0.012320, abs=1e-6)
    # statsmodels' linear-by-linear association test is the same statistic with variance N/(N-1) larger.
    table = np.array([[2, 18], [5, 15], [9, 11]])
    reference = Table(table).test_ordinal_association(row_scores=np.array([1, 2, 3]), col_scores=np.array([1, 0]))
    assert abs(z) * math.sqrt(59 / 60) == pytest.approx(abs(reference.zscore), rel=1e-9)
    # Unequal scores (e.g. years) and unequal group sizes.
    z, _ = cochran_armitage([3, 7, 4], [10, 25, 8], scores=[2019, 2021, 2025])
    reference = Table(np.array([[3, 7], [7, 18], [4, 4]])).test_ordinal_association(
        row_scores=np.array([2019, 2021, 2025]), col_scores=np.array([1, 0]))
    assert abs(z) * math.sqrt(42 / 43) == pytest.approx(abs(reference.zscore), rel=1e-9)
    assert all(math.isnan(v) for v in cochran_armitage([0, 0], [5, 5]))


def test_level_trends_direction_and_bh_adjustment():
    documents, coded = documents_and_coding()
    binned = bin_documents(documents, {"tilfredshet": "1-2=misfornøyd,3=nøytral,4-5=fornøyd"})
    levels, trends = closed_analysis(coded, binned, {"tilfredshet": ["misfornøyd", "nøytral", "fornøyd"]},
                                     themes=["Ventetid", "Oppfølging"])
    row = trends.set_index("theme").loc["Ventetid"]
    expected_z, expected_p = cochran_armitage([4, 0, 1], [5, 2, 5])
    assert row["z"] == pytest.approx(expected_z) and row["z"] < 0        # falls with satisfaction
    assert row["p_value"] == pytest.approx(expected_p)
    assert (row["share_first"], row["share_last"], row["levels"], row["documents_total"]) == (0.8, 0.2, 3, 12)
    p_values = trends["p_value"].to_numpy()
    ranked = np.sort(p_values)
    assert trends["p_adjusted"].max() == pytest.approx(min(1.0, ranked[-1]))
    assert trends["p_adjusted"].min() == pytest.approx(min(ranked[0] * 2, ranked[1]))
    assert list(level_trends(levels).columns) == list(trends.columns)


def test_run_with_closed_items_and_bins_in_the_config(tmp_path):
    from textanalyse.run import run_analysis

    rows = ["respondent_id;tilfredshet;bra"]
    answers = {
        "1": "Lang ventetid og ingen ringte meg tilbake.", "2": "Ventetid på flere måneder før første samtale.",
        "3": "Samtalene er greie, men ventetid er et problem.", "4": "God oppfølging fra kontaktperson hver uke.",
        "5": "Veldig god oppfølging og trygg kontaktperson."}
    for number in range(1, 31):
        score = str(number % 5 + 1)
        rows.append(f"R{number:02d};{score};{answers[score]}")
    (tmp_path / "svar.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text(
        '[topics]\nenabled = false\n[quotes]\nenabled = false\n[[material]]\nname = "svar"\nsurvey = "svar.csv"\n'
        'text_columns = ["bra"]\nid_column = "respondent_id"\nclosed_items = ["tilfredshet"]\n'
        'bins = { tilfredshet = "1-2=misfornøyd,3=nøytral,4-5=fornøyd" }\n'
        'group_by = ["tilfredshet"]\n', encoding="utf-8")
    result = run_analysis(tmp_path / "analyse.toml", out_dir=tmp_path / "ut", overrides=["annotation.pipeline=fast"])
    material = result.materials[0]
    assert material.closed_order == {"tilfredshet": ["misfornøyd", "nøytral", "fornøyd"]}
    waiting = material.closed_levels[material.closed_levels["theme"] == "Ventetid og tilgjengelighet"]
    assert waiting["documents_coded"].tolist() == [12, 6, 0] and waiting["documents_total"].tolist() == [12, 6, 12]
    trend = material.closed_trends.set_index("theme").loc["Ventetid og tilgjengelighet"]
    assert trend["z"] == pytest.approx(cochran_armitage([12, 6, 0], [12, 6, 12])[0])
    assert set(material.frequencies_by_group["tilfredshet"]["tilfredshet"]) == {"misfornøyd", "nøytral", "fornøyd"}
    html = (tmp_path / "ut" / "rapport.html").read_text(encoding="utf-8")
    assert "Lukkede spørsmål og temaer" in html and "100,0\u00a0% (12 av 12)" in html
    csv = pd.read_csv(tmp_path / "ut" / "tabeller" / "svar_lukkede_trend.csv")
    assert list(csv.columns) == ["item", "question", "theme", "levels", "documents_total", "share_first", "share_last",
                                 "z", "p_value", "p_adjusted"]


def test_cli_compare_with_bins(tmp_path):
    from textanalyse.cli import main

    rows = ["respondent_id;tilfredshet;bra"]
    for number in range(1, 21):
        score = 1 if number <= 10 else 5
        text = "Lang ventetid og ventetid igjen, ingen ventetid er kort." if score == 1 else \
            "God oppfølging, trygg oppfølging og jevn oppfølging."
        rows.append(f"R{number:02d};{score};{text}")
    (tmp_path / "svar.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "ord.csv"
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "svar.csv"), "--text-col", "bra", "--id-col",
                                       "respondent_id", "--group-col", "tilfredshet", "--bins",
                                       "1-2=misfornøyd,4-5=fornøyd", "--target", "misfornøyd", "--pipeline", "fast",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    row = table.set_index("word").loc["ventetid"]
    assert (row["count_target"], row["count_reference"]) == (30, 0)
    bad = CliRunner().invoke(main, ["compare", str(tmp_path / "svar.csv"), "--text-col", "bra", "--group-col",
                                    "tilfredshet", "--bins", "1-3=lav,3-5=høy", "--pipeline", "fast"])
    assert bad.exit_code == 2 and "value 3 is in both 'lav' and 'høy'" in bad.output


def test_run_on_an_spss_file_end_to_end(tmp_path):
    """A .sav export as researchers get it: value labels name the levels of the closed item (no bins),
    a wave column and municipalities; run writes the HTML and Word reports and a report per unit."""
    pyreadstat = pytest.importorskip("pyreadstat")
    import docx

    from textanalyse.run import run_analysis

    answers = {1.0: "Lang ventetid og ingen ringte meg tilbake.", 2.0: "Ventetid på flere måneder før samtale.",
               3.0: "Samtalene er greie, men ventetid er et problem.", 4.0: "God oppfølging fra kontaktperson.",
               5.0: "Veldig god oppfølging og trygg kontaktperson."}
    scores = [float(number % 5 + 1) for number in range(40)]
    frame = pd.DataFrame({"lopenr": [float(n) for n in range(1, 41)], "tilfredshet": scores,
                          "kommune": ["Hamar" if n < 25 else "Elverum" for n in range(40)],
                          "aar": [2021.0 if n % 2 else 2023.0 for n in range(40)],
                          "bra": [answers[score] for score in scores]})
    pyreadstat.write_sav(frame, str(tmp_path / "undersokelse.sav"),
                         variable_value_labels={"tilfredshet": {float(k): v for k, v in LABELS.items()}})
    (tmp_path / "analyse.toml").write_text(
        'title = "SPSS"\n[annotation]\npipeline = "fast"\n[topics]\nenabled = false\n[quotes]\nenabled = false\n'
        '[output]\ndocx = true\nsplit_by = "kommune"\nmin_respondents = 10\n'
        '[[material]]\nname = "Undersøkelse"\nsurvey = "undersokelse.sav"\ntext_columns = ["bra"]\n'
        'id_column = "lopenr"\nclosed_items = ["tilfredshet"]\nwave_column = "aar"\nwave_min_answers = 5\n',
        encoding="utf-8")
    result = run_analysis(tmp_path / "analyse.toml", out_dir=tmp_path / "ut")
    material = result.materials[0]
    assert material.closed_order == {"tilfredshet": ["Svært misfornøyd", "Misfornøyd", "Nøytral", "Fornøyd",
                                                     "Svært fornøyd"]}
    waiting = material.closed_levels[material.closed_levels["theme"] == "Ventetid og tilgjengelighet"]
    assert waiting["documents_coded"].tolist() == [8, 8, 8, 0, 0]
    assert waiting["documents_total"].tolist() == [8, 8, 8, 8, 8]
    assert material.waves.sizes[["wave", "respondents", "too_few"]].values.tolist() == [
        ["2021", 20, False], ["2023", 20, False]]
    assert sorted((unit.unit, unit.respondents, unit.too_small) for unit in material.units) == [
        ("Elverum", 15, False), ("Hamar", 25, False)]
    out = tmp_path / "ut"
    assert sorted(path.relative_to(out / "kommuner").as_posix() for path in (out / "kommuner").rglob("rapport.*")) == [
        "elverum/rapport.docx", "elverum/rapport.html", "hamar/rapport.docx", "hamar/rapport.html"]
    text = "\n".join(paragraph.text for paragraph in docx.Document(str(out / "rapport.docx")).paragraphs)
    assert "Lukkede spørsmål og temaer" in text and "Svært misfornøyd" in "\n".join(
        cell.text for table in docx.Document(str(out / "rapport.docx")).tables for row in table.rows for cell in row.cells)
