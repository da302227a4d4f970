"""``rapport.html``: one self-contained Norwegian report, and the figures it shows.

The HTML file needs nothing else: figures are embedded as ``data:image/png;base64`` URIs,
CSS and the small table-sorting script are inline, and there are no links to fonts, CDNs or
scripts elsewhere, so it opens offline and can be e-mailed or printed to PDF. Everything
shown is HTML-escaped. Apart from the run time in the header, the same run gives the same
file (figures are deterministic, element ids are derived from names, no random ids).

The page is put together here; its parts live apart: the figure plan and figure names in
:mod:`textanalyse.report.plan`, table rendering in :mod:`textanalyse.report.html_tables`, the
sections in :mod:`textanalyse.report.sections`, and the CSS and the table-sorting script as
package data in ``report/assets/``.

Usage (a finished run; :func:`textanalyse.run.run_analysis`'s doctest writes one)::

    plan = figure_plan(result)
    figures = write_figures(result, "ut/figurer", plan=plan)
    write_html(result, "ut/rapport.html", figures=figures, plan=plan)
"""

from __future__ import annotations

import re
import tempfile
from importlib import resources
from pathlib import Path

from textanalyse.atomic import write_text
from textanalyse.report import sections as s
from textanalyse.report.html_tables import esc, table_html
from textanalyse.report.plan import FIGURE_FOLDER, FigureSpec, _alpha, figure_plan, slug, write_figures
from textanalyse.report.validation import validation_section

__all__ = ["FIGURE_FOLDER", "esc", "figure_plan", "render_html", "slug", "table_html", "write_figures", "write_html"]


def _asset(name: str) -> str:
    return resources.files("textanalyse.report").joinpath("assets", name).read_text(encoding="utf-8")


def _settings(result) -> dict:
    settings = dict(result.config or {})
    if result.codebook_name and "codebook_name" not in settings:
        settings["codebook_name"] = result.codebook_name
    return settings


def render_html(result, figures: dict, *, plan: list[FigureSpec] | None = None) -> str:
    """The report as one HTML string; ``figures`` maps file name → path (from :func:`write_figures`).

    ``plan``: the :func:`figure_plan` the figures were drawn from (computed here when absent).
    """
    from textanalyse.report.survey_sections import closed_section_html, wave_section_html

    plan = {spec.key: spec for spec in (figure_plan(result) if plan is None else plan)}
    ids = s._Ids()
    settings = _settings(result)
    alpha = _alpha(result)
    title = result.title or "Tekstanalyse"
    body, toc = [], []
    for index, material in enumerate(result.materials):
        anchor = ids(material.name)
        kind = "intervjuer" if material.kind == "transcripts" else "spørreundersøkelse"
        sections = [
            ("Oversikt", s._overview_section(material, ids)),
            ("Mest brukte ord", s._frequency_section(material, index, plan, figures, ids)),
            ("Temaer", s._theme_section(material, index, plan, figures, ids, result.codebook_name)),
            ("Validering av kodingen", validation_section(material, ids)),
            ("Sammenligninger", s._comparison_section(material, index, plan, figures, ids, alpha)),
            ("Lukkede spørsmål", closed_section_html(material, ids)),
            ("Bølger", wave_section_html(material, index, plan, figures, ids)),
            ("Emner", s._topic_section(material, ids)),
            ("Sitatkandidater", s._quote_section(material, ids)),
            ("Metode", s._methods_section(material, ids, settings)),
        ]
        body.append(f'<section class="materiale" id="{anchor}"><h2>{esc(material.name)} '
                    f'<small class="merknad">({esc(kind)})</small></h2>')
        links = []
        for label, content in sections:
            if not content:
                continue
            body.append(content)
            match = re.search(r'id="([^"]+)"', content)
            if match:
                links.append(f'<li><a href="#{match.group(1)}">{esc(label)}</a></li>')
        body.append("</section>")
        toc.append(f'<li><a href="#{anchor}">{esc(material.name)}</a><ul>{"".join(links)}</ul></li>')
    header = (
        f'<header class="topp"><h1>{esc(title)}</h1><dl>'
        f"<dt>Kjørt</dt><dd>{esc(s._run_date(result))}</dd>"
        f"<dt>Verktøy</dt><dd>textanalyse {esc(s._version(result))}</dd>"
        f"<dt>Pipeline</dt><dd>{esc(s._pipelines(result))}</dd>"
        + (f"<dt>Kodebok</dt><dd>{esc(result.codebook_name)}</dd>" if result.codebook_name else "")
        + "</dl></header>"
    )
    nav = f'<nav class="innhold" aria-label="Innhold"><strong>Innhold</strong><ul>{"".join(toc)}</ul></nav>'
    footer = ("<footer>Laget med textanalyse. Alle tabeller finnes i sin helhet i tabeller.xlsx, og figurene "
              "som egne filer i mappen figurer/. Klikk en kolonneoverskrift for å sortere en tabell.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="nb">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{_asset('report.css')}</style>\n</head>\n<body>\n"
        f"{header}\n{nav}\n<main>\n" + "\n".join(body) + f"\n</main>\n{footer}\n"
        f"<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n"
    )


def write_html(result, path, *, figures: dict | None = None, plan: list[FigureSpec] | None = None) -> Path:
    """Write ``rapport.html`` for ``result`` to ``path``.

    ``figures`` (file name → path, from :func:`write_figures`) are embedded; without it the
    figures are drawn into a temporary folder first, so the file is complete either way.
    """
    path = Path(path)
    if figures is None:
        with tempfile.TemporaryDirectory(prefix="textanalyse-figurer-") as folder:
            plan = figure_plan(result) if plan is None else plan
            figures = write_figures(result, folder, plan=plan)
            text = render_html(result, figures, plan=plan)
    else:
        text = render_html(result, figures, plan=plan)
    write_text(path, text)
    return path


CSS = _asset("report.css")


