"""The export-qdpx and import-qdpx commands and `[output] qdpx = true` in run, end to end."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from textanalyse.cli import main
from textanalyse.qdpx.read import read_project
from textanalyse.run import run_analysis
from textanalyse.themes import load_codebook

SURVEY = ("respondent_id;kommune;alder;fungerer_bra;fungerer_darlig\n"
          "R1;Bergen;23;Jeg fikk god oppfølging og en egen bolig etter lang tid.;Lang ventetid på behandling.\n"
          "R2;Tromsø;67;Hjelpen fra NAV var grei, og jeg fikk jobb på et lager.;Ingen ringte meg tilbake.\n"
          "R3;Bergen;41;-;Jeg er ensom og har ingen venner her.\n")
TRANSCRIPT = "I: Hvordan bor du?\nIP: Jeg har fått en kommunal bolig nå, og det er fint.\n"
CODEBOOK = """categories:
  Tjenester: {description: Det kommunen gir}
themes:
  Bolig: {description: Å ha et sted å bo., patterns: ["*bolig*", sted å bo], color: "#aa0000", parent: Tjenester}
  Ventetid: {patterns: [ventetid*, lang tid]}
"""


@pytest.fixture
def project_folder(tmp_path):
    (tmp_path / "svar.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "intervjuer").mkdir()
    (tmp_path / "intervjuer" / "ung_01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "kodebok.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "koding.csv").write_text("doc_id;segment;theme;user\nR2:fungerer_bra;0;Bolig;Kari\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text(
        'title = "Liten test"\n[output]\ndir = "resultater"\nqdpx = true\nqdpx_codings = "koding.csv"\n'
        '[annotation]\npipeline = "fast"\n[themes]\ncodebook = "kodebok.yaml"\n[topics]\nenabled = false\n'
        '[quotes]\nwords = ["bolig"]\nmin_words = 4\n'
        '[[material]]\nname = "Svar"\nsurvey = "svar.csv"\ntext_columns = ["fungerer_bra", "fungerer_darlig"]\n'
        'id_column = "respondent_id"\nquestion_labels = { fungerer_bra = "Hva fungerer bra?" }\n'
        '[[material]]\nname = "Intervjuer"\ntranscripts = ["intervjuer"]\n', encoding="utf-8")
    return tmp_path


def test_export_qdpx_command_writes_a_valid_deterministic_project(project_folder, project_schema):
    runner = CliRunner()
    first = runner.invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out",
                                 str(project_folder / "a.qdpx"), "--human-codings", str(project_folder / "koding.csv")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out",
                                  str(project_folder / "b.qdpx"), "--human-codings", str(project_folder / "koding.csv")])
    assert second.exit_code == 0, second.output
    assert (project_folder / "a.qdpx").read_bytes() == (project_folder / "b.qdpx").read_bytes()
    with zipfile.ZipFile(project_folder / "a.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
    assert project_schema.validate(root), project_schema.error_log
    project, _ = read_project(project_folder / "a.qdpx")
    assert [source.name for source in project.sources] == ["R1", "R2", "R3", "ung_01"]
    assert project.sources[2].text == "fungerer_darlig\nJeg er ensom og har ingen venner her.\n"  # "-" is no answer
    assert [user.name for user in project.users] == ["textanalyse (automatisk)", "Kari"]
    assert [code.name for code in project.codes] == ["Tjenester", "Ventetid", "Spørsmål", "Talere", "Sitatkandidater"]


def test_a_filled_coding_sheet_works_as_human_codings(project_folder):
    """The sheet code-sheet writes (one 0/1 column per theme) needs no conversion to a long table."""
    (project_folder / "kari.csv").write_text(
        "doc_id;segment;question;text;Bolig;Ventetid;kommentar\n"
        "R2:fungerer_bra;0;fungerer_bra;Hjelpen fra NAV var grei;1;0;\n"
        "R1:fungerer_darlig;0;fungerer_darlig;Lang ventetid på behandling.;0;1;sikker\n"
        "R3:fungerer_darlig;0;fungerer_darlig;Jeg er ensom;0;0;\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out",
                                       str(project_folder / "k.qdpx"), "--human-codings", str(project_folder / "kari.csv")])
    assert result.exit_code == 0, result.output
    project, _ = read_project(project_folder / "k.qdpx")
    kari = next(user.guid for user in project.users if user.name == "kari")
    codes = {code.guid: code.name for code, _ in project.walk_codes()}
    human = sorted((source.name, source.text[selection.start:selection.end], coding.code)
                   for source in project.sources for selection in source.selections for coding in selection.codings
                   if coding.user == kari)
    assert [(name, text) for name, text, _ in human] == [("R1", "Lang ventetid på behandling."),
                                                          ("R2", "Hjelpen fra NAV var grei, og jeg fikk jobb på et lager.")]
    assert [codes[code] for _, _, code in human] == ["Ventetid", "Bolig"]


def test_export_qdpx_codebook_only_writes_a_qdc(project_folder):
    out = project_folder / "kodebok.qdc"
    result = CliRunner().invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--codebook-only",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")] == ["Tjenester", "Bolig", "Ventetid"]


def test_export_qdpx_refuses_a_wrong_ending_in_one_line(project_folder):
    result = CliRunner().invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out",
                                       str(project_folder / "prosjekt.zip")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {project_folder / 'prosjekt.zip'}: --out must end in .qdpx"
    result = CliRunner().invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--codebook-only",
                                       "--out", str(project_folder / "k.qdpx")])
    assert result.output.strip().endswith("--out must end in .qdc with --codebook-only")


def test_run_with_qdpx_writes_the_project_into_the_results(project_folder, project_schema):
    result = run_analysis(project_folder / "analyse.toml", out_dir=project_folder / "res")
    assert "prosjekt.qdpx" in result.files
    with zipfile.ZipFile(project_folder / "res" / "prosjekt.qdpx") as archive:
        assert project_schema.validate(etree.fromstring(archive.read("project.qde")))
    project, _ = read_project(project_folder / "res" / "prosjekt.qdpx")
    quotes = next(code for code in project.codes if code.name == "Sitatkandidater")
    assert sum(c.code == quotes.guid for s in project.sources for sel in s.selections for c in sel.codings) >= 1
    assert any(user.name == "Kari" for user in project.users)
    again = CliRunner().invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out",
                                      str(project_folder / "c.qdpx"), "--human-codings", str(project_folder / "koding.csv")])
    assert again.exit_code == 0, again.output
    assert (project_folder / "c.qdpx").read_bytes() == (project_folder / "res" / "prosjekt.qdpx").read_bytes()


def test_import_qdpx_command_writes_codebook_and_coding(project_folder):
    runner = CliRunner()
    runner.invoke(main, ["export-qdpx", str(project_folder / "analyse.toml"), "--out", str(project_folder / "a.qdpx")])
    result = runner.invoke(main, ["import-qdpx", str(project_folder / "a.qdpx"), "--codebook-out",
                                  str(project_folder / "ny.yaml"), "--coding-out", str(project_folder / "koding_ut.csv")])
    assert result.exit_code == 0, result.output
    book = load_codebook(project_folder / "ny.yaml")
    assert book.theme_names == ["Bolig", "Ventetid"] and [c.name for c in book.categories] == ["Tjenester"]
    assert book.themes[0].color == "#aa0000" and book.themes[0].parent == "Tjenester"
    table = (project_folder / "koding_ut.csv").read_text(encoding="utf-8").splitlines()
    assert table[0] == "source,case,start,end,text,code,code_path,user,doc_id,segment,segment_start,segment_end,kommune,alder"
    assert "R1,R1,53,58,bolig,Bolig,Tjenester › Bolig,textanalyse (automatisk),R1:fungerer_bra,0,35,40,Bergen,23" in table
    assert result.output.splitlines()[0] == "a.qdpx: 10 codes, 4 text sources, 17 codings by 2 user(s)"
