#!/usr/bin/env python3
"""Lemma quality of textanalyse's pipelines on UD dev sets, measured through ``annotate``.

    python scripts/evaluate_lemmas.py [--pipeline fast|accurate|auto ...]

For ``ud_nb_dev.conllu`` and ``ud_nn_dev.conllu`` (../shared/data) it prints:
- overlap: Σ_w min(gold(w), ours(w)) / Σ gold over alphabetic tokens, both sides lowercased
  (the frequency-table view: are the lemma counts right?);
- accuracy: share of alphabetic gold tokens whose character span our tokenizer reproduces and
  whose lemma matches (lowercased), for all words and for content words (NOUN, VERB, ADJ, ADV,
  PROPN);
- the same two figures for leaving words as they are (lowercased forms), as a floor.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from textanalyse.conllu import read_conllu  # noqa: E402
from textanalyse.corpus import Corpus  # noqa: E402
from textanalyse.nlp import annotate  # noqa: E402

CONTENT = {"NOUN", "VERB", "ADJ", "ADV", "PROPN"}


def evaluate(path: Path, pipeline: str, language: str) -> dict:
    sentences = read_conllu(path)
    corpus = Corpus.from_documents([{"doc_id": str(i), "respondent": str(i), "question": "ud", "source": path.name,
                                     "text": sentence.text} for i, sentence in enumerate(sentences)])
    tokens = annotate(corpus, pipeline=pipeline, language=language)
    ours_by_span = {(str(d), int(s), int(e)): (lemma, lower) for d, s, e, lemma, lower in zip(
        tokens["doc_id"].astype(str), tokens["start"], tokens["end"], tokens["lemma"].astype(str),
        tokens["lower"].astype(str))}
    ours = collections.Counter(l for l, w in zip(tokens["lemma"].astype(str), tokens["is_word"]) if w)
    forms = collections.Counter(l for l, w in zip(tokens["lower"].astype(str), tokens["is_word"]) if w)
    gold = collections.Counter()
    hits = collections.Counter()
    for index, sentence in enumerate(sentences):
        for token in sentence.tokens:
            start, end, form, lemma, upos = token.start, token.end, token.form, token.lemma, token.upos
            if not any(ch.isalpha() for ch in form):
                continue
            gold[lemma.lower()] += 1
            found = ours_by_span.get((str(index), start, end))
            for group in ("all", "content") if upos in CONTENT else ("all",):
                hits[group + "_n"] += 1
                if found:
                    hits[group + "_aligned"] += 1
                    hits[group + "_ok"] += found[0] == lemma.lower()
                    hits[group + "_form_ok"] += found[1] == lemma.lower()
    total = sum(gold.values())
    return {
        "overlap": sum(min(c, ours[l]) for l, c in gold.items()) / total,
        "overlap_forms": sum(min(c, forms[l]) for l, c in gold.items()) / total,
        "accuracy": hits["all_ok"] / hits["all_n"],
        "accuracy_content": hits["content_ok"] / hits["content_n"],
        "forms_accuracy_content": hits["content_form_ok"] / hits["content_n"],
        "aligned": hits["all_aligned"] / hits["all_n"],
        "pipeline": tokens.attrs["pipeline"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--pipeline", nargs="+", default=["fast", "accurate"])
    args = parser.parse_args()
    for pipeline in args.pipeline:
        for name, language in (("ud_nb_dev.conllu", "nb"), ("ud_nn_dev.conllu", "nn")):
            r = evaluate(Path(args.data) / name, pipeline, language)
            print(f"{name:<18} {r['pipeline']:<9} overlap {r['overlap']:.4f} (forms {r['overlap_forms']:.4f})  "
                  f"accuracy {r['accuracy']:.4f}  content-word accuracy {r['accuracy_content']:.4f} "
                  f"(forms {r['forms_accuracy_content']:.4f})  tokens aligned {r['aligned']:.4f}")


if __name__ == "__main__":
    main()
