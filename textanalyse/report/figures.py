"""Figures for the report: word clouds, bar charts of the top words and theme shares.

All figures are deterministic: the same input gives byte-identical files (fixed random
state for word-cloud layout, no dates or software versions in PNG/SVG metadata, a fixed SVG
hash salt). They are drawn on :class:`matplotlib.figure.Figure` objects that are never
registered with pyplot, so no global figure state is left behind, and written atomically
(temporary file, then rename). PNG files are 200 dpi (print resolution).

Letters æ, ø and å are drawn with the DejaVu Sans font shipped with matplotlib.

Example:
    >>> word_cloud(table[["word", "count"]], "ordsky.png")            # doctest: +SKIP
    >>> bar_chart(table, "toppord.png", top=20, svg=True)             # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.atomic import write_bytes
from textanalyse.errors import UserError

DPI = 200
BAR_COLOUR = "#1b6ca8"
GROUP_COLOURS = ("#1b6ca8", "#c8553d", "#3b8f5a", "#8a5fb0", "#d49a1a", "#5f6b73", "#b5477d", "#2a9d9a")
CLOUD_COLOURS = ("#0b3c5d", "#1b6ca8", "#328cc1", "#3b8f5a", "#c8553d", "#8a5fb0", "#5f6b73")
RC = {
    "svg.hashsalt": "textanalyse",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.unicode_minus": True,
}


def font_path() -> str:
    """The TTF font used for word clouds (DejaVu Sans, shipped with matplotlib; has æøå)."""
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")


def _word_counts(frequencies: pd.DataFrame, what: str) -> pd.Series:
    """``count`` per ``word`` (summed when a word occurs in several rows), sorted count desc, word asc."""
    if not isinstance(frequencies, pd.DataFrame) or not {"word", "count"} <= set(frequencies.columns):
        raise UserError(f"{what}: the frequency table needs the columns 'word' and 'count'")
    if frequencies.empty:
        return pd.Series(dtype="int64")
    counts = (frequencies.assign(word=frequencies["word"].astype(str))
              .groupby("word", sort=True)["count"].sum())
    counts = counts[counts > 0]
    order = sorted(counts.index, key=lambda word: (-counts[word], word))
    return counts.reindex(order)


def save_figure(fig, path, *, fmt: str = "png") -> Path:
    """Write a matplotlib figure deterministically and atomically (PNG 200 dpi, or SVG)."""
    import matplotlib

    path = Path(path)
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        if fmt == "png":
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        elif fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            raise UserError(f"figure format '{fmt}' is not supported; use png or svg")
    write_bytes(path, buffer.getvalue())
    return path


def _message_figure(message: str, size=(8.0, 4.5)):
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def word_cloud(frequencies: pd.DataFrame, path, *, max_words: int = 60, width: int = 1600, height: int = 900,
               random_state: int = 0) -> Path:
    """A word cloud (PNG, 200 dpi) of the ``max_words`` most frequent words of ``frequencies``.

    Args:
        frequencies: a table with ``word`` and ``count`` (e.g. one question's rows of
            :func:`textanalyse.frequency.frequency_table`); counts of repeated words are summed.
        path: the PNG file to write.
        max_words: the number of words drawn.
        width, height: size in pixels (1600 × 900 is 8 × 4.5 inches at 200 dpi).
        random_state: layout seed; the same input and seed give a byte-identical file.

    Word size follows the count; colours follow the rank, so the picture does not depend on
    chance. An empty table gives a figure saying there are no words.
    """
    if isinstance(max_words, bool) or not isinstance(max_words, (int, np.integer)) or max_words < 1:
        raise UserError(f"word_cloud: max_words must be a whole number of at least 1, got {max_words!r}")
    counts = _word_counts(frequencies, "word_cloud").head(int(max_words))
    if counts.empty:
        fig = _message_figure("Ingen ord å vise", size=(width / DPI, height / DPI))
        return save_figure(fig, path)
    from wordcloud import WordCloud

    colours = {word: CLOUD_COLOURS[min(rank // 5, len(CLOUD_COLOURS) - 1)] for rank, word in enumerate(counts.index)}

    def colour(word, *args, **kwargs):
        return colours.get(word, CLOUD_COLOURS[-1])

    cloud = WordCloud(
        font_path=font_path(), width=int(width), height=int(height), margin=4, background_color="white",
        random_state=int(random_state), max_words=int(max_words), prefer_horizontal=0.9, relative_scaling=0.5,
        collocations=False, normalize_plurals=False, color_func=colour, min_font_size=8,
    ).generate_from_frequencies({word: float(count) for word, count in counts.items()})
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG", dpi=(DPI, DPI), optimize=False)
    return Path(_write(path, buffer.getvalue()))


def _write(path, data: bytes) -> Path:
    write_bytes(path, data)
    return Path(path)


def bar_chart(frequencies: pd.DataFrame, path, *, top: int = 20, title: str = "Mest brukte ord",
              svg: bool = False) -> Path:
    """Horizontal bar chart of the ``top`` most frequent words, largest on top (PNG, 200 dpi).

    With ``svg=True`` the same chart is also written beside the PNG with the suffix ``.svg``.
    Returns the PNG path.
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise UserError(f"bar_chart: top must be a whole number of at least 1, got {top!r}")
    counts = _word_counts(frequencies, "bar_chart").head(int(top))
    fig = _bar_figure(counts, title)
    path = Path(path)
    save_figure(fig, path)
    if svg:
        save_figure(fig, path.with_suffix(".svg"), fmt="svg")
    return path


def _bar_figure(counts: pd.Series, title: str):
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        if counts.empty:
            return _message_figure("Ingen ord å vise", size=(7.0, 3.0))
        height = max(2.5, 0.28 * len(counts) + 1.3)
        fig = Figure(figsize=(7.0, height))
        ax = fig.add_subplot()
        y = np.arange(len(counts))[::-1]
        values = counts.to_numpy(dtype=float)
        ax.barh(y, values, color=BAR_COLOUR, height=0.72)
        ax.set_yticks(y, labels=[str(word) for word in counts.index])
        ax.set_ylim(-0.6, len(counts) - 0.4)
        ax.set_xlabel("Antall forekomster")
        ax.set_xlim(0, values.max() * 1.12)
        for yi, value in zip(y, values):
            ax.text(value + values.max() * 0.01, yi, f"{int(value)}", va="center", fontsize=7, color="#333333")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title, fontsize=11, loc="left")
        fig.tight_layout()
        return fig


def theme_chart(summary: pd.DataFrame, path, *, group_column: str | None = None,
                title: str = "Andel dokumenter per tema", svg: bool = False) -> Path:
    """Share of documents per theme with Wilson 95 % intervals (PNG, 200 dpi).

    ``summary`` has the columns of :func:`textanalyse.themes.theme_summary` for one question
    (``theme, share, ci_low, ci_high`` and optionally ``documents_total``); with
    ``group_column`` the groups are drawn side by side.
    """
    import matplotlib
    from matplotlib.figure import Figure

    needed = {"theme", "share", "ci_low", "ci_high"}
    if not needed <= set(summary.columns):
        raise UserError("theme_chart: the theme table needs the columns theme, share, ci_low, ci_high")
    themes = list(dict.fromkeys(summary["theme"].astype(str)))
    if group_column and group_column in summary.columns:
        series = []
        for value, rows in summary.groupby(summary[group_column].astype(str), sort=True):
            rows = rows.set_index(rows["theme"].astype(str)).reindex(themes)
            n = int(rows["documents_total"].dropna().iloc[0]) if "documents_total" in rows and rows[
                "documents_total"].notna().any() else None
            series.append((value or "(tom)", n, rows))
    else:
        rows = summary.set_index(summary["theme"].astype(str)).reindex(themes)
        n = int(rows["documents_total"].dropna().iloc[0]) if "documents_total" in rows and rows[
            "documents_total"].notna().any() else None
        series = [("Alle", n, rows)]
    with matplotlib.rc_context(RC):
        if not themes:
            fig = _message_figure("Ingen temaer å vise", size=(7.0, 3.0))
        else:
            k = len(series)
            fig = Figure(figsize=(7.0, max(2.6, len(themes) * (0.17 * k + 0.13) + 1.3)))
            ax = fig.add_subplot()
            bar = 0.8 / k
            base = np.arange(len(themes))[::-1].astype(float)
            for i, (name, n, rows) in enumerate(series):
                share = np.nan_to_num(100 * rows["share"].to_numpy(dtype=float))
                low = np.nan_to_num(100 * rows["ci_low"].to_numpy(dtype=float))
                high = np.nan_to_num(100 * rows["ci_high"].to_numpy(dtype=float))
                err = np.vstack([np.clip(share - low, 0, None), np.clip(high - share, 0, None)])
                y = base + 0.4 - bar * (i + 0.5) if k > 1 else base
                label = f"{name} (n = {n})" if n is not None else name
                ax.barh(y, share, height=bar * 0.9 if k > 1 else 0.7, color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                        label=label, xerr=err, error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
            if k == 1 and series[0][1] is not None:
                title = f"{title} (n = {series[0][1]})" if title else f"n = {series[0][1]}"
            flagged = set()
            if "low_agreement" in summary.columns:  # validated coding: weak agreement is marked on the share
                flagged = set(summary.loc[summary["low_agreement"].astype(bool), "theme"].astype(str))
            ax.set_yticks(base, labels=[f"{theme} (κ < 0,6)" if theme in flagged else theme for theme in themes])
            upper = max(float(np.nanmax(np.nan_to_num(100 * rows["ci_high"].to_numpy(dtype=float)), initial=0.0))
                        for _, _, rows in series)
            ax.set_xlim(0, min(100.0, max(10.0, math.ceil(upper * 1.05 / 10) * 10)))
            ax.set_xlabel("Andel dokumenter med temaet (%), med 95 % konfidensintervall (Wilson)")
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if k > 1:
                ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(k, 4), frameon=False, fontsize=8)
            if title:
                fig.suptitle(title, fontsize=11)
            fig.tight_layout()
    path = Path(path)
    save_figure(fig, path)
    if svg:
        save_figure(fig, path.with_suffix(".svg"), fmt="svg")
    return path
