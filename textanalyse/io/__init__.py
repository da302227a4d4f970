"""Readers that turn survey exports and interview transcripts into a :class:`Corpus`."""

from __future__ import annotations

from pathlib import Path

from textanalyse.errors import UserError
from textanalyse.io.survey import read_survey
from textanalyse.io.tables import TABLE_SUFFIXES, read_table
from textanalyse.io.transcripts import TRANSCRIPT_SUFFIXES, read_transcripts

__all__ = ["read_material", "read_survey", "read_table", "read_transcripts"]


def read_material(paths, *, text_columns=(), id_column=None, meta=None, encoding=None, sep=None, sheet=None,
                  speaker_labels=None, keep_interviewer=False, extra_nonanswers=()):
    """Read a survey file, or transcript files/folders, choosing the reader by file type.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "svar.csv"
        >>> _ = path.write_text("fungerer_bra\\nGod oppfølging\\n", encoding="utf-8")
        >>> read_material([path], text_columns=["fungerer_bra"]).documents["doc_id"].tolist()
        ['1:fungerer_bra']
    """
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    if not paths:
        raise UserError("no input given; name a survey file or transcript files/folders")
    is_transcript = [p.is_dir() or p.suffix.lower() == ".docx" or (p.suffix.lower() == ".txt" and not text_columns)
                     for p in paths]
    if any(not str(label).strip() for label in speaker_labels or ()):
        raise UserError("--speaker must name a label, e.g. --speaker Deltaker; an empty label matches nothing")
    if all(is_transcript):
        if text_columns:
            raise UserError(f"{paths[0]}: --text-col is for survey tables; transcripts are read whole, "
                            "leave --text-col out")
        if sheet:
            raise UserError(f"{paths[0]}: --sheet is for Excel workbooks; leave it out for transcripts")
        options = {"meta": meta, "keep_interviewer": keep_interviewer, "encoding": encoding}
        if speaker_labels:
            from textanalyse.io.transcripts import DEFAULT_SPEAKER_LABELS

            options["speaker_labels"] = tuple(dict.fromkeys([*DEFAULT_SPEAKER_LABELS, *speaker_labels]))
        return read_transcripts(paths, **options)
    if len(paths) > 1 or any(is_transcript):
        raise UserError("give either one survey file or transcript files/folders, not a mix")
    path = paths[0]
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise UserError(
            f"{path}: unknown file type '{path.suffix or '(none)'}'; use .csv, .tsv, .xlsx or .sav for surveys, "
            f"{' or '.join(TRANSCRIPT_SUFFIXES)} for transcripts"
        )
    if meta:
        raise UserError(f"{path}: --meta is for transcripts; in a survey file the background variables are "
                        "columns of the file itself, leave --meta out")
    if speaker_labels:
        raise UserError(f"{path}: --speaker is for transcripts; leave it out for a survey file")
    if sheet not in (None, "") and path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"{path}: --sheet is for Excel workbooks and this is a {path.suffix or 'text'} file; "
                        "leave --sheet out")
    return read_survey(path, text_columns=text_columns, id_column=id_column, encoding=encoding, sep=sep,
                       sheet=sheet, extra_nonanswers=extra_nonanswers)
