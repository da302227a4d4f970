"""rapport.docx: Word's styles, numbered captions, exact tables, figures, quotes, same bytes, valid OOXML."""

import dataclasses
import re
import shutil
import subprocess
import zipfile

import docx
import pytest

from tests.test_report import build_result
from textanalyse.report import write_report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_result(**changes):
    result = build_result(**changes)
    return dataclasses.replace(result, config={"compare": {"alpha": 0.05}, "output": {"docx": True}})


@pytest.fixture(scope="module")
def word(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    files = write_report(docx_result(), folder)
    return folder, files, docx.Document(str(folder / "rapport.docx"))


def captions(document, kind):
    return [p for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith(kind + " ")]


def test_docx_is_written_only_when_asked(tmp_path, word):
    assert "rapport.docx" in word[1]
    assert "rapport.docx" not in write_report(build_result(), tmp_path)
    assert not (tmp_path / "rapport.docx").exists()


def test_headings_use_words_built_in_styles(word):
    document = word[2]
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Title"] == ["Test <rapport>"]
    assert by_style["Heading 1"] == ["svar (spørreundersøkelse)"]
    assert by_style["Heading 2"] == ["Oversikt over materialet", "Mest brukte ord", "Temaer",
                                     "Sammenligninger mellom grupper", "Emner (NMF)", "Sitatkandidater", "Metode"]
    assert "bra – «Hva fungerer bra?»" in by_style["Heading 3"]
    assert "Kvinne mot Mann" in by_style["Heading 3"]


def test_captions_are_numbered_word_captions_with_seq_fields(word):
    document = word[2]
    tables, figures = captions(document, "Tabell"), captions(document, "Figur")
    assert [p.text.split(":")[0] for p in tables] == [f"Tabell {n}" for n in range(1, len(tables) + 1)]
    assert [p.text.split(":")[0] for p in figures] == [f"Figur {n}" for n in range(1, len(figures) + 1)]
    assert len(tables) == len(document.tables)
    assert tables[0].text == "Tabell 1: Materialet per spørsmål (svar)"
    for paragraph in tables + figures:
        kind = paragraph.text.split()[0]
        instructions = [node.text.strip() for node in paragraph._p.iter(f"{W}instrText")]
        chars = [node.get(f"{W}fldCharType") for node in paragraph._p.iter(f"{W}fldChar")]
        assert instructions == [f"SEQ {kind} \\* ARABIC"] and chars == ["begin", "separate", "end"]


def test_tables_are_word_tables_with_norwegian_headings_and_exact_values(word):
    document = word[2]
    overview = document.tables[0]
    assert [c.text for c in overview.rows[0].cells] == ["Spørsmål", "Dokumenter", "Respondenter", "Ikke-svar",
                                                        "Tomme svar", "Ord talt"]
    assert [c.text for c in overview.rows[1].cells] == ["bra", "3", "3", "0", "0", "9"]
    assert [c.text for c in overview.rows[2].cells] == ["darlig", "2", "2", "0", "0", "6"]
    theme_caption = next(i for i, p in enumerate(captions(document, "Tabell")) if p.text.startswith(
        "Tabell") and "Temaer: bra" in p.text)
    themes = document.tables[theme_caption]
    assert [c.text for c in themes.rows[0].cells] == ["Tema", "Dokumenter kodet", "Dokumenter totalt",
                                                      "Andel (95 % KI)", "Passasjer"]
    assert [c.text for c in themes.rows[2].cells] == ["Økonomi", "2", "3", "66,7\u00a0% (21,0–94,0)", "2"]
    # The header row repeats on every page.
    assert overview.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None


def test_every_figure_is_embedded_at_print_width(word):
    folder, files, document = word
    pngs = [name for name in files if name.endswith(".png")]
    assert len(document.inline_shapes) == len(pngs) == len(captions(document, "Figur"))
    for shape in document.inline_shapes:
        assert round(shape.width.cm, 1) == 16.0
    with zipfile.ZipFile(folder / "rapport.docx") as archive:
        media = sorted(n for n in archive.namelist() if n.startswith("word/media/"))
    assert len(media) == len(pngs)


def test_quotes_in_quote_style_with_guillemets_and_source_line(word):
    document = word[2]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes[0] == "«Kontaktpersonen er <b>ærlig</b> og hjelper meg med bolig»"
    assert quotes[1] == "– bra"
    assert quotes[3] == "– bra (må vurderes: sjelden kombinasjon)"


def test_methods_paragraph_is_ordinary_text(word):
    document = word[2]
    texts = [p for p in document.paragraphs]
    methods = next(i for i, p in enumerate(texts) if p.style.name == "Heading 2" and p.text == "Metode")
    paragraph = texts[methods + 1]
    assert paragraph.style.name == "Normal"
    assert paragraph.text.startswith("Materialet er en spørreundersøkelse (svar.csv)")


def test_two_runs_give_identical_bytes(tmp_path):
    write_report(docx_result(started="2025-03-01T10:15:00"), tmp_path / "a")
    write_report(docx_result(started="2025-04-02T08:00:00"), tmp_path / "b")
    first = (tmp_path / "a" / "rapport.docx").read_bytes()
    assert first == (tmp_path / "b" / "rapport.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "rapport.docx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core and "2025" not in core


def test_libreoffice_converts_it_to_pdf(word, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "profil"
    completed = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(tmp_path), str(word[0] / "rapport.docx")], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "rapport.pdf"
    assert pdf.is_file(), completed.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 3
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert "Tabell 1: Materialet per spørsmål (svar)" in text and "Figur 1" in text


def test_a_table_too_wide_for_portrait_gets_a_landscape_page_and_text_returns_to_portrait():
    import io

    import pandas as pd
    from docx.enum.section import WD_ORIENT

    from textanalyse.report.docx import WordReport

    report = WordReport("Bred tabell")
    report.text("Før tabellen.")
    narrow = pd.DataFrame({"word": ["bolig"], "count": [3]})
    report.table(narrow, caption="Smal")
    wide = pd.DataFrame({"word": ["hjemmetjenesten"], **{f"tall{i}": [123456.78] for i in range(8)}})
    report.table(wide, caption="Bred")
    report.table(wide, caption="Bred igjen")   # shares the landscape page
    report.text("Etter tabellen.")
    document = docx.Document(io.BytesIO(report.to_bytes()))
    orientations = [section.orientation for section in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert [round(section.page_width.cm, 1) for section in document.sections] == [21.0, 29.7, 21.0]
    widths = [round(sum(column.width.cm for column in table.columns), 1) for table in document.tables]
    assert widths == [16.0, 24.7, 24.7]
    # no number is broken: every numeric column is at least as wide as "123 456,78" needs
    assert min(column.width.cm for column in list(document.tables[1].columns)[1:]) >= 0.4 + 0.165 * 10
