"""A .qdpx coded in NVivo/MAXQDA/ATLAS.ti (made from our export) works as the hand-coded sample."""

import pandas as pd
import pytest

from textanalyse.coding.assisted import _human_codes, assisted_coding
from textanalyse.coding.qdpx_sheet import read_qdpx_sheet
from textanalyse.coding.sheet import read_sheet, segment_table
from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.qdpx.build import ExportMaterial, build_project
from textanalyse.qdpx.model import Code, Coding, Project, Selection, Source, User
from textanalyse.qdpx.write import write_qdpx
from textanalyse.themes import code_segments, parse_codebook

BOOK = parse_codebook({"themes": {"Bolig": {"patterns": ["bolig*", "leilighet*"]},
                                  "Ventetid": {"patterns": ["vent*"]},
                                  "NAV": {"patterns": ["nav"]}}})
ANSWERS = {"R1:bra": "Fikk egen leilighet etter lang ventetid.", "R1:darlig": "Ingen tar telefonen.",
           "R2:bra": "Tak over hodet.", "R3:bra": "Nav svarte fort.", "R3:darlig": "Vet ikke."}


def corpus(answers=ANSWERS):
    return Corpus.from_documents([{"doc_id": doc, "respondent": doc.split(":")[0], "question": doc.split(":")[1],
                                   "source": "svar.csv", "text": text} for doc, text in answers.items()])


def exported(answers=ANSWERS, *, with_machine_codes=True):
    """Our export: answers under question codes, the codebook's hits by "textanalyse (automatisk)"."""
    material = corpus(answers)
    coded = None
    if with_machine_codes:
        from textanalyse.nlp import annotate

        coded = code_segments(material, annotate(material, pipeline="fast"), BOOK).coded
    return build_project([ExportMaterial("svar", material, coded=coded)], title="Koding", seed="Koding",
                         created="2026-01-01T00:00:00Z", codebook=BOOK)


def code_in_qda(project, codings, *, user="Kari i NVivo"):
    """Another user codes passages: ``(doc_id, passage, code name)``, the way NVivo saves it."""
    person = User("0a0a0a0a-0000-4000-8000-0000000000%02d" % len(project.users), user)
    project.users.append(person)
    codes = {code.name: code.guid for code, _ in project.walk_codes()}
    for number, (doc, passage, name) in enumerate(codings):
        if name not in codes:
            project.codes.append(Code("0d0d0d0d-0000-4000-8000-0000000000%02d" % number, name))
            codes[name] = project.codes[-1].guid
        respondent, question = doc.split(":")
        source = next(s for s in project.sources if s.name == respondent)
        answer = source.text.index(f"{question}\n") + len(question) + 1
        start = source.text.index(passage, answer)
        source.selections.append(Selection("0b0b0b0b-0000-4000-8000-%012d" % (len(project.users) * 100 + number),
                                           start, start + len(passage), user=person.guid,
                                           codings=[Coding("0c0c0c0c-0000-4000-8000-%012d"
                                                           % (len(project.users) * 100 + number),
                                                           codes[name], user=person.guid)]))
    return project


def test_codings_by_another_user_become_the_sheet_machine_codes_do_not(tmp_path):
    project = code_in_qda(exported(), [("R1:bra", "egen leilighet", "Bolig"), ("R1:bra", "lang ventetid", "Ventetid"),
                                       ("R1:darlig", "Ingen tar telefonen", "Ventetid"),
                                       ("R2:bra", "Tak over hodet", "Bolig"), ("R3:darlig", "Vet ikke.", "(ingen)")])
    sheet = read_sheet(write_qdpx(project, tmp_path / "kodet.qdpx"), themes=BOOK.theme_names)
    assert sheet.segments[["doc_id", "segment", "question", "text", "runde"]].values.tolist() == [
        ["R1:bra", 0, "bra", "Fikk egen leilighet etter lang ventetid.", 1],
        ["R1:darlig", 0, "darlig", "Ingen tar telefonen.", 1],
        ["R2:bra", 0, "bra", "Tak over hodet.", 1],
        ["R3:darlig", 0, "darlig", "Vet ikke.", 1]]
    assert sheet.codes.to_dict("list") == {"Bolig": [1, 0, 1, 0], "Ventetid": [1, 1, 0, 0], "NAV": [0, 0, 0, 0]}
    # R3:bra carries only the machine's NAV code: not part of the hand-coded sample
    kept, codes = _human_codes(sheet, segment_table(corpus()), BOOK.theme_names)
    assert kept.segments["doc_id"].tolist() == ["R1:bra", "R1:darlig", "R2:bra", "R3:darlig"]


def test_two_people_in_one_project_give_the_union_of_their_codes(tmp_path):
    project = code_in_qda(exported(with_machine_codes=False), [("R2:bra", "Tak over hodet", "Bolig")])
    project = code_in_qda(project, [("R2:bra", "Tak over", "Bolig"), ("R3:bra", "Nav", "NAV")], user="Per i MAXQDA")
    sheet = read_qdpx_sheet(write_qdpx(project, tmp_path / "kodet.qdpx"), themes=BOOK.theme_names)
    assert sheet.segments["doc_id"].tolist() == ["R2:bra", "R3:bra"]
    assert sheet.codes.to_dict("list") == {"Bolig": [1, 0], "Ventetid": [0, 0], "NAV": [0, 1]}


def test_a_qdpx_of_other_text_is_refused_with_one_line(tmp_path):
    changed = dict(ANSWERS, **{"R2:bra": "Tak over hodet, endelig."})
    project = code_in_qda(exported(changed, with_machine_codes=False), [("R2:bra", "Tak over hodet", "Bolig")])
    sheet = read_qdpx_sheet(write_qdpx(project, tmp_path / "annen.qdpx"), themes=BOOK.theme_names)
    with pytest.raises(UserError, match=r"annen\.qdpx: the answer R2:bra differs from the material's text; "
                                        "the .qdpx was exported from other data"):
        _human_codes(sheet, segment_table(corpus()), BOOK.theme_names)


def test_a_project_not_from_our_export_or_without_a_persons_coding_is_refused(tmp_path):
    foreign = Project("NVivo", codes=[Code("0e0e0e0e-0000-4000-8000-000000000001", "Bolig")],
                      sources=[Source("0e0e0e0e-0000-4000-8000-000000000002", "Intervju 1", "Trenger bolig.",
                                      selections=[Selection("0e0e0e0e-0000-4000-8000-000000000003", 8, 13,
                                                            codings=[Coding("0e0e0e0e-0000-4000-8000-000000000004",
                                                                            "0e0e0e0e-0000-4000-8000-000000000001")])])])
    with pytest.raises(UserError, match=r"fremmed\.qdpx: holds no answers or turns exported by textanalyse"):
        read_qdpx_sheet(write_qdpx(foreign, tmp_path / "fremmed.qdpx"), themes=BOOK.theme_names)
    with pytest.raises(UserError, match=r"ukodet\.qdpx: no passage is coded with a theme by a person"):
        read_qdpx_sheet(write_qdpx(exported(), tmp_path / "ukodet.qdpx"), themes=BOOK.theme_names)
    project = code_in_qda(exported(with_machine_codes=False), [("R2:bra", "Tak over hodet", "Husly")])
    with pytest.raises(UserError, match=r"husly\.qdpx: code 'Husly' is not a theme of the codebook"):
        read_qdpx_sheet(write_qdpx(project, tmp_path / "husly.qdpx"), themes=BOOK.theme_names)


def test_code_learns_from_a_qdpx_exactly_as_from_the_same_csv_sheet(tmp_path):
    """The devset's first 40 answers coded in a QDA program and in a sheet give the same human codes."""
    from textanalyse.coding.devset import devset_labels, devset_material
    from textanalyse.themes import load_codebook

    codebook = load_codebook()
    material = devset_material(pipeline="fast")
    labels = devset_labels()
    sample = segment_table(material.corpus).head(40)
    wanted = labels.loc[labels["doc_id"].isin(sample["doc_id"])]
    texts = dict(zip(sample["doc_id"], sample["text"]))
    project = build_project([ExportMaterial("svar", material.corpus)], title="Devset", seed="Devset",
                            created="2026-01-01T00:00:00Z", codebook=codebook)
    project = code_in_qda(project, [(doc, texts[doc], theme) for doc, theme in zip(wanted["doc_id"], wanted["theme"])])
    qdpx = write_qdpx(project, tmp_path / "devset.qdpx")
    sheet = sample.copy()
    for theme in codebook.theme_names:
        sheet[theme] = [int(((wanted["doc_id"] == doc) & (wanted["theme"] == theme)).any()) for doc in sheet["doc_id"]]
    sheet["kommentar"], sheet["runde"] = "", 1
    sheet.to_csv(tmp_path / "koding.csv", index=False)
    from_qdpx = assisted_coding(material, codebook=codebook, human=[qdpx], bootstrap=50)
    from_csv = assisted_coding(material, codebook=codebook, human=[tmp_path / "koding.csv"], bootstrap=50)
    human = from_qdpx.coded.loc[from_qdpx.coded["source"] == "human"]
    assert from_qdpx.n_human == 40
    expected = wanted.loc[wanted["theme"] != "(ingen)"]
    assert sorted(zip(human["doc_id"], human["theme"])) == sorted(zip(expected["doc_id"], expected["theme"]))
    pd.testing.assert_frame_equal(from_qdpx.coded, from_csv.coded)
    pd.testing.assert_frame_equal(from_qdpx.agreement, from_csv.agreement)


def test_interview_turns_coded_in_a_qda_program_become_turn_segments(tmp_path):
    """Transcripts: a person's coding lands in the informant's turn it lies in (segment = turn number)."""
    from textanalyse.io.transcripts import read_transcripts

    (tmp_path / "ung_01.txt").write_text("I: Hvordan bor du?\nIP: Jeg fikk endelig tak over hodet.\n"
                                         "I: Og dagene?\nIP: Sitter alene hele dagen.\n", encoding="utf-8")
    (tmp_path / "informanter.csv").write_text("fil;informant_id\nung_01.txt;U01\n", encoding="utf-8")
    material = read_transcripts([tmp_path / "ung_01.txt"], meta=tmp_path / "informanter.csv")
    book = parse_codebook({"themes": {"Bolig": {"patterns": ["bolig*"]}, "Ensomhet": {"patterns": ["ensom*"]}}})
    project = build_project([ExportMaterial("Intervjuer", material, speaker_labels=("I", "IP"),
                                            interviewer_labels=("I",))],
                            title="Intervjuer", seed="x", created="2026-01-01T00:00:00Z", codebook=book)
    person = User("0a0a0a0a-0000-4000-8000-000000000001", "Kari i ATLAS.ti")
    project.users.append(person)
    codes = {code.name: code.guid for code, _ in project.walk_codes()}
    source = project.sources[0]
    for number, (passage, theme) in enumerate((("tak over hodet", "Bolig"), ("alene hele dagen", "Ensomhet"))):
        start = source.text.index(passage)
        source.selections.append(Selection(f"0b0b0b0b-0000-4000-8000-00000000000{number}", start, start + len(passage),
                                           user=person.guid, codings=[Coding(f"0c0c0c0c-0000-4000-8000-00000000000{number}",
                                                                             codes[theme], user=person.guid)]))
    sheet = read_sheet(write_qdpx(project, tmp_path / "intervju.qdpx"), themes=book.theme_names)
    assert sheet.segments[["doc_id", "segment", "question"]].values.tolist() == [["U01", 0, ""], ["U01", 1, ""]]
    assert sheet.codes.to_dict("list") == {"Bolig": [1, 0], "Ensomhet": [0, 1]}
    kept, _ = _human_codes(sheet, segment_table(material), book.theme_names)
    assert len(kept.segments) == 2
