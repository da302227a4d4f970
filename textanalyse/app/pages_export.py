"""Eksport: the whole analysis written into the project folder by the same code as ``textanalyse run``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from textanalyse.app.folder import RESULTS_FOLDER
from textanalyse.app.security import safe_path
from textanalyse.app.web import error_page, one, progress_page, read_form, redirect, render
from textanalyse.errors import UserError

DOWNLOADABLE = (".html", ".xlsx", ".csv", ".json", ".png", ".svg", ".txt", ".docx", ".qdpx", ".toml", ".yaml")
LABELS = {"rapport.html": "Rapport (HTML)", "tabeller.xlsx": "Arbeidsbok (Excel)", "manifest.json": "Manifest (versjoner og sjekksummer)",
          "rapport.docx": "Rapport (Word)", "prosjekt.qdpx": "REFI-QDA-prosjekt (NVivo, MAXQDA, ATLAS.ti)",
          "sitater.txt": "Godtatte sitater (tekst)"}


# Outputs other parts of textanalyse add to `run` as `[output]` switches; offered once main has them.
OPTIONAL_OUTPUTS = {"docx": "Word-rapport (rapport.docx)",
                    "qdpx": "REFI-QDA-prosjekt for NVivo, MAXQDA og ATLAS.ti (.qdpx)"}


def optional_outputs(config: dict) -> list[dict]:
    from textanalyse.config import DEFAULTS

    return [{"key": key, "label": label, "on": bool(config["output"].get(key))}
            for key, label in OPTIONAL_OUTPUTS.items() if isinstance(DEFAULTS["output"].get(key), bool)]


def export_files(folder) -> list[dict]:
    """What the project folder holds for the researcher to open, main files first."""
    found = []
    results = folder.root / RESULTS_FOLDER
    candidates = [results / name for name in ("rapport.html", "tabeller.xlsx", "rapport.docx", "prosjekt.qdpx",
                                              "manifest.json")]
    candidates += sorted(results.glob("*.docx")) + sorted(results.glob("*.qdpx")) + [folder.root / "sitater.txt"]
    seen = set()
    for path in candidates:
        if path.is_file() and path not in seen:
            seen.add(path)
            found.append({"path": path.relative_to(folder.root).as_posix(), "label": LABELS.get(path.name, path.name),
                          "size": path.stat().st_size})
    tables = sorted((results / "tabeller").glob("*.csv")) if (results / "tabeller").is_dir() else []
    return found + [{"path": p.relative_to(folder.root).as_posix(), "label": p.name, "size": p.stat().st_size,
                     "table": True} for p in tables]


async def export_page(request: Request) -> Response:
    workspace = request.app.state.workspace
    if not workspace.folder.exists():
        return error_page(request, "Lag et prosjekt først.")
    job = workspace.job
    running = job is not None and not job.done and job.title.startswith("Eksporterer")
    if running:
        return progress_page(request, job, next_url="/eksport")
    last_error = job.error if job is not None and job.done and job.title.startswith("Eksporterer") else ""
    return render(request, "export.html", files=export_files(workspace.folder), error=last_error,
                  config_path=workspace.folder.config_path, outputs=optional_outputs(workspace.config()))


async def choose_outputs(request: Request) -> Response:
    """Switch Word/REFI-QDA output on or off in analyse.toml, so ``run`` writes the same files."""
    workspace = request.app.state.workspace
    form = await read_form(request)
    raw = workspace.folder.read_raw()
    section = raw.setdefault("output", {})
    for output in optional_outputs(workspace.config()):
        section[output["key"]] = one(form, output["key"]) == "ja"
    workspace.folder.write_raw(raw)
    return redirect(request, "/eksport")


async def start_export(request: Request) -> Response:
    from textanalyse.run import run_analysis

    workspace = request.app.state.workspace
    workspace.config()

    def work(job):
        return run_analysis(workspace.folder.config_path, out_dir=workspace.folder.root / RESULTS_FOLDER,
                            overwrite=True, cache_dir=workspace.cache_dir,
                            on_progress=lambda steps: setattr(job, "steps", job.steps + steps))
    workspace.start("Eksporterer rapport og tabeller", work)
    return redirect(request, "/eksport")


async def download(request: Request) -> Response:
    """A file from the project folder (never from outside it), as a download."""
    folder = request.app.state.workspace.folder
    path = safe_path(folder.root, request.query_params.get("sti", ""))
    if path.suffix.lower() not in DOWNLOADABLE or not path.is_file() or any(
            part.startswith(".") for part in path.relative_to(folder.root).parts):
        raise UserError("Filen finnes ikke i prosjektmappen.")
    return FileResponse(path, filename=path.name, content_disposition_type="attachment")


def routes() -> list[Route]:
    return [
        Route("/eksport", export_page),
        Route("/eksport/start", start_export, methods=["POST"]),
        Route("/eksport/valg", choose_outputs, methods=["POST"]),
        Route("/eksport/fil", download),
    ]
