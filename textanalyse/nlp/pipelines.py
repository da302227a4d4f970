"""Which annotation pipeline to use: fast (embedded), accurate (shipped), or an installed spaCy one."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from textanalyse.errors import UserError
from textanalyse.nlp.fast import fast_pipeline_id

SPACY_PACKAGES = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
# Above this many words "auto" switches from a trained pipeline to the fast one, so that
# large corpora stay quick (a trained pipeline annotates roughly 10-20k words/s per core).
AUTO_TRAINED_WORD_LIMIT = 300_000


@dataclass(frozen=True)
class PipelineChoice:
    """The resolved pipeline: ``kind`` is ``fast`` or ``spacy``; ``paths`` maps language → model."""

    name: str
    kind: str
    identity: str
    paths: tuple[tuple[str, str], ...] = ()

    def model_for(self, lang: str) -> str:
        models = dict(self.paths)
        return models.get(lang) or models["nb"]


def shipped_model_dir(lang: str) -> Path | None:
    """Folder of the shipped trained pipeline for ``lang`` (``nb``/``nn``), if present."""
    folder = Path(str(resources.files("textanalyse.nlp") / "models" / lang))
    return folder if (folder / "meta.json").exists() else None


def installed_spacy_package() -> str | None:
    """The largest installed ``nb_core_news_*`` package, if any."""
    for name in SPACY_PACKAGES:
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _model_identity(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=8)
def _identity_of(folder: str) -> str:
    return _model_identity(Path(folder))


def resolve_pipeline(name: str = "auto", *, n_words: int = 0) -> PipelineChoice:
    """Resolve ``auto``, ``fast``, ``accurate``, an installed spaCy package name or a model folder.

    ``auto`` uses an installed ``nb_core_news_*`` package, else the shipped accurate pipeline,
    for corpora up to ``AUTO_TRAINED_WORD_LIMIT`` words, and the fast pipeline beyond.

    Example:
        >>> resolve_pipeline("fast").kind
        'fast'
    """
    if name == "auto":
        if n_words <= AUTO_TRAINED_WORD_LIMIT:
            package = installed_spacy_package()
            if package:
                return resolve_pipeline(package)
            if shipped_model_dir("nb"):
                return resolve_pipeline("accurate")
        return resolve_pipeline("fast")
    if name == "fast":
        return PipelineChoice("fast", "fast", fast_pipeline_id())
    spacy_version = version("spacy")
    if name == "accurate":
        nb = shipped_model_dir("nb")
        if nb is None:
            raise UserError("the accurate pipeline is not shipped with this installation; use --pipeline fast")
        nn = shipped_model_dir("nn") or nb
        identity = f"accurate:{_identity_of(str(nb))}:{_identity_of(str(nn))}:spacy-{spacy_version}"
        return PipelineChoice("accurate", "spacy", identity, (("nb", str(nb)), ("nn", str(nn))))
    folder = Path(name)
    if folder.is_dir():
        if not (folder / "meta.json").exists():
            raise UserError(f"{folder}: not a spaCy pipeline folder (no meta.json)")
        identity = f"folder:{_identity_of(str(folder.resolve()))}:spacy-{spacy_version}"
        return PipelineChoice(str(folder), "spacy", identity, (("nb", str(folder.resolve())),))
    if importlib.util.find_spec(name.replace("-", "_")) is not None:
        try:
            package_version = version(name)
        except PackageNotFoundError:
            package_version = "unknown"
        return PipelineChoice(name, "spacy", f"package:{name}-{package_version}:spacy-{spacy_version}", (("nb", name),))
    raise UserError(
        f"pipeline '{name}' is not available; use auto, fast, accurate, an installed spaCy package "
        f"({', '.join(SPACY_PACKAGES)}) or a pipeline folder"
    )


@lru_cache(maxsize=4)
def load_spacy_model(model: str):
    """Load a spaCy pipeline once per process (never from the network)."""
    import spacy

    import textanalyse.nlp.components  # noqa: F401  (registers our custom components)
    try:
        return spacy.load(model)
    except OSError as error:
        raise UserError(f"pipeline '{model}' cannot be loaded ({str(error).splitlines()[0][:100]})") from None
