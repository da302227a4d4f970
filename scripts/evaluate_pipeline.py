#!/usr/bin/env python
"""Evaluate a textanalyse spaCy pipeline on the UD Norwegian dev sets (and NorNE dev).

Usage (from the repository root)::

    python scripts/evaluate_pipeline.py textanalyse/nlp/models/nb --lang nb
    python scripts/evaluate_pipeline.py textanalyse/nlp/models/nn --lang nn --json out.json

Scores (alphabetic token = a token with at least one letter; lemmas lowercased on both sides):

- lemma overlap = sum_w min(gold_count(w), our_count(w)) / sum_w gold_count(w), counting
  lemma strings of alphabetic tokens, in two variants:
  * ``text``: our side from running the pipeline on the ``# text`` of each UD sentence,
    tokenised by the pipeline's own tokenizer (how the toolkit uses it; **headline figure**);
  * ``gold_tokens``: our side from the gold tokens (``Doc(nlp.vocab, words=...)``) run
    through the pipeline's components;
- lemma accuracy: per-token lemma accuracy on gold tokens (alphabetic tokens);
- UPOS accuracy on gold tokens (all tokens);
- NorNE (Bokmål only): share of gold PER, GPE_LOC+LOC, ORG (and all) name tokens that fall
  inside a predicted entity of any type ("masked by names alone"), and exact-span entity
  precision / recall / F1 (label must match), on gold tokens;
- speed: tokens per second with ``nlp.pipe(texts, batch_size=256, n_process=1)`` on one
  thread, over the UD dev sentence texts (repeated ``--speed-repeats`` times), both per
  wall-clock second and per CPU second of the process (the latter is robust to other
  load on a shared machine), with the 1-minute load average at the end;
- simplemma (``simplemma.lemmatize(word.lower(), lang=...)``) lemma overlap and accuracy on
  the same gold tokens, for comparison.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data").resolve()
sys.path.insert(0, str(REPO_ROOT))

from textanalyse.conllu import read_conllu as read_conllu_file  # noqa: E402


def read_conllu(path: Path):
    """Return sentences: dicts with text, forms, lemmas, upos, spaces, names (NorNE BIO tags)."""
    return [{"text": sentence.text,
             "forms": [t.form for t in sentence.tokens],
             "lemmas": [t.lemma for t in sentence.tokens],
             "upos": [t.upos for t in sentence.tokens],
             "spaces": [t.space_after for t in sentence.tokens],
             "names": [t.name for t in sentence.tokens]}
            for sentence in read_conllu_file(path)]


def is_alpha(s: str) -> bool:
    return any(ch.isalpha() for ch in s)


def overlap(gold: Counter, ours: Counter) -> float:
    total = sum(gold.values())
    return sum(min(n, ours.get(w, 0)) for w, n in gold.items()) / total if total else 0.0


def gold_docs(nlp, sents):
    from spacy.tokens import Doc
    return [Doc(nlp.vocab, words=s["forms"], spaces=s["spaces"]) for s in sents]


def eval_ud(nlp, sents, lang: str) -> dict:
    import simplemma

    gold = Counter(l.lower() for s in sents for f, l in zip(s["forms"], s["lemmas"])
                   if is_alpha(f))
    # variant 1: pipeline tokenisation of the sentence texts
    ours_text = Counter()
    for doc in nlp.pipe((s["text"] for s in sents), batch_size=256):
        ours_text.update(t.lemma_.lower() for t in doc if is_alpha(t.text))
    # variant 2: gold tokens
    ours_gold = Counter()
    simp = Counter()
    n_alpha = ok_lemma = ok_simp = 0
    n_tok = ok_pos = 0
    pos_confusion = Counter()
    for s, doc in zip(sents, nlp.pipe(gold_docs(nlp, sents), batch_size=256)):
        for f, gl, gp, t in zip(s["forms"], s["lemmas"], s["upos"], doc):
            n_tok += 1
            if t.pos_ == gp:
                ok_pos += 1
            else:
                pos_confusion[(gp, t.pos_)] += 1
            if not is_alpha(f):
                continue
            n_alpha += 1
            ours = t.lemma_.lower()
            sl = simplemma.lemmatize(f.lower(), lang=lang).lower()
            ours_gold[ours] += 1
            simp[sl] += 1
            ok_lemma += ours == gl.lower()
            ok_simp += sl == gl.lower()
    return {
        "sentences": len(sents),
        "tokens": n_tok,
        "alphabetic_tokens": n_alpha,
        "lemma_overlap_text": round(overlap(gold, ours_text), 4),
        "lemma_overlap_gold_tokens": round(overlap(gold, ours_gold), 4),
        "lemma_accuracy_gold_tokens": round(ok_lemma / n_alpha, 4),
        "upos_accuracy_gold_tokens": round(ok_pos / n_tok, 4),
        "simplemma_lemma_overlap": round(overlap(gold, simp), 4),
        "simplemma_lemma_accuracy": round(ok_simp / n_alpha, 4),
        "top_upos_confusions": [f"{g}->{p}:{n}" for (g, p), n in pos_confusion.most_common(8)],
    }


def bio_spans(tags):
    spans, start, label = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != label):
            if start is not None:
                spans.append((start, i, label))
            start, label = (i, tag[2:]) if tag != "O" else (None, None)
    return spans


def eval_norne(nlp, sents) -> dict:
    groups = {"PER": {"PER"}, "GPE_LOC+LOC": {"GPE_LOC", "LOC"}, "ORG": {"ORG"},
              "all": None}
    hit, tot = Counter(), Counter()
    tp = n_pred = n_gold = 0
    per_label = {}
    for s, doc in zip(sents, nlp.pipe(gold_docs(nlp, sents), batch_size=256)):
        covered = set()
        pred = set()
        for ent in doc.ents:
            covered.update(range(ent.start, ent.end))
            pred.add((ent.start, ent.end, ent.label_))
        gold = set(bio_spans(s["names"]))
        for i, tag in enumerate(s["names"]):
            if tag == "O":
                continue
            lab = tag[2:]
            for g, labs in groups.items():
                if labs is None or lab in labs:
                    tot[g] += 1
                    hit[g] += i in covered
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
        for lab in {x[2] for x in pred | gold}:
            c = per_label.setdefault(lab, [0, 0, 0])
            c[0] += len({x for x in pred & gold if x[2] == lab})
            c[1] += len({x for x in pred if x[2] == lab})
            c[2] += len({x for x in gold if x[2] == lab})
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    res = {f"masked_{g}": round(hit[g] / tot[g], 4) for g in groups if tot[g]}
    res.update({f"gold_tokens_{g}": tot[g] for g in groups})
    res.update({"ents_p": round(p, 4), "ents_r": round(r, 4), "ents_f": round(f, 4),
                "gold_entities": n_gold})
    res["per_label_f"] = {
        lab: round(2 * c[0] / (c[1] + c[2]), 4) if c[1] + c[2] else 0.0
        for lab, c in sorted(per_label.items())}
    return res


def eval_speed(nlp, texts, repeats: int) -> dict:
    list(nlp.pipe(texts[:200], batch_size=256))  # warm-up
    data = texts * repeats
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for doc in nlp.pipe(data, batch_size=256, n_process=1):
        n += len(doc)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    # wall-clock speed depends on other load on the machine; CPU-time speed is the
    # single-core figure (the process runs on one thread)
    return {"speed_tokens": n, "speed_seconds": round(dt, 2),
            "tokens_per_second": int(n / dt),
            "speed_cpu_seconds": round(dc, 2),
            "tokens_per_cpu_second": int(n / dc),
            "load_average_1min": round(os.getloadavg()[0], 2)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", type=Path, help="pipeline folder (e.g. textanalyse/nlp/models/nb)")
    ap.add_argument("--lang", choices=["nb", "nn"], default=None,
                    help="UD dev set / simplemma language (default: the folder name)")
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--speed-repeats", type=int, default=3)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = ap.parse_args(argv)
    lang = args.lang or args.model.resolve().name
    if lang not in ("nb", "nn"):
        sys.exit("Use --lang nb|nn (cannot infer it from the folder name)")

    import spacy
    import textanalyse.nlp.components  # noqa: F401

    spacy.prefer_gpu = lambda *a, **k: False  # CPU only
    nlp = spacy.load(args.model)
    size = sum(p.stat().st_size for p in args.model.rglob("*") if p.is_file())
    results = {"model": str(args.model), "lang": lang, "spacy": spacy.__version__,
               "pipeline": nlp.pipe_names, "size_mb": round(size / 1e6, 2)}
    ud = read_conllu(args.data_dir / f"ud_{lang}_dev.conllu")
    results[f"ud_{lang}_dev"] = eval_ud(nlp, ud, lang)
    if lang == "nb":
        norne = read_conllu(args.data_dir / "norne_nb_dev.conllu")
        results["norne_nb_dev"] = eval_norne(nlp, norne)
    if not args.no_speed:
        results["speed"] = eval_speed(nlp, [s["text"] for s in ud], args.speed_repeats)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
