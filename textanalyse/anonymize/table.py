"""De-identify text columns of a table, with a per-row report of what was masked.

Report columns (CSV-stable): ``row`` (the input's index label), ``column``, ``type`` (NAVN,
STED, ORG, ADRESSE, TELEFON, EPOST, FNR, TALL, DATO), ``count``, and ``originals`` (the masked
words joined by " | ") only when asked for with ``include_originals=True``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from textanalyse.anonymize.masker import mask_text
from textanalyse.errors import UserError

REPORT_COLUMNS = ["row", "column", "type", "count"]


def anonymize_table(
    df: pd.DataFrame,
    text_columns: str | Sequence[str],
    *,
    numbered: bool = False,
    kept_words: Iterable[str] | None = None,
    entities: Mapping[tuple[object, str], Iterable[Sequence]] | None = None,
    include_originals: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mask the ``text_columns`` of ``df``; return ``(masked_df, report_df)``.

    The masked table has the same rows in the same order, the same index and all other columns
    unchanged; the input is not modified. Each cell is one document for ``numbered``
    placeholders. Missing values stay missing; non-text values are left as they are.
    ``entities`` maps ``(index label, column)`` to a pipeline's entity spans for that cell.
    The report has one row per input row, column and type masked, and never the masked words
    unless ``include_originals=True``.

    Example:
        >>> svar = pd.DataFrame({"id": [1], "svar": ["Kari på NAV hjalp meg."]})
        >>> masked, report = anonymize_table(svar, "svar")
        >>> masked["svar"].tolist(), report["count"].tolist()
        (['[NAVN] på NAV hjalp meg.'], [1])
    """
    if not isinstance(df, pd.DataFrame):
        raise UserError(f"anonymize_table: expected a pandas DataFrame, got {type(df).__name__}")
    columns = [text_columns] if isinstance(text_columns, str) else list(text_columns)
    if not columns:
        raise UserError("anonymize_table: text_columns is empty; name at least one text column")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        available = ", ".join(map(str, df.columns))
        raise UserError(
            f"anonymize_table: column(s) {', '.join(map(str, missing))} not found; columns are: {available}"
        )
    kept = list(kept_words) if kept_words else None
    masked = df.copy()
    records = []
    for column_position, column in enumerate(columns):
        values = df[column].tolist()
        new_values = []
        for row_position, (label, value) in enumerate(zip(df.index, values)):
            if not isinstance(value, str) or not value:
                new_values.append(value)
                continue
            cell_entities = entities.get((label, column)) if entities else None
            result = mask_text(value, numbered=numbered, entities=cell_entities, kept_words=kept)
            new_values.append(result.text)
            counts = Counter(span.type for span in result.spans)
            for kind in sorted(counts):
                record = {
                    "_p": row_position,
                    "_c": column_position,
                    "row": label,
                    "column": column,
                    "type": kind,
                    "count": counts[kind],
                }
                if include_originals:
                    record["originals"] = " | ".join(s.original for s in result.spans if s.type == kind)
                records.append(record)
        dtype = df[column].dtype
        keeps_text = dtype == object or (pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype))
        masked[column] = pd.Series(new_values, index=df.index, dtype=dtype if keeps_text else object)
    report_columns = REPORT_COLUMNS + (["originals"] if include_originals else [])
    report = pd.DataFrame.from_records(records, columns=["_p", "_c"] + report_columns)
    # Input row order first, then the order of text_columns, then type: deterministic.
    report = report.sort_values(["_p", "_c", "type"], kind="stable").drop(columns=["_p", "_c"]).reset_index(drop=True)
    report["count"] = report["count"].astype("int64")
    return masked, report
