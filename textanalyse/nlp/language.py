"""Tell Bokmål from Nynorsk per respondent, and say why.

Survey answers are short (median about seven words), so a single answer rarely holds enough
function words to decide. Three things make the decision robust:

- a classifier trained on the Norwegian Dependency Treebank (``scripts/train_language.py``):
  logistic regression on words and character n-grams, shipped as a word table and an n-gram
  table (weights only, no text). A text's score is a sum of per-word scores, so pooling a
  respondent's answers (or an informant's turns) is a sum too;
- forms that exist only in Nynorsk (``eg, ikkje, kva, korleis, heime, bustad, fekk, meir …``)
  or only in Bokmål (``jeg, ikke, hva, hvordan, hjemme, fikk, mer …``) add extra evidence;
- a respondent whose evidence stays weak gets the language of the material's majority.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from itertools import repeat
from importlib import resources

import numpy as np
import pandas as pd

WORD_PATTERN = re.compile(r"[^\W\d_]+")
# The first characters of a respondent's pooled text settle it; long documents need not be read.
SAMPLE_CHARACTERS = 1500
# Below this absolute score (log-odds) the evidence counts as weak (on the UD dev sentences, 95 % of
# single sentences scoring at least 3 are right, 76 % of those scoring 1.5-2).
CONFIDENT_SCORE = 3.0
# Log-odds added per Nynorsk-only (+) or Bokmål-only (−) form, on top of the classifier.
MARKER_WEIGHT = 1.5
NYNORSK_ONLY = frozenset(
    "eg ikkje kva korleis kvifor kven kvar heime bustad bustaden bustader bustadene fekk meir ein eit "
    "kjem seier no noko nokon nokre berre ho vore frå mykje vart eigen eiga sjølv dykk dei deira "
    "gjekk gjere vere korkje kjenner saman fleire eitt heilt medan sidan".split()
)
BOKMAL_ONLY = frozenset(
    "jeg ikke hva hvordan hvorfor hvem hver hjemme fikk mer kommer sier nå noe noen bare hun vært fra "
    "mye ble egen selv dere deres gikk gjøre være hos sammen flere mens siden".split()
)
MARKERS = NYNORSK_ONLY | BOKMAL_ONLY
LANGUAGE_NAMES = {"nb": "bokmål", "nn": "nynorsk"}
# Reasons start with one of these words, so a table of reasons can be summarised by basis.
BASIS_FIXED, BASIS_CLASSIFIER, BASIS_MAJORITY = "fastsatt", "gjenkjent", "svakt grunnlag"


def char_ngrams(word: str) -> list[str]:
    """Character 2-4-grams of a lowercased word with boundary marks (the classifier's features).

    Example:
        >>> char_ngrams("eg")
        [' e', 'eg', 'g ', ' eg', 'eg ', ' eg ']
    """
    padded = f" {word} "
    return [padded[i:i + n] for n in (2, 3, 4) for i in range(len(padded) - n + 1)]


class _WordScores(dict):
    """Word → score; a word not in the table is scored by its character n-grams once, then kept."""

    def __init__(self, grams: dict[str, float]):
        super().__init__()
        self.grams = grams

    def __missing__(self, word: str) -> float:
        # map() keeps the look-ups in C; the same values summed in the same order as a generator would
        score = self[word] = sum(map(self.grams.get, char_ngrams(word), repeat(0.0)))
        return score

    def add_words(self, words) -> None:
        """Score every word not in the table at once (numpy), exactly as one by one would."""
        unknown = [word for word in words if word not in self]
        if unknown:
            if not hasattr(self, "tables"):
                self.tables = _gram_tables(self.grams)
            self.update(zip(unknown, _ngram_scores(unknown, self.grams, self.tables).tolist()))


# Gram characters are coded in 9 bits (a 4-gram in 36): the shipped n-grams use code points below
# 256; any other character becomes OTHER, which no gram holds, so such a gram scores 0 as before.
_OTHER = 0x1FF


def _ngram_scores(words: list[str], grams: dict[str, float], tables) -> np.ndarray:
    """``sum(grams.get(g, 0.0) for g in char_ngrams(word))`` for every word, by numpy.

    The weights are added in the same order (2-grams, 3-grams, 4-grams, left to right) and
    positions past a word's end add 0.0, which leaves a float unchanged: the sums are the
    same numbers to the last bit.
    """
    if tables is None:  # grams with other characters: score one by one
        return np.array([sum(grams.get(gram, 0.0) for gram in char_ngrams(word)) for word in words], dtype=float)
    padded = [f" {word} " for word in words]
    lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
    order = np.argsort(-lengths, kind="stable")  # longest first: the words long enough for a gram are a prefix
    lengths = lengths[order]
    width = int(lengths[0])
    text = "".join(padded[i].ljust(width, "\x00") for i in order.tolist()).encode("utf-32-le", "surrogatepass")
    codes = np.minimum(np.frombuffer(text, dtype=np.uint32).reshape(len(words), width), _OTHER).astype(np.int64)
    sorted_scores = np.zeros(len(words), dtype=float)
    for n, (keys, weights) in tables.items():
        if not len(keys):
            continue
        for start in range(width - n + 1):
            rows = int(np.count_nonzero(lengths >= start + n))
            key = codes[:rows, start]
            for offset in range(1, n):
                key = key | (codes[:rows, start + offset] << (9 * offset))
            place = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            sorted_scores[:rows] += np.where(keys[place] == key, weights[place], 0.0)
    scores = np.empty(len(words), dtype=float)
    scores[order] = sorted_scores
    return scores


def _gram_tables(grams: dict[str, float]):
    """Per gram length: sorted 9-bit-coded keys and their weights (``None`` if a code does not fit)."""
    tables = {}
    for n in (2, 3, 4):
        items = [(gram, weight) for gram, weight in grams.items() if len(gram) == n]
        if any(ord(char) >= _OTHER for gram, _ in items for char in gram):
            return None
        keys = np.array([sum(ord(char) << (9 * i) for i, char in enumerate(gram)) for gram, _ in items], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        tables[n] = (keys[order], np.array([weight for _, weight in items], dtype=float)[order])
    return tables


@lru_cache(maxsize=1)
def _model() -> tuple[float, _WordScores]:
    path = resources.files("textanalyse.nlp") / "data" / "language_weights.tsv.gz"
    bias, grams = 0.0, {}
    words = _WordScores(grams)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            kind, key, value = line.rstrip("\n").split("\t")
            if kind == "w":
                words[key] = float(value)
            elif kind == "c":
                grams[key] = float(value)
            else:
                bias = float(value)
    for word in NYNORSK_ONLY:
        words[word] = words.get(word, 0.0) + MARKER_WEIGHT
    for word in BOKMAL_ONLY:
        words[word] = words.get(word, 0.0) - MARKER_WEIGHT
    return bias, words


def _word_scores(words: list[str]) -> float:
    return sum(map(_model()[1].__getitem__, words))


def language_score(text: str) -> float:
    """Log-odds that ``text`` is Nynorsk (positive) rather than Bokmål (negative).

    Example:
        >>> language_score("Bustaden eg har fått er bra.") > 0 > language_score("Boligen jeg har fått er bra.")
        True
    """
    bias = _model()[0]
    return bias + _word_scores(WORD_PATTERN.findall(text[:SAMPLE_CHARACTERS].lower()))


def detect_language(text: str) -> str:
    """``"nn"`` or ``"nb"`` for one text on its own (no pooling, no majority fallback).

    Example:
        >>> detect_language("Meir hjelp til å finne seg arbeid."), detect_language("Jeg fikk ikke hjelp.")
        ('nn', 'nb')
    """
    return "nn" if language_score(text) > 0 else "nb"


def decide_languages(documents: pd.DataFrame, *, language: str = "auto", unit: str = "respondenten") -> pd.DataFrame:
    """``doc_id, lang, lang_reason`` per document: pooled per respondent, weak evidence → majority.

    A document that settles its language on its own keeps it; otherwise all the texts of its
    respondent (informant) are scored together; if that is still weak, the language of most
    confident respondents in the material is used. ``documents`` needs ``doc_id``, ``respondent`` and ``text``; a document without a respondent
    is its own pool. ``lang_reason`` is a Norwegian sentence for the report and starts with its
    basis (``fastsatt``, ``gjenkjent`` or ``svakt grunnlag``); ``unit`` names the pool in it
    (``informanten`` for transcripts).

    Example:
        >>> docs = pd.DataFrame({"doc_id": ["1:bra", "1:darlig", "2:bra", "3:bra"],
        ...     "respondent": ["1", "1", "2", "3"],
        ...     "text": ["Bustaden eg fekk er bra.", "Lang ventetid.", "Jeg fikk ikke hjelp.", "Bra."]})
        >>> decide_languages(docs)["lang"].tolist()
        ['nn', 'nn', 'nb', 'nb']
    """
    doc_ids = documents["doc_id"].astype(str).to_numpy(dtype=object)
    if language in ("nb", "nn"):
        reason = f"{BASIS_FIXED}: {LANGUAGE_NAMES[language]} valgt for hele materialet"
        return pd.DataFrame({"doc_id": doc_ids, "lang": language, "lang_reason": reason})
    if language != "auto":
        from textanalyse.errors import UserError

        raise UserError(f"language '{language}' is not supported; use auto, nb or nn")
    respondents = documents["respondent"].astype(str).where(documents["respondent"].astype(str) != "",
                                                            "\x00" + documents["doc_id"].astype(str))
    pool_codes, pools = pd.factorize(respondents, sort=False)
    bias = _model()[0]
    doc_scores, doc_words, doc_markers = _document_evidence(documents["text"].astype(str).tolist())
    pool_scores = bias + np.bincount(pool_codes, weights=doc_scores - bias, minlength=len(pools))
    pool_words = np.bincount(pool_codes, weights=doc_words, minlength=len(pools)).astype(np.int64)
    pool_sure = np.abs(pool_scores) >= CONFIDENT_SCORE
    n_nn, n_nb = int(np.sum(pool_sure & (pool_scores > 0))), int(np.sum(pool_sure & (pool_scores < 0)))
    if n_nn != n_nb:
        majority, majority_basis = ("nn" if n_nn > n_nb else "nb"), f"{max(n_nn, n_nb)} av {n_nn + n_nb} sikre"
    else:  # no confident respondent, or a tie: the whole material as one pool
        majority = "nn" if float(np.sum(pool_scores)) > 0 else "nb"
        majority_basis = "hele materialet samlet"
    pool_markers: list[list[str]] = [[] for _ in range(len(pools))]
    for pool, found in zip(pool_codes.tolist(), doc_markers):
        pool_markers[pool].extend(word for word in found if word not in pool_markers[pool])

    def evidence(score, words, found, where):
        return f"{score:+.1f} over {words} ord {where}" + (f"; {', '.join(found[:4])}" if found else "")

    pool_reasons = []
    for score, words, found, sure in zip(pool_scores, pool_words, pool_markers, pool_sure):
        if sure:
            lang = "nn" if score > 0 else "nb"
            pool_reasons.append((lang, f"{BASIS_CLASSIFIER}: {LANGUAGE_NAMES[lang]} "
                                       f"({evidence(score, words, found, 'fra ' + unit)})"))
        else:
            pool_reasons.append((majority, f"{BASIS_MAJORITY} ({evidence(score, words, found, 'fra ' + unit)}): "
                                           f"materialets flertall, {LANGUAGE_NAMES[majority]} ({majority_basis})"))
    langs, reasons = [], []
    for score, words, found, pool in zip(doc_scores, doc_words, doc_markers, pool_codes.tolist()):
        if abs(score) >= CONFIDENT_SCORE:  # an answer that settles it on its own keeps its own language
            lang = "nn" if score > 0 else "nb"
            reason = f"{BASIS_CLASSIFIER}: {LANGUAGE_NAMES[lang]} ({evidence(score, words, found, 'i teksten')})"
        else:
            lang, reason = pool_reasons[pool]
        langs.append(lang)
        reasons.append(reason)
    return pd.DataFrame({"doc_id": doc_ids, "lang": langs, "lang_reason": reasons})


def _document_evidence(texts: list[str]):
    """Score, word count and marker forms found, per text (its first characters)."""
    bias, table = _model()
    score_of = table.__getitem__
    findall, intersection = WORD_PATTERN.findall, MARKERS.intersection
    scores, n_words, markers = [], [], []
    word_lists = [findall(text[:SAMPLE_CHARACTERS].lower()) for text in texts]
    table.add_words(set().union(*word_lists))
    for words in word_lists:
        scores.append(bias + sum(map(score_of, words)))
        n_words.append(len(words))
        found = intersection(words)
        markers.append(sorted(found) if found else ())
    return np.asarray(scores, dtype=float), np.asarray(n_words, dtype=np.int64), markers


def language_basis(reasons: pd.Series) -> pd.Series:
    """The basis word of each reason (``fastsatt``, ``gjenkjent``, ``svakt grunnlag``).

    Example:
        >>> language_basis(pd.Series(["gjenkjent: nynorsk (+4.1 over 6 ord fra respondenten)"])).tolist()
        ['gjenkjent']
    """
    return reasons.astype(str).str.extract(f"^({BASIS_FIXED}|{BASIS_CLASSIFIER}|{BASIS_MAJORITY})",
                                           expand=False).fillna("")


def language_summary(decisions: pd.DataFrame) -> pd.DataFrame:
    """``lang, basis, documents``: how many documents got each language on which basis.

    Example:
        >>> language_summary(pd.DataFrame({"lang": ["nn", "nn", "nb"], "lang_reason": [
        ...     "gjenkjent: nynorsk (...)", "svakt grunnlag (...)", "gjenkjent: bokmål (...)"]}))
          lang           basis  documents
        0   nb       gjenkjent          1
        1   nn       gjenkjent          1
        2   nn  svakt grunnlag          1
    """
    table = pd.DataFrame({"lang": decisions["lang"].astype(str), "basis": language_basis(decisions["lang_reason"])})
    counts = table.groupby(["lang", "basis"], sort=True).size().rename("documents").reset_index()
    return counts.astype({"documents": int})
