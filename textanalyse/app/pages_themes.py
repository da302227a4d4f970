"""Temaer: the project's codebook (edited with the core's validation), theme shares, coded passages judged."""

from __future__ import annotations

import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from textanalyse.app.charts import figure_url, table_key
from textanalyse.app.folder import CODEBOOK_FILE
from textanalyse.app.pages_views import refresh_quotes_soon
from textanalyse.app.pages_words import _choices, ensure_coded
from textanalyse.app.web import one, page_and_part, read_form, render
from textanalyse.errors import UserError

PASSAGE_LIMIT = 60
CONTEXT = 80
DECISIONS = {"riktig": "Riktig", "feil": "Feil"}


def _codebook_data(workspace) -> dict:
    """The codebook file as data (read once per version of the file; a copy the caller may change)."""
    import copy

    from textanalyse.app.workspace import file_stamp

    path = workspace.codebook_path()
    if path is None:
        raise UserError("Prosjektet bruker ingen kodebok.")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = workspace.cached(("codebook-data", file_stamp(path)),
                            lambda: yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {})
    return copy.deepcopy(data)


def _project_codebook(workspace):
    """The codebook file inside the project (the shipped one is copied there before the first edit)."""
    from textanalyse.atomic import write_bytes

    folder = workspace.folder
    target = folder.path(CODEBOOK_FILE)
    current = workspace.codebook_path()
    if current is None or current.resolve() != target.resolve():
        if current is not None and not target.exists():
            write_bytes(target, current.read_bytes())
        raw = folder.read_raw()
        raw.setdefault("themes", {})["codebook"] = CODEBOOK_FILE
        folder.write_raw(raw)
    return target


def themes_context(request: Request, *, message: str = "", error: str = "", edit: str | None = None) -> dict:
    workspace = request.app.state.workspace
    chosen = _choices(request)
    name, question, group = chosen["name"], chosen["question"], chosen["group"]
    book, coding = workspace.coding(name)
    # the shares the report shows: the researcher's right/wrong marks applied by the core
    summary = workspace.compute(name, lambda project: project.themes(group_by=group or None))
    rows = summary[summary["question"] == question]
    chart = _theme_chart(request, rows, question, group, chosen["labels"])
    for other in chosen["questions"]:    # the chart the researcher switches to next is ready by then
        if other != question:
            _theme_chart(request, summary[summary["question"] == other], other, group, chosen["labels"], ahead=True)
    theme = request.query_params.get("tema") or (book.theme_names[0] if book.theme_names else "")
    if theme and theme not in book.theme_names:
        raise UserError("Temaet finnes ikke i kodeboka; velg et fra listen.")
    passages = _passages(workspace, name, coding.coded, question, theme)
    data = _codebook_data(workspace)
    editing = edit if edit is not None else theme
    body = (data.get("themes") or {}).get(editing, {}) if editing else {}
    return {**chosen, "summary": rows.to_dict("records"), "chart": chart, "themes": book.theme_names, "theme": theme,
            "passages": passages, "total_passages": int(((coding.coded["theme"] == theme)
                                                       & (coding.coded["question"] == question)).sum()),
            "warnings": len(coding.warnings), "warnings_by_theme": _once_per(workspace, "warnings", coding,
                                                                                     lambda: _by_theme(coding.warnings)),
            "message": message, "error": error,
            "edit_name": editing, "edit_description": body.get("description", ""),
            "edit_patterns": "\n".join(str(p) for p in body.get("patterns") or []),
            "edit_exclude": "\n".join(str(p) for p in body.get("exclude") or []), "limit": PASSAGE_LIMIT}


def _once_per(workspace, what: str, owner, compute):
    """``compute()`` once per ``owner`` (a coding result or a corpus: asked on every visit, changed seldom)."""
    held, value = workspace.cached((what, id(owner)), lambda: (owner, compute()))
    return value if held is owner else compute()   # an id reused by a new object: compute afresh


def _by_theme(warnings) -> list[tuple[str, list[str]]]:
    """Patterns that match nothing, one line per theme in the codebook's order (hundreds of lines otherwise)."""
    grouped: dict[str, list[str]] = {}
    for row in warnings.to_dict("records"):
        grouped.setdefault(str(row["theme"]), []).append(str(row["pattern"]))
    return list(grouped.items())


def _theme_chart(request: Request, rows, question: str, group: str, labels: dict, *, ahead: bool = False) -> str:
    """The URL of the report's theme chart for one question (drawn once per content)."""
    from functools import partial

    from textanalyse.report.figures import theme_chart

    title = f"Andel svar per tema: {labels.get(question, question)}"
    return figure_url(request, f"tema|{question}|{group}|{title}|{table_key(rows)}",
                      partial(theme_chart, rows, group_column=group or None, title=title), ahead=ahead)


def _passages(workspace, name, coded, question, theme) -> list[dict]:
    corpus = workspace.material(name).corpus
    rows = coded[(coded["theme"] == theme) & (coded["question"] == question)].head(PASSAGE_LIMIT)
    texts, respondents = _once_per(workspace, "segment-texts", corpus, lambda: _segment_lookups(corpus))
    decisions = {_key(d): d["decision"] for d in workspace.folder.coding_decisions()}
    passages = []
    for row in rows.to_dict("records"):
        text = texts.get((row["doc_id"], row["segment"]), "")
        start, end = int(row["start"]), int(row["end"])
        passages.append({**row, "respondent": respondents.get(row["doc_id"], ""),
                         "before": ("…" if start > CONTEXT else "") + text[max(0, start - CONTEXT):start],
                         "after": text[end:end + CONTEXT] + ("…" if end + CONTEXT < len(text) else ""),
                         "decision": decisions.get(_key(row), "")})
    return passages


def _segment_lookups(corpus) -> tuple[dict, dict]:
    """``{(doc_id, segment): text}`` and ``{doc_id: respondent}`` of a corpus."""
    segments, documents = corpus.segments, corpus.documents
    return (dict(zip(zip(segments["doc_id"].tolist(), segments["segment"].tolist()), segments["text"].tolist())),
            dict(zip(documents["doc_id"].tolist(), documents["respondent"].tolist())))


def _key(row) -> tuple:
    return (str(row["doc_id"]), str(row["segment"]), str(row["theme"]), str(row["start"]), str(row["end"]))


themes_page, themes_part = page_and_part("themes.html", "_themes.html", themes_context, ready=ensure_coded)


async def save_theme(request: Request) -> Response:
    """Add or change one theme; the whole codebook is checked by the core before it is written."""
    from textanalyse.atomic import write_text
    from textanalyse.themes import parse_codebook

    workspace = request.app.state.workspace
    form = await read_form(request)
    old_name, new_name = one(form, "gammelt_navn"), one(form, "navn")
    patterns = [line.strip() for line in one(form, "monstre").splitlines() if line.strip()]
    exclude = [line.strip() for line in one(form, "unntak").splitlines() if line.strip()]
    data = _codebook_data(workspace)
    themes = dict(data.get("themes") or {})
    body = {"description": one(form, "beskrivelse"), "patterns": patterns}
    if exclude:
        body["exclude"] = exclude
    if not new_name:
        return render(request, "_themes.html", **themes_context(request, error="Temaet må ha et navn.", edit=old_name))
    if old_name and old_name in themes:
        themes = {(new_name if key == old_name else key): (body if key == old_name else value)
                  for key, value in themes.items()}
    elif new_name in themes:
        return render(request, "_themes.html", **themes_context(
            request, error=f"Temaet «{new_name}» finnes allerede; velg det i listen for å endre det.", edit=""))
    else:
        themes[new_name] = body
    data["themes"] = themes
    try:
        parse_codebook(data, source=CODEBOOK_FILE)
    except UserError as problem:
        from textanalyse.app.messages import norwegian

        return render(request, "_themes.html", **themes_context(request, error=norwegian(str(problem)),
                                                                 edit=old_name or ""))
    target = _project_codebook(workspace)
    write_text(target, yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))
    return render(request, "_themes.html", **themes_context(request, message=f"Temaet «{new_name}» er lagret.",
                                                             edit=new_name))


async def judge(request: Request) -> Response:
    """Mark one coded passage right or wrong (``kodevalg.csv``); the same button again clears it."""
    workspace = request.app.state.workspace
    form = await read_form(request)
    decision = one(form, "vurdering")
    if decision not in DECISIONS:
        raise UserError("Vurderingen må være riktig eller feil.")
    row = {key: one(form, key) for key in ("doc_id", "segment", "question", "theme", "pattern", "start", "end")}
    if not all(row[key] for key in ("doc_id", "segment", "theme", "start", "end")):
        raise UserError("Tekstbiten mangler; last siden på nytt.")
    rows = [existing for existing in workspace.folder.coding_decisions() if _key(existing) != _key(row)]
    current = one(form, "naa")
    if current != decision:
        rows.append({**row, "decision": decision})
    workspace.folder.write_coding_decisions(rows)
    context = themes_context(request)
    refresh_quotes_soon(workspace, context["name"])
    for index, passage in enumerate(context["passages"], start=1):
        if _key(passage) == _key(row):
            # Only the judged passage and the shares change: a small answer for the browser to swap
            # (the whole part is ~50 kB, and swapping it took longer than computing it).
            return render(request, "_judged.html", **context, p=passage, index=index)
    response = render(request, "_themes.html", **context)   # not among the passages shown: the whole part
    response.headers.update({"HX-Retarget": "#tema-innhold", "HX-Reswap": "innerHTML"})
    return response


def routes() -> list[Route]:
    return [
        Route("/temaer", themes_page),
        Route("/temaer/innhold", themes_part),
        Route("/temaer/lagre", save_theme, methods=["POST"]),
        Route("/temaer/vurder", judge, methods=["POST"]),
    ]
