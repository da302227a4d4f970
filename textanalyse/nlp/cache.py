"""On-disk cache of token tables, keyed by the texts and the exact pipeline that made them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from textanalyse.atomic import atomic_path

# Bump when the token table's layout or the annotation code changes its output.
TOKEN_TABLE_FORMAT = "tokens-v1"


def cache_key(pipeline_identity: str, texts, langs) -> str:
    """SHA-256 over the format, the pipeline identity, and every text with its language."""
    digest = hashlib.sha256()
    digest.update(f"{TOKEN_TABLE_FORMAT}\x1f{pipeline_identity}\x1f".encode())
    for text, lang in zip(texts, langs):
        digest.update(lang.encode())
        digest.update(b"\x1f")
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def cache_file(cache_dir, key: str) -> Path:
    return Path(cache_dir) / "annotations" / f"{key}.pkl"


def load_cached(cache_dir, key: str) -> pd.DataFrame | None:
    """The cached table for ``key``, or ``None`` (a damaged cache file counts as a miss)."""
    if cache_dir is None:
        return None
    path = cache_file(cache_dir, key)
    if not path.exists():
        return None
    try:
        return pd.read_pickle(path)
    except Exception:  # a truncated or foreign file is simply rebuilt
        return None


def store(cache_dir, key: str, table: pd.DataFrame) -> None:
    """Store atomically; a cache that cannot be written is skipped, never fatal."""
    if cache_dir is None:
        return
    path = cache_file(cache_dir, key)
    try:
        with atomic_path(path) as tmp:
            table.to_pickle(tmp)
    except OSError:
        pass
