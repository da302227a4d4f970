"""One report per unit: thresholds, «<5» cells, withheld quotes, and no way back to a hidden cell."""

import re

import docx
import pytest

from textanalyse.run import run_analysis
from textanalyse.units import unit_analyses

WAITING = "Altfor lang ventetid, og ingen ringte meg tilbake etterpå heller."
FOLLOW_UP = "God oppfølging hver uke, og det hjelper meg veldig mye i hverdagen."
THEME = "Ventetid og tilgjengelighet"
# unit: (respondents answering about waiting, respondents answering about follow-up)
UNITS = {"Aby": (3, 17), "Bby": (8, 7), "Cby": (6, 6), "Dvik": (5, 4)}


def write_material(folder, *, docx_output=True, min_respondents=10):
    rows, number = ["respondent_id;kommune;bra"], 0
    for unit, (waiting, follow_up) in UNITS.items():
        for text in [WAITING] * waiting + [FOLLOW_UP] * follow_up:
            number += 1
            rows.append(f"R{number:03d};{unit};{text}")
    (folder / "svar.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "analyse.toml").write_text(
        f'title = "Kommunetest"\n[output]\ndocx = {"true" if docx_output else "false"}\nsplit_by = "kommune"\n'
        f"min_respondents = {min_respondents}\nmin_cell = 5\n"
        '[topics]\nenabled = false\n[quotes]\nwords = ["oppfølging", "ventetid"]\nmin_words = 5\n'
        '[[material]]\nname = "svar"\nsurvey = "svar.csv"\ntext_columns = ["bra"]\nid_column = "respondent_id"\n',
        encoding="utf-8")
    return folder / "analyse.toml"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kommuner")
    result = run_analysis(write_material(folder), out_dir=folder / "ut", overrides=["annotation.pipeline=fast"])
    return folder / "ut", result


def unit_html(out, name):
    return (out / "kommuner" / name / "rapport.html").read_text(encoding="utf-8")


def test_a_unit_of_nine_respondents_gets_no_report_and_is_named_in_the_index(run):
    out, result = run
    assert sorted(p.name for p in (out / "kommuner").iterdir()) == ["aby", "bby", "cby", "index.html"]
    index = (out / "kommuner" / "index.html").read_text(encoding="utf-8")
    assert "<td>Dvik</td>" in index and "for liten: færre enn 10 respondenter, ingen egen rapport" in index
    assert '<a href="aby/rapport.html">rapport</a>' in index
    assert ">9<" not in index                              # the small unit's size is not given either
    assert {u.unit: u.too_small for u in result.materials[0].units} == {"Aby": False, "Bby": False, "Cby": False,
                                                                         "Dvik": True}
    for name in ("kommuner/aby/rapport.docx", "kommuner/index.html"):
        assert name in result.files


def test_a_cell_of_three_shows_less_than_five_and_hides_what_would_give_it_back(run):
    out, result = run
    aby = next(u for u in result.materials[0].units if u.unit == "Aby")
    row = aby.themes.set_index("theme").loc[THEME]
    assert bool(row["suppressed"]) and not bool(row["complementary"])
    assert row[["coded", "share", "ci_low", "ci_high", "difference", "p_value", "p_adjusted"]].isna().all()
    html = unit_html(out, "aby")
    cells = re.search(rf"<tr><td>{THEME}</td>(.*?)</tr>", html).group(1)
    values = re.findall(r"<td[^>]*>(.*?)</td>", cells)
    assert values == ["&lt;5", "20", "–", "–", "39\u00a0%", "–", "–"]   # whole material: 22 of 56, rounded
    # Shown cells are exact: 17 of 20 follow-up answers in Aby.
    follow = aby.themes.set_index("theme").loc["Oppfølging"]
    assert (follow["coded"], follow["total"], round(follow["share"], 4)) == (17, 20, 0.85)


def test_whole_material_figures_are_rounded_shares_only(run):
    out, result = run
    whole = result.materials[0].theme_summary.set_index("theme").loc[THEME]
    assert (whole["documents_coded"], whole["documents_total"]) == (22, 56)
    aby = next(u for u in result.materials[0].units if u.unit == "Aby")
    assert aby.themes.set_index("theme").loc[THEME, "share_all"] == 0.39


def test_no_number_in_the_unit_report_recovers_the_hidden_cell(run):
    out, result = run
    html = unit_html(out, "aby")
    text = re.sub(r"<[^>]+>", " ", html)
    # Aby's hidden cell is 3 of 20 (15 %); the rest of the material has 19 of 36 (52,8 %), a difference of
    # −37,8 points. None of these may be printed:
    for forbidden in ("15,0", "52,8", "19 av 36", "36", "\u221237,8", "\u00a03\u00a0"):
        assert forbidden not in text, forbidden
    # The whole material's exact count (22, in rapport.html) minus the other units' shown counts does not give 3:
    # Dvik has no report, so at least two cells of the row stay unknown.
    shown = {u.unit: u.themes.set_index("theme").loc[THEME] for u in result.materials[0].units if not u.too_small}
    unknown = [name for name, row in shown.items() if row["suppressed"]] + [
        u.unit for u in result.materials[0].units if u.too_small]
    assert len(unknown) >= 2


def test_complementary_cell_is_suppressed_when_only_one_cell_is_hidden(run):
    _, result = run
    material = result.materials[0]
    from textanalyse.filters import apply_filters
    from textanalyse.nlp import annotate

    kept = apply_filters(annotate(material.corpus, pipeline="fast"), unit="lemma", min_length=4).kept
    units = {u.unit: u for u in unit_analyses(material, kept, column="kommune", min_respondents=5, min_cell=5)}
    assert not any(u.too_small for u in units.values())          # Dvik (9) now has a report
    rows = {name: u.themes.set_index("theme").loc[THEME] for name, u in units.items()}
    assert bool(rows["Aby"]["suppressed"]) and not bool(rows["Aby"]["complementary"])
    # Dvik's 5 is the smallest shown cell of the row: hidden too, so 22 − 8 − 6 gives 3 + 5, not 3.
    assert bool(rows["Dvik"]["suppressed"]) and bool(rows["Dvik"]["complementary"])
    assert not rows["Bby"]["suppressed"] and not rows["Cby"]["suppressed"]
    for theme_rows in zip(*(u.themes.itertuples() for u in units.values())):
        hidden = sum(bool(row.suppressed) for row in theme_rows)
        assert hidden != 1


def test_quotes_from_a_suppressed_cell_are_withheld_and_counted(run):
    out, result = run
    aby = next(u for u in result.materials[0].units if u.unit == "Aby")
    items = set(aby.quotes["theme_or_word"])
    assert THEME not in items and "ventetid" not in items and "oppfølging" in items
    assert aby.quotes_withheld == 2           # the theme and the word, one quote each from a cell of 3
    html = unit_html(out, "aby")
    assert WAITING.rstrip(".") not in html and FOLLOW_UP.rstrip(".") in html
    # Dvik has no report; its respondents are not quoted in the main report either.
    dvik = {f"R{n:03d}" for n in range(48, 57)}
    assert not set(result.materials[0].quotes["respondent"]) & dvik


def test_methods_paragraph_states_thresholds_and_what_was_suppressed(run):
    out, result = run
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unit_html(out, "aby")))
    assert "færre enn 10 respondenter får ingen egen rapport" in text and "(her: Dvik)" in text
    assert "Tall under 5 vises som «&lt;5»" in text
    assert "I denne rapporten er" in text and "celler skjult" in text
    assert "2 sitater er holdt tilbake" in text
    assert "avrundet til hele prosent" in text


def test_unit_word_report_has_the_same_tables(run):
    out, _ = run
    document = docx.Document(str(out / "kommuner" / "aby" / "rapport.docx"))
    theme_table = next(t for t in document.tables if t.rows[0].cells[0].text == "Tema")
    row = next(r for r in theme_table.rows if r.cells[0].text == THEME)
    assert [c.text for c in row.cells][1:3] == ["<5", "20"]
    first = (out / "kommuner" / "aby" / "rapport.docx").read_bytes()
    assert first.startswith(b"PK")


def test_shown_unit_statistics_agree_with_scipy(run):
    from scipy.stats import false_discovery_control, fisher_exact

    _, result = run
    aby = next(u for u in result.materials[0].units if u.unit == "Aby")
    follow = aby.themes.set_index("theme").loc["Oppfølging"]
    # Aby 17 of 20 against the rest of the material, 17 of 36 (Fisher exact, two-sided).
    assert follow["p_value"] == pytest.approx(fisher_exact([[17, 3], [17, 19]])[1])
    assert follow["difference"] == pytest.approx(17 / 20 - 17 / 36)
    # Benjamini–Hochberg over the shown rows only: no printed p depends on a hidden cell.
    shown = aby.themes[~aby.themes["suppressed"]]
    assert shown["p_adjusted"].tolist() == pytest.approx(list(false_discovery_control(shown["p_value"].to_numpy())))
    assert aby.themes.loc[aby.themes["suppressed"], "p_adjusted"].isna().all()
