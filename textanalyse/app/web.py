"""Shared page plumbing: templates, form parsing, one-sentence errors, the progress page."""

from __future__ import annotations

import functools
import hashlib
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from textanalyse.errors import UserError

PAGES = [("/ord", "Ord"), ("/temaer", "Temaer"), ("/sammenlign", "Sammenlign"), ("/emner", "Emner"),
         ("/sitater", "Sitater"), ("/eksport", "Eksport"), ("/hjelp", "Hjelp")]


def package_folder(name: str) -> Path:
    return Path(str(resources.files("textanalyse.app"))) / name


@functools.cache
def static_version() -> str:
    """A hash of the app's CSS and JavaScript, put in their URLs so a browser may keep them for good."""
    digest = hashlib.sha256()
    for path in sorted(package_folder("static").iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


class StaticAssets(StaticFiles):
    """The vendored htmx and the app's own CSS and JavaScript (no answer text in them).

    Asked for with the current :func:`static_version` (``/static/app.css?v=…``, as every page
    links them), a file may be cached by the browser for good: a page load then asks only for
    the page and its charts. Any other request is answered as usual (``no-store``).
    """

    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200 and parse_qs(scope.get("query_string", b"").decode("latin-1")).get(
                "v") == [static_version()]:
            response.headers["cache-control"] = "private, max-age=31536000, immutable"
        return response


def templates():
    from starlette.templating import Jinja2Templates

    engine = Jinja2Templates(directory=str(package_folder("templates")))
    engine.env.filters["num"] = norwegian_number
    engine.env.filters["pct"] = lambda value: norwegian_number(100 * float(value), 1) if value == value else "–"
    engine.env.filters["q"] = lambda value: quote(str(value), safe="")
    return engine


def norwegian_number(value, decimals: int = 2) -> str:
    """A number as Norwegians write it: decimal comma, thin space between thousands.

    Example:
        >>> norwegian_number(1234.5, 1)
        '1\\u202f234,5'
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number != number:
        return "–"
    if number.is_integer() and decimals == 0 or isinstance(value, int):
        text = f"{int(round(number)):,}"
    else:
        text = f"{number:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


async def read_form(request: Request) -> dict[str, list[str]]:
    """The posted form (the guard has checked its CSRF token and size already)."""
    body = await request.body()
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def one(form: dict, key: str, default: str = "") -> str:
    values = form.get(key)
    return values[0].strip() if values else default


def is_partial(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page_and_part(page_template: str, part_template: str, context, *, ready):
    """The two handlers of a page whose content htmx swaps: the whole page and its part.

    ``context(request)`` gives the templates' values; ``ready(request)`` returns a progress page
    while the material is still being prepared (else ``None``). The part is only asked for from
    a page already shown, so it does not wait.
    """
    async def page(request: Request) -> Response:
        waiting = ready(request)
        if waiting is not None:
            return waiting
        return render(request, page_template, **context(request))

    async def part(request: Request) -> Response:
        return render(request, part_template, **context(request))

    return page, part


def render(request: Request, template: str, *, status: int = 200, **context) -> HTMLResponse:
    app = request.app.state
    context.update(request=request, csrf=app.guard.csrf, pages=PAGES, path=request.url.path, static=static_version(),
                   project=app.workspace.folder.root.name, has_project=app.workspace.folder.exists())
    return app.templates.TemplateResponse(request, template, context, status_code=status)


def error_page(request: Request, message: str, *, status: int = 400) -> Response:
    if is_partial(request):
        return render(request, "_error.html", message=message, status=200)
    return render(request, "error.html", message=message, status=status)


def progress_page(request: Request, job, *, next_url: str) -> Response:
    """The page shown while a background job runs; it polls and reloads ``next_url`` when done."""
    return render(request, "progress.html", job=job, next_url=next_url)


def redirect(request: Request, url: str) -> Response:
    """Go to ``url``: an htmx request gets ``HX-Redirect``, a plain form a 303."""
    if is_partial(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return Response(status_code=303, headers={"location": url})


def user_error(message: str) -> UserError:
    return UserError(message)


def offload(handler):
    """Run a page handler in a worker thread, so analysis never blocks the server's event loop.

    The request body is read first (on the event loop); the handler then runs on its own loop
    in Starlette's thread pool, where ``await request.body()`` returns the body already read.
    """
    import asyncio
    import functools

    from starlette.concurrency import run_in_threadpool

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        await request.body()
        return await run_in_threadpool(lambda: asyncio.run(handler(request)))
    return wrapped
