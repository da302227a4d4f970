"""One report per municipality (or any unit): the unit beside the whole material, with privacy rules.

For each value of the split column (``[output] split_by = "kommune"``) and each material that
has the column, :func:`unit_analyses` computes what the unit's report shows:

- themes (one row per question × theme): ``question, theme, coded, total, share, ci_low,
  ci_high`` for the unit (Wilson 95 %), ``share_all`` for the whole material *rounded to a
  whole percent*, ``difference`` (unit − the rest of the material, with Newcombe's interval
  ``difference_low, difference_high``), ``p_value`` (Fisher exact, unit against the rest),
  ``p_adjusted`` (Benjamini–Hochberg over the unit's shown themes), ``suppressed``;
- words (the unit's most used words per question, by answers that use them, among the words
  at least ``min_cell`` of the unit's answers use): ``question,
  word, coded`` (answers in the unit using the word), ``total, share, share_all`` (rounded),
  ``difference, p_value, p_adjusted, suppressed``;
- quotes: the unit's own quote candidates, minus those withheld.

Both tables end with ``suppressed`` (the cell is hidden) and ``complementary`` (hidden by
rule 3, although the count itself is at or above ``min_cell``).

Privacy rules (what the report may show):

1. A unit with fewer than ``min_respondents`` respondents gets no report
   (``too_small``); its respondents' quotes are withheld everywhere.
2. A cell with fewer than ``min_cell`` answers is *suppressed*: its count, share, interval,
   difference and p-value are all hidden (each of them would give the count back).
3. Complementary suppression: when, for one row (question × theme or word), exactly one
   unit's cell is hidden, the whole-material count minus the other units' shown counts
   would recover it; the smallest shown cell of that row is then hidden as well.
4. Whole-material figures appear in unit reports only as shares rounded to a whole percent,
   never as counts, and the rest of the material is never shown on its own: a unit report
   holds no number from which, together with the whole-material figures, a suppressed cell
   can be calculated.
5. A quote is withheld when it comes from a suppressed cell (a theme or word with fewer than
   ``min_cell`` answers in the unit).

Example:
    >>> units = unit_analyses(material_analysis, kept, column="kommune")     # doctest: +SKIP
    >>> [(u.unit, u.too_small) for u in units]                               # doctest: +SKIP
    [('Granmo', False), ('Tindvik', True)]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textanalyse import stats
from textanalyse.errors import UserError

UNIT_FOLDER = "kommuner"
TOP_WORDS = 15
THEME_COLUMNS = ["question", "theme", "coded", "total", "share", "ci_low", "ci_high", "share_all", "difference",
                 "difference_low", "difference_high", "p_value", "p_adjusted", "suppressed"]
WORD_COLUMNS = ["question", "word", "coded", "total", "share", "ci_low", "ci_high", "share_all", "difference",
                "difference_low", "difference_high", "p_value", "p_adjusted", "suppressed"]
HIDDEN = ["coded", "share", "ci_low", "ci_high", "difference", "difference_low", "difference_high", "p_value",
          "p_adjusted"]


@dataclass
class UnitAnalysis:
    """What one unit's report shows for one material (see the module docstring)."""

    material: str
    column: str
    unit: str
    respondents: int
    too_small: bool
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)   # question, answers, suppressed
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    words: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    quotes_withheld: int = 0
    min_respondents: int = 10
    min_cell: int = 5

    @property
    def cells_suppressed(self) -> int:
        return int(sum(table["suppressed"].sum() for table in (self.themes, self.words) if len(table)))


def _respondents(documents: pd.DataFrame, column: str) -> pd.Series:
    values = documents[column].fillna("").astype(str).str.strip()
    return documents.assign(_unit=values).groupby("_unit")["respondent"].nunique()


def _compare(k_unit, n_unit, k_all, n_all):
    """Unit against the rest: Wilson interval, difference with Newcombe's interval, Fisher p."""
    k_unit, n_unit, k_all, n_all = (np.asarray(v, dtype=float) for v in (k_unit, n_unit, k_all, n_all))
    k_rest, n_rest = k_all - k_unit, n_all - n_unit
    low, high = stats.wilson_interval(k_unit, n_unit)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n_unit > 0, k_unit / n_unit, np.nan)
        share_rest = np.where(n_rest > 0, k_rest / n_rest, np.nan)
        share_all = np.where(n_all > 0, np.round(100 * k_all / n_all) / 100, np.nan)
    d_low, d_high = stats.difference_interval(k_unit, n_unit, k_rest, n_rest)
    p = np.array([stats.fisher_exact_2x2(a, n - a, b, m - b) if n > 0 and m > 0 else np.nan
                  for a, n, b, m in zip(k_unit, n_unit, k_rest, n_rest)], dtype=float)
    return {"share": share, "ci_low": np.asarray(low, dtype=float), "ci_high": np.asarray(high, dtype=float),
            "share_all": share_all, "difference": share - share_rest, "difference_low": np.asarray(d_low, dtype=float),
            "difference_high": np.asarray(d_high, dtype=float), "p_value": p}


def _adjust(table: pd.DataFrame) -> pd.DataFrame:
    table["p_adjusted"] = np.nan
    mask = table["p_value"].notna()
    if mask.any():
        table.loc[mask, "p_adjusted"] = stats.benjamini_hochberg(table.loc[mask, "p_value"].to_numpy())
    return table


def _theme_rows(coded: pd.DataFrame, documents: pd.DataFrame, unit_mask: np.ndarray, themes: list[str]) -> pd.DataFrame:
    docs = documents.assign(_in=unit_mask)
    coded_docs = coded[["doc_id", "theme"]].drop_duplicates().merge(docs[["doc_id", "question", "_in"]], on="doc_id")
    rows = []
    for question, block in docs.groupby("question", sort=False):
        n_unit, n_all = int(block["_in"].sum()), len(block)
        in_question = coded_docs[coded_docs["question"] == question]
        for theme in themes:
            hits = in_question[in_question["theme"] == theme]
            rows.append({"question": question, "theme": theme, "coded": int(hits["_in"].sum()), "total": n_unit,
                         "_all": len(hits), "_n_all": n_all})
    return pd.DataFrame(rows)


def _word_rows(kept: pd.DataFrame, documents: pd.DataFrame, unit_mask: np.ndarray, top: int,
               min_cell: int) -> pd.DataFrame:
    docs = documents.assign(_in=unit_mask)[["doc_id", "question", "_in"]]
    pairs = pd.DataFrame({"doc_id": kept["doc_id"].astype(str), "word": kept["word"].astype(str)}).drop_duplicates()
    pairs = pairs.merge(docs, on="doc_id")
    rows = []
    for question, block in docs.groupby("question", sort=False):
        n_unit, n_all = int(block["_in"].sum()), len(block)
        in_question = pairs[pairs["question"] == question]
        counts = in_question.groupby("word").agg(coded=("_in", "sum"), _all=("_in", "size"))
        # Only words that enough of the unit's answers use: a list of «<5» words tells a reader nothing.
        counts = counts[counts["coded"] >= min_cell].reset_index()
        counts = counts.sort_values(["coded", "word"], ascending=[False, True], kind="mergesort").head(top)
        for record in counts.to_dict("records"):
            rows.append({"question": question, "word": record["word"], "coded": int(record["coded"]),
                         "total": n_unit, "_all": int(record["_all"]), "_n_all": n_all})
    return pd.DataFrame(rows)


def _finish(rows: pd.DataFrame, columns: list[str], min_cell: int) -> pd.DataFrame:
    if not len(rows):
        return pd.DataFrame(columns=columns + ["_all", "_n_all"])
    numbers = _compare(rows["coded"], rows["total"], rows["_all"], rows["_n_all"])
    for name, values in numbers.items():
        rows[name] = values
    rows = _adjust(rows)
    rows["suppressed"] = (rows["coded"] < min_cell) | (rows["total"] < min_cell)
    return rows[columns + ["_all", "_n_all"]]


def _suppress(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    hidden = table["suppressed"].to_numpy()
    # Hidden although at or above the threshold: rule 3 (so no other unit's figures give it back).
    table["complementary"] = hidden & (table["coded"].to_numpy() >= table.attrs.get("min_cell", 0))
    for column in HIDDEN:
        if column in table.columns:
            table[column] = table[column].astype(float).where(~hidden, np.nan)
    return table


def unit_analyses(material, kept: pd.DataFrame, *, column: str, min_respondents: int = 10, min_cell: int = 5,
                  tokens: pd.DataFrame | None = None, quote_settings: dict | None = None) -> list[UnitAnalysis]:
    """Every unit of ``column`` in one material (a :class:`~textanalyse.analysis.MaterialAnalysis`).

    ``kept`` is the filtered token table (``FilterResult.kept``); ``tokens`` and
    ``quote_settings`` (the config's ``[quotes]``) select each unit's own quotes.
    Suppression (rules 2 and 3) is applied to the returned tables: hidden cells are NaN with
    ``suppressed`` True; the rows keep the unit's answers ``total`` when it is at least
    ``min_cell``.
    """
    corpus = material.corpus
    if column not in corpus.metadata_columns:
        raise UserError(f"[output] split_by column '{column}' not found in material '{material.name}'; "
                        f"metadata columns are: {', '.join(corpus.metadata_columns) or '(none)'}")
    documents = corpus.documents.reset_index(drop=True)
    documents = documents.assign(doc_id=documents["doc_id"].astype(str))
    values = documents[column].fillna("").astype(str).str.strip()
    sizes = _respondents(documents, column)
    themes = list(dict.fromkeys(material.theme_summary["theme"])) if len(material.theme_summary) else []
    results = []
    for unit in sorted(v for v in sizes.index if v):
        respondents = int(sizes[unit])
        result = UnitAnalysis(material=material.name, column=column, unit=unit, respondents=respondents,
                              too_small=respondents < min_respondents, min_respondents=min_respondents,
                              min_cell=min_cell)
        results.append(result)
        if result.too_small:
            continue
        mask = (values == unit).to_numpy()
        answers = documents[mask].groupby("question", sort=False).size()
        result.answers = pd.DataFrame({"question": answers.index, "answers": answers.to_numpy()})
        result.answers["suppressed"] = result.answers["answers"] < min_cell
        if themes:
            result.themes = _finish(_theme_rows(material.theme_coded, documents, mask, themes), THEME_COLUMNS, min_cell)
        if len(kept):
            result.words = _finish(_word_rows(kept, documents, mask, TOP_WORDS, min_cell), WORD_COLUMNS, min_cell)
    _complementary(results, "themes", ["question", "theme"], sizes, min_cell)
    _complementary(results, "words", ["question", "word"], sizes, min_cell)
    for result in results:
        for name in ("themes", "words"):
            table = getattr(result, name)
            if len(table):
                table.attrs["min_cell"] = min_cell
                # Adjusted again over the shown rows only: no printed p-value depends on a hidden cell.
                table = _adjust(_suppress(table)).drop(columns=["_all", "_n_all"]).reset_index(drop=True)
                table["complementary"] &= table["total"].to_numpy() >= min_cell
                setattr(result, name, table)
        if not result.too_small and tokens is not None and quote_settings and quote_settings.get("enabled"):
            _unit_quotes(result, material, tokens, values, quote_settings)
    return results


def _complementary(results: list[UnitAnalysis], name: str, key: list[str], sizes: pd.Series, min_cell: int) -> None:
    """Rule 3: a row with exactly one hidden unit cell gets a second hidden cell (the smallest shown)."""
    shown = [r for r in results if not r.too_small and len(getattr(r, name))]
    if not shown:
        return
    small_units_with_people = sum(1 for r in results if r.too_small and r.respondents > 0)
    rows = pd.concat([getattr(r, name).assign(_unit=r.unit) for r in shown], ignore_index=True)
    for _, block in rows.groupby(key, sort=False):
        if not block["suppressed"].any():
            continue
        # Cells of this row not shown exactly: the suppressed ones, every unit without a report, and units
        # where the row is not listed (a word outside that unit's top words).
        hidden = int(block["suppressed"].sum()) + small_units_with_people + (len(shown) - len(block))
        visible = block[~block["suppressed"]].sort_values(["coded", "_unit"], kind="mergesort")
        if hidden != 1 or not len(visible):
            continue
        unit = visible["_unit"].iloc[0]
        table = getattr(next(r for r in shown if r.unit == unit), name)
        match = np.logical_and.reduce([table[k].astype(str).to_numpy() == str(visible[k].iloc[0]) for k in key])
        table.loc[match, "suppressed"] = True


def _unit_quotes(result: UnitAnalysis, material, tokens: pd.DataFrame, values: pd.Series, settings: dict) -> None:
    from textanalyse.quotes import quote_candidates

    corpus = material.corpus
    documents = corpus.documents
    keep = set(documents.loc[(values == result.unit).to_numpy(), "doc_id"].astype(str))
    sub = dataclasses.replace(
        corpus, documents=documents[documents["doc_id"].astype(str).isin(keep)].reset_index(drop=True),
        segments=corpus.segments[corpus.segments["doc_id"].astype(str).isin(keep)].reset_index(drop=True),
        nonanswers=corpus.nonanswers.iloc[0:0])
    sub_tokens = tokens[tokens["doc_id"].astype(str).isin(keep)]
    coded = material.theme_coded
    coded = coded[coded["doc_id"].astype(str).isin(keep)] if len(coded) else None
    try:
        quotes = quote_candidates(sub, sub_tokens, words=settings["words"], coded=coded, themes=settings["themes"],
                                  per_item=min(2, settings["per_item"]), min_words=settings["min_words"],
                                  max_words=settings["max_words"])
    except UserError:
        return
    if not len(quotes):
        return
    hidden = set()
    for table, kind in ((result.themes, "theme"), (result.words, "word")):
        if len(table):
            label = "theme" if kind == "theme" else "word"
            hidden |= set(table.loc[table["suppressed"], label].astype(str))
    withheld = quotes["theme_or_word"].astype(str).isin(hidden) | _small_word_items(quotes, result)
    result.quotes_withheld = int(withheld.sum())
    result.quotes = quotes[~withheld].reset_index(drop=True)


def _small_word_items(quotes: pd.DataFrame, result: UnitAnalysis) -> pd.Series:
    """Word items not among the unit's shown words: withheld unless enough of the unit's answers use them."""
    if "kind" not in quotes.columns:
        return pd.Series(False, index=quotes.index)
    shown = set(result.words.loc[~result.words["suppressed"], "word"].astype(str)) if len(result.words) else set()
    counts = quotes[quotes["kind"] == "word"].groupby("theme_or_word")["respondent"].nunique()
    small = {item for item, count in counts.items() if item not in shown and count < result.min_cell}
    return (quotes["kind"] == "word") & quotes["theme_or_word"].astype(str).isin(small)


def small_unit_quotes(quotes: pd.DataFrame, documents: pd.DataFrame, *, column: str,
                      min_respondents: int) -> np.ndarray:
    """Rule 1 for the main report: True for each quote whose respondent belongs to a unit that is too small.

    Example:
        >>> quotes = pd.DataFrame({"doc_id": ["R1:bra", "R2:bra", "R3:bra"], "quote": ["a", "b", "c"]})
        >>> docs = pd.DataFrame({"doc_id": ["R1:bra", "R2:bra", "R3:bra"], "respondent": ["R1", "R2", "R3"],
        ...                      "kommune": ["Liten", "Stor", "Stor"]})
        >>> small_unit_quotes(quotes, docs, column="kommune", min_respondents=2).tolist()
        [True, False, False]
    """
    if not len(quotes) or column not in documents.columns or "doc_id" not in quotes.columns:
        return np.zeros(len(quotes), dtype=bool)
    sizes = _respondents(documents, column)
    small = {unit for unit, count in sizes.items() if unit and count < min_respondents}
    unit_of = dict(zip(documents["doc_id"].astype(str), documents[column].fillna("").astype(str).str.strip()))
    return quotes["doc_id"].astype(str).map(lambda doc: unit_of.get(doc, "") in small).to_numpy(dtype=bool)
