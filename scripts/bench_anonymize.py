"""Print de-identification figures on NorNE (masked names/places/organisations, surviving other words) and speed.

Usage: python scripts/bench_anonymize.py [--data DIR] [--norec]
DIR defaults to ../shared/data beside the repository. --norec also times masking of the first
NoReC reviews (about 1M words, norec_1m.csv). Prints figures only, never any text.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textanalyse.anonymize import mask_text  # noqa: E402
from textanalyse.anonymize.evaluate import evaluate_conllu  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--norec", action="store_true", help="also time ~1M words of NoReC reviews")
    args = parser.parse_args()

    norne = args.data / "norne_nb_dev.conllu"
    if not norne.exists():
        print(f"{norne} not found; nothing to measure", file=sys.stderr)
        return 1

    started = time.perf_counter()
    mask_text("Kari bor i Bodø. Sentrumsgata er fin.")  # load the word lists and dictionaries once
    print(f"loading word lists and dictionaries: {time.perf_counter() - started:.2f} s")

    evaluation = evaluate_conllu(norne)
    rows = [
        ("person-name tokens masked (PER)", evaluation.person, "target >= 95 %"),
        ("place tokens masked (GPE_LOC, LOC)", evaluation.place, "target >= 90 %"),
        ("organisation tokens masked (ORG, GPE_ORG)", evaluation.organisation, "report only"),
        ("other words (>= 4 letters) surviving", evaluation.other_words, "target >= 95 %"),
    ]
    print(f"NorNE bokmål dev: {evaluation.sentences} sentences")
    for label, tally, target in rows:
        print(f"  {label:<44} {tally.share:7.2%}  ({tally.masked}/{tally.total})  {target}")
    print(f"  speed: {evaluation.sentences / evaluation.seconds:,.0f} sentences/s")

    if args.norec:
        path = args.data / "norec_1m.csv"
        if not path.exists():
            print(f"{path} not found; skipping NoReC timing", file=sys.stderr)
        else:
            csv.field_size_limit(sys.maxsize)
            with path.open(encoding="utf-8", newline="") as handle:
                texts = [row["text"] for row in csv.DictReader(handle)]
            words = sum(len(text.split()) for text in texts)
            started = time.perf_counter()
            spans = sum(len(mask_text(text).spans) for text in texts)
            seconds = time.perf_counter() - started
            print(
                f"NoReC: {len(texts)} reviews, {words:,} words in {seconds:.1f} s "
                f"({words / seconds:,.0f} words/s), {spans:,} spans masked"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
