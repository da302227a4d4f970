"""The run's outputs for people: ``rapport.html``, ``tabeller.xlsx`` and ``figurer/``.

They need a finished run (:class:`textanalyse.analysis.RunResult`); the doctest of
:func:`textanalyse.run.run_analysis` writes all three from a tiny survey. Usage::

    write_report(result, "resultater")
    # ['figurer/brukerundersokelse_fungerer_bra_ordsky.png', ..., 'rapport.html', 'tabeller.xlsx']
"""

from __future__ import annotations

from pathlib import Path

from textanalyse.report.figures import bar_chart, theme_chart, word_cloud
from textanalyse.report.html import write_html
from textanalyse.report.plan import FIGURE_FOLDER, figure_plan, write_figures
from textanalyse.report.methods import methods_paragraph
from textanalyse.report.workbook import write_workbook

REPORT_FILE = "rapport.html"
WORKBOOK_FILE = "tabeller.xlsx"

__all__ = ["bar_chart", "methods_paragraph", "theme_chart", "word_cloud", "write_figures", "write_html",
           "write_report", "write_workbook"]


def write_report(result, out_dir) -> list[str]:
    """Write ``rapport.html``, ``tabeller.xlsx`` and ``figurer/…`` into ``out_dir``.

    ``out_dir`` is the folder the caller prepared (the run module writes it atomically and
    adds ``manifest.json``). Returns the relative file names written (POSIX separators),
    sorted.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = figure_plan(result)  # once: the figures and the page use the same plan
    figures = write_figures(result, out_dir / FIGURE_FOLDER, plan=plan)
    write_html(result, out_dir / REPORT_FILE, figures=figures, plan=plan)
    write_workbook(result, out_dir / WORKBOOK_FILE)
    names = [f"{FIGURE_FOLDER}/{name}" for name in figures] + [REPORT_FILE, WORKBOOK_FILE]
    return sorted(names)
