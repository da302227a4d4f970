#!/usr/bin/env python
"""Train textanalyse's small Norwegian spaCy pipelines (Bokmål and Nynorsk).

Input: the Norwegian Dependency Treebank with NorNE names (``ndt_nb_train.conll.gz``,
``ndt_nn_train.conll.gz`` in ``--data-dir``). The script

1. converts NDT to spaCy DocBin files (UD-style UPOS, UD-style lowercased lemmas,
   NorNE entities) in ``--work-dir`` (never inside the repository), holding out every
   20th sentence as the development set (the UD dev files are never used here);
2. trains tok2vec (HashEmbedCNN) + morphologizer (UPOS only, into ``token.pos_``) +
   trainable_lemmatizer (edit trees) + ner with ``spacy train`` and fixed seeds;
3. adds the ``textanalyse_lemma_table`` component (see ``textanalyse/nlp/components.py``):
   a form+UPOS → lemma table built from the training data (saved in the model folder),
   with simplemma's dictionary for forms never seen in training;
4. writes the inference-only pipeline to ``--out/<lang>`` (e.g. textanalyse/nlp/models/nb).

Usage (from the repository root)::

    python scripts/train_pipeline.py --lang both --out textanalyse/nlp/models --max-steps 6000
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = (REPO_ROOT / ".." / "shared" / "data").resolve()
DEFAULT_WORK_DIR = Path("/tmp/pipeline_work")
SEED = 42
DEV_EVERY = 20  # every 20th sentence of the NDT training file is held out as dev

# ---------------------------------------------------------------------------
# NDT -> UD conversion
# ---------------------------------------------------------------------------
PUNCT_TAGS = {"clb", "<komma>", "<strek>", "<anf>", "<parentes-beg>", "<parentes-slutt>"}
SIMPLE_UPOS = {
    "adj": "ADJ",
    "konj": "CCONJ",
    "sbu": "SCONJ",
    "pron": "PRON",
    "inf-merke": "PART",
    "interj": "INTJ",
    "symb": "SYM",
    "ukjent": "X",
}
AUX_LEMMAS = {"være", "vere", "ha", "bli", "verte", "kunne", "skulle", "ville", "vilje",
              "måtte", "burde", "få"}
NEGATION = {"ikke", "ikkje", "ei"}
# NDT `det` with the feature `kvant` that UD keeps as DET (everything else is a numeral)
QUANT_DET = {"en", "ein", "noen", "nokon", "noko", "all", "alle", "hver", "kvar", "ingen",
             "inga", "ingi", "ikkje", "begge", "enhver", "einkvar", "kvar", "noe",
             "samtlige", "samtlege", "annenhver", "annakvar", "mangt", "mang", "mange",
             "ene", "eine", "nokre", "noka", "_"}
NDT_LEMMA_TO_UD = {
    # UD Norwegian-Bokmaal uses `den` as the lemma of `det`/`dét` (pronoun and
    # determiner); UD Norwegian-Nynorsk keeps `det`, as NDT does.
    "nb": {"det": "den", "dét": "den"},
    "nn": {"dét": "det"},
}
NUMERAL_ONE = {"nb": "én", "nn": "éin"}
ENT_LABELS = {"PER", "ORG", "GPE_LOC", "GPE_ORG", "LOC", "PROD", "EVT", "DRV"}


def read_ndt(path: Path):
    """Yield sentences as lists of token dicts from an NDT(+NorNE) .conll(.gz) file."""
    opener = gzip.open if str(path).endswith(".gz") else open
    sent = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                continue
            name = cols[9]
            ent = name[5:] if name.startswith("name=") else "O"
            sent.append({
                "id": int(cols[0]), "form": cols[1], "lemma": cols[2], "pos": cols[3],
                "feats": cols[5], "head": int(cols[6]) if cols[6].isdigit() else 0,
                "rel": cols[7], "ent": ent,
            })
    if sent:
        yield sent


def ndt_upos(tok, children_rels) -> str:
    pos, feats, lemma = tok["pos"], tok["feats"].split("|"), tok["lemma"].lower()
    if pos in PUNCT_TAGS:
        return "PUNCT"
    if pos == "subst":
        return "PROPN" if "prop" in feats else "NOUN"
    if pos == "verb":
        if lemma in AUX_LEMMAS:
            if "INFV" in children_rels:
                return "AUX"
            if lemma in ("være", "vere") and ({"SPRED", "FSPRED"} & children_rels):
                return "AUX"
        return "VERB"
    if pos == "adv":
        return "PART" if lemma in NEGATION else "ADV"
    if pos == "prep":
        return "ADP" if children_rels else "ADV"
    if pos == "det":
        if "poss" in feats:
            return "PRON"
        if "kvant" in feats and lemma not in QUANT_DET:
            return "NUM"
        return "DET"
    return SIMPLE_UPOS.get(pos, "X")


def ud_lemma(tok, upos: str, lang: str) -> str:
    lemma = tok["lemma"]
    form = tok["form"]
    if lemma.startswith("$") or upos == "PUNCT":
        return form  # NDT writes punctuation lemmas as `$,`; we use the form
    if lemma in ("_", ""):
        lemma = form
    if upos == "PROPN":
        return lemma  # UD keeps proper-noun lemmas capitalised
    lemma = lemma.lower()
    if upos in ("PRON", "DET"):
        lemma = NDT_LEMMA_TO_UD[lang].get(lemma, lemma)
    if upos == "NUM" and lemma in ("en", "ein"):
        lemma = NUMERAL_ONE[lang]
    return lemma


NO_SPACE_BEFORE = set(",.:;!?)]}»%")
NO_SPACE_AFTER = set("([{«")


def convert_sentence(sent, lang: str):
    children = defaultdict(set)
    for t in sent:
        children[t["head"]].add(t["rel"])
    words, spaces, tags, lemmas, ents = [], [], [], [], []
    for t in sent:
        upos = ndt_upos(t, children[t["id"]])
        words.append(t["form"])
        tags.append(upos)
        lemmas.append(ud_lemma(t, upos, lang))
        ent = t["ent"]
        if ent != "O" and ent[2:] not in ENT_LABELS:
            ent = "O"  # MISC (12 tokens) is not a NorNE label we use
        ents.append(ent)
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else None
        space = nxt is not None and nxt not in NO_SPACE_BEFORE and w not in NO_SPACE_AFTER
        spaces.append(space)
    # repair I- without B-
    prev = "O"
    for i, e in enumerate(ents):
        if e.startswith("I-") and (prev == "O" or prev[2:] != e[2:]):
            ents[i] = "B-" + e[2:]
        prev = ents[i]
    return words, spaces, tags, lemmas, ents


def build_docbins(lang: str, data_dir: Path, work_dir: Path):
    import spacy
    from spacy.tokens import Doc, DocBin

    nlp = spacy.blank("nb")
    src = data_dir / f"ndt_{lang}_train.conll.gz"
    if not src.exists():
        sys.exit(f"Training file not found: {src} (use --data-dir)")
    train_db, dev_db = DocBin(store_user_data=False), DocBin(store_user_data=False)
    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    n_train = n_dev = 0
    for i, sent in enumerate(read_ndt(src)):
        words, spaces, tags, lemmas, ents = convert_sentence(sent, lang)
        doc = Doc(nlp.vocab, words=words, spaces=spaces, pos=tags, lemmas=lemmas, ents=ents)
        if i % DEV_EVERY == DEV_EVERY - 1:
            dev_db.add(doc)
            n_dev += len(words)
        else:
            train_db.add(doc)
            n_train += len(words)
            for w, p, l in zip(words, tags, lemmas):
                table[(w.lower(), p)][l.lower()] += 1
    out = work_dir / lang
    out.mkdir(parents=True, exist_ok=True)
    train_db.to_disk(out / "train.spacy")
    dev_db.to_disk(out / "dev.spacy")
    # lemma table: form+UPOS -> most frequent lemma (ties: alphabetical), training part only
    # plus form -> most frequent lemma over all UPOS (key "<form>\t*"), used when the
    # predicted UPOS was never seen with the form in training
    lemma_table = {}
    by_form: dict[str, Counter] = defaultdict(Counter)
    for (form, pos), cnt in sorted(table.items()):
        if pos in ("PUNCT", "PROPN", "SYM", "X"):
            continue
        if not any(ch.isalpha() for ch in form):
            continue
        lemma = sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        lemma_table[f"{form}\t{pos}"] = lemma
        by_form[form].update(cnt)
    for form, cnt in sorted(by_form.items()):
        lemma_table[f"{form}\t*"] = sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    (out / "lemma_table.json").write_text(json.dumps(lemma_table, ensure_ascii=False,
                                                     sort_keys=True), encoding="utf-8")
    print(f"[{lang}] train tokens {n_train}, dev tokens {n_dev}, "
          f"lemma table {len(lemma_table)} entries", flush=True)
    return out


# ---------------------------------------------------------------------------
# spaCy config
# ---------------------------------------------------------------------------
CONFIG = """
[paths]
train = null
dev = null
vectors = null
init_tok2vec = null

[system]
gpu_allocator = null
seed = {seed}

[nlp]
lang = "nb"
pipeline = ["tok2vec","morphologizer","trainable_lemmatizer","ner"]
batch_size = 256
disabled = []
before_creation = null
after_creation = null
after_pipeline_creation = null
tokenizer = {{"@tokenizers":"spacy.Tokenizer.v1"}}

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = {width}
attrs = ["NORM","PREFIX","SUFFIX","SHAPE"]
rows = [{rows}]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = {width}
depth = {depth}
window_size = 1
maxout_pieces = 3

[components.morphologizer]
factory = "morphologizer"
extend = false
overwrite = true
label_smoothing = 0.0
scorer = {{"@scorers":"spacy.morphologizer_scorer.v1"}}

[components.morphologizer.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.morphologizer.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.trainable_lemmatizer]
factory = "trainable_lemmatizer"
backoff = "orth"
min_tree_freq = 2
overwrite = false
scorer = {{"@scorers":"spacy.lemmatizer_scorer.v1"}}
top_k = 1

[components.trainable_lemmatizer.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false

[components.trainable_lemmatizer.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0
augmenter = null

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = 0
max_epochs = 0
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = []
annotating_components = []
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
pos_acc = 0.3
lemma_acc = 0.4
ents_f = 0.3
ents_p = 0.0
ents_r = 0.0
morph_acc = null
morph_per_feat = null

[pretraining]

[initialize]
vectors = ${{paths.vectors}}
init_tok2vec = ${{paths.init_tok2vec}}
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""


def write_config(path: Path, max_steps: int, eval_frequency: int, width: int, depth: int,
                 rows: str):
    path.write_text(CONFIG.format(seed=SEED, width=width, depth=depth, rows=rows,
                                  max_steps=max_steps, eval_frequency=eval_frequency),
                    encoding="utf-8")


# ---------------------------------------------------------------------------
# training and packaging
# ---------------------------------------------------------------------------
def train_one(lang: str, args) -> None:
    work = args.work_dir / lang
    t0 = time.time()
    build_docbins(lang, args.data_dir, args.work_dir)
    cfg = work / "config.cfg"
    write_config(cfg, args.max_steps, args.eval_frequency, args.width, args.depth, args.rows)
    train_out = work / "output"
    if train_out.exists():
        shutil.rmtree(train_out)
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(args.threads)
    env["PYTHONHASHSEED"] = "0"
    cmd = [sys.executable, "-m", "spacy", "train", str(cfg), "--output", str(train_out),
           "--paths.train", str(work / "train.spacy"), "--paths.dev", str(work / "dev.spacy")]
    print("[%s] %s" % (lang, " ".join(cmd)), flush=True)
    subprocess.run(cmd, check=True, env=env)
    t_train = time.time() - t0
    package(lang, train_out / "model-best", work / "lemma_table.json", args.out / lang)
    print(f"[{lang}] done in {t_train / 60:.1f} min (conversion + training)", flush=True)


def package(lang: str, trained: Path, table_path: Path, dest: Path) -> None:
    """Add the lemma table component and write an inference-only pipeline to ``dest``."""
    sys.path.insert(0, str(REPO_ROOT))
    import spacy
    import textanalyse.nlp.components  # noqa: F401  registers textanalyse_lemma_table

    nlp = spacy.load(trained)
    table = json.loads(table_path.read_text(encoding="utf-8"))
    comp = nlp.add_pipe("textanalyse_lemma_table", after="trainable_lemmatizer",
                        config={"simplemma_lang": lang})
    comp.set_table(table)
    nlp.config["paths"]["train"] = None  # no training paths in the shipped config
    nlp.config["paths"]["dev"] = None
    nlp.meta["name"] = f"textanalyse_{lang}"
    nlp.meta["version"] = "0.1.0"
    nlp.meta["lang"] = "nb"
    nlp.meta["description"] = (
        f"textanalyse {'Bokmål' if lang == 'nb' else 'Nynorsk'} pipeline: UPOS tagger, "
        "edit-tree lemmatizer + lemma table, NorNE NER. Trained on NDT + NorNE "
        "(see PROVENANCE.md).")
    nlp.meta["license"] = "CC0-1.0 annotations; see PROVENANCE.md"
    nlp.meta.pop("performance", None)
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(dest)
    size = sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())
    print(f"[{lang}] wrote {dest} ({size / 1e6:.1f} MB)", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", choices=["nb", "nn", "both"], default="both")
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "textanalyse" / "nlp" / "models")
    ap.add_argument("--max-steps", type=int, default=6000)
    ap.add_argument("--eval-frequency", type=int, default=500)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    ap.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS/OpenMP threads per training run (1 = reproducible)")
    ap.add_argument("--width", type=int, default=96)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--rows", default="5000,2500,2500,2500",
                    help="hash-embedding rows for NORM,PREFIX,SUFFIX,SHAPE")
    ap.add_argument("--convert-only", action="store_true",
                    help="only write the DocBin files and the lemma table")
    ap.add_argument("--package-only", action="store_true",
                    help="re-package an existing training output (work-dir/<lang>/output)")
    args = ap.parse_args(argv)
    args.out = args.out.resolve()
    langs = ["nb", "nn"] if args.lang == "both" else [args.lang]
    for lang in langs:
        if args.convert_only:
            build_docbins(lang, args.data_dir, args.work_dir)
        elif args.package_only:
            work = build_docbins(lang, args.data_dir, args.work_dir)
            package(lang, work / "output" / "model-best", work / "lemma_table.json",
                    args.out / lang)
        else:
            train_one(lang, args)


if __name__ == "__main__":
    main()
