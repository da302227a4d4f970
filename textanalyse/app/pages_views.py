"""Sammenlign (keyness and theme differences), Emner (topics) and Sitater (quotes with decisions)."""

from __future__ import annotations

import threading

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from textanalyse.app.pages_words import _choices, ensure_coded, ensure_computed, ensure_loaded
from textanalyse.app.charts import figure_url, table_key
from textanalyse.app.web import one, page_and_part, progress_page, read_form, render
from textanalyse.errors import UserError

QUOTE_DECISIONS = ("godtatt", "avvist")


# ---------------------------------------------------------------- Sammenlign
def _group_values(documents: pd.DataFrame, column: str) -> list[str]:
    values = documents[column].astype(str)
    return sorted(value for value in values.unique() if value.strip())


def compare_context(request: Request) -> dict:
    from functools import partial

    from textanalyse.report.figures import plot_keyness

    workspace = request.app.state.workspace
    chosen = _choices(request)
    name = chosen["name"]
    material = workspace.material(name)
    documents = material.corpus.documents
    columns = ["question", *material.corpus.metadata_columns]
    defaults = (workspace.material_config(name)["compare"] or [{}])[0]
    usable = [c for c in [*workspace.material_config(name)["group_by"], *columns] if len(_group_values(documents, c)) >= 2]
    column = request.query_params.get("kolonne") or defaults.get("column") or (usable[0] if usable else "question")
    if column not in columns:
        raise UserError("Velg en kolonne fra listen.")
    values = _group_values(documents, column)
    if len(values) < 2:
        raise UserError(f"Kolonnen «{column}» har færre enn to grupper; velg en annen.")
    target = request.query_params.get("a") or (defaults.get("target") if defaults.get("column") == column else "") or values[0]
    reference = request.query_params.get("b") or (defaults.get("reference") if defaults.get("column") == column else "") or values[1]
    if target not in values or reference not in values or target == reference:
        raise UserError("Velg to forskjellige grupper fra listene.")
    def compute(project):
        themes = pd.DataFrame()
        if project.codebook is not None:
            themes = project.theme_differences(column, target=target, reference=reference)
        return project.keyness(column, target=target, reference=reference), themes
    table, themes = workspace.compute(name, compute)
    chart = figure_url(request, f"keyness|{target}|{reference}|{table_key(table)}",
                       partial(plot_keyness, table, labels=(target, reference)))
    return {**chosen, "columns": columns, "column": column, "values": values, "target": target,
            "reference": reference, "keyness": table.head(40).to_dict("records"), "tested": len(table),
            "themes": themes.to_dict("records"), "chart": chart,
            "saved": any(c["column"] == column and c["target"] == target and c["reference"] == reference
                         for c in workspace.material_config(name)["compare"])}


compare_page, compare_part = page_and_part("compare.html", "_compare.html", compare_context, ready=ensure_coded)


async def add_comparison(request: Request) -> Response:
    """Keep this comparison in the report: one ``compare`` entry of the material in analyse.toml."""
    workspace = request.app.state.workspace
    form = await read_form(request)
    context = compare_context(request)
    raw = workspace.folder.read_raw()
    material = next(m for m in raw["material"] if m.get("name", "") == context["name"]) if any(
        m.get("name", "") == context["name"] for m in raw["material"]) else raw["material"][0]
    entries = list(material.get("compare", []))
    entry = {"column": context["column"], "target": context["target"], "reference": context["reference"],
             "name": one(form, "navn") or f"{context['target']} mot {context['reference']}"}
    if not context["saved"]:
        entries.append(entry)
        material["compare"] = entries
        workspace.folder.write_raw(raw)
    return await compare_part(request)


# ---------------------------------------------------------------- Emner
def topics_key(workspace, name) -> tuple:
    return ("topics", name, workspace.filter_stamp())


def compute_topics(workspace, name):
    return workspace.compute(name, lambda project: project.topics())


async def topics_page(request: Request) -> Response:
    waiting = ensure_loaded(request)
    if waiting is not None:
        return waiting
    workspace = request.app.state.workspace
    chosen = _choices(request)
    key = topics_key(workspace, chosen["name"])
    if not workspace.has(key):
        job = workspace.start("Finner emner", lambda job: workspace.cached(
            key, lambda: compute_topics(workspace, chosen["name"])))
        if not job.done or job.error:
            return progress_page(request, job, next_url=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    result = workspace.cached(key, lambda: compute_topics(workspace, chosen["name"]))
    typical = result.typical.to_dict("records")
    topics = [{**row, "typical": [t for t in typical if t["topic"] == row["topic"]]}
              for row in result.topics.to_dict("records")]
    return render(request, "topics.html", **chosen, topics=topics, stability=result.stability, k=result.k,
                  left_out=len(result.left_out))


# ---------------------------------------------------------------- Sitater
_QUOTES_LOCK = threading.Lock()   # one computation of the quotes at a time (page, job or refresh)


def quotes_table(workspace, name) -> pd.DataFrame:
    """Every quote candidate (before the researcher's decisions, so each can be decided again)."""
    key = quotes_key(workspace, name)

    def compute():
        with _QUOTES_LOCK:   # a second caller waits for the first, then finds its result
            return workspace.cached(key, lambda: workspace.compute(
                name, lambda project: project.quotes(decisions=False), locked=False), locked=False)

    return workspace.cached(key, compute, locked=False)   # remembered: no lock (a refresh may be running)


def refresh_quotes_soon(workspace, name) -> None:
    """After a coding decision: the quotes it changed, chosen again in the background.

    Only when the researcher has looked at this material's quotes (choosing them the first
    time is a long step of its own); the Sitater page then opens without waiting. A failure
    is left for the page to report (it computes them again).
    """
    if not workspace.has_any(("quotes", name)):
        return

    def refresh():
        try:
            quotes_table(workspace, name)
        except Exception:  # noqa: BLE001 - the page computes again and shows the error in Norwegian
            pass

    threading.Thread(target=refresh, name="textanalyse-app-quotes", daemon=True).start()


def _quote_key(row) -> tuple:
    return (str(row["theme_or_word"]), str(row["doc_id"]), str(row["question"]))


def quotes_context(request: Request, *, message: str = "") -> dict:
    workspace = request.app.state.workspace
    chosen = _choices(request)
    table = quotes_table(workspace, chosen["name"])
    decisions = {_quote_key(d): d for d in workspace.folder.quote_decisions()}
    items = []
    for row in table.to_dict("records"):
        decision = decisions.get(_quote_key(row), {})
        items.append({**row, "decision": decision.get("decision", ""), "edited": decision.get("quote", "")})
    settings = chosen["config"]["quotes"]
    book_themes = []
    if workspace.codebook_path() is not None:
        book_themes = workspace.coding(chosen["name"])[0].theme_names
    return {**chosen, "items": items, "words": settings["words"], "quote_themes": settings["themes"],
            "book_themes": book_themes, "accepted": sum(1 for i in items if i["decision"] == "godtatt"),
            "message": message}


def quotes_key(workspace, name) -> tuple:
    config = workspace.config()
    return ("quotes", name, workspace.stamp(workspace.codebook_path() or "", config["themes"]["decisions"]))


async def quotes_page(request: Request) -> Response:
    waiting = ensure_coded(request)
    if waiting is not None:
        return waiting
    workspace = request.app.state.workspace
    name = _choices(request)["name"]
    waiting = ensure_computed(request, quotes_key(workspace, name), "Finner og avidentifiserer sitater",
                              lambda: quotes_table(workspace, name))
    if waiting is not None:
        return waiting
    return render(request, "quotes.html", **quotes_context(request))


async def decide_quote(request: Request) -> Response:
    """Accept, reject or edit one quote candidate (``sitatvalg.csv``)."""
    workspace = request.app.state.workspace
    form = await read_form(request)
    decision = one(form, "vurdering")
    if decision not in QUOTE_DECISIONS:
        raise UserError("Velg godta eller avvis.")
    row = {"theme_or_word": one(form, "element"), "doc_id": one(form, "doc_id"), "question": one(form, "question")}
    if not row["theme_or_word"] or not row["doc_id"]:
        raise UserError("Sitatet mangler; last siden på nytt.")
    edited = " ".join(one(form, "tekst").split())
    rows = [d for d in workspace.folder.quote_decisions() if _quote_key(d) != _quote_key(row)]
    rows.append({**row, "decision": decision, "quote": edited[:2000] if decision == "godtatt" else ""})
    workspace.folder.write_quote_decisions(rows)
    return render(request, "_quotes.html", **quotes_context(request))


async def add_quote_item(request: Request) -> Response:
    """Quote a further word or theme: added to ``[quotes]`` in analyse.toml, so the report has it too."""
    workspace = request.app.state.workspace
    form = await read_form(request)
    raw = workspace.folder.read_raw()
    section = raw.setdefault("quotes", {})
    word, theme = " ".join(one(form, "ord").lower().split()), one(form, "tema")
    if word:
        if " " in word or len(word) > 60:
            raise UserError("Skriv ett ord (mønster med * er lov, for eksempel bolig*).")
        words = list(section.get("words", workspace.config()["quotes"]["words"]))
        section["words"] = words + ([word] if word not in words else [])
    elif theme:
        themes = list(section.get("themes", workspace.config()["quotes"]["themes"]))
        section["themes"] = themes + ([theme] if theme not in themes else [])
    else:
        raise UserError("Skriv et ord eller velg et tema.")
    workspace.folder.write_raw(raw)
    return render(request, "_quotes.html", **quotes_context(request))


def accepted_text(workspace, name) -> str:
    """Accepted quotes, paste-ready: ``«…» (respondent, gruppe)`` per line, grouped by word/theme."""
    table = quotes_table(workspace, name)
    by_key = {_quote_key(row): row for row in table.to_dict("records")}
    lines = []
    for decision in workspace.folder.quote_decisions():
        if decision["decision"] != "godtatt":
            continue
        row = by_key.get(_quote_key(decision))
        if row is None:
            continue
        citation = row["citation"]
        if decision["quote"]:
            citation = f"«{decision['quote']}»" + citation[citation.rfind("» (") + 1:]
        lines.append(f"{row['theme_or_word']}: {citation}")
    return "\n".join(lines) + ("\n" if lines else "")


async def export_quotes(request: Request) -> Response:
    from textanalyse.atomic import write_text

    workspace = request.app.state.workspace
    chosen = _choices(request)
    text = accepted_text(workspace, chosen["name"])
    if not text:
        raise UserError("Ingen sitater er godtatt ennå.")
    write_text(workspace.folder.path("sitater.txt"), text)
    return render(request, "_quotes.html", **quotes_context(
        request, message="De godtatte sitatene er lagret i sitater.txt i prosjektmappen (se Eksport)."))


def routes() -> list[Route]:
    return [
        Route("/sammenlign", compare_page),
        Route("/sammenlign/innhold", compare_part),
        Route("/sammenlign/legg-til", add_comparison, methods=["POST"]),
        Route("/emner", topics_page),
        Route("/sitater", quotes_page),
        Route("/sitater/vurder", decide_quote, methods=["POST"]),
        Route("/sitater/legg-til", add_quote_item, methods=["POST"]),
        Route("/sitater/eksporter", export_quotes, methods=["POST"]),
    ]
