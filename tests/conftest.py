"""Shared fixtures: tiny inline corpora and the optional real data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from textanalyse.corpus import Corpus

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_refi_dir() -> Path | None:
    """``../shared/refi`` (REFI-QDA schema and standard), or ``$TEXTANALYSE_SHARED/refi`` from a worktree."""
    import os

    for base in (os.environ.get("TEXTANALYSE_SHARED", ""), str(SHARED_DATA.parent)):
        if base and (Path(base) / "refi" / "Project-mrt2019.xsd").is_file():
            return Path(base) / "refi"
    return None


@pytest.fixture
def project_schema():
    """The REFI-QDA project schema compiled by lxml; tests using it skip where ../shared/refi is absent."""
    folder = shared_refi_dir()
    if folder is None:
        pytest.skip("../shared/refi (REFI-QDA schema) is not available")
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(folder / "Project-mrt2019.xsd")))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data``; tests using it skip on a user's fresh clone where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA


def survey_corpus(answers: dict[str, list[str]], **metadata: list[str]) -> Corpus:
    """A survey corpus from ``{question: [answer per respondent]}`` and metadata lists."""
    return Corpus.from_answers(answers, **metadata)


@pytest.fixture
def make_survey():
    return survey_corpus
