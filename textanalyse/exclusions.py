"""Suggest words for the ambiguity and low-information lists, with the evidence; never edits a list.

A word is low-information when it is frequent in *general* Norwegian and used evenly across
questions and groups, not when it is merely frequent here: the words of the field
(``kontaktperson``, ``fastlege``, ``ventetid``) are frequent here because the answers are about
them. So every word is compared with a general-Norwegian reference (lemma counts from
parliament speeches, reviews and the NDT treebanks, ``scripts/build_reference_frequencies.py``):
a word at least ``KEY_LOG_RATIO`` (log2) more frequent here than there is *key* for this
material and is not suggested, unless it is on a published exclusion list.

Columns of :func:`suggest_exclusions` (stable): ``word, count, documents, spread, readings,
forms, suggested_list, evidence, per_1000, reference_per_1000, log_ratio, questions, groups,
by_question``.

- ``spread``: how evenly the word is used across groups (question × background variables):
  normalised entropy of its per-1,000-word rates; 1 = equally frequent everywhere.
- ``readings``: distinct lemmas its written forms received, plus distinct word classes when
  the pipeline tags them; more than one suggests several meanings.
- ``per_1000`` / ``reference_per_1000``: occurrences of the word's lemma per 1,000 words here
  and in the reference (lemmas on both sides, also with ``--unit exact``); ``log_ratio``: log2
  of their ratio (keyness; 2 = four times as frequent here).
- ``questions`` / ``groups``: in how many questions and groups the word occurs, as ``n/N``;
  ``by_question``: its count per question.
"""

from __future__ import annotations

import gzip
import math
import re
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from textanalyse import validation
from textanalyse.corpus import Corpus

# Words these surveys are about: never suggested, whatever the figures say (a safety net; the
# keyness against general Norwegian already keeps them out on the example material and devset).
CORE_WORDS = frozenset(
    "oppfølging kontakt kontaktperson tid hjelp bolig jobb samtale samtaler ventetid respekt ingenting "
    "ruskonsulent fastlege psykisk hjemmetjeneste vente nav kommune kommunen behandling informasjon".split()
)
# log2(here / general Norwegian) from which a word counts as a word of the field.
KEY_LOG_RATIO = 2.0
PUBLISHED_LISTS = ("flertydige", "lite_informative")
SUGGESTION_COLUMNS = ["word", "count", "documents", "spread", "readings", "forms", "suggested_list", "evidence",
                      "per_1000", "reference_per_1000", "log_ratio", "questions", "groups", "by_question"]
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@lru_cache(maxsize=1)
def reference_frequencies() -> tuple[dict[str, int], int]:
    """General-Norwegian lemma counts and the number of words they were counted in.

    Example:
        >>> counts, total = reference_frequencies()
        >>> counts["etter"] > counts["ruskonsulent"] if "ruskonsulent" in counts else counts["etter"] > 0
        True
    """
    path = resources.files("textanalyse") / "data" / "general_norwegian_lemmas.tsv.gz"
    counts, total = {}, 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("# total\t"):
                total = int(line.split("\t")[1])
            elif not line.startswith("#"):
                lemma, count = line.rstrip("\n").split("\t")[:2]
                counts[lemma] = int(count)
    return counts, total


@lru_cache(maxsize=1)
def reference_word_classes() -> dict[str, str]:
    """Lemma → its most frequent word class in the NDT treebanks (``subst``, ``verb``, ``adj`` …).

    Example:
        >>> reference_word_classes()["bolig"], reference_word_classes()["hjelpe"]
        ('subst', 'verb')
    """
    path = resources.files("textanalyse") / "data" / "general_norwegian_lemmas.tsv.gz"
    classes = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if not line.startswith("#") and len(fields) > 2 and fields[2]:
                classes[fields[0]] = fields[2]
    return classes


@lru_cache(maxsize=1)
def _published_lists() -> dict[str, frozenset]:
    from textanalyse.filters import default_stoplists

    return {stoplist.name: stoplist.words for stoplist in default_stoplists(PUBLISHED_LISTS)}


def suggest_exclusions(kept: pd.DataFrame, corpus: Corpus, *, top: int = 40, min_count: int = 5) -> pd.DataFrame:
    """Rank words that may belong on the ambiguity or low-information list.

    Candidates are words that are not key against general Norwegian (or stand on a published
    list); the score favours frequent words spread evenly across groups and words with several
    readings. The researcher accepts or rejects each one (``--exclude-word`` or a list file).

    Example:
        >>> from textanalyse.nlp import annotate
        >>> from textanalyse.filters import apply_filters
        >>> corpus = Corpus.from_documents([{"doc_id": str(i), "respondent": str(i), "question": q,
        ...     "source": "-", "text": t} for i, (q, t) in enumerate([("bra", "Etter samtalen med fastlegen."),
        ...     ("darlig", "Fastlegen ringte etter en uke."), ("bra", "Fastlegen hjalp etter hvert.")])])
        >>> kept = apply_filters(annotate(corpus, pipeline="fast"), stoplists=[]).kept
        >>> suggest_exclusions(kept, corpus, min_count=3)[["word", "suggested_list"]].values.tolist()
        [['etter', 'lite_informative']]
    """
    validation.whole_number(top, what="--top")
    columns = ["question", *corpus.metadata_columns]
    doc_table = corpus.documents.set_index("doc_id")
    cell_of_doc = doc_table[columns].astype(str).agg(" | ".join, axis=1) if len(columns) > 1 else doc_table["question"]
    doc_ids = kept["doc_id"].astype(object)
    frame = pd.DataFrame({"word": kept["word"].astype(object).to_numpy(),
                          "cell": doc_ids.map(cell_of_doc).to_numpy(),
                          "question": doc_ids.map(doc_table["question"]).to_numpy(),
                          "doc_id": doc_ids.to_numpy(),
                          "lower": kept["lower"].astype(object).to_numpy(),
                          "lemma": kept["lemma"].astype(object).to_numpy(),
                          "pos": kept["pos"].astype(object).to_numpy()})
    counts = frame.groupby("word").size()
    candidates = counts[(counts >= min_count) & ~counts.index.isin(CORE_WORDS)].index
    if len(candidates) == 0:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    words_here = _words_in(corpus)
    cell_words = _words_per_cell(corpus, cell_of_doc)
    frame = frame[frame["word"].isin(candidates)]
    table = pd.DataFrame({"word": candidates, "count": counts[candidates].to_numpy()})
    table["documents"] = table["word"].map(frame.drop_duplicates(["word", "doc_id"]).groupby("word").size()).astype(int)
    in_cells = frame.groupby(["word", "cell"]).size().unstack(fill_value=0)
    rates = in_cells.div(cell_words.reindex(in_cells.columns).clip(lower=1).to_numpy(), axis=1)
    shares = rates.div(rates.sum(axis=1), axis=0)
    n_cells = max(len(cell_words), 2)
    entropy = -(shares * np.log(shares.where(shares > 0, 1))).sum(axis=1) / math.log(n_cells)
    table["spread"] = table["word"].map(entropy).round(3)
    table["readings"] = table["word"].map(_readings(frame)).fillna(1).astype(int)
    forms = frame.groupby(["word", "lower"]).size().rename("n").reset_index()
    table["forms"] = table["word"].map(forms.sort_values(["word", "n", "lower"], ascending=[True, False, True])
                                       .groupby("word")["lower"].agg(lambda values: ", ".join(values[:5])))
    reference, reference_total = reference_frequencies()
    main_lemma = frame.groupby(["word", "lemma"]).size().rename("n").reset_index().sort_values(
        ["word", "n", "lemma"], ascending=[True, False, True]).drop_duplicates("word").set_index("word")["lemma"]
    reference_counts = table["word"].map(lambda word: reference.get(main_lemma.get(word, word),
                                                                    reference.get(word, 0)))
    # Keyness compares lemmas on both sides, also when the unit is the exact form.
    lemma_counts = kept["lemma"].astype(object).value_counts()
    here_counts = table["word"].map(lambda word: int(lemma_counts.get(main_lemma.get(word, word), 0))).clip(
        lower=table["count"])
    table["per_1000"] = (1000 * here_counts / max(words_here, 1)).round(2)
    table["reference_per_1000"] = (1000 * reference_counts / max(reference_total, 1)).round(3)
    table["log_ratio"] = (np.log2((here_counts + 0.5) / max(words_here, 1))
                          - np.log2((reference_counts + 0.5) / max(reference_total, 1))).round(2)
    questions = list(dict.fromkeys(corpus.documents["question"].astype(str)))
    by_question = frame.groupby(["word", "question"]).size().unstack(fill_value=0).reindex(columns=questions,
                                                                                            fill_value=0)
    table["questions"] = table["word"].map(lambda w: f"{int((by_question.loc[w] > 0).sum())}/{len(questions)}")
    table["groups"] = table["word"].map(lambda w: f"{int((in_cells.loc[w] > 0).sum())}/{len(cell_words)}")
    table["by_question"] = table["word"].map(lambda w: ", ".join(f"{q} {int(by_question.loc[w, q])}" for q in questions))
    published = {name: table["word"].isin(words) | table["forms"].map(lambda f, words=words: any(
        form in words for form in f.split(", "))) for name, words in _published_lists().items()}
    ambiguous = (table["readings"] > 1) | published["flertydige"]
    on_list = published["flertydige"] | published["lite_informative"]
    table["suggested_list"] = np.where(ambiguous, "flertydige", "lite_informative")
    table = table[on_list | (table["log_ratio"] < KEY_LOG_RATIO)].copy()
    table["evidence"] = [_evidence(row, flertydig, informativ) for row, flertydig, informativ in zip(
        table.to_dict("records"), published["flertydige"][table.index], published["lite_informative"][table.index])]
    generality = (KEY_LOG_RATIO + 1 - table["log_ratio"].clip(upper=KEY_LOG_RATIO, lower=-3)) / 4
    score = (table["spread"] * np.log1p(table["count"]) * generality * (1 + 0.5 * ambiguous[table.index])
             * (1 + on_list[table.index]))
    table = table.assign(_score=score).sort_values(["_score", "word"], ascending=[False, True], kind="stable")
    return table.drop(columns="_score").head(top).reset_index(drop=True)[SUGGESTION_COLUMNS]


def _evidence(row: dict, flertydig: bool, informativ: bool) -> str:
    """One Norwegian sentence with the real counts behind a suggestion."""
    ratio = 2 ** row["log_ratio"]
    comparison = (f"{ratio:.1f} ganger så vanlig her som i generell norsk" if ratio >= 1.05 else
                  "like vanlig her som i generell norsk" if ratio > 0.95 else
                  "sjeldnere her enn i generell norsk")
    parts = [f"{row['count']} ganger ({row['by_question']})",
             f"i {_n_of(row['questions'])} spørsmål og {_n_of(row['groups'])} grupper (spredning {row['spread']:.2f})",
             f"{row['per_1000']:.1f} per 1000 ord her mot {row['reference_per_1000']:.1f} i generell norsk: {comparison}"]
    if row["readings"] > 1:
        parts.append(f"{row['readings']} lesninger ({row['forms']})")
    if flertydig:
        parts.append("står på den publiserte lista over flertydige ord")
    if informativ:
        parts.append("står på den publiserte lista over lite informative ord")
    return "; ".join(parts)


def _n_of(fraction: str) -> str:
    n, total = fraction.split("/")
    return f"{n} av {total}"


def _readings(frame: pd.DataFrame) -> pd.Series:
    lemma_readings = frame.groupby("lower")["lemma"].nunique()
    forms = frame.groupby(["word", "lower"]).size().rename("n").reset_index()
    readings = forms.assign(readings=forms["lower"].map(lemma_readings)).groupby("word")["readings"].max()
    pos_readings = frame[frame["pos"] != ""].groupby("word")["pos"].nunique()
    return readings.add(pos_readings.reindex(readings.index).fillna(1) - 1, fill_value=0).astype(int)


def _words_in(corpus: Corpus) -> int:
    """Running words in the material (before any filter), the base of the per-1,000 rates."""
    return int(corpus.segments["text"].astype(str).map(lambda text: len(_WORD.findall(text))).sum())


def _words_per_cell(corpus: Corpus, cell_of_doc: pd.Series) -> pd.Series:
    per_document = corpus.segments.assign(n=corpus.segments["text"].astype(str).map(
        lambda text: len(_WORD.findall(text)))).groupby("doc_id")["n"].sum()
    return per_document.groupby(cell_of_doc.reindex(per_document.index).to_numpy()).sum()
