"""Wording shared by error messages: name columns and values without ever showing answer text.

A message may list column names and the values of a grouping column, but a column (or a
header row) that looks like free text is described, never printed: survey answers are
sensitive health data and error lines end up in terminals, logs and support e-mails.
"""

from __future__ import annotations

# A value this long, or with this many words, is an answer rather than a group label or a name.
LONG_VALUE_CHARACTERS = 40
LONG_VALUE_WORDS = 5
# More distinct values than this are not listed (a grouping column rarely has so many).
MAX_LISTED_VALUES = 12


def looks_like_text(value) -> bool:
    """Whether one cell or header looks like written text rather than a label.

    Example:
        >>> looks_like_text("unge"), looks_like_text("Jeg fikk god hjelp av kommunen hele tiden")
        (False, True)
    """
    value = str(value)
    return len(value) > LONG_VALUE_CHARACTERS or len(value.split()) >= LONG_VALUE_WORDS


def looks_like_free_text(values) -> bool:
    """Whether a column's values look like free text: long values, or many mostly unique ones.

    Example:
        >>> looks_like_free_text(["unge", "eldre", "unge"])
        False
        >>> looks_like_free_text([f"svar nummer {n} om bolig" for n in range(40)])
        True
    """
    values = [str(value) for value in values if str(value).strip()]
    if not values:
        return False
    if sum(looks_like_text(value) for value in values) * 5 >= len(values):  # a fifth or more read like sentences
        return True
    distinct = len(set(values))
    words = sum(len(value.split()) for value in values) / len(values)
    return distinct > 20 and distinct >= 0.8 * len(values) and words >= 3


def shown_values(values, *, column: str) -> str:
    """The distinct values of a column for an error message, or a description if they are not to be shown.

    Example:
        >>> shown_values(["unge", "eldre"], column="gruppe")
        "'eldre', 'unge'"
        >>> shown_values(["Jeg fikk god hjelp av kommunen", "Lang ventetid på bolig og jobb"], column="svar")
        "(not listed: 'svar' looks like free text, 2 different values; choose a grouping column such as age group)"
    """
    distinct = sorted({str(value) for value in values if str(value).strip()})
    if not distinct:
        return "(none)"
    if looks_like_free_text(values) or any(looks_like_text(value) for value in distinct):
        return (f"(not listed: '{column}' looks like free text, {len(distinct)} different values; "
                "choose a grouping column such as age group)")
    if len(distinct) > MAX_LISTED_VALUES:
        return f"(not listed: {len(distinct)} different values)"
    return ", ".join(repr(value) for value in distinct)


def header_looks_like_data(columns) -> bool:
    """Whether a table's header row looks like a row of answers (the file has no header).

    Example:
        >>> header_looks_like_data(["id", "svar", "gruppe"])
        False
        >>> header_looks_like_data(["1", "God hjelp", "unge"])
        True
    """
    names = [str(column).strip() for column in columns]
    return any(looks_like_text(name) or name.replace(".", "", 1).replace("-", "", 1).isdigit() for name in names)


def shown_columns(columns) -> str:
    """Column names for an error message; a header that looks like answers is described instead.

    Example:
        >>> shown_columns(["id", "svar"])
        'Columns are: id, svar'
    """
    names = [str(column) for column in columns]
    if header_looks_like_data(names):
        return (f"The first row does not look like column names (a number or a sentence where a name should be; "
                f"{len(names)} columns); add a header row with column names")
    return f"Columns are: {', '.join(names)}"


def refuse_free_text_grouping(documents, column: str, *, option: str) -> None:
    """Grouping by a free-text column makes one group per answer (and prints answers as group names): refuse.

    Example:
        >>> import pandas as pd
        >>> documents = pd.DataFrame({"respondent": [str(n) for n in range(30)],
        ...                           "svar2": [f"svar nummer {n} om bolig" for n in range(30)]})
        >>> refuse_free_text_grouping(documents, "svar2", option="--group-by")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: --group-by 'svar2' looks like free text (30 different values); group by a background variable such as age group
    """
    from textanalyse.errors import UserError

    if column not in getattr(documents, "columns", ()) or column == "question":
        return
    per_respondent = documents.drop_duplicates("respondent") if "respondent" in documents.columns else documents
    values = per_respondent[column].astype(str).tolist()
    if looks_like_free_text(values):
        distinct = len({value for value in values if value.strip()})
        raise UserError(f"{option} '{column}' looks like free text ({distinct} different values); "
                        "group by a background variable such as age group")
