"""Silent nonsense (issue 18, items 6-10): odd input gets a correct result, a warning line or one clear error."""

from __future__ import annotations

import os
import threading
import zipfile
from pathlib import Path

import docx
import pandas as pd
import pytest

from test_hardening import (CONFIG, FAST, SECRET, SURVEY_ROWS, assert_clean_error, counts, freq_table,  # noqa: F401
                            guarded, invoke, project, work, write_survey)


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning: ")]


def assert_one_warning(result, *expected):
    assert result.exit_code == 0, result.output
    lines = warnings_of(result)
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], (text, lines[0])
    assert SECRET not in result.stderr


@pytest.fixture
def survey(work) -> Path:
    return write_survey(work / "svar.csv", SURVEY_ROWS)


# ---------------------------------------------------------------- item 6: mixed encodings
def test_utf8_file_with_one_cp1252_line_is_decoded_line_by_line(work):
    data = ("id;svar\n1;Grünerløkka har god oppfølging\n".encode()
            + "2;Grünerløkka har god oppfølging\n".encode("cp1252")
            + "3;Grünerløkka og oppfølging\n".encode())
    (work / "svar.csv").write_bytes(data)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--unit", "exact", *FAST, "--out", "ord.csv",
                     outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    found = counts(freq_table(work / "ord.csv"))
    assert found["grünerløkka"] == 3 and found["oppfølging"] == 3
    assert not [word for word in found if "ã" in word or "Ã" in word]
    assert_one_warning(result, "svar.csv", "mixed encodings: 1 line(s) are cp1252 (line 3)", "save the file as UTF-8")


def test_plain_cp1252_export_needs_no_warning(work):
    (work / "svar.csv").write_bytes("id;svar\n1;Grünerløkka har god oppfølging\n".encode("cp1252"))
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--unit", "exact", *FAST, "--out", "ord.csv",
                     outputs=["ord.csv"])
    assert result.exit_code == 0 and warnings_of(result) == [], result.output
    assert counts(freq_table(work / "ord.csv"))["grünerløkka"] == 1


def test_explicit_encoding_that_fails_names_the_line(work):
    (work / "svar.csv").write_bytes("id;svar\n1;God hjelp\n2;Grünerløkka\n".encode("cp1252"))
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--encoding", "utf-8", *FAST)
    assert_clean_error(result, "svar.csv", "cannot be read as utf-8 (line 3)", "--encoding cp1252")


# ---------------------------------------------------------------- item 7: silently accepted
def test_header_naming_a_column_twice(work):
    (work / "svar.csv").write_text("id;svar;gruppe;svar\n1;God hjelp;unge;Dårlig hjelp\n", encoding="utf-8")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST)
    assert_clean_error(result, "svar.csv", "column 'svar' appears twice in the header (columns 2 and 4)")


def test_workbook_header_naming_a_column_twice(work):
    pd.DataFrame([["1", "God hjelp", "Dårlig"]], columns=["id", "svar", "svar"]).to_excel(work / "svar.xlsx", index=False)
    result = guarded(work, "freq", "svar.xlsx", "--text-col", "svar", *FAST)
    assert_clean_error(result, "svar.xlsx", "column 'svar' appears twice")


def test_text_column_that_is_the_id_column(survey, work):
    result = guarded(work, "freq", "svar.csv", "--text-col", "id", "--id-col", "id", *FAST)
    assert_clean_error(result, "'id' is given both as --text-col and as --id-col")


def test_text_column_of_numbers_is_a_warning(survey, work):
    result = guarded(work, "freq", "svar.csv", "--text-col", "id", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert_one_warning(result, "--text-col 'id' holds only numbers")


def test_group_by_a_free_text_column(work):
    rows = [(str(n), f"Svar nummer {n} om bolig", f"{SECRET} skrev mye langt fritekst nummer {n}") for n in range(30)]
    write_survey(work / "svar.csv", rows, header=("id", "svar", "svar2"))
    for command, option in (("freq", "--group-by"), ("themes", "--group-by"), ("compare", "--group-col")):
        result = guarded(work, command, "svar.csv", "--text-col", "svar", option, "svar2", *FAST)
        assert_clean_error(result, "'svar2' looks like free text (30 different values)")


@pytest.fixture
def transcripts(work) -> Path:
    folder = work / "intervjuer"
    folder.mkdir()
    (folder / "ung_01.txt").write_text("I: Hvordan går det med bolig?\nIP: Bra, jeg har fått god oppfølging.\n",
                                       encoding="utf-8")
    (folder / "ung_02.txt").write_text("I: Hva med jobb?\nIP: Jobb er vanskelig, men oppfølging hjelper.\n",
                                       encoding="utf-8")
    return folder


def test_meta_row_naming_a_missing_transcript(transcripts, work):
    (work / "meta.csv").write_text("fil;gruppe\nung_01.txt;unge\nung_02.txt;unge\nung_09.txt;unge\n", encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", "--meta", "meta.csv", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert_one_warning(result, "meta.csv", "1 row(s) name no transcript", "ung_09.txt")


@pytest.mark.parametrize("args, expected", [
    (("intervjuer", "--speaker", ""), ["--speaker must name a label"]),
    (("svar.csv", "--text-col", "svar", "--sheet", "Ark1"), ["svar.csv", "--sheet is for Excel workbooks"]),
    (("svar.csv", "--text-col", "svar", "--meta", "meta.csv"), ["svar.csv", "--meta is for transcripts"]),
    (("intervjuer", "--text-col", "svar"), ["--text-col is for survey tables"]),
])
def test_options_that_do_not_apply(survey, transcripts, work, args, expected):
    (work / "meta.csv").write_text("fil;gruppe\nung_01.txt;unge\n", encoding="utf-8")
    assert_clean_error(guarded(work, "freq", *args, *FAST), *expected)


def test_question_labels_for_a_missing_column(project, work):
    config = project / "analyse.toml"
    config.write_text(CONFIG.replace("group_by = [\"gruppe\"]", "group_by = [\"gruppe\"]\nquestion_labels = "
                                     "{ svaar = \"Hva fungerer?\" }"), encoding="utf-8")
    assert_clean_error(guarded(work, "run", config, "--out", "ut"), "question_labels names 'svaar'", "svar")


def test_set_value_with_a_line_break(project, work):
    result = guarded(work, "run", project / "analyse.toml", "--out", "ut", "--set", "title=Ny\nfilters.min_length=9")
    assert_clean_error(result, "--set 'title'", "line break")


def test_compare_with_one_document_per_group_warns(transcripts, work):
    (work / "meta.csv").write_text("fil;informant_id;person\nung_01.txt;U1;a\nung_02.txt;U2;b\n", encoding="utf-8")
    result = guarded(work, "compare", "intervjuer", "--meta", "meta.csv", "--group-col", "person",
                     "--min-count", "1", "--min-documents", "1", *FAST, "--out", "k.csv", outputs=["k.csv"])
    assert_one_warning(result, "hold a single document", "p-values")


# ---------------------------------------------------------------- item 8: transcripts
def test_two_unknown_speakers_without_meta_are_not_both_the_informant(work):
    folder = work / "intervjuer"
    folder.mkdir()
    (folder / "eldre.txt").write_text("K: Hvordan har du det?\nM: Det går bra med hjemmetjenesten.\n", encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", *FAST)
    assert_clean_error(result, "eldre.txt", "speakers K, M and none is a known interviewer", "intervjuer_kode")


def test_declared_interviewer_above_the_first_turn_is_used(work):
    folder = work / "intervjuer"
    folder.mkdir()
    (folder / "eldre.txt").write_text("Intervju 3. K = intervjuer, M = informant.\n\nK: Hvordan har du hjemmetjenesten?\n"
                                      "M: Hjemmetjenesten kommer sent.\n", encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", "--unit", "exact", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    assert counts(freq_table(work / "ord.csv"))["hjemmetjenesten"] == 1  # only M's turn, not K's question


def test_unknown_label_is_reported(transcripts, work):
    (transcripts / "ung_01.txt").write_text("I: Hvem hjelper deg?\nIP: Det er naboen.\nOla: Jeg er broren hans.\n",
                                            encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", "--unit", "exact", "--min-length", "1", *FAST, "--out", "ord.csv",
                     outputs=["ord.csv"])
    assert_one_warning(result, "ung_01.txt", "'Ola:' on line 3", "left out of the analysis", "--speaker Ola")
    words = counts(freq_table(work / "ord.csv"))
    assert words["naboen"] == 1  # the informant's turn is counted
    assert "ola" not in words and "broren" not in words  # neither the label nor the unknown speaker's words


def test_unknown_label_becomes_a_turn_when_named_with_speaker(transcripts, work):
    (transcripts / "ung_01.txt").write_text("I: Hvem hjelper deg?\nIP: Det er mange.\nOla: Jeg er broren hans.\n",
                                            encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", "--unit", "exact", "--min-length", "1", *FAST, "--speaker", "Ola",
                     "--speaker", "I", "--speaker", "IP", "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0 and "not a speaker label" not in result.output, result.output
    assert "2 speakers counted as informant (IP, Ola)" in result.output  # it says whom it counted
    words = counts(freq_table(work / "ord.csv"))
    assert words["broren"] == 1 and "ola" not in words


def test_docx_with_turns_in_a_table_is_read(work):
    folder = work / "intervjuer"
    folder.mkdir()
    document = docx.Document()
    document.add_paragraph("Intervju med ung informant")
    table = document.add_table(rows=2, cols=2)
    for row, (label, text) in zip(table.rows, [("I", "Hvordan er boligen?"), ("IP", "Boligen er kald og dyr.")]):
        row.cells[0].text, row.cells[1].text = label, text
    document.save(folder / "ung.docx")
    result = guarded(work, "freq", "intervjuer", "--unit", "exact", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    assert counts(freq_table(work / "ord.csv")) == {"boligen": 1, "kald": 1}


def test_empty_docx_says_it_is_empty(work):
    folder = work / "intervjuer"
    folder.mkdir()
    docx.Document().save(folder / "tom.docx")
    assert_clean_error(guarded(work, "freq", "intervjuer", *FAST), "tom.docx", "the transcript is empty")


# ---------------------------------------------------------------- item 9: links and pipes
def test_symlink_loop_as_input_with_out(work):
    os.symlink("sløyfe.csv", work / "sløyfe.csv")
    result = guarded(work, "freq", "sløyfe.csv", "--text-col", "svar", *FAST, "--out", "ord.csv")
    assert_clean_error(result, "sløyfe.csv", "link loop")


@pytest.mark.parametrize("name, args", [("svar.csv", ("--text-col", "svar")), ("intervju.txt", ())])
def test_fifo_as_input_ends_with_one_line(work, name, args):
    os.mkfifo(work / name)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("result", invoke("freq", name, *args, *FAST)),
                              daemon=True)
    thread.start()
    thread.join(60)
    if thread.is_alive():  # unblock the reader so the test process can end, then fail
        with open(work / name, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert_clean_error(outcome["result"], name, "not an ordinary file")


# ---------------------------------------------------------------- item 10: messages that name the file and a fix that works
def test_topics_error_names_the_file_and_an_option_it_has(work):
    write_survey(work / "lite.csv", [("1", "Bolig", "a"), ("2", "Jobb", "b")])
    result = guarded(work, "topics", "lite.csv", "--text-col", "svar", *FAST)
    assert_clean_error(result, "lite.csv: topics:", "--min-words")
    assert "(or lower min_words)" not in result.stderr


def test_run_error_inside_an_analysis_names_the_material(project, work):
    """A comparison error speaks of columns only; run puts the material and its file in front."""
    config = project / "analyse.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'group_by = ["gruppe"]', 'group_by = ["gruppe"]\nname = "Brukerundersøkelse"\n'
        'compare = [{column = "gruppe", target = "finnes_ikke"}]'), encoding="utf-8")
    result = guarded(work, "run", config, "--out", "ut")
    assert_clean_error(result, "material 'Brukerundersøkelse' (", "svar.csv): ", "'finnes_ikke'")
    assert not (work / "ut").exists()


def test_topics_unknown_word_class(survey, work):
    assert_clean_error(guarded(work, "topics", "svar.csv", "--text-col", "svar", "--pos", "BANAN", *FAST),
                       "--pos 'BANAN' is not a word class", "NOUN")


def test_keyness_error_names_the_file(survey, work):
    result = guarded(work, "compare", "svar.csv", "--text-col", "svar", "--group-col", "gruppe", "--target", "barn",
                     *FAST)
    assert_clean_error(result, "svar.csv: keyness:", "target value 'barn' not found")


@pytest.mark.parametrize("option, value", [("--per-item", "0"), ("--min-words", "0")])
def test_quotes_bad_numbers_name_the_option(survey, work, option, value):
    result = guarded(work, "quotes", "svar.csv", "--text-col", "svar", "--word", "bolig", option, value, *FAST)
    assert_clean_error(result, option)
    assert "per_item" not in result.stderr and "min_words" not in result.stderr


def test_quotes_max_below_min_words(survey, work):
    result = guarded(work, "quotes", "svar.csv", "--text-col", "svar", "--word", "bolig", "--min-words", "9",
                     "--max-words", "3", *FAST)
    assert_clean_error(result, "--max-words (3) must be at least --min-words (9)")


def test_workbook_renamed_to_csv(work):
    pd.DataFrame({"id": ["1"], "svar": ["God hjelp"]}).to_excel(work / "svar.xlsx", index=False)
    os.rename(work / "svar.xlsx", work / "svar.csv")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST)
    assert_clean_error(result, "svar.csv", "is a zip package", "real ending")
    assert "--encoding" not in result.stderr


def test_encrypted_workbook(work):
    # an encrypted .xlsx is an OLE2 compound file holding an EncryptedPackage stream
    (work / "svar.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
                                     + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)
    result = guarded(work, "freq", "svar.xlsx", "--text-col", "svar", *FAST)
    assert_clean_error(result, "svar.xlsx", "password-protected", "remove the password")
    assert "open and save it again" not in result.stderr


def test_old_xls_renamed_xlsx(work):
    (work / "svar.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert_clean_error(guarded(work, "freq", "svar.xlsx", "--text-col", "svar", *FAST), "old Excel .xls file")


def test_docx_renamed_txt_transcript(work):
    folder = work / "intervjuer"
    folder.mkdir()
    with zipfile.ZipFile(folder / "ung.txt", "w") as archive:
        archive.writestr("word/document.xml", "<xml/>")
    assert_clean_error(guarded(work, "freq", "intervjuer", *FAST), "ung.txt", "is a zip package")
