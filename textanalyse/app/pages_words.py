"""Ord: word frequencies per question and group, KWIC, leaving words out and merging variants."""

from __future__ import annotations

import pandas as pd
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from textanalyse.app.folder import REASONS
from textanalyse.app.web import error_page, one, page_and_part, progress_page, read_form, render
from textanalyse.errors import UserError

KWIC_LIMIT = 200
SHORT_STEP = 0.5     # seconds a page waits for a background step before it shows the progress page
MAX_WORD = 60


def ensure_loaded(request: Request):
    """``None`` when the material is annotated; otherwise the progress page (annotation started)."""
    workspace = request.app.state.workspace
    if not workspace.folder.exists():
        return error_page(request, "Prosjektet har ingen analyse.toml ennå; lag et nytt prosjekt under «Nytt prosjekt».")
    if all(workspace.is_loaded(m["name"]) for m in workspace.config()["material"]):
        return None
    job = workspace.start("Leser og annoterer materialet", workspace.load_all)
    request.app.state.charts.prepare()    # meanwhile, so the first chart does not wait for it
    if job.done and not job.error:
        return None
    return progress_page(request, job, next_url=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))


def ensure_computed(request: Request, key: tuple, title: str, work):
    """``None`` when ``key`` is computed; otherwise start ``work()`` in the background and show progress.

    A step that ends within :data:`SHORT_STEP` seconds (quotes again after one coding decision:
    only the theme it changed is chosen again) is waited for: no progress page flashes by.
    """
    workspace = request.app.state.workspace
    if workspace.has(key):
        return None
    job = workspace.start(title, lambda job: work())
    if job.wait(SHORT_STEP) and not job.error and workspace.has(key):
        return None
    return progress_page(request, job, next_url=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))


def ensure_coded(request: Request):
    """Annotation, then the codebook coding, each as a long step with progress."""
    waiting = ensure_loaded(request)
    if waiting is not None:
        return waiting
    workspace = request.app.state.workspace
    if workspace.codebook_path() is None:
        return None
    name = request.query_params.get("materiale") or None
    if workspace.has_coding(name):
        return None
    job = workspace.start("Koder svarene med kodeboka", lambda job: workspace.coding(name))
    if job.done and not job.error:
        return None
    return progress_page(request, job, next_url=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))


def _choices(request: Request) -> dict:
    """The material, question and group column chosen in the query (validated)."""
    workspace = request.app.state.workspace
    config = workspace.config()
    names = [m["name"] for m in config["material"]]
    name = request.query_params.get("materiale") or names[0]
    material_config = workspace.material_config(name)
    corpus = workspace.material(name).corpus
    questions = list(corpus.questions)
    question = request.query_params.get("sporsmal") or questions[0]
    if question not in questions:
        raise UserError("Spørsmålet finnes ikke i materialet; velg et fra listen.")
    groups = list(material_config["group_by"])
    group = request.query_params.get("gruppe", "")
    if group and group not in groups:
        raise UserError("Gruppen finnes ikke i prosjektet; velg en fra listen.")
    labels = material_config["question_labels"]
    return {"name": name, "names": names, "questions": questions, "question": question, "groups": groups,
            "group": group, "labels": labels, "config": config}


def words_context(request: Request) -> dict:
    workspace = request.app.state.workspace
    chosen = _choices(request)
    name, question, group = chosen["name"], chosen["question"], chosen["group"]
    table = workspace.frequencies(name, group_by=group or None)
    rows = table[table["question"] == question]
    filtered = workspace.filtered(name)
    return {**chosen, "rows": rows.to_dict("records"), "report": filtered.report.to_dict("records"),
            "stoplist": workspace.folder.stoplist(), "variants": workspace.folder.variants(), "reasons": REASONS,
            "input_warnings": workspace.warnings(name),
            "unit": chosen["config"]["filters"]["unit"], "min_length": chosen["config"]["filters"]["min_length"]}


def _suggest(workspace, name) -> pd.DataFrame:
    # computed when the section is scrolled into view, without holding other pages up
    return workspace.compute(name, lambda project: project.exclusion_suggestions(top=12), locked=False)


words_page, words_part = page_and_part("words.html", "_words.html", words_context, ready=ensure_loaded)


async def suggestions_part(request: Request) -> Response:
    """Exclusion suggestions with their evidence (loaded after the table, so the table comes first)."""
    workspace = request.app.state.workspace
    chosen = _choices(request)
    name = chosen["name"]
    suggestions = workspace.cached(("suggest", name, workspace.filter_stamp()), lambda: _suggest(workspace, name),
                                   locked=False)
    variants = workspace.cached(("variants", name, workspace.filter_stamp()), lambda: _variants(workspace, name),
                                locked=False)
    return render(request, "_suggestions.html", suggestions=suggestions.to_dict("records"),
                  variant_suggestions=variants.head(15).to_dict("records"), **chosen)


def _variants(workspace, name) -> pd.DataFrame:
    from textanalyse.filters import suggest_variants

    return suggest_variants(workspace.filtered(name).kept)


async def kwic_part(request: Request) -> Response:
    from textanalyse.kwic import kwic

    workspace = request.app.state.workspace
    chosen = _choices(request)
    word = _word(request.query_params.get("ord", ""))
    material = workspace.material(chosen["name"])
    variants = [variant for variant, target in workspace.folder.variants() if target == word]

    def compute():
        tokens, total = _kwic_tokens(material, [word, *variants], chosen["question"])
        parts = []
        for pattern in [word, *variants]:
            lines = kwic(tokens, material.corpus, pattern, window=chosen["config"]["frequency"]["kwic_window"])
            parts.append(lines[lines["lemma"].astype(str).eq(pattern) | lines["keyword"].str.lower().eq(pattern)])
        return (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()), total
    lines, total = workspace.cached(("kwic", chosen["name"], chosen["question"], word, workspace.filter_stamp()),
                                    compute)
    words = [row["word"] for row in workspace.frequencies(chosen["name"]).to_dict("records")
             if row["question"] == chosen["question"] and row["word"] != word]
    return render(request, "_kwic.html", word=word, lines=lines.head(KWIC_LIMIT).to_dict("records"), total=total,
                  limit=KWIC_LIMIT, groups=chosen["groups"], reasons=REASONS, merge_targets=words, **_query(chosen))


def _kwic_tokens(material, patterns, question: str):
    """The tokens of the segments that hold the first ``KWIC_LIMIT`` hits in ``question``, and the hit count.

    KWIC lines are cut from whole segments, so only those segments are handed to the core's
    ``kwic``: on a million words a frequent word would otherwise build thousands of lines
    nobody reads.
    """
    import numpy as np

    from textanalyse.corpus import column_codes
    from textanalyse.kwic import matching_tokens

    tokens = material.tokens
    documents = material.corpus.documents
    doc_codes, doc_names = column_codes(tokens["doc_id"])     # integer codes: no strings per token
    in_question = pd.Index(doc_names.astype(str)).isin(documents.loc[documents["question"] == question, "doc_id"])
    hits = np.zeros(len(tokens), dtype=bool)
    for pattern in patterns:
        hits |= matching_tokens(tokens, pattern)
    hits &= in_question[doc_codes]
    total = int(hits.sum())
    first = np.flatnonzero(hits)[:KWIC_LIMIT]
    segments = tokens["segment"].to_numpy().astype(np.int64)
    span = int(segments.max()) + 1 if len(segments) else 1
    wanted = np.unique(doc_codes[first].astype(np.int64) * span + segments[first])
    keep = np.flatnonzero(pd.Index(doc_codes.astype(np.int64) * span + segments).isin(wanted))   # hashed look-up
    return tokens.iloc[keep], total


def _query(chosen: dict) -> dict:
    return {"query": {"materiale": chosen["name"], "sporsmal": chosen["question"], "gruppe": chosen["group"]}}


def _word(value: str) -> str:
    word = " ".join(value.split()).lower()
    if not word or len(word) > MAX_WORD or " " in word or "#" in word or "," in word:
        raise UserError("Skriv ett ord (uten mellomrom, komma eller #).")
    return word


def use_side_file(folder, key: str) -> None:
    """Make sure analyse.toml names the app's own stop list / merge file, so ``run`` applies it too.

    A project made elsewhere may have other lists (kept) or another merge file (its pairs are
    copied into ``varianter.csv`` first, so nothing is lost).
    """
    from textanalyse.app.folder import STOPLIST_FILE, VARIANTS_FILE

    raw = folder.read_raw()
    filters = raw.setdefault("filters", {})
    if key == "stoplists":
        if STOPLIST_FILE in filters.get("stoplists", []):
            return
        if not folder.path(STOPLIST_FILE).exists():
            folder.write_stoplist([])
        filters["stoplists"] = [*filters.get("stoplists", []), STOPLIST_FILE]
    else:
        current = filters.get("variants", "")
        if current == VARIANTS_FILE:
            return
        if current and not folder.path(VARIANTS_FILE).exists():
            from textanalyse.options import read_variants

            folder.write_variants(sorted(read_variants(folder.root / current).items()))
        elif not folder.path(VARIANTS_FILE).exists():
            folder.write_variants([])
        filters["variants"] = VARIANTS_FILE
    folder.write_raw(raw)


async def exclude(request: Request) -> Response:
    form = await read_form(request)
    folder = request.app.state.workspace.folder
    word = _word(one(form, "ord"))
    category = one(form, "kategori", "eget")
    if category not in REASONS:
        raise UserError("Velg en grunn fra listen: generell, flertydig, lite informativ eller eget.")
    reason = one(form, "begrunnelse") or REASONS[category]
    use_side_file(folder, "stoplists")
    entries = [entry for entry in folder.stoplist() if entry["word"] != word]
    entries.append({"word": word, "category": category, "reason": reason[:200]})
    folder.write_stoplist(entries)
    return await words_part(request)


async def include_again(request: Request) -> Response:
    form = await read_form(request)
    folder = request.app.state.workspace.folder
    word = _word(one(form, "ord"))
    folder.write_stoplist([entry for entry in folder.stoplist() if entry["word"] != word])
    return await words_part(request)


async def merge(request: Request) -> Response:
    form = await read_form(request)
    folder = request.app.state.workspace.folder
    variant, target = _word(one(form, "ord")), _word(one(form, "til"))
    if variant == target:
        raise UserError("Velg et annet ord å slå sammen med.")
    use_side_file(folder, "variants")
    pairs = dict(folder.variants())
    target = pairs.get(target, target)          # no chains: a variant of a variant goes to the main word
    if target == variant:
        raise UserError("Ordene er allerede slått sammen motsatt vei; angre den sammenslåingen først.")
    pairs = {v: (target if w == variant else w) for v, w in pairs.items()}
    pairs[variant] = target
    folder.write_variants(sorted(pairs.items()))
    return await words_part(request)


async def unmerge(request: Request) -> Response:
    form = await read_form(request)
    folder = request.app.state.workspace.folder
    variant = _word(one(form, "ord"))
    folder.write_variants([(v, w) for v, w in folder.variants() if v != variant])
    return await words_part(request)


async def settings(request: Request) -> Response:
    """Unit and minimum length are config settings: written to analyse.toml, so ``run`` uses them too."""
    form = await read_form(request)
    folder = request.app.state.workspace.folder
    unit = one(form, "enhet", "lemma")
    if unit not in ("lemma", "exact"):
        raise UserError("Velg enhet: grunnform (lemma) eller ordform slik den er skrevet.")
    length = one(form, "minstelengde", "4")
    if not length.isdigit() or not 1 <= int(length) <= 20:
        raise UserError("Minste ordlengde må være et helt tall fra 1 til 20.")
    raw = folder.read_raw()
    raw.setdefault("filters", {}).update({"unit": unit, "min_length": int(length)})
    folder.write_raw(raw)
    return await words_part(request)


def routes() -> list[Route]:
    return [
        Route("/ord", words_page),
        Route("/ord/tabell", words_part),
        Route("/ord/kwic", kwic_part),
        Route("/ord/forslag", suggestions_part),
        Route("/ord/utelat", exclude, methods=["POST"]),
        Route("/ord/ta-med", include_again, methods=["POST"]),
        Route("/ord/slaa-sammen", merge, methods=["POST"]),
        Route("/ord/skill-ad", unmerge, methods=["POST"]),
        Route("/ord/innstillinger", settings, methods=["POST"]),
    ]
