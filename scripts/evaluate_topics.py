#!/usr/bin/env python3
"""Topics against human themes on the labelled development set (``tests/data/devset/``).

    python scripts/evaluate_topics.py [--devset tests/data/devset] [--seed 0] [--k auto]

Reads ``svar.csv`` (three open questions per respondent) the way a user would (fast pipeline,
default filters), runs ``find_topics`` on all answers together and compares with ``koder.csv``
(one main theme per coded answer, ``(ingen)`` when no theme fits). Prints:

- coverage: share of the human-coded answers that ``find_topics`` put in a topic;
- NMI (normalised mutual information, arithmetic mean, scikit-learn) between the topic and the
  human main theme over all coded answers, an answer without a topic counting as one more
  cluster ``unassigned`` (so leaving answers out is not rewarded), and over the assigned ones only;
- k and the stability figure (mean adjusted Rand index across refits);
- for ``what_the_codebook_misses``: how many answers no codebook theme codes and how many of
  them the human coder also left without a theme (``(ingen)``).
Also prints the per-respondent Bokmål/Nynorsk detection accuracy against ``malform.csv`` when present.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

QUESTIONS = ("fungerer_bra", "fungerer_darlig", "forslag")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devset", default=str(REPO / "tests" / "data" / "devset"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--k", default="auto")
    args = parser.parse_args()
    from sklearn.metrics import normalized_mutual_info_score

    from textanalyse.api import filter_material, load_material
    from textanalyse.options import FilterOptions, InputOptions
    from textanalyse.topics import find_topics

    devset = Path(args.devset)
    material = load_material(InputOptions(paths=(str(devset / "svar.csv"),), text_columns=QUESTIONS,
                                          id_column="respondent_id", pipeline="fast", cache_dir=None))
    kept = filter_material(material, FilterOptions()).kept
    k = args.k if args.k == "auto" else int(args.k)
    from textanalyse.themes import code_segments

    try:
        result = find_topics(material.corpus, kept, k=k, seed=args.seed,
                             themes=code_segments(material.corpus, material.tokens).coded)
    except TypeError:  # the code before issue 13 had no theme features
        result = find_topics(material.corpus, kept, k=k, seed=args.seed)
    codes = pd.read_csv(devset / "koder.csv", sep=";", dtype=str)
    main_theme = codes[codes["main"] == "1"].assign(doc_id=lambda t: t["respondent_id"] + ":" + t["question"])
    topic_of = dict(zip(result.assignments["doc_id"].astype(str), result.assignments["topic"]))
    main_theme["topic"] = main_theme["doc_id"].map(topic_of)
    assigned = main_theme["topic"].notna()
    print(f"coded answers {len(main_theme)}, in a topic {int(assigned.sum())}: coverage {assigned.mean():.4f}")
    labels = main_theme["topic"].fillna(-1).astype(int)
    print(f"NMI (unassigned as one cluster) {normalized_mutual_info_score(main_theme['theme'], labels):.4f}; "
          f"NMI over assigned only {normalized_mutual_info_score(main_theme.loc[assigned, 'theme'], labels[assigned]):.4f}")
    print(f"k {result.k}, stability {result.stability:.4f}")
    print(result.topics[["topic", "label", "size", "stability"]].to_string(index=False))
    if len(result.left_out):
        print("left out:", result.left_out["reason"].value_counts().to_dict())
    misses = getattr(result, "uncoded", None)
    if misses is not None:
        print(misses)
    language_file = devset / "malform.csv"
    if language_file.exists():
        truth = pd.read_csv(language_file, sep=";", dtype=str).set_index("respondent_id")["malform"]
        decided = material.tokens.groupby("doc_id", observed=True)["lang"].first().astype(str)
        respondent = decided.index.astype(str).str.split(":").str[0]
        right = (decided.to_numpy() == truth.reindex(respondent).to_numpy())
        print(f"language per answer against malform.csv: {right.mean():.4f} of {len(right)} answers "
              f"({int((~right).sum())} wrong)")


if __name__ == "__main__":
    main()
