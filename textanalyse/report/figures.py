"""Every figure of textanalyse: word clouds, top-word bars, theme shares, keyness and comparison clouds.

One style (:data:`RC`, the colours below) and one writer (:func:`save_figure`) for all of them.

All figures are deterministic: the same input gives byte-identical files (fixed random
state for word-cloud layout, no dates or software versions in PNG/SVG metadata, a fixed SVG
hash salt). They are drawn on :class:`matplotlib.figure.Figure` objects that are never
registered with pyplot, so no global figure state is left behind, and written atomically
(temporary file, then rename). PNG files are 200 dpi (print resolution).

Letters æ, ø and å are drawn with the DejaVu Sans font shipped with matplotlib.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> table = pd.DataFrame({"word": ["oppfølging", "bolig", "ventetid"], "count": [5, 3, 2]})
    >>> word_cloud(table, folder / "ordsky.png").name
    'ordsky.png'
    >>> sorted(p.name for p in (bar_chart(table, folder / "toppord.png", svg=True), folder / "toppord.svg") if p.exists())
    ['toppord.png', 'toppord.svg']
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.atomic import write_bytes
from textanalyse.compare import ALPHA, REST_LABEL
from textanalyse.errors import UserError

DPI = 200
# The resolution PNG figures are written at: DPI for reports (print), lower for the app's screen,
# where a 200 dpi chart costs half a second to draw. A context variable, so an export running in
# another thread of the app still writes print resolution.
_PNG_DPI = contextvars.ContextVar("textanalyse_png_dpi", default=DPI)


@contextlib.contextmanager
def screen_resolution(dpi: int = 96):
    """Write PNG figures at ``dpi`` (screen) instead of print resolution inside this block.

    Example:
        >>> with screen_resolution(96):
        ...     _PNG_DPI.get()
        96
        >>> _PNG_DPI.get()
        200
    """
    token = _PNG_DPI.set(dpi)
    try:
        yield
    finally:
        _PNG_DPI.reset(token)
BAR_COLOUR = "#1b6ca8"
TARGET_COLOUR = "#1b6ca8"
REFERENCE_COLOUR = "#c8553d"
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
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    path = Path(path)
    buffer = io.BytesIO()
    # tight_layout() has placed everything already, but leaves a placeholder layout engine
    # behind, for which savefig lays out every text once more in a throwaway draw (a third of
    # the time of a bar chart); without it the file is the same to the byte
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    with matplotlib.rc_context(RC):
        if fmt == "png":
            fig.savefig(buffer, format="png", dpi=_PNG_DPI.get(), metadata={"Software": None})
        elif fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        else:
            raise UserError(f"figure format '{fmt}' is not supported; use png or svg")
    write_bytes(path, buffer.getvalue())
    return path


def _style_axis(ax) -> None:
    """The shared look: light vertical grid behind the bars, no top or right frame."""
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


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
    write_bytes(path, buffer.getvalue())
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
        _style_axis(ax)
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
            _share_bars(ax, themes, [(name, n, rows["share"], rows["ci_low"], rows["ci_high"])
                                     for name, n, rows in series], thin_single=True)
            if k == 1 and series[0][1] is not None:
                title = f"{title} (n = {series[0][1]})" if title else f"n = {series[0][1]}"
            flagged = set()
            if "low_agreement" in summary.columns:  # validated coding: weak agreement is marked on the share
                flagged = set(summary.loc[summary["low_agreement"].astype(bool), "theme"].astype(str))
            ax.set_yticks(np.arange(len(themes))[::-1].astype(float),
                          labels=[f"{theme} (κ < 0,6)" if theme in flagged else theme for theme in themes])
            upper = max(float(np.nanmax(np.nan_to_num(100 * rows["ci_high"].to_numpy(dtype=float)), initial=0.0))
                        for _, _, rows in series)
            ax.set_xlim(0, min(100.0, max(10.0, math.ceil(upper * 1.05 / 10) * 10)))
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


def _share_bars(ax, themes: list[str], series, *, thin_single: bool = False) -> None:
    """Horizontal bars of shares (0–1) with their interval, one bar per series and theme.

    ``series``: ``(name, n, share, low, high)`` per group; ``n`` (documents) goes in the label.
    """
    k = len(series)
    bar = 0.8 / k
    base = np.arange(len(themes))[::-1].astype(float)
    for i, (name, n, share, low, high) in enumerate(series):
        share = np.nan_to_num(100 * np.asarray(share, dtype=float))
        low = np.nan_to_num(100 * np.asarray(low, dtype=float))
        high = np.nan_to_num(100 * np.asarray(high, dtype=float))
        err = np.vstack([np.clip(share - low, 0, None), np.clip(high - share, 0, None)])
        single = thin_single and k == 1
        y = base if single else base + 0.4 - bar * (i + 0.5)
        label = f"{name} (n = {n})" if n is not None else name
        ax.barh(y, share, height=0.7 if single else bar * 0.9, color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                label=label, xerr=err, error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
    ax.set_xlabel("Andel dokumenter med temaet (%), med 95 % konfidensintervall (Wilson)")
    _style_axis(ax)


# --------------------------------------------------------------------------- comparisons between groups
def _format_p(alpha: float) -> str:
    return f"{alpha:g}".replace(".", ",")


def _comparison_labels(table: pd.DataFrame, labels, group: str | None) -> tuple[str, str]:
    if labels is not None:
        if len(labels) != 2:
            raise UserError("labels must be two names: (target, reference)")
        return str(labels[0]), str(labels[1])
    if group is not None:
        return group, REST_LABEL
    return str(table.attrs.get("target", "målgruppe")), str(table.attrs.get("reference", "referanse"))


def _select_group(table: pd.DataFrame, group: str | None, what: str) -> tuple[pd.DataFrame, str | None]:
    if "group" not in table.columns:
        return table, None
    available = sorted(table["group"].astype(str).unique())
    if group is None:
        if len(available) == 1:
            group = available[0]
        else:
            raise UserError(f"{what}: the table compares several groups; choose one with group= ({', '.join(available)})")
    if group not in available:
        raise UserError(f"{what}: group {group!r} not in the table; groups are: {', '.join(available)}")
    return table[table["group"].astype(str) == group], group


def _check_columns(table: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UserError(f"{what}: the table lacks column(s) {', '.join(missing)}; pass the output of the comparison")


def _keyness_sides(table: pd.DataFrame, top: int, what: str, group: str | None, labels):
    """(words more used by the target, by the reference, target label, reference label)."""
    _check_columns(table, ["word", "g2", "log_ratio", "p_adjusted"], what)
    table, group = _select_group(table, group, what)
    target_label, reference_label = _comparison_labels(table, labels, group)
    ordered = table.sort_values(["g2", "word"], ascending=[False, True], kind="mergesort")
    return (ordered[ordered["log_ratio"] > 0].head(top), ordered[ordered["log_ratio"] < 0].head(top),
            target_label, reference_label)


def plot_keyness(table: pd.DataFrame, path, *, top: int = 15, group: str | None = None, alpha: float = ALPHA,
                 labels: tuple[str, str] | None = None) -> Path:
    """Diverging bar chart of the strongest keywords on each side (PNG, 200 dpi).

    The ``top`` words with the largest G² and positive log ratio (more used in the target)
    are drawn to the right, those with negative log ratio to the left; bar length is the
    log ratio. Solid bars: ``p_adjusted < alpha``; light hatched bars: not significant after
    Benjamini–Hochberg adjustment. ``group`` picks one group of a one-vs-rest table;
    ``labels`` overrides the group names taken from ``table.attrs``.
    """
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    over, under, target_label, reference_label = _keyness_sides(table, top, "plot_keyness", group, labels)
    rows = pd.concat([over, under])  # target words first; each side strongest first
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(7.5, max(3.0, 0.28 * len(rows) + 1.8)))
        ax = fig.add_subplot()
        if rows.empty:
            ax.text(0.5, 0.5, "Ingen ord å vise", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            y = np.arange(len(rows))[::-1]
            significant = rows["p_adjusted"].to_numpy() < alpha
            values = rows["log_ratio"].to_numpy()
            colours = np.where(values > 0, TARGET_COLOUR, REFERENCE_COLOUR)
            for yi, value, colour, sig in zip(y, values, colours, significant):
                ax.barh(yi, value, color=colour, alpha=1.0 if sig else 0.35, hatch=None if sig else "///",
                        edgecolor=colour, linewidth=0.6, height=0.75)
            ax.set_yticks(y, labels=rows["word"].tolist())
            ax.axvline(0, color="#333333", linewidth=0.8)
            limit = float(np.abs(values).max()) * 1.08 or 1.0
            ax.set_xlim(-limit, limit)
            ax.set_xlabel("Log-ratio (log₂ av forholdet mellom relative frekvenser); "
                          "sterkeste G² øverst på hver side")
            handles = [
                Patch(facecolor=TARGET_COLOUR, edgecolor=TARGET_COLOUR, label=f"Mer brukt av {target_label}"),
                Patch(facecolor=REFERENCE_COLOUR, edgecolor=REFERENCE_COLOUR, label=f"Mer brukt av {reference_label}"),
                Patch(facecolor="#bbbbbb", edgecolor="#888888", hatch="///", alpha=0.6,
                      label=f"Ikke signifikant etter BH-justering (p ≥ {_format_p(alpha)})"),
            ]
            ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=1,
                      frameon=False, fontsize=8)
            _style_axis(ax)
        fig.suptitle(f"Nøkkelord: {target_label} mot {reference_label}", fontsize=11)
        fig.tight_layout()
    return save_figure(fig, path)


def plot_comparison_cloud(table: pd.DataFrame, path, *, max_words: int = 60, group: str | None = None,
                          alpha: float = ALPHA, labels: tuple[str, str] | None = None,
                          random_state: int = 0) -> Path:
    """Comparison word cloud: target keywords left in one colour, reference keywords right.

    Word size is proportional to G². Words significant after Benjamini–Hochberg adjustment
    (``p_adjusted < alpha``) are used when there are any on a side, otherwise the strongest
    words; at most ``max_words`` per side. Layout is deterministic (``random_state``).
    """
    import matplotlib
    from matplotlib.figure import Figure
    from wordcloud import WordCloud

    positive = table[table["g2"] > 0] if "g2" in table.columns else table
    over, under, target_label, reference_label = _keyness_sides(positive, len(table), "plot_comparison_cloud",
                                                                group, labels)

    def pick(side: pd.DataFrame) -> dict[str, float]:
        significant = side[side["p_adjusted"] < alpha]
        chosen = (significant if len(significant) else side).head(max_words)
        return dict(zip(chosen["word"].astype(str), chosen["g2"].astype(float)))

    panels = [(target_label, TARGET_COLOUR, pick(over)), (reference_label, REFERENCE_COLOUR, pick(under))]
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(10, 5))
        for ax, (label, colour, frequencies) in zip(fig.subplots(1, 2), panels):
            ax.set_axis_off()
            ax.set_title(f"Mer brukt av {label}", color=colour, fontsize=11)
            if not frequencies:
                ax.text(0.5, 0.5, "Ingen ord", ha="center", va="center", transform=ax.transAxes)
                continue
            cloud = WordCloud(
                font_path=font_path(), width=800, height=700, background_color="white", random_state=random_state,
                max_words=max_words, prefer_horizontal=0.9, margin=4, relative_scaling=0.5,
                color_func=lambda *args, _c=colour, **kwargs: _c, collocations=False,
            ).generate_from_frequencies(frequencies)
            ax.imshow(cloud.to_array(), interpolation="bilinear")
        fig.suptitle(f"Nøkkelord: {target_label} mot {reference_label} (størrelse etter G²)", fontsize=12)
        fig.tight_layout()
    return save_figure(fig, path)


def plot_theme_shares(theme_table: pd.DataFrame, path, *, alpha: float = ALPHA,
                      labels: tuple[str, str] | None = None) -> Path:
    """Share of documents per theme and group with Wilson 95 % intervals (PNG, 200 dpi).

    Two-group tables (:func:`textanalyse.compare.theme_comparison`) show target and reference
    side by side; one-vs-rest tables show each group. Themes whose difference is significant
    after Benjamini–Hochberg adjustment (``p_adjusted < alpha``, two-group tables only) are
    marked with ``*``.
    """
    import matplotlib
    from matplotlib.figure import Figure

    _check_columns(theme_table, ["theme", "share_target", "ci_low_target", "ci_high_target"], "plot_theme_shares")
    if "group" in theme_table.columns:
        themes = list(dict.fromkeys(theme_table["theme"].astype(str)))
        series = []
        for name, rows in theme_table.groupby("group", sort=True):
            rows = rows.set_index(rows["theme"].astype(str)).reindex(themes)
            n = int(rows["total_target"].iloc[0]) if "total_target" in rows and len(rows) else None
            series.append((str(name), n, rows["share_target"], rows["ci_low_target"], rows["ci_high_target"]))
        marks = [""] * len(themes)
    else:
        _check_columns(theme_table, ["share_reference", "ci_low_reference", "ci_high_reference"], "plot_theme_shares")
        target_label, reference_label = _comparison_labels(theme_table, labels, None)
        themes = theme_table["theme"].astype(str).tolist()
        series = [(label, theme_table.attrs.get(f"total_{side}"), theme_table[f"share_{side}"],
                   theme_table[f"ci_low_{side}"], theme_table[f"ci_high_{side}"])
                  for label, side in ((target_label, "target"), (reference_label, "reference"))]
        marks = ([" *" if p < alpha else "" for p in theme_table["p_adjusted"].to_numpy()]
                 if "p_adjusted" in theme_table.columns else [""] * len(themes))
    with matplotlib.rc_context(RC):
        k = len(series)
        fig = Figure(figsize=(7.5, max(3.0, len(themes) * (0.25 * k + 0.35) + 1.6)))
        ax = fig.add_subplot()
        if not themes:
            ax.text(0.5, 0.5, "Ingen temaer å vise", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        else:
            _share_bars(ax, themes, series)
            ax.set_yticks(np.arange(len(themes))[::-1].astype(float), labels=[t + m for t, m in zip(themes, marks)])
            ax.set_xlim(0, 100)
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=min(k, 3), frameon=False, fontsize=8)
            if any(marks):
                fig.text(0.01, 0.01, f"* forskjellen er signifikant etter BH-justering (p < {_format_p(alpha)})",
                         fontsize=7, color="#444444")
        fig.suptitle("Temaer etter gruppe", fontsize=11)
        fig.tight_layout()
    return save_figure(fig, path)


def _share_axis(ax, upper: float, axis: str, label: str) -> None:
    """A 0–100 % share axis rounded up to the next ten above ``upper``, with light grid lines."""
    limit = min(100.0, max(10.0, math.ceil(upper * 1.05 / 10) * 10))
    (ax.set_xlim if axis == "x" else ax.set_ylim)(0, limit)
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(label)
    ax.grid(axis=axis, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def wave_chart(shares: pd.DataFrame, path, *, sizes: pd.DataFrame | None = None, max_themes: int = 6,
               title: str = "Andel dokumenter per tema i hver bølge") -> Path:
    """Theme shares across survey waves: one line per theme with Wilson 95 % intervals (PNG, 200 dpi).

    ``shares`` has the columns of the wave theme table for one question (``theme, wave,
    wave_rank, share, ci_low, ci_high``); the ``max_themes`` themes with the largest share
    overall are drawn. Waves flagged ``too_few`` in ``sizes`` are marked «få svar» on the
    axis and drawn with open markers: shown, not hidden.
    """
    import matplotlib
    from matplotlib.figure import Figure

    needed = {"theme", "wave", "wave_rank", "share", "ci_low", "ci_high"}
    if not needed <= set(shares.columns):
        raise UserError("wave_chart: the wave table needs the columns theme, wave, wave_rank, share, ci_low, ci_high")
    waves = list(shares.sort_values("wave_rank", kind="mergesort")["wave"].astype(str).drop_duplicates())
    flagged = set()
    counts = {}
    if sizes is not None and len(sizes):
        flagged = set(sizes.loc[sizes["too_few"].astype(bool), "wave"].astype(str))
        counts = dict(zip(sizes["wave"].astype(str), sizes["respondents"]))
    overall = shares.groupby("theme", sort=False)["documents_coded"].sum() if "documents_coded" in shares else \
        shares.groupby("theme", sort=False)["share"].mean()
    themes = sorted(overall.index, key=lambda theme: (-overall[theme], str(theme)))[:max_themes]
    with matplotlib.rc_context(RC):
        if not waves or not themes:
            fig = _message_figure("Ingen temaer å vise", size=(7.0, 3.0))
        else:
            fig = Figure(figsize=(7.0, 4.2))
            ax = fig.add_subplot()
            x = np.arange(len(waves), dtype=float)
            spread = 0.06 * (len(themes) - 1)
            for number, theme in enumerate(themes):
                rows = shares[shares["theme"] == theme]
                rows = rows.set_index(rows["wave"].astype(str)).reindex(waves)
                share = 100 * rows["share"].to_numpy(dtype=float)
                low = 100 * rows["ci_low"].to_numpy(dtype=float)
                high = 100 * rows["ci_high"].to_numpy(dtype=float)
                offset = x - spread / 2 + 0.06 * number     # side by side, so intervals do not hide each other
                colour = GROUP_COLOURS[number % len(GROUP_COLOURS)]
                err = np.vstack([np.clip(share - low, 0, None), np.clip(high - share, 0, None)])
                ax.errorbar(offset, share, yerr=err, color=colour, marker="o", markersize=4, linewidth=1.4,
                            elinewidth=0.8, capsize=2, label=str(theme))
                for position, wave, value in zip(offset, waves, share):
                    if wave in flagged and not math.isnan(value):
                        ax.plot([position], [value], marker="o", markersize=7, markerfacecolor="white", zorder=5,
                                markeredgecolor=colour, linestyle="none")
            labels = [f"{wave}\n(n = {counts[wave]}{', få svar' if wave in flagged else ''})" if wave in counts
                      else wave for wave in waves]
            ax.set_xticks(x, labels=labels)
            ax.set_xlim(-0.5, len(waves) - 0.5)
            upper = float(np.nanmax(100 * shares[shares["theme"].isin(themes)]["ci_high"].to_numpy(dtype=float),
                                    initial=0.0))
            _share_axis(ax, upper, "y", "Andel dokumenter med temaet (%)")
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
            fig.suptitle(title, fontsize=11)
            fig.text(0.01, 0.01, "Streker: 95 % konfidensintervall (Wilson). Åpne punkter: bølge med få svar.",
                     fontsize=7, color="#5f6b73")
            fig.tight_layout(rect=(0, 0.03, 1, 1))
    path = Path(path)
    save_figure(fig, path)
    return path
