#!/usr/bin/env python3
"""Fingerprint of the fast pipeline's token table, to show that speed work changed no output.

    python scripts/token_table_digest.py [--data ../shared/data/norec_1m.csv] [--column text]

Reads the survey, annotates it three ways (cold with a fresh cache, again from that cache, and
in one process) and prints a SHA-256 of each token table: every column's name and dtype, each
categorical's values in order and its codes, the raw bytes of the other columns, and the table's
attrs. Run it before and after a change (e.g. on main and on a branch); the three digests must
agree with each other and with main's. norec_1m on the fast pipeline (spaCy 3.8.18, simplemma
2.0.0): a0d21c98e1ea4d29d25451f15df3d00e86072db857e8cbe7d2064cd11d903ba2.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse.io.survey import read_survey
from textanalyse.nlp import annotate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def table_digest(tokens: pd.DataFrame) -> str:
    """SHA-256 over every column (dtype, category values in order, codes or raw values) and attrs."""
    digest = hashlib.sha256()
    for name in tokens.columns:
        column = tokens[name]
        digest.update(f"{name}\x1f{column.dtype}\x1f".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            digest.update("\x00".join(map(str, column.cat.categories)).encode("utf-8", "surrogatepass"))
            digest.update(column.cat.codes.to_numpy().tobytes())
        else:
            digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
    digest.update(repr(tokens.attrs).encode())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(SHARED / "data" / "norec_1m.csv"))
    parser.add_argument("--column", default="text")
    args = parser.parse_args()
    corpus = read_survey(args.data, text_columns=[args.column])
    cache_dir = tempfile.mkdtemp(prefix="token_digest_")
    digests = {
        "cold": table_digest(annotate(corpus, pipeline="fast", cache_dir=cache_dir)),
        "cached": table_digest(annotate(corpus, pipeline="fast", cache_dir=cache_dir)),
        "one process": table_digest(annotate(corpus, pipeline="fast", n_process=1)),
    }
    for name, value in digests.items():
        print(f"{name:<12}{value}")
    print("same" if len(set(digests.values())) == 1 else "DIFFERENT")


if __name__ == "__main__":
    main()
