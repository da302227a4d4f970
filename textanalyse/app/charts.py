"""The app's charts: the report's own figures, drawn once per content, in a drawing process.

A page names each chart by its content (:func:`figure_url`); drawing starts at once, so it
overlaps the page's own answer instead of waiting for the browser's image request, and the
image request waits only for what is left of it. A chart the researcher is likely to ask for
next (another question's theme chart) can be queued *ahead*: it is drawn after every chart a
page shows. Files are named by a hash of the content, in the project's private
``.textanalyse/figurer``, so the same table is never drawn twice.

matplotlib is pure Python for the most part (a chart is 0.2–0.4 s of CPU) and would hold the
server's interpreter lock while it draws, so every page asked for meanwhile would wait for it.
The drawing therefore runs in one child process (started once, on the machine's other core);
``draw`` must then be picklable (``functools.partial`` of a ``textanalyse.report.figures``
function). ``Drawer(..., process=False)`` draws in the server's own thread instead.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import pickle
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from textanalyse.errors import UserError

FIGURE_FOLDER = ".textanalyse/figurer"
WANTED, SHOWN, AHEAD = -1, 0, 1   # drawing order: a chart the browser waits for, a page's charts, guesses
WAIT_SECONDS = 300           # an image request gives up after this (a chart on 1M words takes < 1 s)
KEEP_FINISHED = 200          # finished drawings remembered (their files stay on disk)
GONE = "Figuren finnes ikke lenger; last siden på nytt."
DRAWING_NICENESS = 10        # the drawing process's nice value (0 = the server's priority, 19 = the lowest)


@dataclass
class _Drawing:
    draw: object                                   # draw(path): one of textanalyse.report.figures' functions
    priority: int
    started: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    error: str = ""


class Drawer:
    """Draws charts into ``folder`` one at a time (matplotlib is not thread-safe), most wanted first.

    Example:
        >>> import tempfile
        >>> drawer = Drawer(Path(tempfile.mkdtemp()) / "figurer")   # in this process
        >>> drawer.request("a.png", lambda path: path.write_bytes(b"png"), priority=SHOWN)
        >>> drawer.wait("a.png", timeout=10).read_bytes()
        b'png'
    """

    def __init__(self, folder: Path, *, process: bool = False):
        self.folder = Path(folder)
        self.process = process
        self._pool = None
        self._condition = threading.Condition()
        self._drawings: dict[str, _Drawing] = {}
        self._queue: list[tuple[int, int, str]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def path(self, name: str) -> Path:
        return self.folder / name

    def request(self, name: str, draw, *, priority: int) -> None:
        """Queue ``draw`` for ``name`` unless it is drawn, queued more urgently or being drawn."""
        with self._condition:
            drawing = self._drawings.get(name)
            if drawing is not None and not drawing.error and (drawing.started or drawing.priority <= priority):
                return
            if drawing is None or drawing.error:
                drawing = self._drawings[name] = _Drawing(draw, priority)
                self._forget_finished()
            drawing.priority = priority
            heapq.heappush(self._queue, (priority, next(self._order), name))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="textanalyse-app-charts", daemon=True)
                self._thread.start()
            self._condition.notify()

    def wait(self, name: str, *, timeout: float = WAIT_SECONDS) -> Path | None:
        """The chart's file once drawn (moved to the front of the queue); ``None`` when it was never asked for."""
        path = self.path(name)
        with self._condition:
            drawing = self._drawings.get(name)
            if drawing is None:
                return path if path.is_file() else None
            if not drawing.started and drawing.priority > WANTED:
                drawing.priority = WANTED
                heapq.heappush(self._queue, (WANTED, next(self._order), name))
                self._condition.notify()
        if not drawing.done.wait(timeout):
            raise UserError("Figuren tar for lang tid å tegne; last siden på nytt om litt.")
        if drawing.error:
            raise UserError(drawing.error)
        return path

    def _forget_finished(self) -> None:
        if len(self._drawings) > KEEP_FINISHED:
            for name in [n for n, d in self._drawings.items() if d.done.is_set()]:
                del self._drawings[name]

    def _next(self) -> tuple[str, _Drawing]:
        with self._condition:
            while True:
                while not self._queue:
                    self._condition.wait()
                priority, _, name = heapq.heappop(self._queue)
                drawing = self._drawings.get(name)
                # a stale entry: already drawn, or queued again more urgently
                if drawing is not None and not drawing.started and drawing.priority == priority:
                    drawing.started = True
                    return name, drawing

    def prepare(self) -> None:
        """Start the drawing process now (it takes a second or two), so the first chart does not wait for it."""
        with self._condition:
            if not self.process or self._pool is not None:
                return
        threading.Thread(target=self._processes, name="textanalyse-app-charts-start", daemon=True).start()

    def close(self) -> None:
        """Stop the drawing process (the app is stopping); later charts are drawn in this process."""
        with self._condition:
            pool, self._pool, self.process = self._pool, None, False
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _processes(self):
        """The drawing process (started once); ``None`` where no process can be started (then: draw here)."""
        with self._condition:
            if self._pool is None and self.process:
                import multiprocessing
                from concurrent.futures import ProcessPoolExecutor

                try:   # spawned, not forked: a copy of the server's memory (the whole material) is not needed
                    self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                     initializer=_drawing_process)
                    self._pool.submit(_drawing_process)   # loads matplotlib there now
                except (OSError, ValueError, NotImplementedError):
                    self.process, self._pool = False, None
            return self._pool

    def _run(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        from textanalyse.app.workspace import user_message

        while True:
            name, drawing = self._next()
            path = self.path(name)
            try:
                if not path.is_file():
                    self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                    self.folder.parent.chmod(0o700)
                    pool = self._processes()
                    if pool is None:
                        draw_file(drawing.draw, str(path))
                    else:
                        try:
                            pool.submit(draw_file, drawing.draw, str(path)).result()
                        except BrokenProcessPool:       # the process was killed: a new one next time
                            with self._condition:
                                self._pool = None
                            draw_file(drawing.draw, str(path))
                        except (pickle.PicklingError, AttributeError, TypeError):
                            draw_file(drawing.draw, str(path))   # cannot be sent (a lambda): draw it here
            except Exception as error:  # noqa: BLE001 - the image request says it in one sentence
                drawing.error = user_message(error)
            finally:
                drawing.done.set()


def draw_file(draw, path: str) -> None:
    """``draw(path)`` at screen resolution (a screen needs no print resolution: 4× fewer pixels)."""
    from textanalyse.report.figures import screen_resolution

    with screen_resolution():
        draw(Path(path))


def _drawing_process() -> None:
    """In the drawing process: leave Ctrl-C to the server (which stops it cleanly), load matplotlib.

    It runs at a lower priority (``nice``): on a busy laptop the pages and the browser come
    first, and a chart is drawn with what they leave.
    """
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(DRAWING_NICENESS - os.nice(0))
    except OSError:   # not allowed here: draw at the server's priority
        pass
    import textanalyse.report.figures  # noqa: F401


def figure_url(request: Request, key: str, draw, *, ahead: bool = False) -> str:
    """The URL of a report figure for ``<img>``, drawn once per ``key`` (its content).

    ``draw(path)`` is one of the report's own figure functions (``textanalyse.report.figures``).
    Drawing starts now in the background (after the charts shown, when ``ahead``: a guess at
    what the researcher opens next), so the page does not wait for it.
    """
    drawer: Drawer = request.app.state.charts
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + ".png"
    if not drawer.path(name).is_file():
        drawer.request(name, draw, priority=AHEAD if ahead else SHOWN)
    return f"/figur/{name}"


def table_key(table) -> str:
    """A short fingerprint of a table's content (for :func:`figure_url` keys)."""
    return hashlib.sha256(table.to_csv(index=False).encode("utf-8")).hexdigest()[:16]


async def figure(request: Request) -> Response:
    """One chart's PNG (waiting for its drawing when it is not done yet)."""
    from starlette.responses import FileResponse

    name = request.path_params["name"]
    if not re.fullmatch(r"[0-9a-f]{24}\.png", name):
        raise UserError(GONE)
    path = request.app.state.charts.wait(name)
    if path is None or not path.is_file():
        raise UserError(GONE)
    return FileResponse(path, media_type="image/png")
