import pytest

from textanalyse.errors import UserError
from textanalyse.io import read_transcripts
from textanalyse.io.transcripts import clean_turn, split_turns

TRANSCRIPT = """Intervju 3 – oppdiktet
[00:00:05] I: Kan du fortelle om hjelpen du får?
[00:00:09] IP: Ja, ruskonsulenten [ler] er grei.
Hun ringer hver uke (pause) og spør hvordan det går.
I: Mhm.
IP: (00:41) Men NAV er vanskelig [utydelig].
"""


def test_split_turns_with_continuation_and_timestamps():
    turns = split_turns(TRANSCRIPT)
    assert [(t.speaker, t.timestamp) for t in turns] == [("I", "00:00:05"), ("IP", "00:00:09"), ("I", ""), ("IP", "")]
    assert turns[1].raw == "Ja, ruskonsulenten [ler] er grei.\nHun ringer hver uke (pause) og spør hvordan det går."


def test_clean_turn_removes_notes_and_timestamps_but_keeps_asides():
    assert clean_turn("(00:41) Men NAV er vanskelig [utydelig].") == "Men NAV er vanskelig."
    assert clean_turn("Det var (i fjor) fint (latter).") == "Det var (i fjor) fint."


def test_txt_transcripts_keep_informant_turns_only(tmp_path):
    (tmp_path / "ung_01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    meta = tmp_path / "informanter.csv"
    meta.write_text("fil,informant_id,gruppe,intervjuer_kode\nung_01.txt,U01,unge,I\n", encoding="utf-8")
    corpus = read_transcripts([tmp_path], meta=meta)
    assert corpus.documents[["doc_id", "question", "gruppe"]].values.tolist() == [["U01", "intervju", "unge"]]
    assert corpus.segments[["segment", "speaker", "text"]].values.tolist() == [
        [0, "IP", "Ja, ruskonsulenten er grei.\nHun ringer hver uke og spør hvordan det går."],
        [1, "IP", "Men NAV er vanskelig."],
    ]
    assert corpus.segments["raw"].iloc[1] == "(00:41) Men NAV er vanskelig [utydelig]."
    assert corpus.metadata_columns == ("gruppe",)


def test_docx_transcript_with_per_file_interviewer_code(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in ["Oppdiktet intervju", "K: Hvordan har du det?", "M: Æ e itj så fornøyd med NAV.", "K: Nei?"]:
        document.add_paragraph(line)
    document.save(tmp_path / "eldre_01.docx")
    meta = tmp_path / "meta.csv"
    meta.write_text("fil;gruppe;intervjuer_kode\neldre_01.docx;eldre;K\n", encoding="utf-8")
    corpus = read_transcripts([tmp_path / "eldre_01.docx"], meta=meta)
    assert corpus.documents["doc_id"].tolist() == ["eldre_01"]
    assert corpus.segments[["speaker", "text"]].values.tolist() == [["M", "Æ e itj så fornøyd med NAV."]]


def test_keep_interviewer(tmp_path):
    (tmp_path / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    corpus = read_transcripts([tmp_path / "a.txt"], keep_interviewer=True)
    assert corpus.segments["speaker"].tolist() == ["I", "IP", "I", "IP"]


def test_no_turns_names_the_patterns_tried(tmp_path):
    path = tmp_path / "notat.txt"
    path.write_text("Bare løpende tekst uten talere.\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"notat\.txt: no speaker turns recognised; tried labels Intervjuer, Informant"):
        read_transcripts([path])


def test_corrupt_docx(tmp_path):
    path = tmp_path / "ung_02.docx"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(UserError, match=r"ung_02\.docx: not a valid \.docx file .*save it again in Word"):
        read_transcripts([path])


def test_missing_meta_row(tmp_path):
    (tmp_path / "a.txt").write_text(TRANSCRIPT, encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("fil,gruppe\nb.txt,unge\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"has no row for transcript 'a\.txt'; add a row with fil = a\.txt"):
        read_transcripts([tmp_path / "a.txt"], meta=meta)


def test_empty_folder(tmp_path):
    with pytest.raises(UserError, match="folder has no .txt or .docx transcripts"):
        read_transcripts([tmp_path])
