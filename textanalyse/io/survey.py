"""Turn a survey export into a corpus: one document per answer, other columns as metadata."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from textanalyse.corpus import DOCUMENT_COLUMNS, NONANSWER_COLUMNS, Corpus
from textanalyse.errors import UserError
from textanalyse.io.nonanswers import classify_answer, default_nonanswers, normalise_answer
from textanalyse.io.tables import clean_text, read_table, require_columns


def read_survey(
    path,
    *,
    text_columns,
    id_column: str | None = None,
    metadata_columns=None,
    encoding: str | None = None,
    sep: str | None = None,
    sheet=None,
    extra_nonanswers=(),
) -> Corpus:
    """Read a survey export; each text column is one question.

    Args:
        path: ``.csv``/``.tsv``, ``.xlsx`` or ``.sav`` file, one row per respondent.
        text_columns: the free-text columns (at least one).
        id_column: the respondent id column; by default rows are numbered from 1.
        metadata_columns: background variables to keep; by default every other column.
        encoding, sep, sheet: see :func:`textanalyse.io.tables.read_table`.
        extra_nonanswers: more answers to treat as non-answers (``"ikke noe å si"``).

    Empty cells and non-answers (``vet ikke``, ``-``, ``ingen kommentar``) become no
    document; they are listed in ``corpus.nonanswers`` so reports can count them.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "svar.csv"
        >>> _ = path.write_text("id;fungerer_bra\\n7;God oppfølging\\n8;vet ikke\\n", encoding="utf-8")
        >>> corpus = read_survey(path, text_columns=["fungerer_bra"], id_column="id")
        >>> corpus.documents[["doc_id", "text"]].values.tolist(), corpus.nonanswers["reason"].tolist()
        ([['7:fungerer_bra', 'God oppfølging']], ['non-answer'])
    """
    text_columns = list(text_columns or ())
    if not text_columns:
        raise UserError(f"{path}: no text column given; name the free-text columns with --text-col")
    table = read_table(path, encoding=encoding, sep=sep, sheet=sheet)
    require_columns(table, text_columns, path, option="--text-col")
    _check_text_columns(table, text_columns, id_column, path)
    if id_column:
        require_columns(table, [id_column], path, option="--id-col")
        ids = table[id_column].astype(str).str.strip()
        if (ids == "").any():
            row = int((ids == "").to_numpy().argmax()) + 2
            raise UserError(f"{path}: id column '{id_column}' is empty in row {row}; fill it in or leave --id-col out")
        duplicated = ids.duplicated(keep=False).to_numpy()
        if duplicated.any():
            # Name rows, not values: a wrongly chosen id column could hold answer text.
            rows = [str(row + 2) for row in duplicated.nonzero()[0][:2]]
            raise UserError(
                f"{path}: id column '{id_column}' has duplicate values (rows {' and '.join(rows)}); "
                "choose a unique id column or leave --id-col out to number the rows"
            )
    else:
        ids = pd.Series([str(number) for number in range(1, len(table) + 1)], index=table.index)
    reserved = [c for c in table.columns if c in DOCUMENT_COLUMNS and c not in text_columns and c != id_column]
    if reserved:
        # "source" or "text" as a background variable would collide with the corpus's own columns
        table = table.rename(columns={c: f"{c}_meta" for c in reserved})
        if metadata_columns is not None:
            metadata_columns = [f"{c}_meta" if c in reserved else c for c in metadata_columns]
    if metadata_columns is None:
        metadata_columns = [c for c in table.columns if c not in text_columns and c != id_column]
    else:
        metadata_columns = list(metadata_columns)
        require_columns(table, metadata_columns, path, option="metadata")

    nonanswers = default_nonanswers() | {normalise_answer(entry) for entry in extra_nonanswers}
    source = Path(path).name
    table = table.reset_index(drop=True)
    ids = ids.reset_index(drop=True)
    per_question, skipped = [], []
    for question in text_columns:
        answers = table[question].astype(str).map(clean_text)
        reasons = answers.map(lambda answer: classify_answer(answer, nonanswers=nonanswers))
        is_answer = reasons.isna()
        skipped.append(pd.DataFrame({"respondent": ids[~is_answer], "question": question, "source": source,
                                     "raw": answers[~is_answer], "reason": reasons[~is_answer]}))
        kept = pd.DataFrame({
            "doc_id": ids[is_answer] + ":" + question,
            "respondent": ids[is_answer],
            "question": question,
            "source": source,
            "text": answers[is_answer].str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False),
        })
        for column in metadata_columns:
            kept[column] = table.loc[is_answer, column].astype(str)
        per_question.append(kept)
    documents = pd.concat(per_question, ignore_index=True)
    corpus = Corpus.from_documents(documents, metadata_columns=metadata_columns, kind="survey",
                                 sources=(str(path),))
    return replace(corpus, nonanswers=pd.concat(skipped, ignore_index=True)[list(NONANSWER_COLUMNS)])


def _check_text_columns(table: pd.DataFrame, text_columns, id_column, path) -> None:
    """A text column that is the id column is refused; one that holds only numbers is worth a warning."""
    import re

    from textanalyse.errors import warn

    if len(set(text_columns)) != len(text_columns):
        repeated = next(column for column in text_columns if text_columns.count(column) > 1)
        raise UserError(f"{path}: --text-col '{repeated}' is given twice; name each question once")
    if id_column and id_column in text_columns:
        raise UserError(f"{path}: '{id_column}' is given both as --text-col and as --id-col; the id column "
                        "holds no answers, name the free-text columns with --text-col")
    number = re.compile(r"^[\s\d.,:/%+-]*$")
    for column in text_columns:
        values = table[column].astype(str).str.strip()
        values = values[values != ""]
        if len(values) and values.map(lambda value: bool(number.match(value))).all():
            warn(f"{path}: --text-col '{column}' holds only numbers and dates, no words to count; "
                 "is it the right column?")
