"""Measure theme coding on the labelled development set (tests/data/devset/).

Two figures, both micro F1 over (answer, theme) pairs against the human codes (``(ingen)``
rows are not themes and count as no code):

- ``codebook``: the codebook alone (every pattern hit is a code), on all 300 respondents;
- ``learner``: a quarter of the respondents (drawn with ``--seed``) is the hand-coded sample
  the learner trains on; the other three quarters are coded by the learner and scored against
  their held-out labels. ``--splits N`` repeats this with N different seeds.

The shipped codebook's paraphrase patterns (version 1.1) were added by reading the codebook's misses
on the *odd* respondents (R001, R003 …) only; figures on the *even* respondents are the honest ones
for text the codebook was never tuned on, and are printed as well.

Run: ``python scripts/eval_coding.py [--codebook FILE] [--learner] [--splits 5]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textanalyse.coding.devset import devset_material, devset_labels, score_codes  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", default=None)
    parser.add_argument("--learner", action="store_true", help="also train on a quarter and code the rest")
    parser.add_argument("--splits", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pipeline", default="fast")
    args = parser.parse_args(argv)

    from textanalyse.themes import code_segments, load_codebook

    codebook = load_codebook(args.codebook)
    material = devset_material(pipeline=args.pipeline)
    labels = devset_labels()
    coded = code_segments(material.corpus, material.tokens, codebook).coded
    predicted = coded[["doc_id", "theme"]].drop_duplicates()
    scores = score_codes(predicted, labels, documents=material.corpus.documents["doc_id"])
    pd.set_option("display.width", 160)
    print(f"codebook alone ({codebook.source}), all {labels['doc_id'].nunique()} coded answers:")
    print(scores.round(3).to_string(index=False))
    even = sorted(r for r in labels["respondent_id"].unique() if int(r[1:]) % 2 == 0)
    even_docs = labels.loc[labels["respondent_id"].isin(even), "doc_id"]
    half = score_codes(predicted, labels, documents=even_docs).set_index("theme").loc["(alle)"]
    print(f"codebook alone on the even respondents (never used to tune the codebook): micro F1 {half['f1']:.3f} "
          f"(precision {half['precision']:.3f}, recall {half['recall']:.3f})")
    if args.learner:
        from textanalyse.coding.devset import learner_split_scores

        per_split = []
        for split in range(args.splits):
            table = learner_split_scores(material, labels, codebook=codebook, seed=args.seed + split)
            table["split"] = split
            per_split.append(table)
            overall = table.loc[table["theme"] == "(alle)"].iloc[0]
            unseen = learner_split_scores(material, labels, codebook=codebook, seed=args.seed + split,
                                          score_only=even).set_index("theme").loc["(alle)"]
            print(f"split {split} (seed {args.seed + split}): learner micro F1 {overall['f1']:.3f} "
                  f"(P {overall['precision']:.3f}, R {overall['recall']:.3f}); "
                  f"on held-out even respondents {unseen['f1']:.3f}")
        result = pd.concat(per_split)
        mean = result.groupby("theme", sort=False)[["support", "precision", "recall", "f1"]].mean()
        print("learner, mean over splits (trained on 1/4 of respondents, scored on the other 3/4):")
        print(mean.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
