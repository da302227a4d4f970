"""Bring a REFI-QDA project or codebook into textanalyse: a YAML codebook and a coding table.

The coding table is tidy, one row per coding of a text selection: ``source, case, start,
end, text, code, code_path, user``, then ``doc_id, segment, segment_start, segment_end`` and
one column per case or source variable. Positions are code points from 0 (end exclusive) in
the source's text with LF line endings, so ``text == source_text[start:end]``. ``code_path``
joins the code's parents with `` › ``.

``doc_id`` and ``segment`` are filled when the project came from ``export-qdpx`` (also after
a round through NVivo, MAXQDA or ATLAS.ti): a passage inside an answer (coded ``Spørsmål ›
<question>``) belongs to ``<respondent>:<question>`` segment 0, a passage inside an
informant's turn (``Talere › Informant``) to the informant's document and the turn's number.
``segment_start, segment_end`` are then the offsets within that answer or turn, so the table
goes back into ``export-qdpx --human-codings`` as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from textanalyse.errors import UserError
from textanalyse.qdpx.build import QUESTIONS_FOLDER, QUOTES_CODE, SPEAKERS_FOLDER
from textanalyse.qdpx.codebook import codebook_yaml, codes_to_codebook, count_codes
from textanalyse.qdpx.model import Project
from textanalyse.qdpx.read import ReadReport, read_project

CODING_COLUMNS = ["source", "case", "start", "end", "text", "code", "code_path", "user"]
KEY_COLUMNS = ["doc_id", "segment", "segment_start", "segment_end"]
PATH_SEPARATOR = " › "


def coding_table(project: Project, *, label: str = "") -> pd.DataFrame:
    """Every coding of every text selection as a tidy table (see the module docstring).

    Example:
        >>> from textanalyse.qdpx.model import Code, Coding, Selection, Source
        >>> project = Project("p", codes=[Code("c1", "Bolig")], sources=[Source("s1", "R1", "Trenger bolig.",
        ...     selections=[Selection("x1", 8, 13, codings=[Coding("k1", "c1")])])])
        >>> coding_table(project)[["source", "start", "end", "text", "code"]].values.tolist()
        [['R1', 8, 13, 'bolig', 'Bolig']]
    """
    paths = {code.guid: path for code, path in project.walk_codes()}
    users = {user.guid: user.name for user in project.users}
    variables = {variable.guid: variable.name for variable in project.variables}
    by_source: dict[str, list] = {}
    by_selection: dict[str, list] = {}
    for case in project.cases:
        for guid in case.sources:
            by_source.setdefault(guid, []).append(case)
        for guid in case.selections:
            by_selection.setdefault(guid, []).append(case)
    rows, columns = [], []
    units = _our_units(project)
    for source in project.sources:
        source_values = {}
        for case in by_source.get(source.guid, []):
            source_values.update(_named(case.values, variables))
        source_values.update(_named(source.values, variables))
        for selection in source.selections:
            cases = by_selection.get(selection.guid) or by_source.get(source.guid, [])
            values = dict(source_values)
            for case in by_selection.get(selection.guid, []):
                values.update(_named(case.values, variables))
            case_names = "; ".join(dict.fromkeys(case.name for case in cases if case.name))
            for coding in selection.codings:
                path = paths.get(coding.code)
                if path is None:
                    raise UserError(f"{label or project.name}: a Coding in TextSource '{source.name}' refers to code "
                                    f"{coding.code}, which is not in the CodeBook")
                row = {"source": source.name, "case": case_names, "start": selection.start, "end": selection.end,
                       "text": source.text[selection.start:selection.end], "code": path[-1],
                       "code_path": PATH_SEPARATOR.join(path),
                       "user": users.get(coding.user or selection.user, "")}
                row.update(_unit_of(units.get(source.guid, ()), selection, case_names or source.name))
                for name, value in values.items():
                    if name not in columns:
                        columns.append(name)
                    row[name] = value
                rows.append(row)
    extra = [c for c in columns if c not in CODING_COLUMNS + KEY_COLUMNS]
    table = pd.DataFrame(rows, columns=CODING_COLUMNS + KEY_COLUMNS + extra)
    for column in extra:
        table[column] = table[column].fillna("").astype(str)
    for column in KEY_COLUMNS[1:]:
        table[column] = table[column].astype("Int64")
    table["doc_id"] = table["doc_id"].astype(object).fillna("").astype(str)
    return table


def _our_units(project: Project) -> dict:
    """Per source: ``[(start, end, question or None)]`` of the answers and informant turns ``export-qdpx`` coded."""
    from textanalyse.qdpx.build import INFORMANT

    questions, informant = {}, set()
    for code in project.codes:
        if code.name == QUESTIONS_FOLDER and not code.codable:
            questions.update({child.guid: child.name for child in code.children})
        if code.name == SPEAKERS_FOLDER and not code.codable:
            informant.update(child.guid for child in code.children if child.name == INFORMANT)
    units = {}
    for source in project.sources:
        found = []
        for selection in source.selections:
            for coding in selection.codings:
                if coding.code in questions:
                    found.append((selection.start, selection.end, questions[coding.code]))
                elif coding.code in informant:
                    found.append((selection.start, selection.end, None))
        if found:
            units[source.guid] = sorted(set(found), key=lambda unit: (unit[0], unit[1]))
    return units


def _unit_of(units, selection, case: str) -> dict:
    turns = [unit for unit in units if unit[2] is None]
    for start, end, question in units:
        if start <= selection.start and selection.end <= end:
            segment = 0 if question is not None else turns.index((start, end, None))
            return {"doc_id": f"{case}:{question}" if question is not None else case, "segment": segment,
                    "segment_start": selection.start - start, "segment_end": selection.end - start}
    return {}


def _named(values, variables) -> dict:
    return {variables.get(value.variable, value.variable): value.value for value in values}


def structural_codes(project: Project) -> set[str]:
    """Guids of the codes textanalyse adds to its own exports (questions, speakers, quotes)."""
    if not project.origin.lower().startswith("textanalyse"):
        return set()
    return {code.guid for code in project.codes if code.name in (QUESTIONS_FOLDER, SPEAKERS_FOLDER, QUOTES_CODE)}


@dataclass
class ImportResult:
    project: Project
    report: ReadReport
    codebook: dict | None       # our YAML codebook as a mapping (None when the file has no codable codes)
    review: list                # themes whose patterns were suggested and need checking
    coding: pd.DataFrame


def import_file(path, *, allow_outside: bool = False) -> ImportResult:
    """Read ``path`` (``.qdpx``, ``.qde`` or ``.qdc``) into a codebook mapping and a coding table.

    Example:
        >>> result = import_file("fra_nvivo.qdpx")                      # doctest: +SKIP
        >>> result.coding.columns[:8].tolist()                          # doctest: +SKIP
        ['source', 'case', 'start', 'end', 'text', 'code', 'code_path', 'user']
    """
    project, report = read_project(path, allow_outside=allow_outside)
    codebook, review = None, []
    if any(code.codable for code, _ in project.walk_codes()):
        try:
            codebook, review = codes_to_codebook(project.codes, name=project.name, skip=structural_codes(project))
        except UserError:
            codebook = None   # only our own structural codes: no themes to bring in
    return ImportResult(project, report, codebook, review, coding_table(project, label=str(path)))


def import_qdpx(path, *, codebook_out=None, coding_out=None, allow_outside: bool = False) -> list[str]:
    """The ``import-qdpx`` command: write the codebook YAML and/or the coding table; returns summary lines."""
    from textanalyse.api import write_table
    from textanalyse.atomic import write_text

    path = Path(path)
    if codebook_out and Path(codebook_out).suffix.lower() not in (".yaml", ".yml"):
        raise UserError(f"{codebook_out}: --codebook-out must end in .yaml or .yml")
    result = import_file(path, allow_outside=allow_outside)
    lines = [f"{path.name}: {count_codes(result.project.codes)} codes, {len(result.project.sources)} text sources, "
             f"{len(result.coding)} codings by {result.coding['user'].nunique() if len(result.coding) else 0} user(s)"]
    if coding_out:
        if not result.project.sources:
            raise UserError(f"{path}: holds no sources, so there is no coding to write; leave out --coding-out")
        write_table(result.coding, coding_out, sheet_name="koding")
        lines.append(f"wrote {len(result.coding)} codings to {coding_out}")
    if codebook_out:
        if result.codebook is None:
            raise UserError(f"{path}: has no codable codes to make a codebook of; leave out --codebook-out")
        write_text(codebook_out, codebook_yaml(result.codebook))
        lines.append(f"wrote {len(result.codebook['themes'])} themes to {codebook_out}")
        if result.review:
            lines.append(f"{len(result.review)} theme(s) got patterns suggested from their names "
                         f"(marked review: true); check them: {', '.join(result.review[:5])}"
                         + (" …" if len(result.review) > 5 else ""))
    lines += result.report.lines()
    return lines
