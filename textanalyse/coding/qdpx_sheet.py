"""A coded REFI-QDA project (``.qdpx`` from NVivo, MAXQDA, ATLAS.ti …) read as a coding sheet.

The researcher exports the material with ``textanalyse export-qdpx``, opens the ``.qdpx`` in
the QDA program and codes answers (or interview turns) with the codebook's themes there. Read
back with the REFI-QDA import (:mod:`textanalyse.qdpx.importer`), each coding made by a person
(every user except ``textanalyse (automatisk)``) is placed in the answer or turn it lies in,
through the positions of the answer and turn codings our export wrote (``Spørsmål › …``,
``Talere › Informant``). The result is the same :class:`~textanalyse.coding.sheet.CodingSheet`
an ``.xlsx``/``.csv`` sheet gives:

- the coded sample is every segment a person coded with a theme of the codebook, or with a
  code named ``(ingen)`` (the way to say "read, and no theme fits" in a QDA program);
- a theme is 1 for a segment when any person coded any passage of it with that theme;
- every segment counts as round 1 (a random sample is the researcher's responsibility, as with
  a sheet; ``code-sheet`` can draw it).

Codes the export itself made (questions, speakers, quote candidates) are structure, not coding.
A person's code that is not a theme of the codebook is refused with one line, as an unknown
sheet column is.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textanalyse.errors import UserError

QDPX_SUFFIXES = (".qdpx", ".qde")
NO_THEME_CODE = "(ingen)"


def read_qdpx_sheet(path, *, themes=None):
    """Read a coded ``.qdpx`` (made from ``export-qdpx``) as a coding sheet.

    Example:
        >>> import tempfile
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.qdpx.build import ExportMaterial, build_project
        >>> from textanalyse.qdpx.write import write_qdpx
        >>> from textanalyse.themes import parse_codebook
        >>> corpus = Corpus.from_documents([{"doc_id": "R1:bra", "respondent": "R1", "question": "bra",
        ...     "source": "svar.csv", "text": "Fikk egen leilighet."}])
        >>> book = parse_codebook({"themes": {"Bolig": {"patterns": ["bolig*"]}}})
        >>> human = pd.DataFrame([{"doc_id": "R1:bra", "segment": 0, "theme": "Bolig", "user": "Kari"}])
        >>> project = build_project([ExportMaterial("svar", corpus)], title="Eksempel", seed="Eksempel",
        ...                         created="2026-01-01T00:00:00Z", codebook=book, human=human)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     sheet = read_qdpx_sheet(write_qdpx(project, Path(folder) / "kodet.qdpx"), themes=["Bolig"])
        >>> sheet.segments[["doc_id", "segment", "text"]].values.tolist(), sheet.codes["Bolig"].tolist()
        ([['R1:bra', 0, 'Fikk egen leilighet.']], [1])
    """
    from textanalyse.coding.sheet import ROUND_COLUMN, CodingSheet
    from textanalyse.qdpx.ids import AUTOMATIC_USER
    from textanalyse.qdpx.importer import _our_units, import_file, structural_codes

    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: coded project not found; check the path")
    result = import_file(path)
    project, table = result.project, result.coding
    units = _our_units(project)
    if not units:
        raise UserError(f"{path}: holds no answers or turns exported by textanalyse; code the .qdpx that "
                        "'textanalyse export-qdpx' wrote for this material, then name it with --human")
    structural = structural_codes(project) or _structural_by_name(project)
    structural_names = {code.name for code, _ in project.walk_codes() if code.guid in structural}
    person = table.loc[(table["user"] != AUTOMATIC_USER) & ~table["code_path"].str.split(" › ").str[0]
                       .isin(structural_names)]
    outside = person.loc[person["doc_id"] == ""]
    if len(outside):
        raise UserError(f"{path}: a coding by '{outside['user'].iloc[0]}' with '{outside['code'].iloc[0]}' in source "
                        f"'{outside['source'].iloc[0]}' lies outside every answer and turn; code within the answers")
    if themes is not None:
        unknown = person.loc[~person["code"].isin(set(themes) | {NO_THEME_CODE}), "code"]
        if len(unknown):
            raise UserError(f"{path}: code '{unknown.iloc[0]}' is not a theme of the codebook; use the same codebook "
                            "as for the export, or add the theme to the codebook")
    if person.empty:
        raise UserError(f"{path}: no passage is coded with a theme by a person (only textanalyse's own codings); "
                        "code the answers in NVivo, MAXQDA or ATLAS.ti first")
    texts = _unit_texts(project, units)
    keys = list(dict.fromkeys(zip(person["doc_id"], person["segment"].astype(int))))
    theme_names = list(themes) if themes is not None else sorted(set(person["code"]) - {NO_THEME_CODE})
    coded = set(zip(person["doc_id"], person["segment"].astype(int), person["code"]))
    codes = pd.DataFrame({theme: [int((doc, seg, theme) in coded) for doc, seg in keys] for theme in theme_names},
                         index=range(len(keys)), dtype=int)
    segments = pd.DataFrame({"doc_id": [doc for doc, _ in keys], "segment": [seg for _, seg in keys]})
    segments["question"] = [doc.rpartition(":")[2] if texts.get((doc, seg), ("", None))[1] else ""
                            for doc, seg in keys]
    segments["text"] = [texts.get(key, ("", None))[0] for key in keys]
    segments[ROUND_COLUMN] = 1
    return CodingSheet(segments=segments, codes=codes, comments=pd.Series([""] * len(keys), dtype=object),
                       source=str(path))


def _structural_by_name(project) -> set:
    """Our export's folders, also when another tool rewrote the project's origin."""
    from textanalyse.qdpx.build import QUESTIONS_FOLDER, QUOTES_CODE, SPEAKERS_FOLDER

    return {code.guid for code in project.codes if code.name in (QUESTIONS_FOLDER, SPEAKERS_FOLDER, QUOTES_CODE)}


def _unit_texts(project, units) -> dict:
    """``(doc_id, segment) -> (text as exported, question or None)`` for every answer and turn."""
    cases = {}
    for case in project.cases:
        for guid in case.sources:
            cases.setdefault(guid, case.name)
    out = {}
    for source in project.sources:
        turn = 0
        name = cases.get(source.guid, source.name)
        for start, end, question in units.get(source.guid, ()):
            if question is None:
                out[(name, turn)] = (source.text[start:end], None)
                turn += 1
            else:
                out[(f"{name}:{question}", 0)] = (source.text[start:end], question)
    return out


def check_texts(sheet, segments: pd.DataFrame) -> None:
    """Refuse a ``.qdpx`` whose answers differ from this material's (another export, or edited text)."""
    if not str(sheet.source).lower().endswith(QDPX_SUFFIXES):
        return
    mine = {(d, int(s)): str(t) for d, s, t in zip(segments["doc_id"], segments["segment"], segments["text"])}
    for doc, seg, question, text in zip(sheet.segments["doc_id"], sheet.segments["segment"],
                                        sheet.segments["question"], sheet.segments["text"]):
        here = mine.get((doc, int(seg)))
        if question and here is not None and here.strip() != str(text).strip():
            raise UserError(f"{sheet.source}: the answer {doc} differs from the material's text; the .qdpx was "
                            "exported from other data: export this material with 'textanalyse export-qdpx' and code that")
