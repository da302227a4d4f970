#!/usr/bin/env python3
"""Lemma quality of textanalyse's pipelines on UD dev sets, measured through ``annotate``.

    python scripts/evaluate_lemmas.py [--pipeline fast|accurate|auto ...] [--language forced auto]

For ``ud_nb_dev.conllu`` and ``ud_nn_dev.conllu`` (../shared/data) it prints:
- overlap: Σ_w min(gold(w), ours(w)) / Σ gold over alphabetic tokens, both sides lowercased
  (the frequency-table view: are the lemma counts right?);
- accuracy: share of alphabetic gold tokens whose character span our tokenizer reproduces and
  whose lemma matches (lowercased), for all words and for content words (NOUN, VERB, ADJ, ADV,
  PROPN);
- the same two figures for leaving words as they are (lowercased forms), as a floor;
- with ``--language auto`` (each sentence one respondent, no language given, as a survey of
  one-sentence answers): the same figures, plus the per-sentence detection accuracy, and the
  detection accuracy on both sets read together as one mixed survey.
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
    expected = "nn" if "_nn_" in path.name else "nb"
    detected = tokens.groupby("doc_id", observed=True)["lang"].first().astype(str)
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
        "detected": float((detected == expected).mean()),
    }


def mixed_detection(paths) -> float:
    """Detection accuracy per sentence when both sets are read as one survey (one sentence per row)."""
    from textanalyse.nlp import language_decisions

    records, expected = [], []
    for path in paths:
        for sentence in read_conllu(path):
            records.append({"doc_id": str(len(records)), "respondent": str(len(records)), "question": "ud",
                            "source": path.name, "text": sentence.text})
            expected.append("nn" if "_nn_" in path.name else "nb")
    decided = language_decisions(Corpus.from_documents(records))["lang"].tolist()
    return sum(a == b for a, b in zip(decided, expected)) / len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--pipeline", nargs="+", default=["fast", "accurate"])
    parser.add_argument("--language", nargs="+", default=["forced"], choices=["forced", "auto"],
                        help="forced: the set's own language; auto: detected per sentence (survey view)")
    args = parser.parse_args()
    for pipeline in args.pipeline:
        for mode in args.language:
            for name, language in (("ud_nb_dev.conllu", "nb"), ("ud_nn_dev.conllu", "nn")):
                r = evaluate(Path(args.data) / name, pipeline, language if mode == "forced" else "auto")
                print(f"{name:<18} {r['pipeline']:<9} {mode:<6} overlap {r['overlap']:.4f} "
                      f"(forms {r['overlap_forms']:.4f})  accuracy {r['accuracy']:.4f}  content-word accuracy "
                      f"{r['accuracy_content']:.4f} (forms {r['forms_accuracy_content']:.4f})  tokens aligned "
                      f"{r['aligned']:.4f}  detected as its language {r['detected']:.4f}")
    if "auto" in args.language:
        both = [Path(args.data) / "ud_nb_dev.conllu", Path(args.data) / "ud_nn_dev.conllu"]
        print(f"both sets as one mixed survey: detection accuracy per sentence {mixed_detection(both):.4f}")


if __name__ == "__main__":
    main()
