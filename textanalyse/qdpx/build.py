"""Build a REFI-QDA :class:`~textanalyse.qdpx.model.Project` from analysed materials.

Survey: one source per respondent, each answered question under a heading line with the
question's label; a case per respondent with the metadata as typed variables; a code per
question (``Spørsmål › fungerer_bra``) coding each answer. Transcripts: one source per
transcript with its text as read (interviewer turns included), a case per informant and a
code per speaker role coding the turns. Themes, human codings and quote candidates are
selections on those sources; positions are code points from 0, end exclusive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from textanalyse import __version__
from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.qdpx.codebook import codebook_codes, theme_guids
from textanalyse.qdpx.ids import AUTOMATIC_USER, Guids, palette_colour
from textanalyse.qdpx.model import (Case, Code, Coding, Note, Project, Selection, Source, User, Variable,
                                    VariableValue)
from textanalyse.qdpx.turns import align, match_segments, turn_spans

QUESTIONS_FOLDER = "Spørsmål"
SPEAKERS_FOLDER = "Talere"
QUOTES_CODE = "Sitatkandidater"
INFORMANT, INTERVIEWER = "Informant", "Intervjuer"
HUMAN_COLUMNS = ("doc_id", "segment", "theme", "user")
SHEET_CODER = "koder (kodeark)"    # the person who filled in the coding sheet of assisted coding
NO_THEME = ("", "(ingen)")
_INTEGER = re.compile(r"^[+-]?(?:0|[1-9]\d*)$")
_FLOAT = re.compile(r"^[+-]?(?:0|[1-9]\d*)[.,]\d+$")


@dataclass
class ExportMaterial:
    """One analysed material: its corpus, theme coding and quote candidates (with positions).

    ``coded`` has the columns of :func:`textanalyse.themes.code_segments`; ``quotes`` those of
    :func:`textanalyse.quotes.quote_candidates` with ``positions=True``. ``interviewer_labels``
    and ``speaker_labels`` tell how transcript turns were split (see ``io.transcripts``).
    """

    name: str
    corpus: Corpus
    coded: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    question_labels: dict = field(default_factory=dict)
    speaker_labels: tuple = ()
    interviewer_labels: tuple = ()
    keep_interviewer: bool = False
    encoding: str | None = None


@dataclass
class _Place:
    """Where a document's segments sit in a source: per segment, a map from text offsets."""

    source: Source
    segments: dict = field(default_factory=dict)   # segment -> (start, end, offsets or None)

    def span(self, segment: int, start: int | None = None, end: int | None = None) -> tuple[int, int]:
        seg_start, seg_end, offsets = self.segments[segment]
        if start is None:
            return seg_start, seg_end
        if offsets is None:
            return seg_start + start, seg_start + end
        if not offsets or start >= len(offsets):
            return seg_end, seg_end
        return offsets[start], offsets[max(end - 1, start)] + (1 if end > start else 0)


class _Builder:
    def __init__(self, *, title: str, seed: str, created: str, codebook, human: pd.DataFrame | None):
        self.guids = Guids(seed)
        self.created = created
        self.codebook = codebook
        self.project = Project(name=title, origin=f"textanalyse {__version__}", created=created)
        self.auto = self.user(AUTOMATIC_USER)
        self.project.user = self.auto
        self.places: dict[tuple[str, str], _Place] = {}
        self.variables: dict[str, Variable] = {}
        self.theme_codes = theme_guids(codebook, self.guids) if codebook is not None else {}
        self.extra_codes: dict[str, Code] = {}
        self.human = human
        self.selections: dict[str, Selection] = {}

    # ------------------------------------------------------------------ users, codes
    def user(self, name: str) -> str:
        guid = self.guids.make("user", name)
        if all(user.guid != guid for user in self.project.users):
            self.project.users.append(User(guid, name))
        return guid

    def select(self, place: _Place, start: int, end: int, code: str, *, user: str, kind: str, key,
               note: Note | None = None) -> None:
        """Add a coding of ``code`` on ``start:end`` by ``user``: one selection per span and user."""
        source = place.source
        guid = self.guids.make("selection", source.guid, start, end, user)
        selection = self.selections.get(guid)
        if selection is None:
            selection = self.selections[guid] = Selection(guid, start, end, name=_selection_name(source.text[start:end]),
                                                          user=user, created=self.created)
            source.selections.append(selection)
        coding_guid = self.guids.make("coding", kind, *key)
        if any(c.guid == coding_guid for c in selection.codings):
            return
        selection.codings.append(Coding(coding_guid, code, user=user, created=self.created))
        if note is not None:
            self.project.notes.append(note)
            selection.notes.append(note.guid)
            selection.description = "\n\n".join(part for part in (selection.description, note.text) if part)

    # ------------------------------------------------------------------ variables and cases
    def case(self, material: ExportMaterial, key: str, name: str, row, source: Source) -> None:
        values = []
        for column in material.corpus.metadata_columns:
            value = str(row.get(column, "") or "").strip()
            if value:
                values.append((column, value))
        case = Case(self.guids.make("case", material.name, key), name, sources=[source.guid])
        case.values = values  # typed once every material is seen
        self.project.cases.append(case)

    def type_variables(self) -> None:
        seen: dict[str, list[str]] = {}
        for case in self.project.cases:
            for column, value in case.values:
                seen.setdefault(column, []).append(value)
        for column, values in seen.items():
            self.variables[column] = Variable(self.guids.make("variable", column), column, _variable_type(values))
        self.project.variables = list(self.variables.values())
        for case in self.project.cases:
            case.values = [VariableValue(self.variables[c].guid, self.variables[c].type,
                                         _typed(v, self.variables[c].type)) for c, v in case.values]

    # ------------------------------------------------------------------ sources
    def survey(self, material: ExportMaterial) -> None:
        corpus = material.corpus
        order = {question: number for number, question in enumerate(corpus.questions)}
        by_respondent: dict[str, list[dict]] = {}
        for record in corpus.documents.to_dict("records"):   # plain dicts: fast for 100,000 answers
            by_respondent.setdefault(record["respondent"], []).append(record)
        for respondent, answers in by_respondent.items():
            answers.sort(key=lambda record: order[record["question"]])
            parts, spans, position = [], [], 0
            for record in answers:
                heading = material.question_labels.get(record["question"]) or record["question"]
                block = f"{heading}\n"
                spans.append((position + len(block), position + len(block) + len(record["text"])))
                block += record["text"] + "\n\n"
                parts.append(block)
                position += len(block)
            text = "".join(parts).rstrip("\n") + "\n"
            source = Source(self.guids.make("source", material.name, respondent), str(respondent), text,
                            user=self.auto, created=self.created)
            self.project.sources.append(source)
            self.case(material, str(respondent), str(respondent), answers[0], source)
            for record, (start, end) in zip(answers, spans):
                place = self.places[(material.name, record["doc_id"])] = _Place(source, {0: (start, end, None)})
                code = self.question_code(record["question"], material)
                self.select(place, start, end, code, user=self.auto, kind="question",
                            key=(material.name, record["doc_id"]))

    def transcripts(self, material: ExportMaterial) -> None:
        from textanalyse.io.transcripts import read_transcript_text

        corpus = material.corpus
        paths = {Path(p).name: Path(p) for p in corpus.sources}
        segments = {doc_id: part for doc_id, part in corpus.segments.groupby("doc_id", sort=False)}
        for row in corpus.documents.itertuples(index=False):
            path = paths.get(row.source)
            if path is None:
                raise UserError(f"{row.source}: transcript not found among the material's files")
            text = read_transcript_text(path, encoding=material.encoding)
            source = Source(self.guids.make("source", material.name, row.doc_id), path.stem, text,
                            user=self.auto, created=self.created)
            self.project.sources.append(source)
            self.case(material, row.doc_id, row.doc_id, row._asdict(), source)
            turns = turn_spans(text, material.speaker_labels)
            place = _Place(source)
            own = segments.get(row.doc_id, corpus.segments.iloc[:0])
            matched = match_segments(own, turns, text)
            for segment, turn_index, seg_text in matched:
                start, end = turns[turn_index][1:]
                place.segments[segment] = (start, end, align(text[start:end], seg_text, offset=start))
            self.places[(material.name, row.doc_id)] = place
            kept = {turn_index for _, turn_index, _ in matched}
            interviewers = {label.lower() for label in material.interviewer_labels}
            for number, (speaker, start, end) in enumerate(turns):
                if material.keep_interviewer:
                    role = INTERVIEWER if speaker.lower() in interviewers else INFORMANT
                else:
                    role = INFORMANT if number in kept else INTERVIEWER
                if end > start:
                    self.select(place, start, end, self.speaker_code(role), user=self.auto, kind="speaker",
                                key=(material.name, row.doc_id, number))

    # ------------------------------------------------------------------ codings on the sources
    def themes(self, material: ExportMaterial) -> None:
        if material.coded is None or material.coded.empty:
            return
        # assisted coding (``[themes] human``) marks the coder's own codes with source "human"
        sources = material.coded["source"] if "source" in material.coded.columns else None
        for number, row in enumerate(material.coded.itertuples(index=False)):
            place = self.places.get((material.name, str(row.doc_id)))
            if place is None or int(row.segment) not in place.segments:
                continue
            start, end = place.span(int(row.segment), int(row.start), int(row.end))
            by_person = sources is not None and sources.iloc[number] == "human"
            self.select(place, start, end, self.theme_codes[row.theme],
                        user=self.user(SHEET_CODER) if by_person else self.auto, kind="theme",
                        key=(material.name, row.doc_id, int(row.segment), row.theme, int(row.start), int(row.end),
                             by_person))

    def human_codings(self, materials) -> None:
        table = self.human
        if table is None or table.empty:
            return
        if "theme" not in table.columns and "code" in table.columns:   # an imported coding table
            table = table.rename(columns={"code": "theme"})
        missing = [column for column in HUMAN_COLUMNS if column not in table.columns]
        if missing:
            raise UserError(f"human codings: column '{missing[0]}' is missing; the table needs "
                            f"{', '.join(HUMAN_COLUMNS)} (and optionally segment_start, segment_end)")
        spans = "segment_start" in table.columns and "segment_end" in table.columns
        for number, row in enumerate(table.to_dict("records"), start=2):
            theme = str(row["theme"]).strip()
            doc_id = str(row["doc_id"]).strip()
            if theme in NO_THEME or doc_id in ("", "nan"):   # no theme, or a passage outside our documents
                continue
            place = next((self.places[(m.name, doc_id)] for m in materials if (m.name, doc_id) in self.places), None)
            segment = _whole(row["segment"], f"human codings row {number}: segment")
            if place is None or segment not in place.segments:
                raise UserError(f"human codings: document '{doc_id}' segment {segment} is not in the material; "
                                "check doc_id and segment against the coding sheet")
            seg_start, seg_end, _ = place.segments[segment]
            start, end = seg_start, seg_end
            if spans and str(row.get("segment_start", "")).strip() not in ("", "nan"):
                where = f"human codings row {number}"
                start = seg_start + _whole(row["segment_start"], f"{where}: segment_start")
                end = seg_start + _whole(row["segment_end"], f"{where}: segment_end")
                if not seg_start <= start <= end <= seg_end:
                    raise UserError(f"{where}: segment_start/segment_end lie outside segment {segment} of '{doc_id}'")
            user = self.user(str(row["user"]).strip() or "ukjent koder")
            self.select(place, start, end, self.code_for(theme), user=user, kind="human",
                        key=(doc_id, segment, theme, user, start, end))

    def quotes(self, material: ExportMaterial) -> None:
        quotes = material.quotes
        if quotes is None or quotes.empty:
            return
        if not {"segment", "start", "end"} <= set(quotes.columns):
            raise ValueError("quote candidates need positions (quote_candidates(..., positions=True))")
        code = self.fixed_code(QUOTES_CODE, "Sitatkandidater valgt av textanalyse; notatet holder sitatet "
                                            "avidentifisert, slik det kan brukes i en rapport.")
        for row in quotes.itertuples(index=False):
            place = self.places.get((material.name, str(row.doc_id)))
            if place is None or int(row.segment) not in place.segments:
                continue
            start, end = place.span(int(row.segment), int(row.start), int(row.end))
            key = (material.name, row.doc_id, int(row.segment), row.kind, row.theme_or_word, int(row.rank))
            flags = str(getattr(row, "risk_flags", "") or "").strip()
            text = str(row.quote) + (f"\n\nSjekk før bruk: {flags}" if flags else "")
            note = Note(self.guids.make("note", "quote", *key), f"Sitat: {row.theme_or_word} ({int(row.rank)})", text,
                        user=self.auto, created=self.created)
            self.select(place, start, end, code, user=self.auto, kind="quote", key=key, note=note)

    # ------------------------------------------------------------------ code tree
    def question_code(self, question: str, material: ExportMaterial) -> str:
        folder = self.folder(QUESTIONS_FOLDER, "Ett svar per spørsmål, kodet automatisk.")
        guid = self.guids.make("code", "question", question)
        if all(child.guid != guid for child in folder.children):
            label = material.question_labels.get(question, "")
            folder.children.append(Code(guid, question, color=palette_colour(10 + len(folder.children)),
                                        description=label))
        return guid

    def speaker_code(self, role: str) -> str:
        folder = self.folder(SPEAKERS_FOLDER, "Turene i intervjuene etter hvem som snakker.")
        guid = self.guids.make("code", "speaker", role)
        if all(child.guid != guid for child in folder.children):
            folder.children.append(Code(guid, role, color=palette_colour(15 + len(folder.children))))
            folder.children.sort(key=lambda code: code.name)
        return guid

    def folder(self, name: str, description: str) -> Code:
        guid = self.guids.make("code", "folder", name)
        found = next((code for code in self.extra_codes.values() if code.guid == guid), None)
        if found is None:
            found = self.extra_codes[guid] = Code(guid, name, codable=False, description=description)
        return found

    def fixed_code(self, name: str, description: str) -> str:
        guid = self.guids.make("code", "fixed", name)
        if guid not in self.extra_codes:
            self.extra_codes[guid] = Code(guid, name, color="#ffd700", description=description)
        return guid

    def code_for(self, theme: str) -> str:
        if theme in self.theme_codes:
            return self.theme_codes[theme]
        guid = self.guids.make("code", "human", theme)
        if guid not in self.extra_codes:
            self.extra_codes[guid] = Code(guid, theme, color=palette_colour(len(self.extra_codes) + 5),
                                          description="Kode fra manuell koding (ikke i kodeboken).")
        return guid

    def finish(self) -> Project:
        self.type_variables()
        top = codebook_codes(self.codebook, self.guids) if self.codebook is not None else []
        human = [c for c in self.extra_codes.values() if c.description.startswith("Kode fra manuell")]
        fixed = [c for c in self.extra_codes.values() if c not in human]
        self.project.codes = top + sorted(human, key=lambda c: c.name) + fixed
        for source in self.project.sources:
            source.selections.sort(key=lambda s: (s.start, s.end, s.user != self.auto, s.guid))
        self.project.users.sort(key=lambda u: (u.guid != self.auto, u.name))
        return self.project


def build_project(materials, *, title: str, seed: str, created: str, codebook=None,
                  human: pd.DataFrame | None = None, description: str = "") -> Project:
    """The project for ``materials`` (a list of :class:`ExportMaterial`).

    ``human``: human coding decisions, one row per (segment, theme, coder): ``doc_id,
    segment, theme, user`` (``code`` for ``theme`` in a table from ``import-qdpx``) and
    optionally ``segment_start, segment_end``: offsets into the segment as it stands in the
    exported source (a survey answer's text; a transcript turn's original text), else the
    whole segment. Theme ``(ingen)`` rows are skipped. ``created``: the fixed ``xsd:dateTime`` stamped on
    everything, so two exports of the same input are identical.

    Example:
        >>> corpus = Corpus.from_documents([{"doc_id": "R1:bra", "respondent": "R1", "question": "bra",
        ...     "source": "svar.csv", "text": "God oppfølging."}])
        >>> project = build_project([ExportMaterial("svar", corpus)], title="Eksempel", seed="Eksempel",
        ...                         created="2026-01-01T00:00:00Z")
        >>> project.sources[0].text
        'bra\\nGod oppfølging.\\n'
    """
    builder = _Builder(title=title, seed=seed, created=created, codebook=codebook, human=human)
    for material in materials:
        if material.corpus.kind == "transcripts":
            builder.transcripts(material)
        else:
            builder.survey(material)
    for material in materials:
        builder.themes(material)
    builder.human_codings(materials)
    for material in materials:
        builder.quotes(material)
    project = builder.finish()
    project.description = description
    return project


def _whole(value, where: str) -> int:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = -1.0
    if number < 0 or number != int(number):
        raise UserError(f"{where} must be a whole number from 0, got {str(value)[:20]!r}")
    return int(number)


def _selection_name(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 60 else words[:59].rstrip() + "…"


def _variable_type(values) -> str:
    """Integer, Float, Boolean or Text: the narrowest type every value fits.

    Example:
        >>> _variable_type(["12", "7"]), _variable_type(["1,5", "2"]), _variable_type(["0301"])
        ('Integer', 'Float', 'Text')
    """
    if all(_INTEGER.match(v) for v in values):
        return "Integer"
    if all(_INTEGER.match(v) or _FLOAT.match(v) for v in values):
        return "Float"
    if all(v.lower() in ("true", "false") for v in values):
        return "Boolean"
    return "Text"


def _typed(value: str, kind: str) -> str:
    if kind == "Integer":
        return str(int(value))
    if kind == "Float":
        return value.replace(",", ".")
    if kind == "Boolean":
        return value.lower()
    return value
