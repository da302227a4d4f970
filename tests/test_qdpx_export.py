"""REFI-QDA export: schema-valid, deterministic projects whose selections read back as the coded text."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest
from conftest import survey_corpus
from lxml import etree

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.io.transcripts import read_transcripts
from textanalyse.nlp import annotate
from textanalyse.qdpx.build import ExportMaterial, build_project
from textanalyse.qdpx.turns import align, turn_spans
from textanalyse.qdpx.codebook import codebook_codes, codebook_xml, suggest_patterns, theme_description
from textanalyse.qdpx.ids import AUTOMATIC_USER, Guids, normalise_guid
from textanalyse.qdpx.write import project_xml, write_qdpx
from textanalyse.quotes import quote_candidates
from textanalyse.themes import code_segments, load_codebook, parse_codebook

NS = {"q": "urn:QDA-XML:project:1.0"}
CREATED = "2026-03-02T10:00:00Z"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

ANSWERS = {
    "fungerer_bra": ["Jeg fikk god oppfølging og en egen bolig etter lang tid.",
                     "Hjelpen fra NAV var grei, og jeg fikk jobb på et lager.",
                     "Det er trygt å ha et sted å bo og folk å snakke med."],
    "fungerer_darlig": ["Lang ventetid på behandling, jeg ventet i fire måneder.",
                        "Ingen ringte meg tilbake fra kommunen.",
                        "Jeg er ensom og har ingen venner her."],
}
METADATA = {"kommune": ["Bergen", "Tromsø", "Bergen"], "alder": ["23", "67", "41"],
            "score": ["3,5", "4", "2,25"], "aktiv": ["true", "false", "TRUE"], "postnr": ["0301", "5003", "9008"]}
LABELS = {"fungerer_bra": "Hva fungerer bra?", "fungerer_darlig": "Hva fungerer dårlig?"}


def survey() -> Corpus:
    return survey_corpus(ANSWERS, **METADATA)


@pytest.fixture(scope="module")
def survey_material():
    corpus = survey()
    tokens = annotate(corpus, pipeline="fast")
    codebook = load_codebook()
    coded = code_segments(corpus, tokens, codebook).coded
    quotes = quote_candidates(corpus, tokens, coded=coded, themes=["Bolig"], per_item=2, min_words=5,
                              max_words=40, positions=True)
    return ExportMaterial("Brukerundersøkelse", corpus, coded=coded, quotes=quotes, question_labels=LABELS), codebook


HUMAN = pd.DataFrame([
    {"doc_id": "R1:fungerer_bra", "segment": 0, "theme": "Oppfølging", "user": "Kari Nordmann"},
    {"doc_id": "R1:fungerer_bra", "segment": 0, "theme": "Bolig", "user": "Kari Nordmann"},
    {"doc_id": "R2:fungerer_bra", "segment": 0, "theme": "(ingen)", "user": "Kari Nordmann"},
    {"doc_id": "R3:fungerer_darlig", "segment": 0, "theme": "Ensomhet (egen kode)", "user": "Ola"},
])


def build(survey_material, **options):
    material, codebook = survey_material
    return build_project([material], title="Eksempel", seed="Eksempel", created=CREATED, codebook=codebook,
                         **options)


def qde(project) -> etree._Element:
    return etree.fromstring(project_xml(project))


# ----------------------------------------------------------------------------- survey


def test_project_validates_against_the_refi_schema(survey_material, project_schema):
    root = qde(build(survey_material, human=HUMAN))
    assert project_schema.validate(root), project_schema.error_log


def test_one_source_per_respondent_with_question_headings(survey_material):
    project = build(survey_material)
    assert [source.name for source in project.sources] == ["R1", "R2", "R3"]
    assert project.sources[0].text == ("Hva fungerer bra?\nJeg fikk god oppfølging og en egen bolig etter lang tid.\n\n"
                                       "Hva fungerer dårlig?\nLang ventetid på behandling, jeg ventet i fire måneder.\n")


def test_each_answer_is_coded_with_its_question(survey_material):
    project = build(survey_material)
    folder = next(code for code in project.codes if code.name == "Spørsmål")
    assert folder.codable is False
    assert [(code.name, code.description) for code in folder.children] == [
        ("fungerer_bra", "Hva fungerer bra?"), ("fungerer_darlig", "Hva fungerer dårlig?")]
    question_code = folder.children[1].guid
    source = project.sources[1]
    spans = [source.text[s.start:s.end] for s in source.selections for c in s.codings if c.code == question_code]
    assert spans == ["Ingen ringte meg tilbake fra kommunen."]


def test_every_selection_reads_back_as_the_coded_passage(survey_material, tmp_path):
    material, codebook = survey_material
    project = build(survey_material)
    write_qdpx(project, tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {}
        for source in root.iterfind(".//q:TextSource", NS):
            name = source.get("plainTextPath").removeprefix("internal://")
            texts[source.get("name")] = archive.read(f"sources/{name}").decode("utf-8")
    codes = {code.get("guid"): code.get("name") for code in root.iterfind(".//q:Code", NS)}
    found = []
    for source in root.iterfind(".//q:TextSource", NS):
        for selection in source.iterfind("q:PlainTextSelection", NS):
            text = texts[source.get("name")][int(selection.get("startPosition")):int(selection.get("endPosition"))]
            for coding in selection.iterfind("q:Coding", NS):
                name = codes[coding.find("q:CodeRef", NS).get("targetGUID")]
                if name in codebook.theme_names:
                    found.append((source.get("name"), name, text))
    coded = material.coded
    expected = [(doc_id.split(":")[0], theme, matched)
                for doc_id, theme, matched in coded[["doc_id", "theme", "matched"]].itertuples(index=False)]
    assert sorted(found) == sorted(expected)
    assert ("R1", "Bolig", "egen bolig") in found and ("R1", "Oppfølging", "oppfølging") in found
    assert ("R3", "Bolig", "sted å bo") in found and ("R1", "Ventetid og tilgjengelighet", "Lang ventetid") in found
    assert ("R2", "NAV", "NAV") in found and ("R2", "Arbeid og aktivitet", "jobb") in found
    assert len(found) == len(coded) == 11


def test_cases_carry_typed_variables(survey_material):
    project = build(survey_material)
    types = {variable.name: variable.type for variable in project.variables}
    assert types == {"kommune": "Text", "alder": "Integer", "score": "Float", "aktiv": "Boolean", "postnr": "Text"}
    names = {variable.guid: variable.name for variable in project.variables}
    first = project.cases[0]
    assert first.name == "R1" and first.sources == [project.sources[0].guid]
    assert {names[v.variable]: v.value for v in first.values} == {
        "kommune": "Bergen", "alder": "23", "score": "3.5", "aktiv": "true", "postnr": "0301"}
    assert {names[v.variable]: v.value for v in project.cases[2].values}["aktiv"] == "true"


def test_themes_are_codes_with_colours_and_patterns_in_the_description(survey_material):
    _, codebook = survey_material
    project = build(survey_material)
    theme_codes = project.codes[:len(codebook.themes)]
    assert [code.name for code in theme_codes] == codebook.theme_names
    assert all(code.codable and re.match(r"^#[0-9a-f]{6}$", code.color) for code in theme_codes)
    assert len({code.color for code in theme_codes}) == len(theme_codes)
    assert theme_codes[0].description.startswith(codebook.themes[0].description)
    assert "\n\nMønstre: bolig*, *bolig, bustad*" in theme_codes[0].description


def test_automatic_and_human_codings_have_their_own_users(survey_material):
    project = build(survey_material, human=HUMAN)
    users = {user.name: user.guid for user in project.users}
    assert list(users) == [AUTOMATIC_USER, "Kari Nordmann", "Ola"]
    codes = {code.guid: path[-1] for code, path in project.walk_codes()}
    source = project.sources[0]
    human = [(source.text[s.start:s.end], codes[c.code]) for s in source.selections for c in s.codings
             if c.user == users["Kari Nordmann"]]
    assert human == [("Jeg fikk god oppfølging og en egen bolig etter lang tid.", "Oppfølging"),
                     ("Jeg fikk god oppfølging og en egen bolig etter lang tid.", "Bolig")]
    assert all(s.user == c.user for src in project.sources for s in src.selections for c in s.codings)
    extra = next(code for code in project.codes if code.name == "Ensomhet (egen kode)")
    assert extra.codable and extra.description == "Kode fra manuell koding (ikke i kodeboken)."
    for source in project.sources:
        for selection in source.selections:
            assert selection.created == CREATED and all(c.created == CREATED for c in selection.codings)


def test_assisted_coding_keeps_the_coders_own_codes_apart(survey_material):
    material, codebook = survey_material
    coded = pd.DataFrame([
        {"doc_id": "R2:fungerer_bra", "segment": 0, "question": "fungerer_bra", "theme": "NAV", "matched": "",
         "pattern": "", "start": 0, "end": len(ANSWERS["fungerer_bra"][1]), "probability": 1.0, "source": "human"},
        {"doc_id": "R3:fungerer_bra", "segment": 0, "question": "fungerer_bra", "theme": "Bolig", "matched": "",
         "pattern": "", "start": 0, "end": len(ANSWERS["fungerer_bra"][2]), "probability": 0.91,
         "source": "model"}])
    assisted = ExportMaterial(material.name, material.corpus, coded=coded, question_labels=LABELS)
    project = build_project([assisted], title="Eksempel", seed="Eksempel", created=CREATED, codebook=codebook)
    users = {user.guid: user.name for user in project.users}
    codes = {code.guid: code.name for code in project.codes}
    found = [(source.name, codes.get(c.code), users[c.user], source.text[s.start:s.end])
             for source in project.sources for s in source.selections for c in s.codings if c.code in codes]
    assert found == [("R2", "NAV", "koder (kodeark)", "Hjelpen fra NAV var grei, og jeg fikk jobb på et lager."),
                     ("R3", "Bolig", AUTOMATIC_USER, "Det er trygt å ha et sted å bo og folk å snakke med.")]


def test_human_codings_must_name_known_documents(survey_material):
    wrong = pd.DataFrame([{"doc_id": "R9:fungerer_bra", "segment": 0, "theme": "Bolig", "user": "Kari"}])
    with pytest.raises(UserError, match="document 'R9:fungerer_bra' segment 0 is not in the material"):
        build(survey_material, human=wrong)
    with pytest.raises(UserError, match="column 'user' is missing"):
        build(survey_material, human=wrong.drop(columns="user"))


def test_quote_candidates_are_coded_with_the_deidentified_text_as_a_note(survey_material):
    material, _ = survey_material
    project = build(survey_material)
    quote_code = next(code for code in project.codes if code.name == "Sitatkandidater")
    notes = {note.guid: note for note in project.notes}
    found = []
    for source in project.sources:
        for selection in source.selections:
            if any(c.code == quote_code.guid for c in selection.codings):
                note = notes[selection.notes[0]]
                found.append((source.text[selection.start:selection.end], note.name, note.text))
                assert note.created == CREATED and selection.description == note.text
    assert len(found) == len(material.quotes) == 2
    assert found[0] == ("Jeg fikk god oppfølging og en egen bolig etter lang tid.", "Sitat: Bolig (1)",
                        "Jeg fikk god oppfølging og en egen bolig etter lang tid.\n\n"
                        "Sjekk før bruk: sjeldne ord (én respondent): bolig, etter, oppfølging")


def test_guids_paths_and_text_follow_what_readers_expect(survey_material, tmp_path):
    project = build(survey_material, human=HUMAN)
    path = write_qdpx(project, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        xml = archive.read("project.qde")
        texts = [archive.read(name) for name in names[1:]]
    assert names[0] == "project.qde" and all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:])
    assert names[1:] == sorted(names[1:])
    guids = re.findall(rb'(?:guid|GUID|creatingUser)="([^"]+)"', xml)
    assert guids and all(GUID.match(g.decode()) for g in guids)
    assert b"richTextPath" not in xml and b"\r" not in xml
    assert all(not t.startswith(b"\xef\xbb\xbf") and b"\r" not in t for t in texts)
    root = etree.fromstring(xml)
    for source in root.iterfind(".//q:TextSource", NS):
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        assert source.get("creatingUser") and source.get("creationDateTime") == CREATED
    for element in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection", "{urn:QDA-XML:project:1.0}Coding"):
        assert element.get("creatingUser") and element.get("creationDateTime") == CREATED


def test_two_exports_are_byte_identical(survey_material, tmp_path):
    first = write_qdpx(build(survey_material, human=HUMAN), tmp_path / "a.qdpx").read_bytes()
    second = write_qdpx(build(survey_material, human=HUMAN), tmp_path / "b.qdpx").read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 2, 10, 0, 0)}
    material, codebook = survey_material
    other = build_project([material], title="Eksempel", seed="Annet frø", created=CREATED, codebook=codebook)
    assert other.sources[0].guid != build(survey_material).sources[0].guid


def test_an_export_that_fails_leaves_no_file(survey_material, tmp_path, monkeypatch):
    import textanalyse.qdpx.write as write

    target = tmp_path / "p.qdpx"
    target.write_bytes(b"earlier export")
    monkeypatch.setattr(write, "project_xml", lambda project: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(UserError, match="cannot write"):
        write_qdpx(build(survey_material), target)
    assert target.read_bytes() == b"earlier export" and sorted(p.name for p in tmp_path.iterdir()) == ["p.qdpx"]


# ----------------------------------------------------------------------------- transcripts

TRANSCRIPT = ("Intervju 1 med ung informant\n"
              "[00:00:05] I: Kan du fortelle om boligen din?\n"
              "[00:00:09] IP: Jeg har fått en kommunal bolig [ler] nå.\n"
              "Det er fint, men det er lang [pause] ventetid på alt.\n"
              "I: Hva med jobb?\n"
              "IP: Jeg har (nøler) ingen jobb ennå.\n")


@pytest.fixture(scope="module")
def transcript_material(tmp_path_factory):
    folder = tmp_path_factory.mktemp("intervjuer")
    (folder / "ung_01.txt").write_text(TRANSCRIPT.replace("\n", "\r\n"), encoding="utf-8")
    (folder / "informanter.csv").write_text("fil;informant_id;gruppe;alder\nung_01.txt;U01;unge;19\n", encoding="utf-8")
    corpus = read_transcripts([folder / "ung_01.txt"], meta=folder / "informanter.csv")
    tokens = annotate(corpus, pipeline="fast")
    codebook = parse_codebook({"themes": {
        "Bolig": {"patterns": ["*bolig*"]}, "Ventetid": {"patterns": ["lang ventetid"]},
        "Arbeid": {"patterns": ["jobb*"]}}})
    coded = code_segments(corpus, tokens, codebook).coded
    material = ExportMaterial("Intervjuer", corpus, coded=coded, speaker_labels=("I", "IP"), interviewer_labels=("I",))
    return material, codebook


def test_transcript_source_holds_the_whole_text_with_a_case_per_informant(transcript_material, project_schema):
    material, codebook = transcript_material
    project = build_project([material], title="Intervjuer", seed="x", created=CREATED, codebook=codebook)
    assert project_schema.validate(qde(project)), project_schema.error_log
    assert [s.name for s in project.sources] == ["ung_01"]
    assert project.sources[0].text == TRANSCRIPT
    names = {v.guid: (v.name, v.type) for v in project.variables}
    assert [(c.name, sorted(names[v.variable] + (v.value,) for v in c.values)) for c in project.cases] == [
        ("U01", [("alder", "Integer", "19"), ("gruppe", "Text", "unge")])]


def test_speaker_roles_code_every_turn(transcript_material):
    material, codebook = transcript_material
    project = build_project([material], title="Intervjuer", seed="x", created=CREATED, codebook=codebook)
    speakers = next(code for code in project.codes if code.name == "Talere")
    roles = {code.guid: code.name for code in speakers.children}
    source = project.sources[0]
    turns = [(roles[c.code], source.text[s.start:s.end]) for s in source.selections for c in s.codings
             if c.code in roles]
    assert turns == [("Intervjuer", "Kan du fortelle om boligen din?"),
                     ("Informant", "Jeg har fått en kommunal bolig [ler] nå.\nDet er fint, men det er lang [pause] "
                                   "ventetid på alt."),
                     ("Intervjuer", "Hva med jobb?"), ("Informant", "Jeg har (nøler) ingen jobb ennå.")]


def test_transcript_themes_point_into_the_original_text(transcript_material):
    material, codebook = transcript_material
    project = build_project([material], title="Intervjuer", seed="x", created=CREATED, codebook=codebook)
    themes = {code.guid: code.name for code in project.codes if code.name in codebook.theme_names}
    source = project.sources[0]
    found = [(themes[c.code], source.text[s.start:s.end]) for s in source.selections for c in s.codings
             if c.code in themes]
    # interviewer turns are not analysed; a phrase across a transcription note keeps the note
    assert found == [("Bolig", "bolig"), ("Ventetid", "lang [pause] ventetid"), ("Arbeid", "jobb")]


def test_imported_transcript_coding_names_the_informant_turns(transcript_material, tmp_path):
    from textanalyse.qdpx.importer import import_file

    material, codebook = transcript_material
    project = build_project([material], title="Intervjuer", seed="x", created=CREATED, codebook=codebook)
    table = import_file(write_qdpx(project, tmp_path / "t.qdpx")).coding
    themes = table[table["code"].isin(codebook.theme_names)]
    assert [tuple(r) for r in themes[["code", "doc_id", "segment", "segment_start", "segment_end"]].itertuples(
        index=False)] == [("Bolig", "U01", 0, 25, 30), ("Ventetid", "U01", 0, 65, 86), ("Arbeid", "U01", 1, 22, 26)]


def test_turn_spans_and_alignment():
    text = "Tittel\nI: Hei?\nIP: Bra.\n  Veldig bra.  \n"
    assert [(s, text[a:b]) for s, a, b in turn_spans(text, ["I", "IP"])] == [("I", "Hei?"), ("IP", "Bra.\n  Veldig bra.")]
    original = "[00:01:02] Det var  fint, egentlig (pause) veldig fint."
    cleaned = "Det var fint, egentlig veldig fint."
    offsets = align(original, cleaned)
    assert original[offsets[8]:offsets[11] + 1] == "fint"
    assert original[offsets[23]:offsets[34] + 1] == "veldig fint."


# ----------------------------------------------------------------------------- codebook (.qdc)


def check_codebook(root) -> None:
    """The rules of REFI-QDA §5.2 (the codebook schema), checked element by element."""
    cb = "{urn:QDA-XML:codebook:1.0}"
    assert root.tag == f"{cb}CodeBook"
    children = [child.tag for child in root]
    assert children[0] == f"{cb}Codes" and set(children[1:]) <= {f"{cb}Sets"} and len(children) <= 2

    def code(element):
        assert element.tag == f"{cb}Code"
        assert GUID.match(element.get("guid")) and element.get("name")
        assert element.get("isCodable") in ("true", "false")
        assert element.get("color") is None or re.match(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$", element.get("color"))
        assert set(element.attrib) <= {"guid", "name", "isCodable", "color"}
        tags = [child.tag for child in element]
        assert tags == sorted(tags, key=lambda tag: tag != f"{cb}Description") and tags.count(f"{cb}Description") <= 1
        for child in element:
            if child.tag == f"{cb}Code":
                code(child)

    assert len(root[0]) >= 1
    for element in root[0]:
        code(element)


def test_codebook_file_follows_section_5_2_with_hierarchy():
    book = parse_codebook({
        "categories": {"Tjenester": {"description": "Det kommunen gir", "color": "#7F7F7F"}},
        "themes": {"Oppfølging": {"description": "Å bli fulgt opp.", "patterns": ["oppfølging*", "fulgt opp"],
                                  "parent": "Tjenester"},
                   "Bolig": {"patterns": ["bolig*"], "exclude": ["bolig til salgs"], "color": "#AA0000"}}})
    xml = codebook_xml(codebook_codes(book, Guids("x")), origin="textanalyse")
    root = etree.fromstring(xml)
    check_codebook(root)
    cb = {"c": "urn:QDA-XML:codebook:1.0"}
    folder = root.find("c:Codes/c:Code", cb)
    assert (folder.get("name"), folder.get("isCodable"), folder.get("color")) == ("Tjenester", "false", "#7f7f7f")
    child = folder.find("c:Code", cb)
    assert (child.get("name"), child.get("isCodable"), child.get("color")) == ("Oppfølging", "true", "#1f77b4")
    assert child.find("c:Description", cb).text == "Å bli fulgt opp.\n\nMønstre: oppfølging*, fulgt opp"
    assert theme_description(book.themes[1]) == "Mønstre: bolig*\nUnntak: bolig til salgs"


def test_suggested_patterns_use_lemmas_and_compound_wildcards():
    assert suggest_patterns("Boliger") == ["bolig*", "*bolig"]
    assert suggest_patterns("Respekt og å bli hørt") == ["respekt*", "*respekt", "høre*", "respekt hørt"]
    assert suggest_patterns("NAV") == ["nav*"]


def test_guids_accept_braces_and_upper_case():
    assert normalise_guid("{0DCEF2F5-E55C-49DA-8C33-9B0803C7AEB4}") == "0dcef2f5-e55c-49da-8c33-9b0803c7aeb4"
    assert normalise_guid("0dcef2f5e55c49da8c339b0803c7aeb4") is None
