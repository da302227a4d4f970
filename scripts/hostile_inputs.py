"""Second pass of issue 18: bad and odd inputs through the CLI, checked for data safety.

Each case builds its files in a fresh folder (beside a folder of a researcher's own files),
runs one command in-process and checks:

- no traceback and no internal error (exit code 0 or 2 only; 2 means exactly one ``error:`` line);
- no data loss: every file that existed before is unchanged (bytes and mtime), nothing of the
  researcher's is deleted, a failed command leaves no new file, a successful one only its outputs;
- no answer text in an error or warning line (every answer holds the marker ``HEMMELIGSVAR``);
- the expected outcome where a case has one (``ok`` or ``error``).

Run:  python scripts/hostile_inputs.py            (all cases, a summary and the failures)
      python scripts/hostile_inputs.py -k docx    (cases whose name contains "docx")
The cheap subset in tests/test_hardening_hostile.py runs a sample of these cases under pytest.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SECRET = "HEMMELIGSVAR"
FAST = ("--pipeline", "fast", "--no-cache")
TIMEOUT_SECONDS = 120


@dataclass
class Case:
    name: str
    setup: Callable[[Path], None]
    args: tuple
    outputs: tuple = ()
    expect: str = "any"  # ok | error | any
    notes: list = field(default_factory=list)


CASES: list[Case] = []


def case(name, args, *, outputs=(), expect="any"):
    def register(setup):
        CASES.append(Case(name, setup, tuple(args), tuple(outputs), expect))
        return setup
    return register


def answers(n=6):
    topics = ["god oppfølging av kommunen", "lang ventetid på bolig", "hjelp til jobb og skole",
              "fastlegen lytter ikke", "NAV svarer for sent", "bolig og økonomi er vanskelig"]
    return [f"{SECRET} {topics[i % len(topics)]} nummer {i}" for i in range(n)]


def survey_text(sep=";", n=6, header=("id", "svar", "gruppe")):
    rows = [sep.join(header)] + [sep.join((str(i + 1), text, "unge" if i % 2 else "eldre"))
                                 for i, text in enumerate(answers(n))]
    return "\n".join(rows) + "\n"


def write(path: Path, data, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode(encoding)
    path.write_bytes(data)


def transcript(labels=("I", "IP"), turns=4):
    lines = []
    for i in range(turns):
        lines.append(f"{labels[0]}: Hvordan har du det med bolig og oppfølging nummer {i}?")
        lines.append(f"{labels[1]}: {SECRET} bolig er vanskelig og oppfølging er god, sier jeg nummer {i}.")
    return "\n".join(lines) + "\n"


def docx_file(path: Path, paragraphs=(), table_rows=()):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows):
            for cell, value in zip(row.cells, values):
                cell.text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


def xlsx_file(path: Path, frames: dict, **options):
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame in frames.items():
            frame.to_excel(writer, sheet_name=sheet, index=False, **options)


def survey_frame(n=6):
    import pandas as pd

    return pd.DataFrame({"id": [str(i + 1) for i in range(n)], "svar": answers(n),
                         "gruppe": ["unge" if i % 2 else "eldre" for i in range(n)]})


CONFIG = """title = "Test"
[annotation]
pipeline = "fast"
[topics]
enabled = false
[quotes]
enabled = false
[[material]]
survey = "data/svar.csv"
text_columns = ["svar"]
group_by = ["gruppe"]
"""


def project(root: Path, config=CONFIG, survey=None):
    write(root / "data" / "svar.csv", survey if survey is not None else survey_text(n=12))
    write(root / "analyse.toml", config)


# ====================================================================== A. survey text files
SURVEY = ("freq", "svar.csv", "--text-col", "svar", *FAST)


@case("csv: CR-only line endings", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("\n", "\r"))


@case("csv: trailing separator on every line", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("\n", ";\n"))


@case("csv: tab separated with .csv ending", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text(sep="\t"))


@case("csv: pipe separated", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text(sep="|"))


@case("csv: quoted header names", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("id;svar;gruppe", '"id";"svar";"gruppe"'))


@case("csv: spaces around header names", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("id;svar;gruppe", " id ; svar ; gruppe "))


@case("csv: blank lines between rows", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("\n", "\n\n"))


@case("csv: a row with fewer fields", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text() + "99;kort\n")


@case("csv: a row with more fields than the header", SURVEY, expect="error")
def _(d): write(d / "svar.csv", survey_text() + f"99;{SECRET} svar;unge;ekstra;felt\n")


@case("csv: unclosed quote at the end", SURVEY, expect="any")
def _(d): write(d / "svar.csv", survey_text() + f'99;"{SECRET} uten slutt\n')


@case("csv: one 1 MB answer", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text() + "99;" + ("bolig " * 200_000) + ";unge\n")


@case("csv: 3000 columns", SURVEY, expect="ok")
def _(d):
    header = ["id", "svar"] + [f"k{i}" for i in range(3000)]
    rows = [";".join([str(i), text] + ["x"] * 3000) for i, text in enumerate(answers())]
    write(d / "svar.csv", ";".join(header) + "\n" + "\n".join(rows) + "\n")


@case("csv: only newlines", SURVEY, expect="error")
def _(d): write(d / "svar.csv", "\n\n\n\n")


@case("csv: only a BOM", SURVEY, expect="error")
def _(d): write(d / "svar.csv", b"\xef\xbb\xbf")


@case("csv: NUL inside the header", SURVEY, expect="any")
def _(d): write(d / "svar.csv", survey_text().replace("svar;gruppe", "sv\x00ar;gruppe", 1))


@case("csv: Latin-1 only characters", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("nummer", "nümmer ÿ"), encoding="latin-1")


@case("csv: emoji and right-to-left text", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("nummer", "👍🏽 مرحبا nummer"))


@case("csv: answers only zero-width spaces", SURVEY, expect="error")
def _(d): write(d / "svar.csv", "id;svar\n1;\u200b\u200b\n2;\u200b\n")


@case("csv: answers all dashes", SURVEY, expect="error")
def _(d): write(d / "svar.csv", "id;svar\n1;-\n2;--\n3;-\n")


@case("csv: answers all 'vet ikke'", SURVEY, expect="error")
def _(d): write(d / "svar.csv", "id;svar\n1;vet ikke\n2;Vet ikke.\n3;VET IKKE\n")


@case("csv: id column with leading zeros", ("freq", "svar.csv", "--text-col", "svar", "--id-col", "id", *FAST),
      expect="ok")
def _(d): write(d / "svar.csv", survey_text().replace("\n1;", "\n0001;"))


@case("csv: ids differing only in case", ("freq", "svar.csv", "--text-col", "svar", "--id-col", "id", *FAST),
      expect="ok")
def _(d): write(d / "svar.csv", f"id;svar\nA1;{SECRET} god hjelp\na1;{SECRET} dårlig hjelp\n")


@case("csv: unicode header name", ("freq", "svar.csv", "--text-col", "spørsmål", *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text(header=("id", "spørsmål", "gruppe")))


@case("csv: header name differs in case", ("freq", "svar.csv", "--text-col", "Svar", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("csv: wrong --sep given", ("freq", "svar.csv", "--text-col", "svar", "--sep", ",", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("csv: UTF-16 with BOM", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text(), encoding="utf-16")


@case("csv: UTF-32", SURVEY, expect="error")
def _(d): write(d / "svar.csv", survey_text(), encoding="utf-32")


@case("csv: gzip compressed", SURVEY, expect="error")
def _(d):
    import gzip

    write(d / "svar.csv", gzip.compress(survey_text().encode()))


@case("csv: JSON saved as .csv", SURVEY, expect="error")
def _(d): write(d / "svar.csv", '[{"id": 1, "svar": "%s god hjelp"}]' % SECRET)


@case("csv: HTML page saved as .csv", SURVEY, expect="error")
def _(d): write(d / "svar.csv", f"<html><body><table><tr><td>{SECRET}</td></tr></table></body></html>\n")


@case("csv: Excel 'sep=;' hint line first", SURVEY, expect="any")
def _(d): write(d / "svar.csv", "sep=;\n" + survey_text())


@case("csv: 5000 line breaks inside one quoted answer", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text() + '99;"' + "bolig\n" * 5000 + '";unge\n')


@case("csv: header of separators only", SURVEY, expect="error")
def _(d): write(d / "svar.csv", ";;;\n1;2;3\n")


@case("csv: PDF saved as .csv", SURVEY, expect="error")
def _(d): write(d / "svar.csv", b"%PDF-1.4\n" + SECRET.encode() + b"\n%%EOF")


@case("csv: SPSS file named .csv", SURVEY, expect="error")
def _(d): write(d / "svar.csv", b"$FL2@(#) SPSS DATA FILE" + b"\x00" * 200)


@case("csv: cp1252 and UTF-8 halves", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", survey_text(n=3).replace("nummer", "bøker").encode("cp1252")
               + "\n".join(f"{i};{t} blåbær;unge" for i, t in enumerate(answers(3), 10)).encode() + b"\n")


@case("csv: the same column named three times", SURVEY, expect="error")
def _(d): write(d / "svar.csv", f"svar;svar;svar\n{SECRET} a;b;c\n")


@case("csv: --text-col given twice", ("freq", "svar.csv", "--text-col", "svar", "--text-col", "svar", *FAST),
      expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("csv: answer text as the only header", SURVEY, expect="error")
def _(d): write(d / "svar.csv", f"{SECRET} jeg syns hjelpen var dårlig og treg\n{SECRET} bra\n")


@case("csv: a thousand identical answers", SURVEY, expect="ok")
def _(d): write(d / "svar.csv", "id;svar\n" + "".join(f"{i};{SECRET} bolig\n" for i in range(1000)))


@case("csv: file name with spaces and æøå", ("freq", "mitt svær fil.csv", "--text-col", "svar", *FAST), expect="ok")
def _(d): write(d / "mitt svær fil.csv", survey_text())


@case("csv: file without ending", ("freq", "svar", "--text-col", "svar", *FAST), expect="error")
def _(d): write(d / "svar", survey_text())


@case("csv: .CSV in capitals", ("freq", "SVAR.CSV", "--text-col", "svar", *FAST), expect="ok")
def _(d): write(d / "SVAR.CSV", survey_text())


# ====================================================================== B. workbooks and SPSS
XLSX = ("freq", "svar.xlsx", "--text-col", "svar", *FAST)


@case("xlsx: second sheet by name", ("freq", "svar.xlsx", "--text-col", "svar", "--sheet", "Svar", *FAST), expect="ok")
def _(d):
    import pandas as pd

    xlsx_file(d / "svar.xlsx", {"Forside": pd.DataFrame({"a": ["x"]}), "Svar": survey_frame()})


@case("xlsx: sheet number out of range", ("freq", "svar.xlsx", "--text-col", "svar", "--sheet", "7", *FAST),
      expect="error")
def _(d): xlsx_file(d / "svar.xlsx", {"Svar": survey_frame()})


@case("xlsx: negative sheet number", ("freq", "svar.xlsx", "--text-col", "svar", "--sheet", "-1", *FAST),
      expect="error")
def _(d): xlsx_file(d / "svar.xlsx", {"Svar": survey_frame()})


@case("xlsx: empty first sheet", XLSX, expect="error")
def _(d):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.save(d / "svar.xlsx")


@case("xlsx: header in row 3 below a title", XLSX, expect="error")
def _(d): xlsx_file(d / "svar.xlsx", {"Svar": survey_frame()}, startrow=2)


@case("xlsx: formulas, dates and booleans in cells", XLSX, expect="ok")
def _(d):
    from openpyxl import Workbook
    import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "svar", "dato", "ok"])
    for i, text in enumerate(answers(), 1):
        sheet.append([i, text, datetime.date(2024, 1, i), i % 2 == 0])
    sheet.append([99, "=1+1", datetime.datetime(2024, 5, 1, 12, 30), True])
    workbook.save(d / "svar.xlsx")


@case("xlsx: numbers as header names", ("freq", "svar.xlsx", "--text-col", "2", *FAST), expect="ok")
def _(d):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append([1, 2])
    for i, text in enumerate(answers()):
        workbook.active.append([i, text])
    workbook.save(d / "svar.xlsx")


@case("xlsx: merged cells", XLSX, expect="ok")
def _(d):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "svar", "gruppe"])
    for i, text in enumerate(answers(), 1):
        sheet.append([i, text, "unge"])
    sheet.merge_cells("C2:C4")
    workbook.save(d / "svar.xlsx")


@case("xlsx: truncated zip", XLSX, expect="error")
def _(d):
    xlsx_file(d / "svar.xlsx", {"Svar": survey_frame()})
    data = (d / "svar.xlsx").read_bytes()
    write(d / "svar.xlsx", data[: len(data) // 2])


@case("xlsx: empty file", XLSX, expect="error")
def _(d): write(d / "svar.xlsx", b"")


@case("xlsx: a zip without a workbook", XLSX, expect="error")
def _(d):
    with zipfile.ZipFile(d / "svar.xlsx", "w") as archive:
        archive.writestr("hei.txt", SECRET)


@case("xlsx: .xlsm", ("freq", "svar.xlsm", "--text-col", "svar", *FAST), expect="ok")
def _(d): xlsx_file(d / "svar.xlsm", {"Svar": survey_frame()})


@case("xlsx: CSV text named .xlsx", XLSX, expect="error")
def _(d): write(d / "svar.xlsx", survey_text())


@case("xlsx: duplicate header names", XLSX, expect="error")
def _(d):
    import pandas as pd

    xlsx_file(d / "svar.xlsx", {"Svar": pd.DataFrame([[f"{SECRET} a", "b"]], columns=["svar", "svar"])})


@case("xlsx: unicode line separators in answers", XLSX, expect="ok")
def _(d):
    frame = survey_frame()
    frame.loc[0, "svar"] = f"{SECRET} god\u2028hjelp\u2029her"
    xlsx_file(d / "svar.xlsx", {"Svar": frame})


@case("sav: valid with value labels", ("freq", "svar.sav", "--text-col", "svar", *FAST), expect="ok")
def _(d):
    import pyreadstat

    pyreadstat.write_sav(survey_frame(), str(d / "svar.sav"))


@case("sav: truncated", ("freq", "svar.sav", "--text-col", "svar", *FAST), expect="error")
def _(d):
    import pyreadstat

    pyreadstat.write_sav(survey_frame(), str(d / "svar.sav"))
    data = (d / "svar.sav").read_bytes()
    write(d / "svar.sav", data[: len(data) // 3])


@case("sav: CSV text named .sav", ("freq", "svar.sav", "--text-col", "svar", *FAST), expect="error")
def _(d): write(d / "svar.sav", survey_text())


@case("sav: zero rows", ("freq", "svar.sav", "--text-col", "svar", *FAST), expect="error")
def _(d):
    import pyreadstat

    pyreadstat.write_sav(survey_frame().head(0), str(d / "svar.sav"))


# ====================================================================== C. transcripts
TRANSCRIPTS = ("freq", "intervjuer", *FAST)


@case("txt: lowercase labels", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript(("i", "ip")))


@case("txt: no space after the colon", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript().replace(": ", ":"))


@case("txt: space before the colon", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript().replace(": ", " : "))


@case("txt: timestamps in square brackets", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", "".join(f"[00:0{i}:1{i}] {line}\n" for i, line in
                                                   enumerate(transcript().splitlines())))


@case("txt: only interviewer turns", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.txt", "I: Hei?\nI: Er du der?\n")


@case("txt: only a title line", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.txt", "Intervju nummer 4\n")


@case("txt: cp1252", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript().replace("nummer", "nåmmer"), encoding="cp1252")


@case("txt: UTF-16", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript(), encoding="utf-16")


@case("txt: unknown third speaker label", TRANSCRIPTS, expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript() + f"Kari: {SECRET} jeg er søsteren.\n")


@case("txt: two unknown labels, no meta", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.txt", transcript(("A", "B")).replace("A:", "K:").replace("B:", "M:"))


@case("txt: empty file", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.txt", b"")


@case("txt: binary junk named .txt", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.txt", bytes(range(256)) * 40)


@case("docx: header and footer text only", TRANSCRIPTS, expect="error")
def _(d):
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = f"I: {SECRET}"
    (d / "intervjuer").mkdir()
    document.save(d / "intervjuer" / "a.docx")


@case("docx: three-column table (time, label, text)", TRANSCRIPTS, expect="ok")
def _(d): docx_file(d / "intervjuer" / "a.docx", table_rows=[("00:01", "I", "Hvordan går det med bolig?"),
                                                             ("00:05", "IP", f"{SECRET} bolig er vanskelig nå")])


@case("docx: empty table", TRANSCRIPTS, expect="error")
def _(d): docx_file(d / "intervjuer" / "a.docx", table_rows=[("", ""), ("", "")])


@case("docx: paragraphs and a table mixed", TRANSCRIPTS, expect="ok")
def _(d): docx_file(d / "intervjuer" / "a.docx", paragraphs=transcript().splitlines(),
                    table_rows=[("IP", f"{SECRET} bolig og jobb")])


@case("docx: renamed .doc (OLE2)", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)


@case("docx: zip without document.xml", TRANSCRIPTS, expect="error")
def _(d):
    (d / "intervjuer").mkdir()
    with zipfile.ZipFile(d / "intervjuer" / "a.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")


@case("folder: no transcripts at all", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "notater.pdf", b"%PDF")


@case("folder: .DOCX and .TXT in capitals", TRANSCRIPTS, expect="ok")
def _(d):
    write(d / "intervjuer" / "A.TXT", transcript())
    docx_file(d / "intervjuer" / "B.DOCX", paragraphs=transcript().splitlines())


@case("folder: hidden files only", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / ".skjult.txt", transcript())


@case("folder: only subfolders", TRANSCRIPTS, expect="error")
def _(d): write(d / "intervjuer" / "under" / "a.txt", transcript())


@case("folder: a FIFO named .txt", TRANSCRIPTS, expect="error")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    os.mkfifo(d / "intervjuer" / "b.txt")


@case("folder: a link loop named .txt", TRANSCRIPTS, expect="error")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    os.symlink("c.txt", d / "intervjuer" / "c.txt")


@case("meta: with a BOM", ("freq", "intervjuer", "--meta", "meta.csv", *FAST), expect="ok")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    write(d / "meta.csv", "\ufefffil;gruppe\na.txt;unge\n")


@case("meta: as a workbook", ("freq", "intervjuer", "--meta", "meta.xlsx", *FAST), expect="ok")
def _(d):
    import pandas as pd

    write(d / "intervjuer" / "a.txt", transcript())
    xlsx_file(d / "meta.xlsx", {"Ark1": pd.DataFrame({"fil": ["a.txt"], "gruppe": ["unge"]})})


@case("meta: the same file twice", ("freq", "intervjuer", "--meta", "meta.csv", *FAST), expect="error")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    write(d / "meta.csv", "fil;gruppe\na.txt;unge\na.txt;eldre\n")


@case("meta: interviewer code empty for the file", ("freq", "intervjuer", "--meta", "meta.csv", *FAST), expect="ok")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    write(d / "meta.csv", "fil;gruppe;intervjuer_kode\na.txt;unge;\n")


@case("meta: a FIFO", ("freq", "intervjuer", "--meta", "meta.csv", *FAST), expect="error")
def _(d):
    write(d / "intervjuer" / "a.txt", transcript())
    os.mkfifo(d / "meta.csv")


@case("speaker: regular-expression characters", ("freq", "intervjuer", "--speaker", "I(1)*", *FAST), expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


@case("speaker: only spaces", ("freq", "intervjuer", "--speaker", "   ", *FAST), expect="error")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


# ====================================================================== D. outputs
@case("out: the input through ./", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "./svar.csv"),
      expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("out: the input through its absolute path", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ABS"),
      expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("out: the input through a linked folder", ("freq", "svar.csv", "--text-col", "svar", *FAST,
                                                 "--out", "lenke/svar.csv"), expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    os.symlink(".", d / "lenke")


@case("out: a deep folder that does not exist", ("freq", "svar.csv", "--text-col", "svar", *FAST,
                                                 "--out", "a/b/c/ord.csv"), outputs=("a/b/c/ord.csv",), expect="ok")
def _(d): write(d / "svar.csv", survey_text())


@case("out: an existing folder", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "mappe"), expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    (d / "mappe").mkdir()


@case("out: only an ending", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", ".csv"), outputs=(".csv",),
      expect="any")
def _(d): write(d / "svar.csv", survey_text())


@case("out: a link to a researcher's file", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "ord.csv"),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    os.symlink(d.parent / "forsker" / "avhandling.docx", d / "ord.csv")


@case("out: hard link to the stop list", ("freq", "svar.csv", "--text-col", "svar", "--stoplist", "egne.txt", *FAST,
                                          "--out", "ord.csv"), expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "egne.txt", "bolig\n")
    os.link(d / "egne.txt", d / "ord.csv")


@case("out: the codebook", ("themes", "svar.csv", "--text-col", "svar", "--codebook", "kodebok.csv", *FAST,
                            "--out", "kodebok.csv"), expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "kodebok.csv", "themes: {}\n")


@case("out: filter report equals --out via ./", ("freq", "svar.csv", "--text-col", "svar", *FAST, "--out", "o.csv",
                                                 "--filter-report", "./o.csv"), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("out: --text-out is the input", ("quotes", "svar.csv", "--text-col", "svar", "--word", "bolig", *FAST,
                                       "--text-out", "svar.csv"), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("out: --text-out an existing folder", ("quotes", "svar.csv", "--text-col", "svar", "--word", "bolig", *FAST,
                                             "--text-out", "mappe"), expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    (d / "mappe").mkdir()


@case("anonymize: --out an existing folder of the researcher", ("anonymize", "intervjuer", "--out", "../forsker",
                                                                 "--pipeline", "rules"), expect="error")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


@case("anonymize: --out inside the transcript folder", ("anonymize", "intervjuer", "--out", "intervjuer/maskert",
                                                         "--pipeline", "rules"), outputs=("intervjuer/maskert",),
      expect="ok")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


@case("anonymize: --out the transcript folder", ("anonymize", "intervjuer", "--out", "intervjuer",
                                                  "--pipeline", "rules"), expect="error")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


@case("anonymize: --report equals the input", ("anonymize", "svar.csv", "--text-col", "svar", "--out", "m.csv",
                                                "--report", "svar.csv", "--pipeline", "rules"), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("anonymize: --out .docx for a table", ("anonymize", "svar.csv", "--text-col", "svar", "--out", "m.docx",
                                              "--pipeline", "rules"), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("anonymize: a single transcript into a .txt name", ("anonymize", "intervjuer/a.txt", "--out", "m.txt",
                                                           "--pipeline", "rules"), expect="error")
def _(d): write(d / "intervjuer" / "a.txt", transcript())


# ====================================================================== E. run and its results folder
RUN = ("run", "prosjekt/analyse.toml")


@case("run: --out the project folder", (*RUN, "--out", "prosjekt", "--overwrite"), expect="error")
def _(d): project(d / "prosjekt")


@case("run: --out the parent of the project", (*RUN, "--out", ".", "--overwrite"), expect="error")
def _(d): project(d / "prosjekt")


@case("run: --out the researcher's folder with our manifest copied in", (*RUN, "--out", "../forsker", "--overwrite"),
      expect="error")
def _(d):
    project(d / "prosjekt")
    write(d.parent / "forsker" / "manifest.json", '{"results_folder": {"format": "textanalyse-results/1", "files": {}}}')


@case("run: --out an earlier result where a file became a link", (*RUN, "--out", "ut", "--overwrite"), expect="error")
def _(d):
    project(d / "prosjekt")
    _run_quietly(d, (*RUN, "--out", "ut"))
    os.remove(d / "ut" / "rapport.html")
    os.symlink(d.parent / "forsker" / "avhandling.docx", d / "ut" / "rapport.html")


@case("run: --out an earlier result with a new subfolder", (*RUN, "--out", "ut", "--overwrite"), expect="error")
def _(d):
    project(d / "prosjekt")
    _run_quietly(d, (*RUN, "--out", "ut"))
    write(d / "ut" / "mine" / "notat.txt", "mine notater")


@case("run: --out a link to an earlier result", (*RUN, "--out", "lenke", "--overwrite"), expect="error")
def _(d):
    project(d / "prosjekt")
    _run_quietly(d, (*RUN, "--out", "ut"))
    os.symlink("ut", d / "lenke")


@case("run: --out an earlier result that lost a file", (*RUN, "--out", "ut", "--overwrite"), outputs=("ut",),
      expect="ok")
def _(d):
    project(d / "prosjekt")
    _run_quietly(d, (*RUN, "--out", "ut"))
    os.remove(d / "ut" / "rapport.html")


@case("run: manifest that is a list", (*RUN, "--out", "ut", "--overwrite"), expect="error")
def _(d):
    project(d / "prosjekt")
    write(d / "ut" / "manifest.json", "[]")


@case("run: output dir empty in the config", RUN, expect="any")
def _(d): project(d / "prosjekt", config=CONFIG.replace('title = "Test"', 'title = "Test"\n[output]\ndir = ""'))


@case("run: output dir '..' in the config", (*RUN, "--overwrite"), expect="error")
def _(d): project(d / "prosjekt", config=CONFIG.replace('title = "Test"', 'title = "Test"\n[output]\ndir = ".."'))


@case("run: survey is a FIFO", (*RUN, "--out", "ut"), expect="error")
def _(d):
    write(d / "prosjekt" / "analyse.toml", CONFIG)
    (d / "prosjekt" / "data").mkdir()
    os.mkfifo(d / "prosjekt" / "data" / "svar.csv")


@case("run: config is a FIFO", ("run", "analyse.toml", "--out", "ut"), expect="error")
def _(d): os.mkfifo(d / "analyse.toml")


@case("run: config with a BOM and CRLF", (*RUN, "--out", "ut"), outputs=("ut",), expect="ok")
def _(d): project(d / "prosjekt", config="\ufeff" + CONFIG.replace("\n", "\r\n"))


@case("run: --set output.dir to the data folder", (*RUN, "--set", "output.dir=data", "--overwrite"), expect="error")
def _(d): project(d / "prosjekt")


@case("run: --set a value with a line break", (*RUN, "--out", "ut", "--set", "title=A\n[x]"), expect="error")
def _(d): project(d / "prosjekt")


@case("run: stop list in the output folder", (*RUN, "--out", "prosjekt/lister", "--overwrite"), expect="error")
def _(d):
    project(d / "prosjekt", config=CONFIG.replace("[[material]]", '[filters]\nstoplists = ["lister/mine.txt"]\n'
                                                                   "[[material]]"))
    write(d / "prosjekt" / "lister" / "mine.txt", "nummer\n")


@case("run: stale temporaries of another tool beside the output", (*RUN, "--out", "ut"), outputs=("ut",), expect="ok")
def _(d):
    project(d / "prosjekt")
    write(d / ".ut.abcdef.tmp" / "viktig.txt", "ikke slett")
    write(d / ".ut.textanalyse-1-abc.tmp" / "viktig.txt", "ikke slett (pid 1 lever)")


# ====================================================================== F. option values
@case("opt: --min-length 1000", ("freq", "svar.csv", "--text-col", "svar", "--min-length", "1000", *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --top 10**12", ("freq", "svar.csv", "--text-col", "svar", "--top", str(10**12), *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --window 100000", ("kwic", "svar.csv", "--text-col", "svar", "--word", "bolig", "--window", "100000",
                               *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --word '**'", ("kwic", "svar.csv", "--text-col", "svar", "--word", "**", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --word ''", ("kwic", "svar.csv", "--text-col", "svar", "--word", "", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --word '.*'", ("kwic", "svar.csv", "--text-col", "svar", "--word", ".*", *FAST), expect="any")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --nonanswer ''", ("freq", "svar.csv", "--text-col", "svar", "--nonanswer", "", *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --k 1", ("topics", "svar.csv", "--text-col", "svar", "--k", "1", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text(n=40))


@case("opt: --k 1000", ("topics", "svar.csv", "--text-col", "svar", "--k", "1000", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text(n=40))


@case("opt: --seed -1", ("topics", "svar.csv", "--text-col", "svar", "--seed", "-1", *FAST), expect="any")
def _(d): write(d / "svar.csv", survey_text(n=40))


@case("opt: --pos in lower case", ("topics", "svar.csv", "--text-col", "svar", "--pos", "noun", *FAST), expect="any")
def _(d): write(d / "svar.csv", survey_text(n=40))


@case("opt: --group-by the id column", ("freq", "svar.csv", "--text-col", "svar", "--group-by", "id", *FAST),
      expect="any")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --target equal to --reference", ("compare", "svar.csv", "--text-col", "svar", "--group-col", "gruppe",
                                             "--target", "unge", "--reference", "unge", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --exclude-word ''", ("freq", "svar.csv", "--text-col", "svar", "--exclude-word", "", *FAST), expect="any")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --stoplist a binary file", ("freq", "svar.csv", "--text-col", "svar", "--stoplist", "liste.txt", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "liste.txt", bytes(range(256)))


@case("opt: --stoplist a folder", ("freq", "svar.csv", "--text-col", "svar", "--stoplist", "mappe", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    (d / "mappe").mkdir()


@case("opt: --stoplist a FIFO", ("freq", "svar.csv", "--text-col", "svar", "--stoplist", "liste.txt", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    os.mkfifo(d / "liste.txt")


@case("opt: --variants with one column", ("freq", "svar.csv", "--text-col", "svar", "--variants", "v.csv", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "v.csv", "bolig\n")


@case("opt: --codebook empty YAML", ("themes", "svar.csv", "--text-col", "svar", "--codebook", "k.yaml", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "k.yaml", "")


@case("opt: --codebook binary", ("themes", "svar.csv", "--text-col", "svar", "--codebook", "k.yaml", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    write(d / "k.yaml", bytes(range(256)))


@case("opt: --codebook with a YAML bomb", ("themes", "svar.csv", "--text-col", "svar", "--codebook", "k.yaml", *FAST),
      expect="error")
def _(d):
    write(d / "svar.csv", survey_text())
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]")
    write(d / "k.yaml", "\n".join(bomb) + "\nthemes: *i\n")


@case("opt: --encoding for an xlsx", ("freq", "svar.xlsx", "--text-col", "svar", "--encoding", "cp1252", *FAST),
      expect="any")
def _(d): xlsx_file(d / "svar.xlsx", {"Svar": survey_frame()})


@case("opt: --sep tab word", ("freq", "svar.csv", "--text-col", "svar", "--sep", "tab", *FAST), expect="ok")
def _(d): write(d / "svar.csv", survey_text(sep="\t"))


@case("opt: --theme not in the codebook", ("quotes", "svar.csv", "--text-col", "svar", "--theme", "Bananer", *FAST),
      expect="error")
def _(d): write(d / "svar.csv", survey_text())


@case("opt: --group-by a free-text column in quotes", ("quotes", "svar.csv", "--text-col", "svar", "--word", "bolig",
                                                       "--group-by", "svar2", *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text(n=30, header=("id", "svar", "svar2")).replace(
    "unge", f"{SECRET} lang fritekst om noe helt annet").replace("eldre", f"{SECRET} enda en lang fritekst her"))


@case("opt: compare on a one-value column", ("compare", "svar.csv", "--text-col", "svar", "--group-col", "gruppe",
                                             *FAST), expect="error")
def _(d): write(d / "svar.csv", survey_text().replace("eldre", "unge"))


# ====================================================================== running
def _run_quietly(folder: Path, args) -> None:
    from click.testing import CliRunner

    from textanalyse.cli import main

    previous = Path.cwd()
    os.chdir(folder)
    try:
        CliRunner().invoke(main, [str(a) for a in args])
    finally:
        os.chdir(previous)


def snapshot(root: Path) -> dict:
    files = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            files[key] = ("link", os.readlink(path))
        elif path.is_file():
            stat = path.stat()
            files[key] = ("file", path.read_bytes(), stat.st_mtime_ns)
        elif path.is_dir():
            files[key] = ("dir",)
        else:
            files[key] = ("special",)
    return files


class _Timeout(Exception):
    pass


def run_case(item: Case, base: Path) -> list[str]:
    """The problems found for one case (an empty list: the case passed)."""
    from click.testing import CliRunner

    from textanalyse.cli import main

    root = base / f"case_{CASES.index(item):03d}"
    researcher = root / "forsker"
    write(researcher / "avhandling.docx", b"PK researcher's thesis")
    write(researcher / "notater.txt", "mine notater")
    folder = root / "arbeid"
    folder.mkdir(parents=True)
    problems = []
    previous = Path.cwd()
    os.chdir(folder)
    try:
        try:
            item.setup(folder)
        except Exception as error:  # a setup bug is a bug of this script, reported as such
            return [f"setup failed: {type(error).__name__}: {error}"]
        args = [str(folder / "svar.csv") if a == "ABS" else str(a) for a in item.args]
        before = snapshot(root)

        def alarm(signum, frame):
            raise _Timeout()

        signal.signal(signal.SIGALRM, alarm)
        signal.alarm(TIMEOUT_SECONDS)
        try:
            result = CliRunner().invoke(main, args)
        except _Timeout:
            return [f"no answer within {TIMEOUT_SECONDS} s"]
        finally:
            signal.alarm(0)
        after = snapshot(root)
    finally:
        os.chdir(previous)
    stderr, output = result.stderr, result.output
    if "Traceback" in output or "internal error" in output:
        problems.append(f"traceback or internal error: {stderr.strip()[:200]}")
    if result.exit_code not in (0, 2):
        problems.append(f"exit code {result.exit_code}: {stderr.strip()[:200]}")
    if result.exit_code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        if len(lines) != 1 or not lines[0].startswith("error: "):
            problems.append(f"not one error line: {lines[:3]}")
    for line in stderr.splitlines():
        if SECRET.lower() in line.lower() and line.startswith(("error", "warning")):
            problems.append(f"answer text in a message: {line[:200]}")
    if item.expect == "ok" and result.exit_code != 0:
        problems.append(f"expected success: {stderr.strip()[:200]}")
    if item.expect == "error" and result.exit_code != 2:
        problems.append(f"expected one clear error, got exit {result.exit_code}")
    allowed = {str(Path("arbeid") / output) for output in item.outputs}

    def replaced_output(key):  # an earlier result replaced on purpose (--overwrite) is not a loss
        return result.exit_code == 0 and any(key == a or key.startswith(a + os.sep) for a in allowed)

    for key, value in before.items():
        if replaced_output(key):
            continue
        if key not in after:
            problems.append(f"DATA LOSS: {key} was deleted")
        elif after[key] != value and value[0] != "dir":
            problems.append(f"DATA LOSS: {key} was changed")
    new = [key for key in after if key not in before]
    unexpected = [key for key in new if not any(key == a or key.startswith(a + os.sep) for a in allowed)
                  and not any(a.startswith(key + os.sep) for a in allowed)]
    if result.exit_code != 0 and new:
        problems.append(f"a failed command left files: {new[:3]}")
    elif result.exit_code == 0 and unexpected and item.outputs:
        problems.append(f"unexpected new files: {unexpected[:3]}")
    elif result.exit_code == 0 and not item.outputs and [k for k in new if not k.startswith("arbeid/ut")]:
        problems.append(f"unexpected new files: {new[:3]}")
    return problems


def selected(pattern: str | None) -> list[Case]:
    return [item for item in CASES if not pattern or pattern.lower() in item.name.lower()]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", dest="pattern", help="only cases whose name contains this text")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case")
    options = parser.parse_args(argv)
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="hostile-cache-"))
    chosen = selected(options.pattern)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="hostile-") as base:
        for item in chosen:
            problems = run_case(item, Path(base))
            failures += bool(problems)
            if problems or options.verbose:
                print(f"{'FAIL' if problems else 'ok  '} {item.name}")
                for problem in problems:
                    print(f"      {problem}")
    print(f"{len(chosen)} inputs tried, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
