"""rapport.html, tabeller.xlsx and figurer/: self-contained, Norwegian, escaped, deterministic."""

import dataclasses
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from textanalyse.analysis import Comparison, MaterialAnalysis, RunResult
from textanalyse.corpus import Corpus
from textanalyse.filters import apply_filters
from textanalyse.frequency import frequency_table
from textanalyse.nlp import annotate
from textanalyse.report import write_figures, write_html, write_report, write_workbook
from textanalyse.report.plan import slug
from textanalyse.report.workbook import sheet_name

ANSWERS = [
    ("R1", "bra", "Fikk god oppfølging av ruskonsulenten, og oppfølgingen var jevn.", "Kvinne"),
    ("R2", "bra", "Kontaktpersonen er <b>ærlig</b> og hjelper meg med bolig & økonomi.", "Mann"),
    ("R3", "bra", "Oppfølging hver uke og hjelp med økonomi.", "Kvinne"),
    ("R1", "darlig", "Lang ventetid på time hos psykolog.", "Kvinne"),
    ("R2", "darlig", "Ventetid og dårlig informasjon fra kommunen.", "Mann"),
]


def build_result(started="2025-03-01T10:15:00", **material_changes) -> RunResult:
    corpus = Corpus.from_documents(
        [{"doc_id": f"{r}:{q}", "respondent": r, "question": q, "source": "svar.csv", "text": t, "kjonn": k}
         for r, q, t, k in ANSWERS], metadata_columns=("kjonn",), sources=("svar.csv",))
    tokens = annotate(corpus, pipeline="fast")
    filtered = apply_filters(tokens, unit="lemma", min_length=4)
    frequencies = frequency_table(filtered.kept, corpus)
    overview = pd.DataFrame({"question": ["bra", "darlig"], "documents": [3, 2], "respondents": [3, 2],
                             "nonanswers": [0, 0], "empty": [0, 0], "words": [9, 6]})
    groups = pd.DataFrame({"variable": ["kjonn", "kjonn"], "value": ["Kvinne", "Mann"], "respondents": [2, 1],
                           "documents": [3, 2]})
    summary = pd.DataFrame({"question": ["bra", "bra"], "theme": ["Bolig", "Økonomi"], "documents_coded": [1, 2],
                            "documents_total": [3, 3], "share": [1 / 3, 2 / 3], "ci_low": [0.06, 0.21],
                            "ci_high": [0.79, 0.94], "passages": [1, 2]})
    keyness = pd.DataFrame({
        "word": ["ventetid", "oppfølging"], "count_target": [2, 0], "count_reference": [0, 3],
        "per_1000_target": [200.0, 0.0], "per_1000_reference": [0.0, 150.0], "documents_target": [2, 0],
        "documents_reference": [0, 2], "g2": [6.1, 4.2], "log_ratio": [2.5, -2.1], "p_value": [0.01, 0.04],
        "p_adjusted": [0.02, 0.08], "p_documents": [0.1, 0.3]})
    one_vs_rest = pd.concat([keyness.assign(group="Kvinne"), keyness.assign(group="Mann")], ignore_index=True)
    one_vs_rest = one_vs_rest[["group"] + list(keyness.columns)]
    topics = pd.DataFrame({"topic": [1, 2], "label": ["oppfølging / hjelp", "ventetid / time"], "size": [3, 2],
                           "top_words": ["oppfølging, hjelp", "ventetid, time"], "weights": ["0.6, 0.4", "0.7, 0.3"],
                           "stability": [0.81, 0.42]})
    quotes = pd.DataFrame({
        "theme_or_word": ["Bolig", "Økonomi"], "rank": [1, 1],
        "quote": ["Kontaktpersonen er <b>ærlig</b> og hjelper meg med bolig", "=1+1 <script>alert(1)</script>"],
        "doc_id": ["R2:bra", "R3:bra"], "question": ["bra", "bra"], "group": ["", ""],
        "matched": ["bolig", "økonomi"], "risk_flags": ["", "sjelden kombinasjon"], "citation": ["(R2)", "(R3)"]})
    kwic = pd.DataFrame({"doc_id": ["R1:darlig"], "respondent": ["R1"], "question": ["darlig"], "segment": [0],
                         "speaker": [""], "left": ["Lang"], "keyword": ["ventetid"], "right": ["på time"],
                         "lemma": ["ventetid"], "kjonn": ["Kvinne"]})
    material = MaterialAnalysis(
        name="svar", kind="survey", corpus=corpus, pipeline="fast", unit="lemma", min_length=4,
        overview=overview, groups=groups, filter_report=filtered.report, frequencies=frequencies,
        frequencies_by_group={"kjonn": frequency_table(filtered.kept, corpus, group_by="kjonn")},
        kwic=kwic, theme_summary=summary,
        theme_cooccurrence=pd.DataFrame([[1, 1], [1, 2]], index=["Bolig", "Økonomi"], columns=["Bolig", "Økonomi"]),
        topics=topics, topic_stability=0.61,
        comparisons=[Comparison("Kvinne mot Mann", "kjonn", "Kvinne", "Mann", keyness),
                     Comparison("kjønn: hver mot resten", "kjonn", None, None, one_vs_rest)],
        quotes=quotes, question_labels={"bra": "Hva fungerer bra?", "darlig": "Hva fungerer dårlig?"},
        stoplists=filtered.stoplists, language_split={"nb": 5})
    material = dataclasses.replace(material, **material_changes)
    return RunResult(title="Test <rapport>", materials=[material], config={"compare": {"alpha": 0.05}},
                     manifest={"started": started}, codebook_name="Testkodebok")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rapport")
    files = write_report(build_result(), folder)
    return folder, files, (folder / "rapport.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ write_report

def test_write_report_writes_and_lists_the_files(report):
    folder, files, _ = report
    assert files == sorted(files)
    assert "rapport.html" in files and "tabeller.xlsx" in files
    for name in ("figurer/svar_bra_ordsky.png", "figurer/svar_bra_toppord.png", "figurer/svar_bra_toppord.svg",
                 "figurer/svar_darlig_ordsky.png", "figurer/svar_bra_temaer.png",
                 "figurer/svar_kvinne_mot_mann_nokkelord.png",
                 "figurer/svar_kjonn_hver_mot_resten_kvinne_nokkelord.png",
                 "figurer/svar_kjonn_hver_mot_resten_mann_nokkelord.png"):
        assert name in files, name
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == files


def test_same_input_gives_same_files_except_the_run_time(tmp_path):
    first = write_report(build_result(started="2025-03-01T10:15:00"), tmp_path / "a")
    second = write_report(build_result(started="2025-03-02T11:00:00"), tmp_path / "b")
    assert first == second
    for name in first:
        a, b = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        if name == "rapport.html":
            lines = [(x, y) for x, y in zip(a.decode().splitlines(), b.decode().splitlines()) if x != y]
            assert len(lines) == 1 and "01.03.2025 kl. 10:15" in lines[0][0] and "02.03.2025 kl. 11:00" in lines[0][1]
        else:
            assert a == b, name


# ------------------------------------------------------------------------------ html

def test_html_is_norwegian_and_has_the_sections(report):
    html = report[2]
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nb">' in html
    for text in ("Oversikt over materialet", "Mest brukte ord", "Temaer", "Sammenligninger mellom grupper",
                 "Emner (NMF)", "Sitatkandidater", "Metode", "Må vurderes før publisering", "Kopier",
                 ">Ord<", ">Antall<", ">Vektet prosent<", ">Dokumenter<", ">Lignende ord<", ">G²<",
                 ">Justert p (BH)<", ">Andel<", ">KI nedre (95 %)<", ">Stabilitet<", ">Risikomerker<",
                 "Kjørt", "01.03.2025 kl. 10:15", "textanalyse 0.1.0", "Pipeline", "Testkodebok",
                 "Hva fungerer bra?"):
        assert text in html, text


def test_html_is_self_contained(report):
    html = report[2]
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and "@import" not in html and "url(" not in html
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert all(h.startswith("#") for h in re.findall(r'\shref="([^"]*)"', html))
    assert re.findall(r"<script[^>]*>", html) == ["<script>"]           # one inline script, no src
    assert html.count("<style>") == 1 and "@media print" in html


def test_html_escapes_all_text(report):
    html = report[2]
    assert "&lt;b&gt;ærlig&lt;/b&gt;" in html and "<b>ærlig" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>Test &lt;rapport&gt;</title>" in html


def test_html_marks_significant_words_and_risky_quotes(report):
    html = report[2]
    assert html.count('<tr class="signifikant">') == 3          # ventetid in each of the three tables
    assert 'class="flagg"' in html and "sjelden kombinasjon" in html
    assert 'class="ustabil"' in html                              # topic 2 has stability 0.42
    assert "Antall (Kvinne)" in html and "Antall (Mann)" in html and "Antall (resten)" in html


def test_html_numbers_are_sortable_and_norwegian(report):
    html = report[2]
    assert '<td class="tall" data-v="0.3333333333333333">33,3\u00a0%</td>' in html
    assert 'class="sorterbar"' in html and "localeCompare" in html


def test_html_ids_are_unique(report):
    ids = re.findall(r'\sid="([^"]+)"', report[2])
    assert len(ids) == len(set(ids))


def test_html_without_figures_argument_draws_them_itself(tmp_path):
    path = write_html(build_result(), tmp_path / "rapport.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 6
    assert list(tmp_path.iterdir()) == [path]


def test_html_and_workbook_survive_empty_tables(tmp_path):
    empty = pd.DataFrame()
    result = build_result(frequencies=pd.DataFrame(columns=["question", "word", "count"]), groups=empty,
                          frequencies_by_group={}, theme_summary=empty, theme_cooccurrence=empty, topics=empty,
                          topic_stability=None, comparisons=[Comparison("tom", "kjonn", None, None, empty)],
                          quotes=empty, kwic=empty, filter_report=empty, overview=empty)
    files = write_report(result, tmp_path)
    assert files == ["rapport.html", "tabeller.xlsx"]
    html = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Ingen ord ble talt" in html and "Sitatkandidater" not in html and "Sammenligninger" not in html


# ------------------------------------------------------------------------------ workbook

def test_workbook_sheets_headings_and_frozen_header(report):
    workbook = load_workbook(report[0] / "tabeller.xlsx")
    assert workbook.sheetnames == [
        "Oversikt", "Grupper", "Filtre", "Ord bra", "Ord darlig", "Ord etter kjonn", "Temaer", "Samforekomst",
        "Emner", "Nøkkelord Kvinne mot Mann", "Nøkkelord kjønn hver mot resten", "Sitater", "KWIC", "Metode"]
    expected = {
        "Oversikt": ["Spørsmål", "Dokumenter", "Respondenter", "Ikke-svar", "Tomme svar", "Ord talt"],
        "Filtre": ["Filter", "Grunn", "Forekomster fjernet", "Ulike ord fjernet", "Ord fjernet (de vanligste først)"],
        "Ord bra": ["Spørsmål", "Ord", "Lengde", "Antall", "Vektet prosent", "Dokumenter", "Lignende ord"],
        "Temaer": ["Spørsmål", "Tema", "Dokumenter kodet", "Dokumenter totalt", "Andel", "KI nedre (95 %)",
                   "KI øvre (95 %)", "Passasjer"],
        "Samforekomst": ["Tema", "Bolig", "Økonomi"],
        "Nøkkelord Kvinne mot Mann": ["Ord", "Antall (målgruppe)", "Antall (referanse)", "Per 1000 ord (målgruppe)",
                                      "Per 1000 ord (referanse)", "Dokumenter (målgruppe)", "Dokumenter (referanse)",
                                      "G²", "Log-ratio", "p-verdi", "Justert p (BH)", "p dokumenter (Fisher)"],
        "Sitater": ["Tema eller ord", "Rangering", "Sitat", "Dokument-ID", "Spørsmål", "Gruppe", "Treff",
                    "Risikomerker", "Kildehenvisning"],
        "Metode": ["Materiale", "Tekst"],
    }
    for name, headings in expected.items():
        sheet = workbook[name]
        assert [cell.value for cell in sheet[1]] == headings, name
    for sheet in workbook:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert len(sheet.title) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet.title)


def test_workbook_stores_numbers_as_numbers_and_text_as_text(report):
    workbook = load_workbook(report[0] / "tabeller.xlsx")
    words = workbook["Ord bra"]
    row = [cell for cell in words[2]]
    assert isinstance(row[3].value, int) and row[3].data_type == "n"
    assert isinstance(row[4].value, (int, float)) and row[4].number_format == "0.00"     # weighted percentage
    themes = workbook["Temaer"]
    assert themes["E2"].number_format == "0.0%" and abs(themes["E2"].value - 1 / 3) < 1e-12
    quotes = workbook["Sitater"]
    assert quotes["C3"].value == "=1+1 <script>alert(1)</script>" and quotes["C3"].data_type == "s"
    width = workbook["Ord bra"].column_dimensions["G"].width
    assert 6 <= width <= 60
    methods = workbook["Metode"]["B2"].value
    assert methods.startswith("Materialet er en spørreundersøkelse")


def test_workbook_is_byte_identical_for_the_same_input(tmp_path):
    write_workbook(build_result(started="2025-01-01"), tmp_path / "a.xlsx")
    write_workbook(build_result(started="2026-01-01"), tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_sheet_names_are_valid_and_unique():
    used = set()
    names = [sheet_name(base, used) for base in
             ["Ord: bra/dårlig?", "Ord: bra/dårlig?", "x" * 40, "x" * 40, "[KWIC]*", "History", "'sitater'"]]
    assert names[0] == "Ord bra-dårlig-" and names[1] == "Ord bra-dårlig- (2)"
    assert names[2] == "x" * 31 and names[3] == "x" * 27 + " (2)"
    assert names[4] == "-KWIC--" and names[5] == "History (2)" and names[6] == "sitater"
    assert len(set(n.lower() for n in names)) == len(names)


# ------------------------------------------------------------------------------ figures

def test_write_figures_names_are_stable(tmp_path):
    written = write_figures(build_result(), tmp_path)
    assert all(path.parent == tmp_path and path.exists() for path in written.values())
    assert set(written) == {path.name for path in tmp_path.iterdir()}
    assert slug("Kjønn: unge/eldre (Ålesund)") == "kjonn_unge_eldre_alesund"
