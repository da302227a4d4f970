#!/usr/bin/env python3
"""Build the general-Norwegian reference list ``textanalyse/data/general_norwegian_lemmas.tsv.gz``.

    python scripts/build_reference_frequencies.py [--data ../shared/data] [--words 4000000] [--keep 40000]

``suggest-exclusions`` compares a survey's words with general Norwegian: a word of the field
(``ruskonsulent``, ``bolig``, ``ventetid``) is far more frequent in the answers than in general
text (it is *key*), a general word (``etter``, ``alltid``) is not. The reference mixes three
genres, each lemmatised the way ``textanalyse`` lemmatises (the fast pipeline's dictionaries),
so a survey's lemma and the reference's lemma are the same string:

- parliament speeches (``storting_speeches.csv.gz``), the first ``--words`` words;
- reviews (``norec_texts.csv.gz``), the first ``--words`` words, Nynorsk reviews with the
  Nynorsk dictionary;
- both NDT treebanks (``ndt_nb_train.conll.gz``, ``ndt_nn_train.conll.gz``) with their gold lemmas.

Output: counts only, never text: a header with the total number of words counted, then
``lemma<TAB>count<TAB>word class`` for the ``--keep`` most frequent lemmas (a lemma must occur
at least ``--min-count`` times); the word class is the lemma's most frequent NDT part of speech
(``subst``, ``verb``, ``adj`` …, empty when the treebanks lack the lemma), used to lead topic
labels with content words.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUTPUT = REPO / "textanalyse" / "data" / "general_norwegian_lemmas.tsv.gz"
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def count_forms(path: Path, *, max_words: int, language_column: str | None = None):
    """Lowercased word-form counts per language from the ``text`` column of a gzipped CSV."""
    csv.field_size_limit(1 << 30)
    counts = {"nb": collections.Counter(), "nn": collections.Counter()}
    words = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lang = "nn" if language_column and row.get(language_column) == "nn" else "nb"
            found = WORD.findall(row["text"].lower())
            counts[lang].update(found)
            words += len(found)
            if words >= max_words:
                break
    return counts, words


def ndt_lemmas(path: Path, word_classes: dict) -> collections.Counter:
    """Gold lemma counts (lowercased, words only) of an NDT .conll.gz file; counts word classes too."""
    counts = collections.Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            columns = line.split("\t")
            if len(columns) == 10 and any(ch.isalpha() for ch in columns[1]) and not columns[2].startswith("$"):
                lemma = columns[2].lower()
                counts[lemma] += 1
                word_classes.setdefault(lemma, collections.Counter())[columns[3]] += 1
    return counts


def _word_class(classes) -> str:
    """The lemma's most frequent NDT word class (``subst``, ``verb``, ``adj`` …), or ``""`` if unseen."""
    if not classes:
        return ""
    return sorted(classes.items(), key=lambda item: (-item[1], item[0]))[0][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--words", type=int, default=4_000_000, help="words read from each of the two corpora")
    parser.add_argument("--keep", type=int, default=40_000)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--out", default=str(OUTPUT))
    args = parser.parse_args()
    from textanalyse.nlp.fast import lemmatize_forms

    data = Path(args.data)
    lemmas = collections.Counter()
    total = 0
    sources = []
    for name, language_column in (("storting_speeches.csv.gz", None), ("norec_texts.csv.gz", "language")):
        counts, words = count_forms(data / name, max_words=args.words, language_column=language_column)
        for lang, forms in counts.items():
            if forms:
                distinct = list(forms)
                for form, lemma in zip(distinct, lemmatize_forms(distinct, [lang] * len(distinct))):
                    lemmas[lemma] += forms[form]
        total += words
        sources.append(f"{name}: {words} words")
    word_classes: dict[str, collections.Counter] = {}
    for name in ("ndt_nb_train.conll.gz", "ndt_nn_train.conll.gz"):
        counts = ndt_lemmas(data / name, word_classes)
        lemmas.update(counts)
        total += sum(counts.values())
        sources.append(f"{name}: {sum(counts.values())} words")
    kept = [(lemma, count) for lemma, count in lemmas.most_common(args.keep) if count >= args.min_count]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("# General-Norwegian lemma counts (no text), built by scripts/build_reference_frequencies.py "
                     f"from {'; '.join(sources)}\n")
        handle.write(f"# total\t{total}\n")
        handle.writelines(f"{lemma}\t{count}\t{_word_class(word_classes.get(lemma))}\n" for lemma, count in kept)
    print(f"{total} words, {len(lemmas)} lemmas; wrote {len(kept)} to {args.out} ({Path(args.out).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
