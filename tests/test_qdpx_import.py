"""REFI-QDA import: files NVivo, MAXQDA, ATLAS.ti and QualCoder write, round trips, and clear errors.

The foreign projects are built here from what the standard (REFI-QDA 1.5, annex A) and the
importers' issue trackers document about each tool's exports: NVivo's capitalised ``Sources/``
folder, nested codes, GUIDs in braces and CRLF counted as two characters; MAXQDA's one source
per survey respondent with ``VariableValue`` inside the source and nameless cases; ATLAS.ti's
``<project name>.qde``, upper-case GUIDs and file names, and CRLF counted as one character.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.qdpx.build import ExportMaterial, build_project
from textanalyse.qdpx.codebook import codebook_codes, codebook_xml
from textanalyse.qdpx.ids import Guids
from textanalyse.qdpx.importer import CODING_COLUMNS, KEY_COLUMNS, coding_table, import_file, import_qdpx
from textanalyse.qdpx.read import read_project
from textanalyse.qdpx.write import archive_bytes, write_qdpx
from textanalyse.themes import load_codebook, parse_codebook

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


def archive(path: Path, entries: dict) -> Path:
    with zipfile.ZipFile(path, "w") as handle:
        for name, data in entries.items():
            handle.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def rows(table, *columns):
    return [tuple(row) for row in table[list(columns)].itertuples(index=False)]


# ----------------------------------------------------------------------------- NVivo

NVIVO_TEXT = "\ufeffIntervju med Anna\r\nJeg trenger en bolig.\r\nVentetiden var lang.\r\n"
NVIVO = HEAD + """<Project xmlns="urn:QDA-XML:project:1.0" name="Helseprosjekt" origin="NVivo 14"
  creatingUserGUID="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}" creationDateTime="2024-05-02T08:00:00Z">
 <Users><User guid="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}" name="Kari Nordmann" /></Users>
 <CodeBook><Codes>
  <Code guid="{A1111111-1111-4111-8111-111111111111}" name="Tjenester" isCodable="false" color="#808080">
   <Description>Det kommunen gir</Description>
   <Code guid="{B2222222-2222-4222-8222-222222222222}" name="Bolig" isCodable="true" color="#FF0000">
    <Description>Å ha et sted å bo</Description>
    <Code guid="{C3333333-3333-4333-8333-333333333333}" name="Kommunal bolig" isCodable="true" />
   </Code>
  </Code>
  <Code guid="{D4444444-4444-4444-8444-444444444444}" name="Ventetid" isCodable="true" color="#00F" />
 </Codes></CodeBook>
 <Variables><Variable guid="{E5555555-5555-4555-8555-555555555555}" name="Alder" typeOfVariable="Integer" /></Variables>
 <Cases><Case guid="{F6666666-6666-4666-8666-666666666666}" name="Anna">
  <VariableValue><VariableRef targetGUID="{E5555555-5555-4555-8555-555555555555}" /><IntegerValue>71</IntegerValue></VariableValue>
  <SourceRef targetGUID="{17FB9CB8-7858-4291-A162-65424B9942EC}" />
 </Case></Cases>
 <Sources>
  <TextSource guid="{17FB9CB8-7858-4291-A162-65424B9942EC}" name="Anna" plainTextPath="internal://17FB9CB8-7858-4291-A162-65424B9942EC.txt"
    richTextPath="internal://17FB9CB8-7858-4291-A162-65424B9942ED.docx"
    creatingUser="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}" creationDateTime="2024-05-02T08:00:00Z">
   <PlainTextSelection guid="{21111111-1111-4111-8111-111111111111}" name="Jeg trenger en bolig." startPosition="19" endPosition="40"
     creatingUser="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}" creationDateTime="2024-05-02T09:00:00Z">
    <Description>Tydelig behov</Description>
    <Coding guid="{31111111-1111-4111-8111-111111111111}" creatingUser="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}">
     <CodeRef targetGUID="{C3333333-3333-4333-8333-333333333333}" /></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{22222222-2222-4222-8222-222222222222}" name="Ventetiden" startPosition="42" endPosition="52"
     creatingUser="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}">
    <Coding guid="{32222222-2222-4222-8222-222222222222}" creatingUser="{6B2D0A3E-9C1F-4D8E-8E61-1F0C2B3A4D5E}">
     <CodeRef targetGUID="{D4444444-4444-4444-8444-444444444444}" /></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"""


@pytest.fixture
def nvivo(tmp_path):
    return archive(tmp_path / "fra_nvivo.qdpx", {
        "project.qde": NVIVO, "Sources/17FB9CB8-7858-4291-A162-65424B9942EC.txt": NVIVO_TEXT,
        "Sources/17FB9CB8-7858-4291-A162-65424B9942ED.docx": b"PK not read"})


def test_nvivo_project_with_braces_nested_codes_bom_and_crlf_as_two(nvivo):
    result = import_file(nvivo)
    assert result.report.crlf_two == ["TextSource 'Anna'"]
    assert rows(result.coding, *CODING_COLUMNS, "Alder") == [
        ("Anna", "Anna", 18, 39, "Jeg trenger en bolig.", "Kommunal bolig", "Tjenester › Bolig › Kommunal bolig",
         "Kari Nordmann", "71"),
        ("Anna", "Anna", 40, 50, "Ventetiden", "Ventetid", "Ventetid", "Kari Nordmann", "71")]
    source = result.project.sources[0]
    assert source.text == "Intervju med Anna\nJeg trenger en bolig.\nVentetiden var lang.\n"
    assert source.guid == "17fb9cb8-7858-4291-a162-65424b9942ec"


def test_nvivo_codebook_becomes_yaml_that_themes_loads(nvivo, tmp_path):
    out = tmp_path / "kodebok.yaml"
    lines = import_qdpx(nvivo, codebook_out=out)
    book = load_codebook(out)
    assert [(c.name, c.description, c.color, c.parent) for c in book.categories] == [
        ("Tjenester", "Det kommunen gir", "#808080", "")]
    assert [(t.name, t.parent, t.color, t.review, [p.text for p in t.patterns]) for t in book.themes] == [
        ("Bolig", "Tjenester", "#ff0000", True, ["bolig*", "*bolig"]),
        ("Kommunal bolig", "Bolig", "", True, ["kommunal*", "*kommunal", "bolig*", "*bolig", "kommunal bolig"]),
        ("Ventetid", "", "#00f", True, ["ventetid*", "*ventetid"])]
    assert lines[0] == "fra_nvivo.qdpx: 4 codes, 1 text sources, 2 codings by 1 user(s)"
    assert lines[2].startswith("3 theme(s) got patterns suggested from their names (marked review: true)")
    assert out.read_text(encoding="utf-8").startswith("# Kodebok importert")


# ----------------------------------------------------------------------------- MAXQDA

MAXQDA = HEAD + """<Project xmlns="urn:QDA-XML:project:1.0" name="Brukerundersøkelse" origin="MAXQDA 2022">
 <Users><User guid="9a0c2e51-7d51-4b0f-a8a6-0c9f4d4e1a01" name="Ola" /></Users>
 <CodeBook><Codes>
  <Code guid="0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b" name="Oppfølging" isCodable="true" color="#00ff00" />
 </Codes></CodeBook>
 <Variables>
  <Variable guid="1a2b3c4d-0000-4000-8000-000000000001" name="kommune" typeOfVariable="Text" />
  <Variable guid="1a2b3c4d-0000-4000-8000-000000000002" name="alder" typeOfVariable="Integer" />
 </Variables>
 <Cases><Case guid="2b3c4d5e-0000-4000-8000-000000000001">
  <VariableValue><VariableRef targetGUID="1a2b3c4d-0000-4000-8000-000000000002" /><IntegerValue>34</IntegerValue></VariableValue>
  <SourceRef targetGUID="3c4d5e6f-0000-4000-8000-000000000001" />
 </Case></Cases>
 <Sources>
  <TextSource guid="3c4d5e6f-0000-4000-8000-000000000001" name="R001" plainTextPath="internal://3c4d5e6f-0000-4000-8000-000000000001.txt">
   <PlainTextSelection guid="4d5e6f70-0000-4000-8000-000000000001" startPosition="0" endPosition="14" creatingUser="9a0c2e51-7d51-4b0f-a8a6-0c9f4d4e1a01">
    <Coding guid="5e6f7081-0000-4000-8000-000000000001" creatingUser="9a0c2e51-7d51-4b0f-a8a6-0c9f4d4e1a01">
     <CodeRef targetGUID="0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b" /></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="4d5e6f70-0000-4000-8000-000000000002" startPosition="15" endPosition="20">
    <Description>En kommentar uten kode</Description>
   </PlainTextSelection>
   <VariableValue><VariableRef targetGUID="1a2b3c4d-0000-4000-8000-000000000001" /><TextValue>Bodø</TextValue></VariableValue>
  </TextSource>
  <TextSource guid="3c4d5e6f-0000-4000-8000-000000000002" name="R002" plainTextPath="internal://3c4d5e6f-0000-4000-8000-000000000002.txt">
   <PlainTextSelection guid="4d5e6f70-0000-4000-8000-000000000003" startPosition="4" endPosition="14" creatingUser="9a0c2e51-7d51-4b0f-a8a6-0c9f4d4e1a01">
    <Coding guid="5e6f7081-0000-4000-8000-000000000003" creatingUser="9a0c2e51-7d51-4b0f-a8a6-0c9f4d4e1a01">
     <CodeRef targetGUID="0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b" /></Coding>
   </PlainTextSelection>
   <VariableValue><VariableRef targetGUID="1a2b3c4d-0000-4000-8000-000000000001" /><TextValue>Alta</TextValue></VariableValue>
  </TextSource>
 </Sources>
</Project>"""


def test_maxqda_one_source_per_respondent_with_variables_in_sources(tmp_path):
    path = archive(tmp_path / "maxqda.qdpx", {
        "project.qde": MAXQDA,
        "sources/3c4d5e6f-0000-4000-8000-000000000001.txt": "God oppfølging. Takk!",
        "sources/3c4d5e6f-0000-4000-8000-000000000002.txt": "Mer oppfølging, takk."})
    table = import_file(path).coding
    assert table.columns.tolist() == CODING_COLUMNS + KEY_COLUMNS + ["alder", "kommune"]
    assert (table["doc_id"] == "").all() and table["segment"].isna().all()
    assert rows(table, "source", "case", "text", "code", "user", "alder", "kommune") == [
        ("R001", "", "God oppfølging", "Oppfølging", "Ola", "34", "Bodø"),
        ("R002", "", "oppfølging", "Oppfølging", "Ola", "", "Alta")]


# ----------------------------------------------------------------------------- ATLAS.ti

ATLAS = HEAD + """<Project xmlns="urn:QDA-XML:project:1.0" name="Atlas-prosjekt" origin="ATLAS.ti 9.1.3 (Windows)">
 <Users><User guid="AD68FBE7-E1EE-4A82-A279-23CC698C89EB" name="Per" /></Users>
 <CodeBook><Codes>
  <Code color="#966450" isCodable="true" name="Hjelp::Bolig" guid="0983E32E-6866-431A-BD94-DAC9BB963825" />
 </Codes></CodeBook>
 <Sources>
  <TextSource plainTextPath="internal://01106019-2518-43DD-BBD1-8F0252BACB30.txt" guid="69A4332D-5B31-4915-B520-5275CFC21B40"
    name="Intervju 2.docx" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">
   <PlainTextSelection startPosition="10" endPosition="15" guid="4191294A-E287-4510-95B0-69BCE4638E56" name=""
     creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">
    <Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">
     <CodeRef targetGUID="0983E32E-6866-431A-BD94-DAC9BB963825" /></Coding>
   </PlainTextSelection>
  </TextSource>
  <PictureSource guid="87EAD86F-3112-4537-8A01-01427CAE1C6D" name="bilde" path="internal://87EAD86F-3112-4537-8A01-01427CAE1C6D.jpg" />
 </Sources>
</Project>"""


def test_atlas_project_name_upper_case_files_and_crlf_as_one(tmp_path):
    path = archive(tmp_path / "atlas.qdpx", {
        "Atlas-prosjekt.qde": ATLAS,
        "sources/01106019-2518-43DD-BBD1-8F0252BACB30.TXT": "Linje én.\r\nBolig er viktig.\r\n",
        "sources/87EAD86F-3112-4537-8A01-01427CAE1C6D.JPG": b"\xff\xd8"})
    result = import_file(path)
    assert rows(result.coding, "source", "start", "end", "text", "code", "user") == [
        ("Intervju 2.docx", 10, 15, "Bolig", "Hjelp::Bolig", "Per")]
    assert result.report.crlf_one == ["TextSource 'Intervju 2.docx'"]
    assert result.report.lines()[0] == ("left out 1 PictureSource element(s): only text sources and their "
                                        "selections are read")


def test_crlf_reading_is_decided_by_the_selections_not_the_tool(tmp_path):
    text = "Linje én.\r\nBolig er viktig.\r\n"
    for start, end in ((11, 16), (10, 15)):   # CRLF as two, then as one
        xml = ATLAS.replace('origin="ATLAS.ti 9.1.3 (Windows)"', 'origin="Et annet program"').replace(
            'startPosition="10" endPosition="15"', f'startPosition="{start}" endPosition="{end}"')
        path = archive(tmp_path / f"p{start}.qdpx", {"project.qde": xml,
                                                    "sources/01106019-2518-43DD-BBD1-8F0252BACB30.txt": text})
        assert rows(import_file(path).coding, "start", "end", "text") == [(10, 15, "Bolig")]


# ----------------------------------------------------------------------------- inline text, folders, paths

INLINE = HEAD + """<Project xmlns="urn:QDA-XML:project:1.0" name="QualCoder" origin="QualCoder 3.5">
 <CodeBook><Codes><Code guid="aaaaaaaa-0000-4000-8000-000000000001" name="Jobb" isCodable="true" /></Codes></CodeBook>
 <Sources>
  <TextSource guid="bbbbbbbb-0000-4000-8000-000000000001" name="notat">
   <PlainTextContent>Jeg vil ha jobb.</PlainTextContent>
   <PlainTextSelection guid="cccccccc-0000-4000-8000-000000000001" startPosition="11" endPosition="15">
    <Coding guid="dddddddd-0000-4000-8000-000000000001"><CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001" /></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="bbbbbbbb-0000-4000-8000-000000000002" name="ekstern" plainTextPath="relative://ekstern.txt">
   <PlainTextSelection guid="cccccccc-0000-4000-8000-000000000002" startPosition="0" endPosition="4">
    <Coding guid="dddddddd-0000-4000-8000-000000000002"><CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001" /></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"""


def test_inline_text_a_top_folder_and_relative_paths_inside_the_archive_folder(tmp_path):
    (tmp_path / "ekstern.txt").write_text("Jobb søkes.", encoding="utf-8")
    path = archive(tmp_path / "qualcoder.qdpx", {"Prosjekt/project.qde": INLINE})
    assert rows(import_file(path).coding, "source", "text") == [("notat", "jobb"), ("ekstern", "Jobb")]


def test_sources_outside_the_archive_folder_need_permission(tmp_path):
    outside = tmp_path / "utenfor.txt"
    outside.write_text("Jobb søkes.", encoding="utf-8")
    (tmp_path / "inne").mkdir()
    xml = INLINE.replace("relative://ekstern.txt", f"absolute://{outside}")
    path = archive(tmp_path / "inne" / "p.qdpx", {"project.qde": xml})
    with pytest.raises(UserError) as error:
        import_file(path)
    assert str(error.value) == (f"{path}: TextSource 'ekstern' points outside the archive's folder ({outside}); "
                                "use --allow-outside to read it anyway")
    assert rows(import_file(path, allow_outside=True).coding, "source", "text")[1] == ("ekstern", "Jobb")
    escape = INLINE.replace("relative://ekstern.txt", "relative://../utenfor.txt")
    with pytest.raises(UserError, match="points outside the archive's folder"):
        import_file(archive(tmp_path / "inne" / "q.qdpx", {"project.qde": escape}))


# ----------------------------------------------------------------------------- round trips


def small_project():
    import pandas as pd

    corpus = Corpus.from_documents([
        {"doc_id": "R1:bra", "respondent": "R1", "question": "bra", "source": "s.csv",
         "text": "God oppfølging og egen bolig.", "alder": "23"},
        {"doc_id": "R2:bra", "respondent": "R2", "question": "bra", "source": "s.csv", "text": "Fikk jobb.",
         "alder": "67"}], metadata_columns=["alder"])
    coded = pd.DataFrame([{"doc_id": "R1:bra", "segment": 0, "question": "bra", "theme": "Bolig",
                           "matched": "egen bolig", "pattern": "egen bolig", "start": 18, "end": 28}])
    book = parse_codebook({"categories": {"Tjenester": {"description": "Det kommunen gir"}},
                           "themes": {"Bolig": {"description": "Å bo.", "patterns": ["bolig*", "egen bolig"],
                                                "parent": "Tjenester", "exclude": ["bolig til salgs"]},
                                      "Arbeid": {"patterns": ["jobb*"], "color": "#123456"}}})
    human = pd.DataFrame([{"doc_id": "R2:bra", "segment": 0, "theme": "Arbeid", "user": "Kari"}])
    project = build_project([ExportMaterial("svar", corpus, coded=coded)], title="Runde", seed="Runde",
                            created="2026-01-01T00:00:00Z", codebook=book, human=human)
    return project, book


def test_export_import_export_is_identical(tmp_path):
    project, _ = small_project()
    first = write_qdpx(project, tmp_path / "a.qdpx")
    again, _ = read_project(first)
    second = write_qdpx(again, tmp_path / "b.qdpx")
    assert first.read_bytes() == second.read_bytes()
    assert archive_bytes(again) == archive_bytes(project)


def test_coding_table_of_our_export(tmp_path):
    project, _ = small_project()
    table = coding_table(read_project(write_qdpx(project, tmp_path / "a.qdpx"))[0])
    assert rows(table, "source", "case", "start", "end", "text", "code_path", "user", "alder") == [
        ("R1", "R1", 4, 33, "God oppfølging og egen bolig.", "Spørsmål › bra", "textanalyse (automatisk)", "23"),
        ("R1", "R1", 22, 32, "egen bolig", "Tjenester › Bolig", "textanalyse (automatisk)", "23"),
        ("R2", "R2", 4, 14, "Fikk jobb.", "Spørsmål › bra", "textanalyse (automatisk)", "67"),
        ("R2", "R2", 4, 14, "Fikk jobb.", "Arbeid", "Kari", "67")]
    assert rows(table, *KEY_COLUMNS) == [("R1:bra", 0, 0, 29), ("R1:bra", 0, 18, 28), ("R2:bra", 0, 0, 10),
                                         ("R2:bra", 0, 0, 10)]


def test_coding_made_in_a_qda_program_comes_back_as_human_codings(tmp_path):
    """A person codes our export in NVivo; the imported table goes back into the export as it is."""
    from textanalyse.qdpx.model import Coding, Selection, User

    project, book = small_project()
    kari = User("0a0a0a0a-0000-4000-8000-00000000000a", "Kari i NVivo")
    project.users.append(kari)
    bolig = next(code for code, _ in project.walk_codes() if code.name == "Bolig")
    source = project.sources[0]
    start = source.text.index("oppfølging")
    source.selections.append(Selection("0b0b0b0b-0000-4000-8000-00000000000b", start, start + 10, user=kari.guid,
                                       codings=[Coding("0c0c0c0c-0000-4000-8000-00000000000c", bolig.guid,
                                                       user=kari.guid)]))
    table = import_file(write_qdpx(project, tmp_path / "fra_nvivo.qdpx")).coding
    human = table[table["user"] == "Kari i NVivo"]
    assert rows(human, "doc_id", "segment", "segment_start", "segment_end", "code") == [("R1:bra", 0, 4, 14, "Bolig")]
    again = small_project_with(human)
    selection = next(s for s in again.sources[0].selections if any(
        u.name == "Kari i NVivo" and u.guid == s.user for u in again.users))
    assert again.sources[0].text[selection.start:selection.end] == "oppfølging"


def small_project_with(human):
    import pandas as pd

    _, book = small_project()
    corpus = Corpus.from_documents([
        {"doc_id": "R1:bra", "respondent": "R1", "question": "bra", "source": "s.csv",
         "text": "God oppfølging og egen bolig.", "alder": "23"}], metadata_columns=["alder"])
    return build_project([ExportMaterial("svar", corpus)], title="Runde", seed="Runde", created="2026-01-01T00:00:00Z",
                         codebook=book, human=pd.DataFrame(human))


def test_codebook_round_trip_qdc_yaml_qdc_is_identical(tmp_path):
    _, book = small_project()
    guids = Guids("Runde")
    first = codebook_xml(codebook_codes(book, guids), origin="textanalyse")
    (tmp_path / "k.qdc").write_bytes(first)
    import_qdpx(tmp_path / "k.qdc", codebook_out=tmp_path / "k.yaml")
    loaded = load_codebook(tmp_path / "k.yaml")
    assert codebook_xml(codebook_codes(loaded, guids), origin="textanalyse") == first
    data = yaml.safe_load((tmp_path / "k.yaml").read_text(encoding="utf-8"))
    assert data["themes"]["Bolig"] == {"description": "Å bo.", "patterns": ["bolig*", "egen bolig"],
                                       "exclude": ["bolig til salgs"], "color": "#1f77b4", "parent": "Tjenester"}


def test_our_structural_codes_stay_out_of_the_imported_codebook(tmp_path):
    project, _ = small_project()
    result = import_file(write_qdpx(project, tmp_path / "a.qdpx"))
    assert list(result.codebook["themes"]) == ["Bolig", "Arbeid"] and result.review == []


def test_standard_codebook_example_with_braces(tmp_path):
    qdc = HEAD + """<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">
<Codes>
<Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Tema" isCodable="false">
 <Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Økonomi" isCodable="true" color="#ffff00">
  <Description>Alt om penger og skatt</Description></Code>
</Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Helse" isCodable="true" />
</Codes>
<Sets><Set guid="{12365523-1035-4afa-9e7b-281fe0bc51c5}" name="Utvalg"><MemberCode guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520"/></Set></Sets>
</CodeBook>"""
    (tmp_path / "bok.qdc").write_text(qdc, encoding="utf-8")
    result = import_file(tmp_path / "bok.qdc")
    assert result.codebook == {"name": "bok", "categories": {"Tema": {}}, "themes": {
        "Økonomi": {"description": "Alt om penger og skatt", "patterns": ["økonomi*", "*økonomi"], "color": "#ffff00",
                    "parent": "Tema", "review": True},
        "Helse": {"patterns": ["helse*", "*helse"], "review": True}}}
    assert result.coding.empty and result.report.lines() == [
        "left out 1 Set element(s): only text sources and their selections are read"]


# ----------------------------------------------------------------------------- errors: one line naming file and element


@pytest.mark.parametrize("change, message", [
    (lambda xml: xml.replace('startPosition="11" ', ""),
     "PlainTextSelection cccccccc-0000-4000-8000-000000000001 in TextSource 'notat' has no startPosition (None)"),
    (lambda xml: xml.replace('endPosition="15"', 'endPosition="99"'),
     "PlainTextSelection cccccccc-0000-4000-8000-000000000001 in TextSource 'notat' runs from 11 to 99, "
     "outside the text (length 16)"),
    (lambda xml: xml.replace('<CodeRef targetGUID="aaaaaaaa-0000-4000-8000-000000000001" /></Coding>\n   </PlainTextSelection>\n  </TextSource>\n  <TextSource',
                             '<CodeRef targetGUID="aaaaaaaa-0000-4000-8000-00000000000f" /></Coding>\n   </PlainTextSelection>\n  </TextSource>\n  <TextSource', 1),
     "a Coding in TextSource 'notat' refers to code aaaaaaaa-0000-4000-8000-00000000000f, which is not in the CodeBook"),
    (lambda xml: xml.replace('guid="bbbbbbbb-0000-4000-8000-000000000001"', 'guid="bbbb"'),
     "TextSource 'notat' has a bad guid ('bbbb'); GUIDs look like 8-4-4-4-12 hexadecimal digits"),
    (lambda xml: xml.replace("</Project>", ""), "project.qde is not valid XML"),
    (lambda xml: xml.replace("relative://ekstern.txt", "internal://mangler.txt"),
     "TextSource 'ekstern' points to internal://mangler.txt, which is not in the archive's sources folder"),
    (lambda xml: xml.replace("relative://ekstern.txt", "http://example.org/x.txt"),
     "TextSource 'ekstern' has a path 'http://example.org/x.txt' that is not internal://, relative:// or absolute://"),
])
def test_broken_files_give_one_line_naming_the_file_and_element(tmp_path, change, message):
    (tmp_path / "ekstern.txt").write_text("Jobb søkes.", encoding="utf-8")
    path = archive(tmp_path / "feil.qdpx", {"project.qde": change(INLINE)})
    with pytest.raises(UserError) as error:
        import_file(path)
    text = str(error.value)
    assert message in text and "\n" not in text
    assert text.startswith(f"{path}: ")


def test_archives_that_are_not_projects(tmp_path):
    (tmp_path / "tom.qdpx").write_bytes(b"not a zip")
    with pytest.raises(UserError, match=r"tom.qdpx: cannot be opened as a .qdpx \(not a ZIP archive\)"):
        import_file(tmp_path / "tom.qdpx")
    with pytest.raises(UserError, match=r"uten.qdpx: holds no .qde project file"):
        import_file(archive(tmp_path / "uten.qdpx", {"sources/a.txt": "x"}))
    latin = archive(tmp_path / "latin.qdpx", {"project.qde": MAXQDA,
                                              "sources/3c4d5e6f-0000-4000-8000-000000000001.txt": "Bodø".encode("cp1252"),
                                              "sources/3c4d5e6f-0000-4000-8000-000000000002.txt": "x"})
    with pytest.raises(UserError, match="TextSource 'R001': its text file is not UTF-8"):
        import_file(latin)


def test_import_command_refuses_outputs_it_cannot_make(tmp_path):
    qdc = tmp_path / "k.qdc"
    _, book = small_project()
    qdc.write_bytes(codebook_xml(codebook_codes(book, Guids("x")), origin="t"))
    with pytest.raises(UserError, match="holds no sources, so there is no coding to write"):
        import_qdpx(qdc, coding_out=tmp_path / "k.csv")
    with pytest.raises(UserError, match="--codebook-out must end in .yaml or .yml"):
        import_qdpx(qdc, codebook_out=tmp_path / "k.txt")
    assert not (tmp_path / "k.csv").exists()


def test_a_bare_qde_with_its_sources_folder_and_a_base_path_from_another_machine(tmp_path):
    (tmp_path / "Sources").mkdir()
    (tmp_path / "Sources" / "17FB9CB8-7858-4291-A162-65424B9942EC.txt").write_text(NVIVO_TEXT, encoding="utf-8")
    (tmp_path / "ekstern.txt").write_text("Jobb søkes.", encoding="utf-8")
    (tmp_path / "nvivo.qde").write_text(NVIVO, encoding="utf-8")
    assert rows(import_file(tmp_path / "nvivo.qde").coding, "text") == [("Jeg trenger en bolig.",), ("Ventetiden",)]
    moved = INLINE.replace('origin="QualCoder 3.5"', 'origin="QualCoder 3.5" basePath="C:/Users/kari/Prosjekt"')
    path = archive(tmp_path / "flyttet.qdpx", {"project.qde": moved})
    assert rows(import_file(path).coding, "source", "text")[1] == ("ekstern", "Jobb")


def test_codes_with_the_same_name_under_different_parents_stay_apart(tmp_path):
    from textanalyse.qdpx.codebook import codes_to_codebook
    from textanalyse.qdpx.model import Code

    tree = [Code("a", "Bolig", codable=False, children=[Code("b", "Positivt")]),
            Code("c", "Arbeid", codable=False, children=[Code("d", "Positivt"), Code("e", "Positivt")])]
    data, _ = codes_to_codebook(tree)
    assert list(data["themes"]) == ["Positivt", "Positivt (Arbeid)", "Positivt (2)"]
    assert parse_codebook(data).themes[1].parent == "Arbeid"


def test_errors_never_show_the_text_of_a_selection(tmp_path):
    xml = INLINE.replace('guid="cccccccc-0000-4000-8000-000000000001"',
                         'guid="ikke-en-guid" name="Jeg vil ha jobb"')
    with pytest.raises(UserError) as error:
        import_file(archive(tmp_path / "p.qdpx", {"project.qde": xml}))
    assert "PlainTextSelection has a bad guid ('ikke-en-guid')" in str(error.value)
    assert "Jeg vil" not in str(error.value)


def test_entity_expansion_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>')
    with pytest.raises(UserError, match="p.qdpx: project.qde declares XML entities; REFI-QDA files have none"):
        read_project(archive(tmp_path / "p.qdpx", {"project.qde": bomb}))
