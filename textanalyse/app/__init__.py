"""The local, offline browser app: ``textanalyse app [PROJECT_FOLDER]``.

A thin layer like ``cli.py``: each route parses a request, calls the analysis core through the
:class:`~textanalyse.app.workspace.Workspace`, and renders a Jinja2 template. htmx (vendored in
``static/``) swaps the parts of a page that change. Nothing is fetched from elsewhere.

Example:
    >>> from textanalyse.app import create_app
    >>> app = create_app("/tmp/prosjekt", token="hemmelig", port=8765)   # doctest: +SKIP
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from textanalyse.app.folder import ProjectFolder
from textanalyse.app.security import LOOPBACK_NAMES, AccessGuard, Guard
from textanalyse.app.charts import FIGURE_FOLDER, Drawer, figure
from textanalyse.app.web import StaticAssets, error_page, offload, package_folder, render, templates
from textanalyse.app.workspace import Workspace, user_message
from textanalyse.errors import UserError


async def home(request: Request) -> Response:
    target = "/ord" if request.app.state.workspace.folder.exists() else "/ny"
    return RedirectResponse(target, status_code=303)


async def job_status(request: Request) -> Response:
    """Polled by the progress page: the job's state, or a reload of the page when it is done."""
    job = request.app.state.workspace.job
    next_url = request.query_params.get("neste", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    if job is None or (job.done and not job.error):
        return Response(status_code=204, headers={"HX-Redirect": next_url})
    return render(request, "_job.html", job=job, next_url=next_url)


async def help_page(request: Request) -> Response:
    text = package_folder("data").joinpath("hjelp.html").read_text(encoding="utf-8")
    return render(request, "help.html", body=text)


async def on_error(request: Request, error: Exception) -> Response:
    """Every failure reaches the user as one sentence; nothing (and no answer text) is logged."""
    return error_page(request, user_message(error), status=400 if isinstance(error, UserError) else 500)


@contextlib.asynccontextmanager
async def _lifespan(app):
    """When the app stops (a test client's end; ``serve`` calls it without lifespan): no drawing process left."""
    yield
    app.state.charts.close()


def create_app(project_folder, *, token: str, port: int, hosts=LOOPBACK_NAMES, cache_dir: str | None = None,
               upload_limit: int = 200 * 1024 * 1024, chart_process: bool = True):
    """The ASGI app for one project folder, guarded by ``token`` (see :mod:`textanalyse.app.security`)."""
    from textanalyse.app import pages_export, pages_new, pages_themes, pages_views, pages_words

    routes = [
        Route("/", home),
        Route("/jobb", job_status),
        Route("/hjelp", help_page),
        Route("/figur/{name}", figure),
        *pages_new.routes(),
        *pages_words.routes(),
        *pages_themes.routes(),
        *pages_views.routes(),
        *pages_export.routes(),
        Mount("/static", StaticAssets(directory=str(package_folder("static"))), name="static"),
    ]
    routes = [Route(r.path, offload(r.endpoint), methods=r.methods) if isinstance(r, Route) and r.path != "/ny/last-opp"
              else r for r in routes]
    app = Starlette(routes=routes, exception_handlers={Exception: on_error, UserError: on_error}, lifespan=_lifespan)
    guard = Guard(token=token, port=port, hosts=tuple(hosts))
    app.state.guard = guard
    app.state.workspace = Workspace(ProjectFolder(project_folder), cache_dir=cache_dir)
    app.state.charts = Drawer(app.state.workspace.folder.root / FIGURE_FOLDER, process=chart_process)
    app.state.templates = templates()
    app.state.upload_limit = upload_limit
    return AccessGuard(app, guard)
