"""The researcher's decisions on coded passages and quotes, applied to the core's tables.

Two plain CSV files (UTF-8, ``,``-separated) hold what a researcher decided, usually in the
app (``textanalyse app``), and a config names them (``[themes] decisions``, ``[quotes]
decisions``), so ``textanalyse run`` reproduces what the app shows:

- coding decisions (``kodevalg.csv``): ``doc_id, segment, question, theme, pattern, start, end,
  decision`` with ``decision`` ``riktig`` (right) or ``feil`` (wrong). A passage marked wrong is
  not coded with that theme (it leaves theme shares, passages and co-occurrence); a passage
  marked right stays coded, also when the codebook no longer finds it.
- quote decisions (``sitatvalg.csv``): ``theme_or_word, doc_id, question, decision, quote`` with
  ``decision`` ``godtatt`` (accepted) or ``avvist`` (rejected) and ``quote`` the researcher's
  edited, de-identified text (empty: the candidate's own). A rejected candidate is never
  shown; for a word or theme with accepted quotes only those are shown (with the edited text),
  otherwise the remaining candidates.

In the REFI-QDA export the marks are human codings by their own user (:data:`RESEARCHER`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.errors import UserError

CODING_DECISION_COLUMNS = ("doc_id", "segment", "question", "theme", "pattern", "start", "end", "decision")
QUOTE_DECISION_COLUMNS = ("theme_or_word", "doc_id", "question", "decision", "quote")
RIGHT, WRONG = "riktig", "feil"
ACCEPTED, REJECTED = "godtatt", "avvist"
RESEARCHER = "forsker (textanalyse app)"   # the user of the app's marks in REFI-QDA exports
WRONG_SUFFIX = " (vurdert feil)"            # the code a passage marked wrong gets in REFI-QDA exports
_PASSAGE_KEY = ["doc_id", "segment", "theme", "start", "end"]
_QUOTE_KEY = ["theme_or_word", "doc_id", "question"]


def _read(path, columns, allowed: tuple[str, str], *, setting: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: {setting} file not found; check the path or set {setting} = \"\"")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = [dict(row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UserError(f"{path}: cannot be read as UTF-8 CSV ({type(error).__name__}); "
                        f"check the file named by {setting}") from None
    missing = [column for column in columns if column not in header]
    if missing:
        raise UserError(f"{path}: column '{missing[0]}' is missing; {setting} needs the columns {', '.join(columns)}")
    table = pd.DataFrame(rows, columns=header)[list(columns)].fillna("").astype(str)
    table = table.apply(lambda column: column.str.strip()) if len(table) else table
    wrong = table[~table["decision"].isin(allowed)]
    if len(wrong):
        raise UserError(f"{path}: row {int(wrong.index[0]) + 2}: decision must be {allowed[0]} or {allowed[1]}, "
                        f"got '{wrong['decision'].iloc[0][:20]}'")
    return table


def read_coding_decisions(path) -> pd.DataFrame:
    """The coding decisions of ``path`` (columns :data:`CODING_DECISION_COLUMNS`; positions as ints).

    The last row for a passage (``doc_id, segment, theme, start, end``) counts.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "kodevalg.csv"
        >>> _ = path.write_text("doc_id,segment,question,theme,pattern,start,end,decision\\n"
        ...                     "1:bra,0,bra,Bolig,bolig*,4,9,feil\\n", encoding="utf-8")
        >>> read_coding_decisions(path)[["doc_id", "theme", "start", "decision"]].values.tolist()
        [['1:bra', 'Bolig', 4, 'feil']]
    """
    table = _read(path, CODING_DECISION_COLUMNS, (RIGHT, WRONG), setting="themes.decisions")
    for number, row in enumerate(table.to_dict("records"), start=2):
        for column in ("segment", "start", "end"):
            if not row[column].isdigit():
                raise UserError(f"{path}: row {number}: {column} must be a whole number from 0, got '{row[column][:20]}'")
    table[["segment", "start", "end"]] = table[["segment", "start", "end"]].astype(int)
    return table.drop_duplicates(_PASSAGE_KEY, keep="last").reset_index(drop=True)


def read_quote_decisions(path) -> pd.DataFrame:
    """The quote decisions of ``path`` (columns :data:`QUOTE_DECISION_COLUMNS`); the last row per quote counts."""
    table = _read(path, QUOTE_DECISION_COLUMNS, (ACCEPTED, REJECTED), setting="quotes.decisions")
    table["quote"] = table["quote"].str.split().str.join(" ")
    return table.drop_duplicates(_QUOTE_KEY, keep="last").reset_index(drop=True)


def apply_coding_decisions(coded: pd.DataFrame, decisions: pd.DataFrame, *, segments: pd.DataFrame,
                           themes=None) -> pd.DataFrame:
    """``coded`` without the passages marked wrong, plus passages marked right the codebook no longer finds.

    ``segments`` is the corpus' segment table (for the text of a passage marked right);
    ``themes`` the codebook's theme names (a mark on another theme is ignored).

    Example:
        >>> coded = pd.DataFrame({"doc_id": ["1:bra", "2:bra"], "segment": [0, 0], "question": ["bra", "bra"],
        ...     "theme": ["Bolig", "Bolig"], "matched": ["bolig", "bolig"], "pattern": ["bolig*", "bolig*"],
        ...     "start": [4, 0], "end": [9, 5]})
        >>> marks = pd.DataFrame({"doc_id": ["1:bra"], "segment": [0], "question": ["bra"], "theme": ["Bolig"],
        ...     "pattern": ["bolig*"], "start": [4], "end": [9], "decision": ["feil"]})
        >>> segments = pd.DataFrame({"doc_id": ["1:bra", "2:bra"], "segment": [0, 0],
        ...     "text": ["God bolig.", "Bolig mangler."]})
        >>> apply_coding_decisions(coded, marks, segments=segments)["doc_id"].tolist()
        ['2:bra']
    """
    if decisions is None or decisions.empty:
        return coded
    key = _passage_keys(coded)
    marked = _passage_keys(decisions)
    wrong = {k for k, decision in zip(marked, decisions["decision"]) if decision == WRONG}
    result = coded[np.fromiter((k not in wrong for k in key), dtype=bool, count=len(key))] if wrong else coded
    coded_keys = set(key)
    right = decisions[np.fromiter((decision == RIGHT and k not in coded_keys
                                   for k, decision in zip(marked, decisions["decision"])), dtype=bool,
                                  count=len(marked))]
    if themes is not None:
        right = right[right["theme"].isin(list(themes))]
    if len(right):
        texts = segments.set_index(["doc_id", "segment"])["text"]
        added = []
        for row in right.to_dict("records"):
            text = texts.get((row["doc_id"], row["segment"]))
            if text is None or not 0 <= row["start"] < row["end"] <= len(text):
                continue  # the passage is not in this material (or its text changed): nothing to keep
            added.append({"doc_id": row["doc_id"], "segment": row["segment"], "question": row["question"],
                          "theme": row["theme"], "matched": text[row["start"]:row["end"]],
                          "pattern": row["pattern"], "start": row["start"], "end": row["end"]})
        if added:
            extra = pd.DataFrame(added).astype({column: coded[column].dtype for column in coded.columns
                                                if column in added[0]}, errors="ignore")
            result = pd.concat([result, extra], ignore_index=True)
            result = result.sort_values(["doc_id", "segment", "start", "theme"], kind="stable")
    return result.reset_index(drop=True)


def _passage_keys(table: pd.DataFrame) -> list[tuple]:
    return list(zip(table["doc_id"].astype(str).tolist(), table["segment"].astype(int).tolist(),
                    table["theme"].astype(str).tolist(), table["start"].astype(int).tolist(),
                    table["end"].astype(int).tolist()))


def apply_quote_decisions(quotes: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The quotes a report shows: rejected ones dropped; where a word or theme has accepted quotes, only those.

    An accepted quote's edited text replaces ``quote`` and the quoted part of ``citation``;
    ``rank`` is renumbered from 1 per word or theme.

    Example:
        >>> quotes = pd.DataFrame({"theme_or_word": ["bolig", "bolig"], "rank": [1, 2], "doc_id": ["1:bra", "2:bra"],
        ...     "question": ["bra", "bra"], "quote": ["Fikk bolig i Bodø.", "Bolig tok tid."],
        ...     "citation": ["«Fikk bolig i Bodø.» (1)", "«Bolig tok tid.» (2)"]})
        >>> marks = pd.DataFrame({"theme_or_word": ["bolig"], "doc_id": ["1:bra"], "question": ["bra"],
        ...     "decision": ["godtatt"], "quote": ["Fikk bolig i [STED]."]})
        >>> apply_quote_decisions(quotes, marks)[["rank", "citation"]].values.tolist()
        [[1, '«Fikk bolig i [STED].» (1)']]
    """
    if decisions is None or decisions.empty or quotes.empty:
        return quotes
    marks = {tuple(row[:3]): (row[3], row[4]) for row in
             decisions[[*_QUOTE_KEY, "decision", "quote"]].itertuples(index=False, name=None)}
    keys = [tuple(map(str, row)) for row in quotes[_QUOTE_KEY].itertuples(index=False, name=None)]
    decided = [marks.get(key, ("", ""))[0] for key in keys]
    chosen = {key[0] for key, mark in zip(keys, decided) if mark == ACCEPTED}
    keep = [mark == ACCEPTED or (mark != REJECTED and key[0] not in chosen) for key, mark in zip(keys, decided)]
    result = quotes[keep].copy()
    for index, key in zip(result.index, [key for key, kept in zip(keys, keep) if kept]):
        decision, text = marks.get(key, ("", ""))
        if decision == ACCEPTED and text:
            citation = str(result.at[index, "citation"])
            result.at[index, "quote"] = text
            result.at[index, "citation"] = f"«{text}»" + citation[citation.rfind("» (") + 1:]
    if "rank" in result.columns and len(result):
        result["rank"] = result.groupby("theme_or_word", sort=False).cumcount() + 1
    return result.reset_index(drop=True)


def decisions_as_human_codings(decisions: pd.DataFrame) -> pd.DataFrame:
    """The coding marks as a REFI-QDA human coding table (``doc_id, segment, theme, user, segment_start,
    segment_end``): a right mark codes the passage with its theme, a wrong mark with
    ``"<theme> (vurdert feil)"``, both by the user :data:`RESEARCHER`.

    Example:
        >>> marks = pd.DataFrame({"doc_id": ["1:bra"], "segment": [0], "question": ["bra"], "theme": ["Bolig"],
        ...     "pattern": ["bolig*"], "start": [4], "end": [9], "decision": ["feil"]})
        >>> decisions_as_human_codings(marks)[["theme", "user", "segment_start"]].values.tolist()
        [['Bolig (vurdert feil)', 'forsker (textanalyse app)', 4]]
    """
    columns = ["doc_id", "segment", "theme", "user", "segment_start", "segment_end"]
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=columns)
    theme = decisions["theme"].where(decisions["decision"].eq(RIGHT), decisions["theme"] + WRONG_SUFFIX)
    return pd.DataFrame({"doc_id": decisions["doc_id"], "segment": decisions["segment"], "theme": theme,
                         "user": RESEARCHER, "segment_start": decisions["start"],
                         "segment_end": decisions["end"]})[columns].reset_index(drop=True)
