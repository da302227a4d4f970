"""Locate data shipped beside the code: the stop lists in ``stopwords/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def stopwords_dir() -> Path:
    """The folder with the default stop lists.

    Installed packages carry it as ``textanalyse/stopwords`` (see ``pyproject.toml``); a
    source checkout has it at the repository's top level.
    """
    packaged = Path(str(resources.files("textanalyse"))) / "stopwords"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "stopwords"
