"""Bad input, end to end through the CLI (issue 8).

Every case either works correctly or stops with ONE clear line on stderr (``error: …``, exit
code 2, naming the file or option and what to do). In every case: no traceback, no partial
output, no input file changed (bytes and mtime), and no answer text in an error message.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from textanalyse.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "eksempel"
FAST = ("--pipeline", "fast", "--no-cache")
FREQ_COLUMNS = ["question", "word", "length", "count", "weighted_percentage", "documents", "similar_words"]
SECRET = "HEMMELIGNAVN"  # stands for answer text that must never appear in an error message
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# ---------------------------------------------------------------- helpers
def invoke(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file (hidden ones too) under ``folder``: content and mtime."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:  # not Path.read_bytes, which one test patches
                files[str(path.relative_to(folder))] = (handle.read(), path.stat().st_mtime_ns)
        elif path.is_symlink() or path.is_dir():
            files[str(path.relative_to(folder)) + "/"] = (b"", 0)
    return files


def guarded(folder: Path, *args, outputs=()):
    """Run the CLI in ``folder``; inputs must stay byte-identical, and only ``outputs`` may appear."""
    before = snapshot(folder)
    result = invoke(*args)
    after = snapshot(folder)
    for name, (content, mtime) in before.items():
        assert name in after, f"input {name} disappeared"
        assert after[name] == (content, mtime), f"input {name} was changed"
    new = set(after) - set(before)
    if result.exit_code != 0:
        assert not new, f"a failed command left files behind: {sorted(new)}"
    else:
        allowed = {str(Path(o)) for o in outputs} | {str(Path(o)) + "/" for o in outputs}
        parents = {str(p) + "/" for o in outputs for p in Path(o).parents if str(p) != "."}
        assert new <= allowed | parents, f"unexpected files: {sorted(new - allowed - parents)}"
    assert "Traceback" not in result.output
    return result


def assert_clean_error(result, *expected: str):
    """Exit code 2 and exactly one line ``error: …`` on stderr containing ``expected``."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for text in expected:
        assert text in lines[0], (text, lines[0])
    assert result.stdout == ""
    assert SECRET not in result.output
    assert "Traceback" not in result.output


def freq_table(path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, keep_default_na=False, dtype={"word": str})
    assert table.columns.tolist() == FREQ_COLUMNS
    return table


def counts(table: pd.DataFrame) -> dict[str, int]:
    return dict(zip(table["word"], table["count"]))


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty working folder as the current directory (relative outputs land here)."""
    folder = tmp_path / "arbeid"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return folder


def write_survey(path: Path, rows, *, header=("id", "svar", "gruppe"), encoding="utf-8", sep=";") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


SURVEY_ROWS = [("1", f"{SECRET} fikk god oppfølging av kommunen", "unge"),
               ("2", "Bolig og oppfølging er viktig", "eldre"),
               ("3", "Ventetid på bolig var lang", "unge")]


# ---------------------------------------------------------------- encodings and line endings
def test_cp1252_read_as_utf8_names_the_file_and_the_fix(work):
    write_survey(work / "svar.csv", SURVEY_ROWS, encoding="cp1252")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--encoding", "utf-8", *FAST)
    assert_clean_error(result, "svar.csv", "cannot be read as utf-8", "--encoding cp1252")


@pytest.mark.parametrize("encoding, option", [("cp1252", ()), ("latin-1", ("--encoding", "latin-1")),
                                              ("latin-1", ()), ("utf-8-sig", ()), ("utf-16", ())])
def test_other_encodings_are_read(work, encoding, option):
    write_survey(work / "svar.csv", SURVEY_ROWS, encoding=encoding)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--id-col", "id", *option, *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    assert counts(freq_table(work / "ord.csv"))["oppfølging"] == 2


def test_utf16_without_bom_and_nul_bytes_are_refused(work):
    (work / "utf16le.csv").write_bytes("id;svar\n1;Oppfølging\n".encode("utf-16-le"))
    (work / "nul.csv").write_bytes(f"id;svar\n1;{SECRET} hjelp\x00 her\n".encode())
    for name in ("utf16le.csv", "nul.csv"):
        result = guarded(work, "freq", name, "--text-col", "svar", *FAST)
        assert_clean_error(result, name, "NUL bytes", "UTF-8")


def test_unknown_encoding_name(work):
    write_survey(work / "svar.csv", SURVEY_ROWS)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--encoding", "klingon", *FAST)
    assert_clean_error(result, "svar.csv", "unknown encoding 'klingon'")


def test_mixed_line_endings_in_one_file(work):
    data = (b"id;svar\r\n1;God hjelp fra kommunen\n2;Bolig er viktig\r3;\"Flere\r\nlinjer\rmed bolig\nher\"\r\n"
            b"4;Siste svar uten linjeskift")
    (work / "svar.csv").write_bytes(data)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--unit", "exact", "--no-default-stoplists", *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    table = freq_table(work / "ord.csv")
    assert counts(table)["bolig"] == 2 and counts(table)["linjer"] == 1 and counts(table)["siste"] == 1
    assert table.loc[table["word"] == "bolig", "documents"].item() == 2


# ---------------------------------------------------------------- empty, header-only, duplicates, numbers
@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\r\n \n\t\n", "the file is empty"),
    (b"id;svar\n", "has a header but no rows"),
    (b"id;svar", "has a header but no rows"),
    (b"\xef\xbb\xbfid;svar\r\n", "has a header but no rows"),
])
def test_empty_and_header_only_files(work, content, message):
    (work / "svar.csv").write_bytes(content)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ord.csv")
    assert_clean_error(result, "svar.csv", message)


def test_only_empty_answers(work):
    write_survey(work / "svar.csv", [("1", "", "a"), ("2", "vet ikke", "b"), ("3", " \u200b ", "a")])
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ord.csv")
    assert_clean_error(result, "svar.csv", "no answers to analyse")


def test_duplicate_ids(work):
    write_survey(work / "svar.csv", [("7", "God hjelp", "a"), ("8", "Bolig", "b"), ("7", "Jobb", "a")])
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--id-col", "id", *FAST)
    assert_clean_error(result, "svar.csv", "duplicate values", "--id-col")


def test_numeric_text_column_works_and_counts_no_numbers(work):
    write_survey(work / "svar.csv", [("1", "12", "a"), ("2", "3,5", "b"), ("3", "1 000", "a"), ("4", "-7", "b")])
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--text-col", "id", "--min-length", "1", *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    assert freq_table(work / "ord.csv").empty


def test_unusual_unicode_is_counted_as_the_words_people_see(work):
    rows = [("1", "o\u0308ppfo\u0308lging\u00a0hjelp", "a"),          # NFD (macOS) and a non-breaking space
            ("2", "öppfölging og hje\u200blp\u200b", "b"),             # NFC, zero-width spaces inside and after
            ("3", "Sámegiella: áŋčđšŧž \u2060hjelp\u00ad", "a"),      # Sami letters, word joiner, soft hyphen
            ("4", "مرحبا بالعالم و עברית", "b"),                          # right-to-left scripts
            ("5", "😀🎉 👍🏽 👩‍👩‍👧 hjelp", "a"),                           # emoji, skin tone, ZWJ sequence
            ("6", "\ufeffhjelp midt\u2028linje\u2029avsnitt", "b")]    # BOM in a cell, line/paragraph separators
    write_survey(work / "svar.csv", rows)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", "--unit", "exact", "--min-length", "1",
                     "--no-default-stoplists", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    found = counts(freq_table(work / "ord.csv"))
    assert found["öppfölging"] == 2 and found["hjelp"] == 5
    assert found["áŋčđšŧž"] == 1 and found["עברית"] == 1 and found["بالعالم"] == 1
    assert not any(ch in word for word in found for ch in "\u200b\u2060\ufeff\u00ad\u00a0")
    assert not any("😀" in word or "👍" in word for word in found)  # emoji are not words
    result = guarded(work, "kwic", "svar.csv", "--text-col", "svar", "--word", "hjelp", *FAST,
                     "--out", "kwic.csv", outputs=["ord.csv", "kwic.csv"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(work / "kwic.csv")) == 5


# ---------------------------------------------------------------- big inputs
def test_a_50_mb_single_answer_works(work):
    """One respondent wrote 50 MB (e.g. a pasted document); built streaming, counted exactly."""
    sentence = "Oppfølging fra kommunen og bolig betyr mye. ".encode()
    repeats = 50_000_000 // len(sentence) + 1
    with open(work / "stort.csv", "wb") as handle:
        handle.write(b"id;svar\n1;")
        block = sentence * 10_000
        for _ in range(repeats // 10_000):
            handle.write(block)
        handle.write(sentence * (repeats % 10_000))
        handle.write(b"\n2;Kort svar om bolig\n")
    assert (work / "stort.csv").stat().st_size > 50_000_000
    result = guarded(work, "freq", "stort.csv", "--text-col", "svar", "--unit", "exact", *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    found = freq_table(work / "ord.csv").set_index("word")
    assert found.loc["oppfølging", "count"] == repeats and found.loc["bolig", "count"] == repeats + 1
    assert found.loc["bolig", "documents"] == 2


def test_100000_one_word_answers(work):
    words = ["bolig", "jobb", "hjelp", "kommunen"]
    with open(work / "mange.csv", "w", encoding="utf-8") as handle:
        handle.write("id;svar\n")
        handle.writelines(f"R{i};{words[i % 4]}\n" for i in range(100_000))
    result = guarded(work, "freq", "mange.csv", "--text-col", "svar", "--id-col", "id", "--unit", "exact",
                     "--min-length", "1", "--no-default-stoplists", *FAST, "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    table = freq_table(work / "ord.csv")
    assert counts(table) == {word: 25_000 for word in words}
    assert table["documents"].tolist() == [25_000] * 4
    assert table["weighted_percentage"].tolist() == [25.0] * 4


# ---------------------------------------------------------------- corrupt binary formats
def _not_an_office_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hei.txt", SECRET)
    return buffer.getvalue()


def _truncated_sav(folder: Path) -> bytes:
    import pyreadstat

    good = folder / "god.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0], "svar": [f"{SECRET} bolig", "jobb"]}), str(good))
    data = good.read_bytes()
    good.unlink()
    return data[: len(data) // 2]


@pytest.mark.parametrize("name, content, message", [
    ("svar.xlsx", b"not a zip at all " + SECRET.encode(), "not a valid .xlsx file"),
    ("svar.xlsx", b"", "not a valid .xlsx file"),
    ("svar.xlsx", "zip", "not a valid .xlsx file"),
    ("svar.sav", b"$FL2 broken " + SECRET.encode(), "not a readable SPSS .sav file"),
    ("svar.sav", "truncated", "not a readable SPSS .sav file"),
    ("intervju.docx", b"PK\x03\x04 broken " + SECRET.encode(), "not a valid .docx file"),
    ("intervju.docx", "zip", "not a valid .docx file"),
])
def test_corrupt_office_and_spss_files(work, name, content, message):
    if content == "zip":
        content = _not_an_office_zip()
    elif content == "truncated":
        content = _truncated_sav(work)
    (work / name).write_bytes(content)
    text_col = () if name.endswith(".docx") else ("--text-col", "svar")
    result = guarded(work, "freq", name, *text_col, *FAST)
    assert_clean_error(result, name, message)


def test_valid_xlsx_and_sav_with_odd_cells_work(work):
    import pyreadstat

    table = pd.DataFrame({"id": [1, 2, 3], "svar": ["Bolig og jobb", 42, None], "dato": pd.to_datetime(["2024-01-02"] * 3)})
    table.to_excel(work / "svar.xlsx", index=False)
    result = guarded(work, "freq", "svar.xlsx", "--text-col", "svar", "--min-length", "1", *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output
    assert {"bolig", "jobb"} <= set(freq_table(work / "ord.csv")["word"])
    pyreadstat.write_sav(pd.DataFrame({"id": [1.0, 2.0], "svar": ["Bolig er fint", ""]}), str(work / "svar.sav"))
    result = guarded(work, "freq", "svar.sav", "--text-col", "svar", *FAST, "--out", "sav.csv",
                     outputs=["ord.csv", "sav.csv"])
    assert result.exit_code == 0, result.output
    assert "bolig" in set(freq_table(work / "sav.csv")["word"])


# ---------------------------------------------------------------- transcript folders
@pytest.fixture
def transcripts(work) -> Path:
    folder = work / "intervjuer"
    folder.mkdir()
    for name in ("eldre_01.txt", "eldre_02.docx", "ung_01.docx", "ung_02.txt", "informanter.csv"):
        shutil.copy(EXAMPLE / "intervjuer" / name, folder / name)
    return folder


@pytest.mark.parametrize("name, make, message", [
    ("zz_skadet.docx", lambda p: p.write_bytes(b"PK\x03\x04 nope"), "not a valid .docx file"),
    ("zz_binær.txt", lambda p: p.write_bytes(bytes(range(256)) * 8), "cannot be decoded"),
    ("zz_utf16.txt", lambda p: p.write_bytes("I: Hei\nIP: Hei\n".encode("utf-16-le")), "NUL bytes"),
    ("zz_tom.txt", lambda p: p.write_bytes(b""), "the transcript is empty"),
    ("zz_lenke.txt", lambda p: p.symlink_to(p.parent / "finnes_ikke.txt"), "not found"),
])
def test_one_bad_transcript_among_good_ones_is_named(transcripts, work, name, make, message):
    make(transcripts / name)
    result = guarded(work, "freq", "intervjuer", *FAST, "--out", "ord.csv")
    assert_clean_error(result, name, message)


@pytest.mark.skipif(IS_ROOT, reason="root can read files without read permission")
def test_unreadable_transcript_is_named(transcripts, work):
    bad = transcripts / "zz_lukket.txt"
    bad.write_text("I: Hei\nIP: Hei\n", encoding="utf-8")
    bad.chmod(0)
    try:
        result = guarded(work, "freq", "intervjuer", *FAST)
        assert_clean_error(result, "zz_lukket.txt", "permission denied")
    finally:
        bad.chmod(0o644)


def test_unreadable_transcript_is_named_even_as_root(transcripts, work, monkeypatch):
    """The same case simulated (root reads everything): the reader's PermissionError becomes one line."""
    original = Path.read_bytes

    def read_bytes(self):
        if self.name == "zz_lukket.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    (transcripts / "zz_lukket.txt").write_text("I: Hei\nIP: Hei\n", encoding="utf-8")
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = guarded(work, "freq", "intervjuer", *FAST)
    assert_clean_error(result, "zz_lukket.txt", "permission denied")


def test_folder_named_like_a_transcript_is_skipped(transcripts, work):
    (transcripts / "gammelt.txt").mkdir()
    (transcripts / "~$ung_01.docx").write_bytes(b"Word lock file")
    result = guarded(work, "freq", "intervjuer", "--meta", "intervjuer/informanter.csv", *FAST,
                     "--out", "ord.csv", outputs=["ord.csv"])
    assert result.exit_code == 0, result.output


def test_missing_and_bad_meta(transcripts, work):
    shutil.copy(EXAMPLE / "intervjuer" / "ung_04.txt", transcripts / "ekstra.txt")
    result = guarded(work, "freq", "intervjuer", "--meta", "intervjuer/informanter.csv", *FAST)
    assert_clean_error(result, "informanter.csv", "no row for transcript 'ekstra.txt'", "fil = ekstra.txt")
    result = guarded(work, "freq", "intervjuer", "--meta", "finnes_ikke.csv", *FAST)
    assert_clean_error(result, "finnes_ikke.csv", "not found")
    (work / "meta.csv").write_text("navn;gruppe\nx;y\n", encoding="utf-8")
    result = guarded(work, "freq", "intervjuer", "--meta", "meta.csv", *FAST)
    assert_clean_error(result, "meta.csv", "'fil' not found")


# ---------------------------------------------------------------- option values
@pytest.fixture
def survey(work) -> Path:
    return write_survey(work / "svar.csv", SURVEY_ROWS)


@pytest.mark.parametrize("args, expected", [
    (("freq", "--unit", "stem"), ["--unit", "'stem' is not one of 'lemma', 'exact'"]),
    (("freq", "--min-length", "0"), ["--min-length", "at least 1"]),
    (("freq", "--min-length", "-3"), ["--min-length", "at least 1"]),
    (("freq", "--top", "0"), ["--top", "at least 1"]),
    (("freq", "--top", "many"), ["--top", "'many' is not a valid integer"]),
    (("kwic", "--word", "bolig", "--window", "-1"), ["--window", "at least 0"]),
    (("freq", "--sep", "x"), ["--sep 'x'"]),
    (("freq", "--language", "sv"), ["--language", "'sv'"]),
    (("freq", "--pipeline", "finnes_ikke"), ["pipeline 'finnes_ikke' is not available"]),
    (("freq", "--group-by", "alder"), ["--group-by column 'alder' not found"]),
    (("freq", "--stoplist", "finnes_ikke.txt"), ["finnes_ikke.txt", "not found"]),
    (("topics", "--k", "x"), ["--k must be auto or a whole number"]),
    (("compare", "--group-col", "text"), ["--group-col 'text' not found"]),
    (("compare", "--group-col", "gruppe", "--target", "ingen"), ["target value 'ingen' not found"]),
    (("quotes",), ["name what to quote"]),
    (("freq", "--no-such-option"), ["No such option", "--no-such-option", "--help"]),
])
def test_bad_option_values_give_one_line(survey, work, args, expected):
    command, *rest = args
    result = guarded(work, command, "svar.csv", "--text-col", "svar", *FAST, *rest, "--out", "ut.csv")
    assert_clean_error(result, *expected)


def test_unknown_command_gives_one_line(work):
    assert_clean_error(invoke("frekvens", "svar.csv"), "No such command 'frekvens'")


# ---------------------------------------------------------------- output paths
@pytest.mark.parametrize("out, expected", [
    ("ord.json", ["ord.json", "--out must end in .csv or .xlsx"]),
    ("ord", ["--out must end in .csv or .xlsx"]),
    ("svar.csv", ["svar.csv", "must differ from the input"]),
    ("fil.txt/ord.csv", ["cannot write here", "fil.txt"]),
])
def test_bad_output_paths(survey, work, out, expected):
    (work / "fil.txt").write_text("en fil, ikke en mappe", encoding="utf-8")
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--filter-report", "filtre.csv",
                     "--out", out)
    assert_clean_error(result, *expected)


def test_output_folder_that_does_not_exist_is_created(survey, work):
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ny/mappe/ord.csv",
                     outputs=["ny/mappe/ord.csv"])
    assert result.exit_code == 0, result.output
    freq_table(work / "ny" / "mappe" / "ord.csv")


def test_second_output_invalid_means_nothing_is_written(survey, work):
    for args in (("freq", "--filter-report", "filtre.csv", "--out", "ord.pdf"),
                 ("freq", "--filter-report", "filtre.pdf", "--out", "ord.csv"),
                 ("themes", "--coded-out", "koding.csv", "--out", "tema.txt"),
                 ("topics", "--assignments-out", "tilordning.csv", "--out", "emner.doc")):
        result = guarded(work, args[0], "svar.csv", "--text-col", "svar", *FAST, *args[1:])
        assert_clean_error(result, "must end in .csv or .xlsx")


@pytest.mark.skipif(IS_ROOT, reason="root may write into read-only folders")
def test_read_only_output_folder(survey, work):
    locked = work / "låst"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "låst/ord.csv")
        assert_clean_error(result, "låst/ord.csv", "cannot write here", "permission denied")
    finally:
        locked.chmod(0o755)


def test_permission_denied_while_writing_is_one_line(survey, work, monkeypatch):
    """A folder that turns read-only (or a file open in Excel) between the check and the write."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ord.csv")
    assert_clean_error(result, "ord.csv", "cannot write here")
    result = guarded(work, "quotes", "svar.csv", "--text-col", "svar", "--word", "bolig", "--min-words", "2",
                     *FAST, "--text-out", "sitater.txt")
    assert_clean_error(result, "sitater.txt", "cannot write here")


def test_anonymize_bad_outputs_write_nothing(work):
    write_survey(work / "svar.csv", SURVEY_ROWS)
    for args, expected in ((("--out", "svar.csv"), "must differ from the input"),
                           (("--out", "maskert.csv", "--report", "rapport.pdf"), "--report must end in .csv or .xlsx"),
                           (("--out", "maskert.txt"), "--out must end in .csv or .xlsx")):
        result = guarded(work, "anonymize", "svar.csv", "--text-col", "svar", *args)
        assert_clean_error(result, expected)
    shutil.copytree(EXAMPLE / "intervjuer", work / "intervjuer")
    result = guarded(work, "anonymize", "intervjuer", "--out", "maskert", "--report", "rapport.pdf")
    assert_clean_error(result, "--report must end in .csv or .xlsx")
    (work / "maskert").mkdir()
    result = guarded(work, "anonymize", "intervjuer", "--out", "maskert")
    assert_clean_error(result, "maskert", "already exists")


# ---------------------------------------------------------------- config files
CONFIG = """title = "Test"
[annotation]
pipeline = "fast"
[topics]
enabled = false
[filters]
stoplists = ["lister/mine.txt"]
[[material]]
survey = "data/svar.csv"
text_columns = ["svar"]
group_by = ["gruppe"]
"""


@pytest.fixture
def project(work) -> Path:
    """A config with its material in subfolders; paths in it are relative to the config file."""
    root = work / "prosjekt"
    (root / "data").mkdir(parents=True)
    (root / "lister").mkdir()
    answers = ["God oppfølging av kommunen", "Bolig og jobb er viktig", "Lang ventetid på bolig",
               "Hjelp til bolig og jobb"] * 3
    write_survey(root / "data" / "svar.csv", [(str(i), f"{words} nummer {i}", "unge" if i % 2 else "eldre")
                                              for i, words in enumerate(answers, start=1)])
    (root / "lister" / "mine.txt").write_text("nummer\n", encoding="utf-8")
    (root / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    return root


def test_config_paths_are_relative_to_the_config_from_another_folder(project, work, tmp_path, monkeypatch):
    elsewhere = tmp_path / "annet_sted"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = invoke("run", project / "analyse.toml")
    assert result.exit_code == 0, result.output
    out = project / "resultater"  # [output] dir defaults to resultater beside the config
    words = pd.read_csv(out / "tabeller" / "svar_ordfrekvenser.csv")["word"].tolist()
    assert "bolig" in words and "nummer" not in words  # the stop list next to the config was used
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("change, expected", [
    (("title = \"Test\"", "title = \"Test\"\nforfatter = \"meg\""), ["unknown key 'forfatter' in the config"]),
    (("enabled = false", "enabled = false\nseeed = 1"), ["unknown key 'seeed' in [topics]", "Did you mean 'seed'?"]),
    (("enabled = false", "enabled = \"nei\""), ["topics.enabled must be true or false"]),
    (("pipeline = \"fast\"", "pipeline = \"fast\"\nlanguage = \"sv\""), ["annotation.language = 'sv' is not allowed"]),
    (("[filters]", "[filters]\nmin_length = 0"), ["filters.min_length must be at least 1"]),
    (("[filters]", "[frequency]\nkwic_top = -1\n[filters]"), ["frequency.kwic_top must be at least 0"]),
    (("[filters]", "[quotes]\nper_item = 0\n[filters]"), ["quotes.per_item must be at least 1"]),
    (("[filters]", "[compare]\nmin_count = -1\n[filters]"), ["compare.min_count must be at least 0"]),
    (("text_columns = [\"svar\"]", "text_columns = [1]"), ["material.text_columns must be a list of text"]),
    (("survey = \"data/svar.csv\"\ntext_columns = [\"svar\"]", "transcripts = [1]"),
     ["material.transcripts must be a list of text"]),
    (("group_by = [\"gruppe\"]", "compare = [{column = \"text\", target = \"x\"}]"),
     ["compare column must be a metadata column"]),
    (("data/svar.csv", "data/finnes_ikke.csv"), ["finnes_ikke.csv", "file not found"]),
    (("lister/mine.txt", "lister/finnes_ikke.txt"), ["finnes_ikke.txt", "not found"]),
    (("group_by = [\"gruppe\"]", "group_by = [\"alder\"]"), ["group_by column 'alder' not found"]),
    (("title = \"Test\"", "title = \"Test"), ["analyse.toml: not valid TOML"]),
])
def test_bad_config_gives_one_line_and_writes_nothing(project, work, change, expected):
    config = project / "analyse.toml"
    config.write_text(CONFIG.replace(*change), encoding="utf-8")
    result = guarded(work, "run", config, "--out", "ut")
    assert_clean_error(result, *expected)


def test_missing_config_folder_as_config_and_bad_set(project, work):
    assert_clean_error(guarded(work, "run", "finnes_ikke.toml"), "finnes_ikke.toml", "config file not found")
    assert_clean_error(guarded(work, "run", "prosjekt"), "prosjekt", "is a folder")
    (work / "binær.toml").write_bytes(b"\xff\xfe\x00t")
    assert_clean_error(guarded(work, "run", "binær.toml"), "binær.toml", "UTF-8")
    config = project / "analyse.toml"
    assert_clean_error(guarded(work, "run", config, "--set", "filters"), "--set 'filters'")
    assert_clean_error(guarded(work, "run", config, "--set", "filters.min_length=tre"), "filters.min_length")


def test_run_never_replaces_a_folder_that_is_not_an_earlier_result(project, work):
    config = project / "analyse.toml"
    (work / "fil.txt").write_text("viktig", encoding="utf-8")
    assert_clean_error(guarded(work, "run", config, "--out", "fil.txt", "--overwrite"), "not a folder")
    assert_clean_error(guarded(work, "run", config, "--out", "fil.txt/ut"), "cannot write here")
    # --out the project folder itself, or the current folder: the inputs must survive
    assert_clean_error(guarded(work, "run", config, "--out", project, "--overwrite"), "holds the input")
    assert_clean_error(guarded(work, "run", config, "--out", ".", "--overwrite"), "current folder")


# ---------------------------------------------------------------- answer text never in messages
def test_error_messages_never_contain_answer_text(work, monkeypatch):
    rows = [("1", f"{SECRET} bor i Oslo", "a"), ("2", f"{SECRET} har jobb", "b")]
    write_survey(work / "svar.csv", rows)
    (work / "cp.csv").write_bytes(f"id;svar\n1;{SECRET} på bolig\n".encode("cp1252"))
    (work / "skjev.csv").write_bytes(f"id;svar\n1;{SECRET};ekstra;felt\n2;ok\n".encode())
    (work / "åpen.csv").write_bytes(f'id;svar\n1;"{SECRET} uten slutt\n2;ok\n'.encode())
    cases = [
        ("freq", "cp.csv", "--text-col", "svar", "--encoding", "utf-8"),
        ("freq", "skjev.csv", "--text-col", "svar"),
        ("freq", "åpen.csv", "--text-col", "svar"),
        ("freq", "svar.csv", "--text-col", "svar", "--group-by", "text"),
        ("compare", "svar.csv", "--text-col", "svar", "--group-col", "text", "--target", "x"),
        ("compare", "svar.csv", "--text-col", "svar", "--group-col", "svar"),
        ("quotes", "svar.csv", "--text-col", "svar", "--word", "jobb", "--group-by", "svar"),
        ("kwic", "svar.csv", "--text-col", "svar", "--word", SECRET.lower(), "--out", "k.pdf"),
    ]
    for args in cases:
        result = guarded(work, *args, *FAST)
        assert result.exit_code == 2, (args, result.output)
        assert SECRET not in result.output.replace(SECRET.lower(), ""), args

    def explode(*args, **kwargs):
        raise ValueError(f"could not handle '{SECRET} bor i Oslo'")

    monkeypatch.setattr("textanalyse.frequency.frequency_table", explode)
    result = guarded(work, "freq", "svar.csv", "--text-col", "svar", *FAST)
    assert result.exit_code == 1
    assert result.stderr.strip() == ("internal error (ValueError); please report it. "
                                     "Set TEXTANALYSE_DEBUG=1 to see details.")


# ---------------------------------------------------------------- generated input
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(st.text(max_size=60), min_size=1, max_size=6))
def test_any_unicode_answers_give_a_table_or_one_clear_line(answers):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = write_survey(folder / "svar.csv", [(str(i), text, "a") for i, text in enumerate(answers, start=1)])
        before = path.read_bytes()
        out = folder / "ord.csv"
        result = invoke("freq", path, "--text-col", "svar", "--id-col", "id", "--min-length", "1", *FAST, "--out", out)
        assert result.exit_code in (0, 2), result.output
        assert path.read_bytes() == before
        if result.exit_code == 0:
            table = freq_table(out)
            assert (table["count"] > 0).all() and table["word"].str.len().gt(0).all()
        else:
            assert_clean_error(result, "svar.csv")
            assert not out.exists()


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".txt"]))
def test_any_bytes_give_a_table_or_one_clear_line(data, suffix):
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / f"fil{suffix}"
        path.write_bytes(b"id;svar\n" + data if suffix == ".csv" else data)
        before = path.read_bytes()
        text_col = () if suffix == ".txt" else ("--text-col", "svar")
        result = invoke("freq", path, *text_col, *FAST, "--out", Path(name) / "ord.csv")
        assert result.exit_code in (0, 2), result.output
        assert path.read_bytes() == before
        if result.exit_code == 2:
            assert_clean_error(result, f"fil{suffix}")
