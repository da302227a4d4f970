"""Closed questions (Likert scales, yes/no) next to the open answers.

A closed item is a metadata column such as ``tilfredshet`` (1–5). Its values become ordered
*levels*: SPSS value labels when the file has them (``1 = Svært misfornøyd`` …), and bins
when given (``"1-2=misfornøyd,3=nøytral,4-5=fornøyd"``: codes 1 and 2 become the level
``misfornøyd``; a value in no bin takes part in no comparison). The binned column replaces
the original one in ``documents``, so word lists, theme shares and comparisons grouped by
the item all use the levels.

Theme × level table (:func:`theme_by_level`), one row per item × question × theme × level:
``item, question, theme, level, level_rank`` (1 = lowest level), ``documents_coded,
documents_total, share, ci_low, ci_high`` (Wilson 95 %).

Trend table (:func:`level_trends`), one row per item × question × theme:
``item, question, theme, levels, documents_total, share_first, share_last, z, p_value,
p_adjusted``: the Cochran–Armitage test of a linear trend in the share across the levels
(scores 1, 2, …; positive ``z`` = the share rises towards the last level), Benjamini–Hochberg
adjusted over all rows of the item.

Example:
    >>> parse_bins("1-2=misfornøyd,4-5=fornøyd")
    [('misfornøyd', ('1', '2')), ('fornøyd', ('4', '5'))]
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse import validation
from textanalyse.errors import UserError

LEVEL_COLUMNS = ["item", "question", "theme", "level", "level_rank", "documents_coded", "documents_total",
                 "share", "ci_low", "ci_high"]
TREND_COLUMNS = ["item", "question", "theme", "levels", "documents_total", "share_first", "share_last", "z",
                 "p_value", "p_adjusted"]
_RANGE = re.compile(r"^\s*(-?\d+)\s*-\s*(-?\d+)\s*$")


def parse_bins(spec: str, *, option: str = "--bins") -> list[tuple[str, tuple[str, ...]]]:
    """``"1-2=misfornøyd,3=nøytral"`` → ``[(level, codes), …]`` in the order given.

    Codes are whole-number ranges (``1-2``, both ends included) or single values (``3``,
    ``Ja``). A code may belong to one level only.

    Example:
        >>> parse_bins("1-2=lav, 3=middels")
        [('lav', ('1', '2')), ('middels', ('3',))]
    """
    if not isinstance(spec, str) or not spec.strip():
        raise UserError(f"{option} is empty; write it like \"1-2=misfornøyd,4-5=fornøyd\"")
    bins, seen = [], {}
    for part in spec.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise UserError(f"{option}: '{part.strip()}' needs a level name, like \"1-2=misfornøyd\"")
        codes_text, label = (piece.strip() for piece in part.split("=", 1))
        if not label or not codes_text:
            raise UserError(f"{option}: '{part.strip()}' needs both values and a level name, like \"1-2=misfornøyd\"")
        match = _RANGE.match(codes_text)
        if match:
            low, high = int(match.group(1)), int(match.group(2))
            if high < low:
                raise UserError(f"{option}: range '{codes_text}' goes backwards; write it low-high, e.g. 1-2")
            codes = tuple(str(value) for value in range(low, high + 1))
        else:
            codes = (codes_text,)
        for code in codes:
            if code in seen:
                raise UserError(f"{option}: value {code} is in both '{seen[code]}' and '{label}'; each value in one level")
            seen[code] = label
        existing = [i for i, (name, _) in enumerate(bins) if name == label]
        if existing:
            name, before = bins[existing[0]]
            bins[existing[0]] = (name, before + codes)
        else:
            bins.append((label, codes))
    if not bins:
        raise UserError(f"{option} is empty; write it like \"1-2=misfornøyd,4-5=fornøyd\"")
    return bins


def value_labels(path) -> dict[str, dict[str, str]]:
    """SPSS value labels of a ``.sav`` file as ``{column: {code: label}}`` (``{}`` for other files).

    Codes are written as the readers write numbers (``1``, not ``1.0``).

    Example:
        >>> value_labels("svar.csv")
        {}
    """
    path = Path(path)
    if path.suffix.lower() != ".sav" or not path.is_file():
        return {}
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as error:  # pyreadstat raises its own ReadstatError and others
        raise UserError(f"{path}: value labels cannot be read ({type(error).__name__}); export it again from SPSS") from None
    labels = {}
    for column, mapping in (meta.variable_value_labels or {}).items():
        labels[str(column)] = {_code(code): str(label) for code, label in mapping.items()}
    return labels


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric(text: str) -> float | None:
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return None


def level_order(values: pd.Series, *, labels: dict[str, str] | None = None, bins=None) -> list[str]:
    """The ordered levels of a closed item: the bins' order; else by code (value labels or numbers).

    Example:
        >>> level_order(pd.Series(["4", "2", "10", ""]))
        ['2', '4', '10']
    """
    if bins:
        return [label for label, _ in bins]
    present = [v for v in dict.fromkeys(values.fillna("").astype(str).str.strip()) if v]
    if labels:
        code_of = {label: code for code, label in labels.items()}
        rank = {code: i for i, code in enumerate(sorted(labels, key=lambda c: (_numeric(c) is None, _numeric(c) or 0, c)))}
        known = [v for v in present if v in code_of or v in labels]
        ordered = sorted(known, key=lambda v: rank.get(code_of.get(v, v), len(rank)))
        return [labels.get(v, v) for v in ordered] + sorted(v for v in present if v not in known)
    if present and all(_numeric(v) is not None for v in present):
        return sorted(present, key=lambda v: _numeric(v))
    return sorted(present)


def apply_levels(values: pd.Series, *, labels: dict[str, str] | None = None, bins=None) -> pd.Series:
    """Each value as its level: the bin it falls in (``""`` when none), else its value label.

    Values may be codes or (SPSS files read with labels applied) the labels themselves.

    Example:
        >>> apply_levels(pd.Series(["1", "3", "5"]), bins=parse_bins("1-2=lav,4-5=høy")).tolist()
        ['lav', '', 'høy']
    """
    labels = labels or {}
    code_of = {label: code for code, label in labels.items()}
    text = values.fillna("").astype(str).str.strip()
    codes = text.map(lambda value: code_of.get(value, value))
    if not bins:
        return codes.map(lambda code: labels.get(code, code) if code else "")
    level_of = {}
    for label, members in bins:
        for code in members:
            level_of[code] = label
    def level(code: str) -> str:
        if code in level_of:
            return level_of[code]
        number = _numeric(code)
        if number is not None and number.is_integer():
            return level_of.get(str(int(number)), "")
        return ""
    return codes.map(level)


def bin_documents(documents: pd.DataFrame, bins: dict[str, str], *, labels=None, what: str = "bins") -> pd.DataFrame:
    """``documents`` with each column in ``bins`` (``{column: "1-2=lav,…"}``) replaced by its levels.

    Example:
        >>> docs = pd.DataFrame({"doc_id": ["R1:a", "R2:a"], "tilfredshet": ["2", "5"]})
        >>> bin_documents(docs, {"tilfredshet": "1-2=misfornøyd,4-5=fornøyd"})["tilfredshet"].tolist()
        ['misfornøyd', 'fornøyd']
    """
    documents = documents.copy()
    labels = labels or {}
    for column, spec in bins.items():
        if column not in documents.columns:
            raise UserError(f"{what}: column '{column}' not found; metadata columns are: "
                            + ", ".join(c for c in documents.columns
                                        if c not in ("doc_id", "respondent", "question", "source", "text")))
        documents[column] = apply_levels(documents[column], labels=labels.get(column),
                                         bins=parse_bins(spec, option=f"{what} for {column}"))
    return documents


def theme_by_level(coded: pd.DataFrame, documents: pd.DataFrame, *, item: str, levels: list[str],
                   themes=None) -> pd.DataFrame:
    """Share of documents coded with each theme at each level of ``item`` (see module docstring).

    ``documents[item]`` holds levels already (see :func:`bin_documents`); documents with an
    empty level are left out.

    Example:
        >>> theme_by_level(coded, documents, item="tilfredshet", levels=["misfornøyd", "fornøyd"])  # doctest: +SKIP
    """
    from textanalyse.themes import theme_summary

    if item not in documents.columns:
        raise UserError(f"closed_items: column '{item}' not found in the material")
    docs = documents[documents[item].fillna("").astype(str).isin(levels)]
    if not len(docs) or not levels:
        return pd.DataFrame(columns=LEVEL_COLUMNS)
    table = theme_summary(coded, docs, group_column=item, themes=themes)
    table = table.rename(columns={item: "level"}).assign(item=item)
    rank = {level: i + 1 for i, level in enumerate(levels)}
    table["level_rank"] = table["level"].map(rank).astype(np.int64)
    question_rank = {q: i for i, q in enumerate(pd.unique(docs["question"].astype(str)))}
    theme_rank = {t: i for i, t in enumerate(pd.unique(table["theme"]))}
    table = table.assign(_q=table["question"].map(question_rank), _t=table["theme"].map(theme_rank))
    table = table.sort_values(["_q", "_t", "level_rank"], kind="mergesort").reset_index(drop=True)
    return table[LEVEL_COLUMNS]


def level_trends(table: pd.DataFrame) -> pd.DataFrame:
    """Cochran–Armitage trend test per item × question × theme of a :func:`theme_by_level` table.

    Example:
        >>> level_trends(theme_by_level(coded, documents, item="tilfredshet", levels=levels))  # doctest: +SKIP
    """
    from textanalyse.stats import benjamini_hochberg, cochran_armitage

    if not len(table):
        return pd.DataFrame(columns=TREND_COLUMNS)
    rows = []
    for (item, question, theme), block in table.groupby(["item", "question", "theme"], sort=False):
        block = block.sort_values("level_rank")
        block = block[block["documents_total"] > 0]
        z, p = cochran_armitage(block["documents_coded"].to_numpy(), block["documents_total"].to_numpy(),
                                block["level_rank"].to_numpy()) if len(block) >= 2 else (float("nan"), float("nan"))
        rows.append({"item": item, "question": question, "theme": theme, "levels": len(block),
                     "documents_total": int(block["documents_total"].sum()),
                     "share_first": float(block["share"].iloc[0]) if len(block) else float("nan"),
                     "share_last": float(block["share"].iloc[-1]) if len(block) else float("nan"),
                     "z": z, "p_value": p})
    trends = pd.DataFrame(rows, columns=TREND_COLUMNS[:-1])
    trends["p_adjusted"] = np.nan
    for item in trends["item"].unique():
        mask = (trends["item"] == item) & trends["p_value"].notna()
        if mask.any():
            trends.loc[mask, "p_adjusted"] = benjamini_hochberg(trends.loc[mask, "p_value"].to_numpy())
    return trends[TREND_COLUMNS]


def with_levels(material, *, bins: dict[str, str], closed_items=(), source: str = "", what: str = "bins"):
    """A :class:`~textanalyse.api.Material` whose closed items hold their levels (see :func:`corpus_with_levels`).

    Example:
        >>> material, levels = with_levels(material, bins={"tilfredshet": "1-2=lav,4-5=høy"})  # doctest: +SKIP
    """
    import dataclasses

    corpus, levels = corpus_with_levels(material.corpus, bins=bins, closed_items=closed_items, source=source,
                                        what=what)
    if corpus is material.corpus:
        return material, levels
    return dataclasses.replace(material, corpus=corpus), levels


def corpus_with_levels(corpus, *, bins: dict[str, str], closed_items=(), source: str = "", what: str = "bins"):
    """A corpus whose closed items and binned columns hold their levels (bins, SPSS labels).

    ``source`` is the survey file, read again for its SPSS value labels when it is a ``.sav``.
    Returns ``(corpus, {item: ordered levels})`` for every column in ``closed_items`` and ``bins``.

    Example:
        >>> corpus, levels = corpus_with_levels(corpus, bins={"tilfredshet": "1-2=lav,4-5=høy"})  # doctest: +SKIP
        >>> levels                                                                               # doctest: +SKIP
        {'tilfredshet': ['lav', 'høy']}
    """
    import dataclasses

    for item in [*closed_items, *bins]:
        validation.require_metadata_column(corpus, item, what=f"{what}: column")
    labels = value_labels(source) if source else {}
    documents = bin_documents(corpus.documents, bins, labels=labels, what=what) if bins else corpus.documents
    levels = {}
    for item in dict.fromkeys([*closed_items, *bins]):
        spec = parse_bins(bins[item], option=f"{what} for {item}") if item in bins else None
        levels[item] = level_order(documents[item], labels=labels.get(item), bins=spec)
    if documents is corpus.documents:
        return corpus, levels
    return dataclasses.replace(corpus, documents=documents), levels


def closed_analysis(coded: pd.DataFrame, documents: pd.DataFrame, levels: dict[str, list[str]], *, themes=None):
    """Theme × level tables and trend tests of every closed item: ``(levels_table, trends_table)``.

    Example:
        >>> table, trends = closed_analysis(coded, documents, {"tilfredshet": ["lav", "høy"]})  # doctest: +SKIP
    """
    tables = [theme_by_level(coded, documents, item=item, levels=order, themes=themes)
              for item, order in levels.items()]
    tables = [table for table in tables if len(table)]
    if not tables:
        return pd.DataFrame(columns=LEVEL_COLUMNS), pd.DataFrame(columns=TREND_COLUMNS)
    table = pd.concat(tables, ignore_index=True)
    return table, level_trends(table)
