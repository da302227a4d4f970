"""Survey waves (2019, 2021, 2023 …): what changed between rounds of the same survey.

The wave column is any ordered metadata column (``år``, ``runde``). Waves are ordered by
number when every value is a number, else alphabetically. A wave with fewer than
``min_answers`` respondents is *flagged* (``too_few``) and kept in every table and figure:
readers see it and its wide interval rather than a silent gap.

Tables (English column names, stable):

- sizes (:func:`wave_sizes`): ``wave, wave_rank, respondents, documents, too_few``.
- theme shares (:func:`wave_analysis` → ``themes``): ``question, theme, wave, wave_rank,
  documents_coded, documents_total, share, ci_low, ci_high`` (Wilson 95 %).
- trends (``trends``): ``question, theme, waves, documents_total, share_first, share_last, z,
  p_value, p_adjusted``: Cochran–Armitage test for a linear trend in the theme's share, with
  the waves' numeric values as scores when they are numbers (2019, 2021, 2025 are not equally
  spaced), else 1, 2, …; Benjamini–Hochberg over all rows.
- top words (``words``): :func:`textanalyse.frequency.frequency_table` split by the wave.
- keyness (``keyness``): :func:`textanalyse.compare.keyness` with the last wave as target and
  the first as reference (empty with one wave).

Example:
    >>> wave_order(pd.Series(["2023", "2019", "2021"]))
    ['2019', '2021', '2023']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textanalyse.closed import _numeric, level_trends, theme_by_level
from textanalyse import validation

MIN_WAVE_ANSWERS = 30
SIZE_COLUMNS = ["wave", "wave_rank", "respondents", "documents", "too_few"]


@dataclass
class WaveAnalysis:
    """Everything computed for the waves of one material (see the module docstring)."""

    column: str
    order: list[str]
    sizes: pd.DataFrame
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    words: pd.DataFrame = field(default_factory=pd.DataFrame)
    keyness: pd.DataFrame = field(default_factory=pd.DataFrame)
    min_answers: int = MIN_WAVE_ANSWERS


def wave_order(values: pd.Series) -> list[str]:
    """The waves present, in order: numerically when all are numbers, else alphabetically."""
    present = [v for v in dict.fromkeys(values.fillna("").astype(str).str.strip()) if v]
    if present and all(_numeric(v) is not None for v in present):
        return sorted(present, key=_numeric)
    return sorted(present)


def wave_sizes(documents: pd.DataFrame, *, column: str, order: list[str], min_answers: int = MIN_WAVE_ANSWERS,
               nonanswers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Respondents and documents per wave, and whether the wave has too few respondents.

    Example:
        >>> docs = pd.DataFrame({"respondent": ["R1", "R2", "R3"], "år": ["2021", "2023", "2023"]})
        >>> wave_sizes(docs, column="år", order=["2021", "2023"], min_answers=2)["too_few"].tolist()
        [True, False]
    """
    values = documents[column].fillna("").astype(str).str.strip()
    rows = []
    for rank, wave in enumerate(order, start=1):
        in_wave = documents[values == wave]
        respondents = in_wave["respondent"].astype(str).nunique()
        rows.append({"wave": wave, "wave_rank": rank, "respondents": int(respondents), "documents": len(in_wave),
                     "too_few": bool(respondents < min_answers)})
    return pd.DataFrame(rows, columns=SIZE_COLUMNS)


def wave_analysis(corpus, tokens: pd.DataFrame, kept: pd.DataFrame, *, column: str, coded=None, themes=None,
                  top: int = 10, min_count: int = 5, min_documents: int = 2,
                  min_answers: int = MIN_WAVE_ANSWERS) -> WaveAnalysis:
    """Theme shares, trends, top words and first-vs-last keyness across the waves of ``column``.

    Example:
        >>> waves = wave_analysis(corpus, tokens, kept, column="år", coded=coding.coded)  # doctest: +SKIP
        >>> waves.sizes[["wave", "respondents", "too_few"]]                             # doctest: +SKIP
    """
    from textanalyse.compare import keyness
    from textanalyse.frequency import frequency_table

    documents = corpus.documents
    validation.require_metadata_column(corpus, column, what="wave_column")
    order = wave_order(documents[column])
    result = WaveAnalysis(column=column, order=order, min_answers=min_answers,
                          sizes=wave_sizes(documents, column=column, order=order, min_answers=min_answers))
    if coded is not None and len(order):
        shares = theme_by_level(coded, documents, item=column, levels=order, themes=themes)
        # The trend test scores each wave by its number (2019, 2021, 2025 are not equally spaced).
        trend_input = shares.assign(level_rank=shares["level"].map(dict(zip(order, trend_scores(order)))))
        trends = level_trends(trend_input).drop(columns="item").rename(columns={"levels": "waves"})
        result.trends = trends.reset_index(drop=True)
        result.themes = shares.drop(columns="item").rename(columns={"level": "wave", "level_rank": "wave_rank"})
    if len(kept):
        result.words = frequency_table(kept, corpus, group_by=column, top=top)
    if len(order) >= 2:
        result.keyness = keyness(tokens, kept, documents, group_column=column, target=order[-1], reference=order[0],
                                 min_count=min_count, min_documents=min_documents)
    return result


def trend_scores(order: list[str]) -> np.ndarray:
    """The scores the trend test uses: the waves' numbers, or 1, 2, … when they are not numbers.

    Example:
        >>> trend_scores(["2019", "2021", "2025"]).tolist()
        [2019.0, 2021.0, 2025.0]
    """
    values = [_numeric(wave) for wave in order]
    if all(value is not None for value in values):
        return np.asarray(values, dtype=float)
    return np.arange(1, len(order) + 1, dtype=float)
