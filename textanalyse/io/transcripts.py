"""Read interview transcripts (.txt/.docx) into one document per informant, one segment per turn."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from textanalyse.corpus import SEGMENT_COLUMNS, Corpus, empty_nonanswers
from textanalyse.errors import UserError, warn
from textanalyse.io.tables import (clean_text, decode_bytes, read_file_bytes, read_table, refuse_binary,
                                   require_columns)
from textanalyse.wordlists import read_word_list

TRANSCRIPT_SUFFIXES = (".txt", ".docx")
# Speaker labels recognised out of the box; users add their own with --speaker.
DEFAULT_SPEAKER_LABELS = ("Intervjuer", "Informant", "Intervjuperson", "Int", "Inf", "IP", "I", "K", "M", "D", "R")
# Labels that mean "the interviewer" unless the metadata table says otherwise per file.
DEFAULT_INTERVIEWER_LABELS = ("I", "Intervjuer", "Int")
TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?"
_BRACKETED_TIMESTAMP = re.compile(rf"[\[(]\s*{TIMESTAMP}\s*[\])]")
_SQUARE_NOTE = re.compile(r"\[[^\[\]\n]{0,80}\]")
_ROUND_NOTE = re.compile(r"\(([^()\n]{0,60})\)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,!?;:])")


@dataclass(frozen=True)
class Turn:
    speaker: str
    raw: str
    timestamp: str


@lru_cache(maxsize=1)
def transcription_note_words() -> frozenset[str]:
    path = resources.files("textanalyse.io") / "data" / "transcript_notes.txt"
    return frozenset(read_word_list(path))


def clean_turn(raw: str) -> str:
    """Remove timestamps and transcription notes, keep the spoken words.

    Example:
        >>> clean_turn("[00:12:31] Det var fint [ler], egentlig (pause) veldig fint.")
        'Det var fint, egentlig veldig fint.'
    """
    notes = transcription_note_words()
    text = _BRACKETED_TIMESTAMP.sub(" ", raw)
    text = _SQUARE_NOTE.sub(" ", text)

    def drop_note(match: re.Match) -> str:
        words = match.group(1).strip().lower().split()
        return " " if words and words[0].strip(".,!?") in notes else match.group(0)

    text = _ROUND_NOTE.sub(drop_note, text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def speaker_pattern(labels) -> re.Pattern:
    """A pattern for a line that starts a turn: optional timestamp, a label, a colon."""
    alternatives = "|".join(re.escape(label) for label in sorted(set(labels), key=len, reverse=True))
    return re.compile(
        rf"^\s*(?P<time>[\[(]?\s*{TIMESTAMP}\s*[\])]?)?\s*(?P<label>{alternatives})\s*:\s?(?P<rest>.*)$",
        re.IGNORECASE,
    )


def split_turns(text: str, *, labels=DEFAULT_SPEAKER_LABELS, unknown_lines=()) -> list[Turn]:
    """Split a transcript into speaker turns; lines without a label continue the turn.

    Lines before the first label (titles, notes about the interview) are not part of any turn.
    ``unknown_lines`` are line numbers (from 1) that start a turn of a speaker who is not in
    ``labels`` (``Ola: …``, see :func:`unknown_label_lines`): such a line starts its own turn,
    with that label as speaker, so the name is not read as a word of the previous turn.

    Example:
        >>> [t.speaker for t in split_turns("I: Hvordan går det?\\nIP: Bra.\\nVeldig bra.")]
        ['I', 'IP']
        >>> [(t.speaker, t.raw) for t in split_turns("IP: Bra.\\nOla: Jeg er broren.", unknown_lines=[2])]
        [('IP', 'Bra.'), ('Ola', 'Jeg er broren.')]
    """
    pattern = speaker_pattern(labels)
    canonical = {label.lower(): label for label in labels}
    unknown_lines = set(unknown_lines)
    turns: list[list] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            label = canonical[match.group("label").lower()]
            timestamp = (match.group("time") or "").strip("[]() ")
            turns.append([label, [match.group("rest")], timestamp])
        elif number in unknown_lines and (unknown := _LABEL_LIKE.match(line)):
            timestamp = (unknown.group("time") or "").strip("[]() ")
            turns.append([unknown.group("label"), [line[unknown.end("label"):].lstrip().removeprefix(":").lstrip()], timestamp])
        elif turns:
            turns[-1][1].append(line)
    return [Turn(speaker, "\n".join(lines).strip(), timestamp) for speaker, lines, timestamp in turns]


def read_transcript_text(path: Path, *, encoding: str | None = None) -> str:
    """The plain text of a ``.txt`` or ``.docx`` transcript (one line per Word paragraph or table row)."""
    if not path.exists():
        raise UserError(f"{path}: not found (a broken link or a link loop?); check the path")
    data = read_file_bytes(path)  # a clear line for links, pipes and unreadable files first
    if path.suffix.lower() == ".docx":
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as error:  # python-docx raises several types for damaged packages
            if data.startswith(b"\xd0\xcf\x11\xe0"):
                raise UserError(f"{path}: is an old Word .doc file or password-protected; save it in Word as .docx "
                                "without a password") from None
            raise UserError(f"{path}: not a valid .docx file ({type(error).__name__}); open and save it again in Word") from None
        return clean_text("\n".join(_docx_lines(document)))
    refuse_binary(data, path)
    return clean_text(decode_bytes(data, path, encoding=encoding).replace("\r\n", "\n").replace("\r", "\n"))


def _docx_lines(document) -> list[str]:
    """Paragraphs and table rows in document order; a row ``I | Hvordan går det?`` becomes ``I: Hvordan går det?``."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                        cells.append(text)
                if len(cells) >= 2 and len(cells[-2]) <= 30 and not cells[-2].endswith(":"):
                    lines.append(" ".join(cells[:-1]) + ": " + cells[-1])
                else:
                    lines.append(" ".join(cells))
    return lines


def transcript_files(paths) -> list[Path]:
    """The transcript files named directly or found in the given folders, sorted by name."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise UserError(f"{path}: not found; check the path")
        if path.is_dir():
            found = sorted(
                child for child in path.iterdir()
                if child.suffix.lower() in TRANSCRIPT_SUFFIXES and not child.name.startswith((".", "~$"))
                and not child.is_dir()
            )
            if not found:
                raise UserError(f"{path}: folder has no .txt or .docx transcripts")
            files.extend(found)
        elif path.suffix.lower() in TRANSCRIPT_SUFFIXES:
            files.append(path)
        else:
            raise UserError(f"{path}: unknown transcript type '{path.suffix}'; use .txt or .docx")
    return files


def read_transcripts(
    paths,
    *,
    meta=None,
    file_column: str = "fil",
    id_column: str | None = "informant_id",
    interviewer_column: str | None = "intervjuer_kode",
    speaker_labels=DEFAULT_SPEAKER_LABELS,
    interviewer_labels=DEFAULT_INTERVIEWER_LABELS,
    keep_interviewer: bool = False,
    encoding: str | None = None,
) -> Corpus:
    """Read transcripts: one document per file (informant), one segment per kept turn.

    Args:
        paths: transcript files and/or folders of them.
        meta: optional table (CSV/XLSX) with one row per file; ``file_column`` holds the file
            name, ``id_column`` (if present) the informant id, ``interviewer_column`` (if present)
            the interviewer's label in that file; every other column becomes metadata
            (e.g. ``gruppe = unge | eldre``).
        speaker_labels: labels that start a turn (``I:``, ``IP:``, ``Intervjuer:``, ...).
        interviewer_labels: labels whose turns are dropped unless ``keep_interviewer``.
        keep_interviewer: also analyse the interviewer's turns.

    Timestamps and notes such as ``[ler]`` are removed from the analysed text (``text``)
    and kept in ``raw`` for quotes.

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "ung_01.txt").write_text("I: Hvordan var det?\\nIP: Jeg fikk hjelp [ler] til slutt.\\n",
        ...                                        encoding="utf-8")
        >>> _ = (folder / "informanter.csv").write_text("fil;gruppe\\nung_01.txt;unge\\n", encoding="utf-8")
        >>> corpus = read_transcripts([folder], meta=folder / "informanter.csv")
        >>> corpus.documents[["gruppe", "text"]].values.tolist()
        [['unge', 'Jeg fikk hjelp til slutt.']]
    """
    files = transcript_files(paths)
    meta_table, metadata_columns = _read_meta(meta, file_column, id_column, interviewer_column)
    labels = tuple(dict.fromkeys([*speaker_labels, *_meta_labels(meta_table, interviewer_column)]))
    documents, segments = [], []
    for path in files:
        row = _meta_row(meta_table, path, meta, file_column)
        interviewers = {label.lower() for label in interviewer_labels}
        if row is not None and interviewer_column and row.get(interviewer_column, ""):
            interviewers = {label.strip().lower() for label in row[interviewer_column].split(",")}
        text = read_transcript_text(path, encoding=encoding)
        turns = split_turns(text, labels=labels)
        if not turns:
            lines = sum(1 for line in text.splitlines() if line.strip())
            if not lines:
                raise UserError(f"{path}: the transcript is empty (no text found, also not in tables); "
                                "check that it is the right file")
            raise UserError(
                f"{path}: no speaker turns recognised; tried labels {', '.join(labels)} at line start "
                f"followed by ':' in {lines} lines of text; add yours with --speaker LABEL"
            )
        coded = row is not None and interviewer_column and row.get(interviewer_column, "")
        if not coded:
            interviewers |= declared_interviewers(text)
            if not keep_interviewer:
                _check_speakers(path, turns, interviewers)
        unknown = unknown_label_lines(text, labels)
        if unknown:
            _warn_unknown_labels(path, unknown)
            turns = split_turns(text, labels=labels, unknown_lines=[number for number, _ in unknown])
        unknown_speakers = {label for _, label in unknown}
        doc_id = (row.get(id_column) if row is not None and id_column and row.get(id_column) else path.stem)
        kept = [t for t in turns if t.speaker not in unknown_speakers
                and (keep_interviewer or t.speaker.lower() not in interviewers)]
        if not kept:
            raise UserError(
                f"{path}: only interviewer turns found ({', '.join(sorted({t.speaker for t in turns}))}); "
                "set the informant's label in the metadata column 'intervjuer_kode' or use --speaker"
            )
        cleaned = [clean_turn(turn.raw) for turn in kept]
        for number, (turn, text) in enumerate(zip(kept, cleaned)):
            segments.append({"doc_id": doc_id, "segment": number, "speaker": turn.speaker, "text": text,
                             "raw": turn.raw, "timestamp": turn.timestamp})
        record = {"doc_id": doc_id, "respondent": doc_id, "question": "intervju", "source": path.name,
                  "text": "\n".join(text for text in cleaned if text)}
        for column in metadata_columns:
            record[column] = "" if row is None else row.get(column, "")
        documents.append(record)
    if meta_table is not None and all(Path(given).is_dir() for given in paths):
        read = {path.name for path in files} | {path.stem for path in files}
        unmatched = [name for name in meta_table[file_column] if name not in read]
        if unmatched:
            warn(f"{meta}: {len(unmatched)} row(s) name no transcript in the folder (first: '{unmatched[0]}'); "
                 "check the file names in column " + repr(file_column))
    corpus = Corpus.from_documents(documents, metadata_columns=metadata_columns, kind="transcripts",
                                   sources=tuple(str(path) for path in files))
    segment_table = pd.DataFrame(segments, columns=list(SEGMENT_COLUMNS))
    return Corpus(documents=corpus.documents, segments=segment_table, nonanswers=empty_nonanswers(),
                  metadata_columns=corpus.metadata_columns, kind="transcripts", sources=corpus.sources)


_DECLARATION = re.compile(r"(?<![\w])([^\W\d_]{1,20})\s*=\s*intervjuer(?![\w])", re.IGNORECASE)
_LABEL_LIKE = re.compile(rf"^\s*(?:(?P<time>[\[(]?\s*{TIMESTAMP}\s*[\])]?))?\s*(?P<label>[^\W\d_][\w.-]{{0,19}}(?: [^\W\d_][\w.-]{{0,19}})?)\s*:\s+\S")


def declared_interviewers(text: str) -> set[str]:
    """Interviewer labels declared above the first turn, as in ``K = intervjuer, M = informant``.

    Example:
        >>> sorted(declared_interviewers("Intervju 3. K = intervjuer, M = informant.\\nK: Hei\\nM: Hei"))
        ['k']
    """
    found = set()
    for line in text.splitlines()[:20]:
        found |= {label.lower() for label in _DECLARATION.findall(line)}
    return found


def _check_speakers(path: Path, turns, interviewers) -> None:
    """Without a metadata code: refuse when no interviewer is known, warn when several speakers count."""
    speakers = list(dict.fromkeys(turn.speaker for turn in turns))
    informants = [speaker for speaker in speakers if speaker.lower() not in interviewers]
    if len(informants) == len(speakers) and len(speakers) >= 2:
        raise UserError(f"{path}: speakers {', '.join(speakers)} and none is a known interviewer label; name the "
                        "interviewer in the metadata column 'intervjuer_kode' (--meta), write e.g. "
                        f"'{speakers[0]} = intervjuer' above the first turn, or use --keep-interviewer to analyse all")
    if len(informants) >= 2:
        warn(f"{path}: {len(informants)} speakers counted as informant ({', '.join(informants)}); if one of them "
             "is an interviewer, name it in the metadata column 'intervjuer_kode'")


def unknown_label_lines(text: str, labels) -> list[tuple[int, str]]:
    """Lines after the first turn that start like a turn of an unknown speaker (``Ola: …``).

    Returns (line number from 1, label) pairs. A label is one or two words that start with a
    capital letter, before a colon and text; known labels are not reported.

    Example:
        >>> unknown_label_lines("I: Hvem hjelper deg?\\nIP: Mange.\\nOla: Jeg er broren.", ["I", "IP"])
        [(3, 'Ola')]
    """
    known = {label.lower() for label in labels}
    pattern = speaker_pattern(labels)
    started, unknown = False, []
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            started = True
            continue
        match = _LABEL_LIKE.match(line) if started else None
        if match and match.group("label").lower() not in known and match.group("label")[0].isupper():
            unknown.append((number, match.group("label")))
    return unknown


def _warn_unknown_labels(path: Path, unknown: list[tuple[int, str]]) -> None:
    number, label = unknown[0]
    warn(f"{path}: {len(unknown)} line(s) start with a label that is not a speaker label (first: '{label}:' on "
         f"line {number}); they were read as turns of an unknown speaker and left out of the analysis; "
         f"if it is an informant, add --speaker {label}")


def _read_meta(meta, file_column, id_column, interviewer_column):
    if meta is None:
        return None, []
    table = read_table(meta)
    require_columns(table, [file_column], meta, option="file")
    names = table[file_column].astype(str).str.strip()
    if names.duplicated().any():
        raise UserError(f"{meta}: file '{names[names.duplicated()].iloc[0]}' is listed twice; keep one row per file")
    table = table.assign(**{file_column: names})
    skip = {file_column, id_column, interviewer_column}
    return table, [column for column in table.columns if column not in skip]


def _meta_labels(meta_table, interviewer_column):
    if meta_table is None or not interviewer_column or interviewer_column not in meta_table.columns:
        return []
    return [label.strip() for value in meta_table[interviewer_column] for label in str(value).split(",") if label.strip()]


def _meta_row(meta_table, path: Path, meta, file_column):
    if meta_table is None:
        return None
    matches = meta_table[(meta_table[file_column] == path.name) | (meta_table[file_column] == path.stem)]
    if matches.empty:
        raise UserError(f"{meta}: has no row for transcript '{path.name}'; add a row with {file_column} = {path.name}")
    return matches.iloc[0].to_dict()
