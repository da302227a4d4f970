"""The open project in memory: config, annotated materials and results, recomputed only when needed.

Annotation is done once per material (and cached on disk by the core); a change of filter
settings, own stop list or merges recomputes the filtered tables only; a codebook change
recomputes the coding only. Every result is computed by the same core functions with the
same settings that ``textanalyse run`` uses, so the pages show what ``run`` writes.
Long work (annotation, export) runs in one background job whose progress the pages poll.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from textanalyse.app.folder import ProjectFolder
from textanalyse.errors import UserError


@dataclass
class Job:
    """One long step: what it does, how far it got, and its one-line error if it failed."""

    title: str
    started: float = field(default_factory=time.monotonic)
    steps: int = 0
    done: bool = False
    error: str = ""
    result: object = None

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)


def user_message(error: BaseException) -> str:
    """One sentence for the page: the core's message for bad input, never a traceback."""
    if isinstance(error, UserError):
        text = str(error).strip()
        return text if text.endswith((".", "!", "?")) else text + "."
    if isinstance(error, MemoryError):
        return "Maskinen har for lite minne til dette materialet; del det i mindre filer."
    return f"Noe gikk galt ({type(error).__name__}); prøv igjen, og meld fra om det gjentar seg."


class Workspace:
    """Holds one project folder's config, materials and cached results (thread-safe)."""

    def __init__(self, folder: ProjectFolder, *, cache_dir: str | None):
        self.folder = folder
        self.cache_dir = cache_dir
        self.lock = threading.RLock()            # computations (one at a time: two cores, large tables)
        self.config_lock = threading.Lock()
        self.job: Job | None = None
        self._config_key = None
        self._config = None
        self._materials: dict = {}
        self._results: dict = {}

    # ------------------------------------------------------------ config
    def config(self) -> dict:
        from textanalyse.config import load_config

        path = self.folder.config_path
        if not path.exists():
            raise UserError("Prosjektet har ingen analyse.toml ennå; lag et nytt prosjekt først.")
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self.config_lock:
            if key != self._config_key:
                self._config = load_config(path)
                self._config_key = key
            return self._config

    def material_config(self, name: str | None = None) -> dict:
        materials = self.config()["material"]
        if name is None:
            return materials[0]
        for material in materials:
            if material["name"] == name:
                return material
        raise UserError(f"Materialet «{name}» finnes ikke i prosjektet.")

    def stamp(self, *parts) -> str:
        """A key that changes when the config or one of the named side files changes."""
        digest = hashlib.sha256(json.dumps(self.config(), sort_keys=True, default=str).encode())
        for part in parts:
            path = Path(part)
            if path.is_file():
                digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    # ------------------------------------------------------------ materials
    def inputs(self, name: str | None = None):
        from textanalyse.run import material_inputs

        return material_inputs(self.material_config(name), self.config(), cache_dir=self.cache_dir)

    def is_loaded(self, name: str | None = None) -> bool:
        return self.inputs(name) in self._materials

    def material(self, name: str | None = None, *, on_progress=None):
        """The read and annotated material (annotated once; later calls are instant)."""
        from textanalyse.api import load_material

        inputs = self.inputs(name)
        found = self._materials.get(inputs)
        if found is not None:          # no waiting behind a long job for what is already there
            return found
        with self.lock:
            if inputs not in self._materials:
                self._materials[inputs] = load_material(inputs, on_progress=on_progress)
            return self._materials[inputs]

    def cached(self, key: tuple, compute):
        """``compute()`` once per key (keys hold a stamp, so stale results are never returned)."""
        if key in self._results:
            try:
                return self._results[key]
            except KeyError:           # cleared by another thread just now: compute below
                pass
        with self.lock:
            if key not in self._results:
                if len(self._results) > 200:
                    self._results.clear()
                self._results[key] = compute()
            return self._results[key]

    def has(self, key: tuple) -> bool:
        return key in self._results

    def filter_stamp(self) -> str:
        settings = self.config()["filters"]
        return self.stamp(*settings["stoplists"], settings["variants"] or "")

    def filtered(self, name: str | None = None):
        from textanalyse.api import filter_material
        from textanalyse.run import material_filters

        name = name or self.material_config()["name"]
        return self.cached(("filtered", name, self.filter_stamp()),
                           lambda: filter_material(self.material(name), material_filters(self.config())))

    def frequencies(self, name: str | None = None, *, group_by: str | None = None):
        from textanalyse.frequency import frequency_table

        name = name or self.material_config()["name"]
        top = self.config()["frequency"]["top"]
        return self.cached(("freq", name, group_by, self.filter_stamp()), lambda: frequency_table(
            self.filtered(name).kept, self.material(name).corpus, group_by=group_by, top=top))

    def codebook_path(self):
        setting = self.config()["themes"]["codebook"]
        if not setting:
            return None
        from textanalyse.themes import default_codebook_path

        return default_codebook_path() if setting == "default" else Path(setting)

    def coding_key(self, name: str | None = None) -> tuple:
        name = name or self.material_config()["name"]
        return ("coding", name, self.stamp(self.codebook_path() or ""))

    def coding(self, name: str | None = None):
        from textanalyse.themes import code_segments, load_codebook

        name = name or self.material_config()["name"]
        path = self.codebook_path()
        if path is None:
            raise UserError("Prosjektet bruker ingen kodebok; legg til en under Temaer.")
        book_path = None if self.config()["themes"]["codebook"] == "default" else path

        def compute():
            material = self.material(name)
            book = load_codebook(book_path)
            return book, code_segments(material.corpus, material.tokens, book)
        return self.cached(self.coding_key(name), compute)

    # ------------------------------------------------------------ background work
    def start(self, title: str, work) -> Job:
        """Run ``work(job)`` in a background thread unless a job is already running."""
        with self.config_lock:
            if self.job is not None and not self.job.done:
                return self.job
            job = Job(title)
            self.job = job

        def runner():
            try:
                job.result = work(job)
            except BaseException as error:  # noqa: BLE001 - shown as one sentence on the page
                job.error = user_message(error)
            finally:
                job.done = True
        threading.Thread(target=runner, name="textanalyse-app-job", daemon=True).start()
        return job

    def load_all(self, job: Job) -> None:
        for material in self.config()["material"]:
            self.material(material["name"], on_progress=lambda steps: setattr(job, "steps", job.steps + steps))
