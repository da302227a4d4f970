"""The open project in memory: one :class:`~textanalyse.project.Project` per material, kept in step with the folder.

The app computes nothing itself: every table comes from the same ``Project`` that
``textanalyse run`` and the CLI use, built from the project's ``analyse.toml``. Annotation is
done once per material; before each use the project is brought in step with the folder:
a changed filter setting or word list recomputes the filtered results only (a word added to
the own stop list narrows the filtered table instead of filtering again), a changed codebook
the theme results only, a changed decision file only what depends on it. Long work
(annotation, topics, export) runs in one background job whose progress the pages poll.
"""

from __future__ import annotations

import dataclasses
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
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the step to end; ``True`` when it has (a short step needs no progress page)."""
        return self.finished.wait(seconds)


def user_message(error: BaseException) -> str:
    """One sentence for the page: the core's message for bad input, never a traceback."""
    if isinstance(error, UserError):
        from textanalyse.app.messages import norwegian

        return norwegian(str(error))
    if isinstance(error, MemoryError):
        return "Maskinen har for lite minne til dette materialet; del det i mindre filer."
    return f"Noe gikk galt ({type(error).__name__}); prøv igjen, og meld fra om det gjentar seg."


def file_stamp(path) -> tuple:
    """What changes when a file is rewritten (atomic writes replace the file): size and time."""
    if not path:
        return ()
    try:
        stat = Path(path).stat()
    except (OSError, TypeError, ValueError):
        return ()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _content_key(filters: tuple):
    """Filter options and the content of their word lists (``None`` when a list cannot be read)."""
    if not filters:
        return None
    digest = hashlib.sha256()
    for stamp in filters[1]:
        if stamp:
            try:
                digest.update(Path(stamp[0]).read_bytes())
            except OSError:
                return None
        digest.update(b"\0")
    return (filters[0], digest.hexdigest())


def settle_memory() -> None:
    """After a long step, while its progress page still shows: collect garbage, then freeze the rest.

    The loaded models, libraries and tables are a few hundred thousand objects that live as
    long as the app; Python's full collections walk them all again and again (0.2–0.7 s, a
    pause that stops every request, seen in the middle of page loads). Frozen, they are left
    out of later collections; what becomes unreachable later is still freed by its reference
    count (only reference cycles among frozen objects would stay).
    """
    import gc

    gc.collect()
    gc.freeze()


@dataclass
class _Entry:
    """One material's project and the state of the files it was last brought in step with."""

    inputs: tuple
    project: object
    config: str = ""
    filters: tuple = ()
    codebook: tuple = ()
    decisions: tuple = ((), ())
    states: dict = field(default_factory=dict)   # earlier filter states' results, by their word lists' content
    content: tuple | None = None                 # the current filter state's key in ``states``


class Workspace:
    """Holds one project folder's config and a :class:`Project` per material (thread-safe)."""

    def __init__(self, folder: ProjectFolder, *, cache_dir: str | None):
        self.folder = folder
        self.cache_dir = cache_dir
        self.lock = threading.RLock()            # computations (one at a time: two cores, large tables)
        self.config_lock = threading.Lock()
        self.job: Job | None = None
        self._config_key = None
        self._config = None
        self._entries: dict[str, _Entry] = {}
        self._results: dict = {}
        self._warnings: dict[str, list[str]] = {}   # material name -> reading warnings, in Norwegian

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

    # ------------------------------------------------------------ the core object, in step with the folder
    def project(self, name: str | None = None):
        """The material's :class:`~textanalyse.project.Project`, in step with analyse.toml and its side files."""
        from textanalyse.project import Project

        config = self.config()
        material = self.material_config(name)
        with self.lock:
            fresh = Project.from_settings(config, material, cache_dir=self.cache_dir)
            inputs = (fresh.inputs, json.dumps([material["bins"], material["closed_items"], material["wave_column"]],
                                               sort_keys=True))
            entry = self._entries.get(material["name"])
            if entry is None or entry.inputs != inputs:
                entry = self._entries[material["name"]] = _Entry(inputs, fresh)
            self._bring_in_step(entry, fresh, config)
            return entry.project

    def _bring_in_step(self, entry: _Entry, fresh, config: dict) -> None:
        from textanalyse.project import filter_options

        project = entry.project
        text = json.dumps([config, fresh.group_by, fresh.question_labels, fresh.comparison_specs], sort_keys=True,
                          default=str)
        if text != entry.config:
            if project is not fresh:    # new settings, same material: keep its reading, annotation and results
                fresh._corpus, fresh._tokens, fresh.closed_order = project._corpus, project._tokens, project.closed_order
                fresh._stable = {key: value for key, value in project._stable.items() if key != ("groups",)}
                fresh._filtered = {key: value for key, value in project._filtered.items() if key != ("analysis",)}
                fresh.filters = project.filters
                entry.project = project = fresh
            entry.config = text
        settings = config["filters"]
        filters = (filter_options(config), tuple(file_stamp(p) for p in [*settings["stoplists"], settings["variants"]]))
        if filters != entry.filters:
            self._refilter(entry, entry.filters, filters)
            entry.filters = filters
        codebook = (config["themes"]["codebook"], file_stamp(self.codebook_path()) if config["themes"]["codebook"]
                    else ())
        if codebook != entry.codebook:
            if entry.codebook:
                project.use_codebook(config["themes"]["codebook"])
            entry.codebook = codebook
        decisions = (file_stamp(config["themes"]["decisions"]), file_stamp(config["quotes"]["decisions"]))
        if decisions != entry.decisions:
            project.reload_decisions(coding=decisions[0] != entry.decisions[0],
                                     quotes=decisions[1] != entry.decisions[1])
            entry.decisions = decisions

    def _refilter(self, entry: _Entry, before: tuple, after: tuple) -> None:
        """New filter settings or word lists: back to a state seen before, a narrower table, or filter again.

        The last few states' results are kept by the content of their word lists, so «Ta med
        igjen» after «Utelat ord» is instant; a word added to the own (last) stop list narrows
        the filtered table (same result as filtering again).
        """
        project = entry.project
        old_key, new_key = entry.content, _content_key(after)
        entry.content = new_key
        if old_key is not None and project._filtered:
            entry.states[old_key] = project._filtered
            while len(entry.states) > 4:
                entry.states.pop(next(iter(entry.states)))
        if new_key in entry.states:
            project.filters = after[0]
            project._filtered = {key: value for key, value in entry.states.pop(new_key).items() if key != ("analysis",)}
            return
        options = after[0]
        changed = [new[0] for old, new in zip(before[1], after[1]) if old != new and new] if before else []
        if (before and before[0] == options and len(before[1]) == len(after[1]) and len(changed) == 1
                and options.stoplists and changed[0] == str(options.stoplists[-1])):
            project.extend_stoplist(changed[0])
            return
        project.set_filters(**dataclasses.asdict(options))

    def is_loaded(self, name: str | None = None) -> bool:
        return self.project(name)._tokens is not None

    def material(self, name: str | None = None, *, on_progress=None):
        """The material's project, read and annotated (annotated once; later calls are instant).

        Warnings from reading it (``InputWarning``: mixed encodings, unknown speaker labels …)
        are kept for the pages, in Norwegian.
        """
        import warnings

        from textanalyse.app.messages import norwegian_warning
        from textanalyse.errors import InputWarning

        project = self.project(name)
        if project._tokens is None:
            with self.lock:
                if project._tokens is not None:     # annotated by another request while this one waited
                    return project
                project.on_progress = on_progress
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", InputWarning)
                        project.tokens
                finally:
                    project.on_progress = None
                found = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
                self._warnings[project.name] = list(dict.fromkeys(norwegian_warning(text) for text in found))
        return project

    def warnings(self, name: str | None = None) -> list[str]:
        """What reading the material warned about, one Norwegian sentence each."""
        return self._warnings.get(self.material_config(name)["name"], [])

    def cached(self, key: tuple, compute, *, locked: bool = True):
        """``compute()`` once per key (keys hold a stamp, so stale results are never returned).

        ``locked=False`` for long work that only reads the project (quotes): other pages are
        not kept waiting behind it.
        """
        if key in self._results:
            try:
                return self._results[key]
            except KeyError:           # cleared by another thread just now: compute below
                pass
        if not locked:
            value = compute()
            self._results[key] = value
            return value
        with self.lock:
            if key not in self._results:
                if len(self._results) > 200:
                    self._results.clear()
                self._results[key] = compute()
            return self._results[key]

    def has(self, key: tuple) -> bool:
        return key in self._results

    def has_any(self, prefix: tuple) -> bool:
        """Whether some result whose key starts with ``prefix`` is remembered (e.g. quotes of a material)."""
        return any(key[:len(prefix)] == prefix for key in list(self._results))

    def stamp(self, *parts) -> str:
        """A key that changes when the config or one of the named side files changes."""
        digest = hashlib.sha256(json.dumps(self.config(), sort_keys=True, default=str).encode())
        for part in parts:
            digest.update(repr(file_stamp(part) if part else ()).encode())
        return digest.hexdigest()[:16]

    def filter_stamp(self) -> str:
        settings = self.config()["filters"]
        return self.stamp(*settings["stoplists"], settings["variants"] or "")

    def codebook_path(self):
        setting = self.config()["themes"]["codebook"]
        if not setting:
            return None
        from textanalyse.themes import default_codebook_path

        return default_codebook_path() if setting == "default" else Path(setting)

    def has_coding(self, name: str | None = None) -> bool:
        project = self.project(name)
        return ("coding",) in project._stable

    def coding(self, name: str | None = None):
        """``(codebook, the codebook's own coding)``: what the Temaer page lists for marking right or wrong."""
        project = self.material(name)
        if project.codebook is None:
            raise UserError("Prosjektet bruker ingen kodebok; legg til en under Temaer.")
        with self.lock:
            return project.codebook, project.coding(decisions=False)

    def filtered(self, name: str | None = None):
        """The core's :class:`~textanalyse.filters.FilterResult` for the project's filters."""
        return self.compute(name, lambda project: project.filtered)

    def frequencies(self, name: str | None = None, *, group_by: str | None = None):
        """The core's frequency table (``frequency.top`` words) per question and, when asked, per group."""
        return self.compute(name, lambda project: project.frequencies(group_by=group_by))

    def compute(self, name: str | None, work, *, locked: bool = True):
        """``work(project)`` under the lock (one computation at a time; the core object is not thread-safe).

        ``locked=False``: on a shallow copy of the project that shares its reading, annotation and
        remembered results, for long work that must not hold other pages up.
        """
        project = self.material(name)
        if not locked:
            import copy

            with self.lock:
                project.coding() if project.codebook is not None else None
                twin = copy.copy(project)
            return work(twin)
        with self.lock:
            return work(project)

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
                settle_memory()
                job.done = True
                job.finished.set()
        threading.Thread(target=runner, name="textanalyse-app-job", daemon=True).start()
        return job

    def load_all(self, job: Job) -> None:
        for material in self.config()["material"]:
            self.material(material["name"], on_progress=lambda steps: setattr(job, "steps", job.steps + steps))
