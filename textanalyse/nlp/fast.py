"""The embedded default pipeline: spaCy's Norwegian tokenizer and simplemma lemmas."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, islice
from importlib.metadata import version

import numpy as np
import pandas as pd

# Every code point Python (str.split, str.isspace, the regex \s) counts as whitespace is below U+3001.
_SPACE_TABLE = np.array([chr(code).isspace() for code in range(0x3001)] + [False], dtype=bool)
# Chunks of this shape are split without calling spaCy: optional opening bracket or quote,
# letters, optional closing punctuation. Checked against spaCy's own output on 250k distinct
# chunks of real Norwegian text (tests/test_nlp.py keeps checking a sample).
_SIMPLE_CHUNK = re.compile(r"^([(«\"]*)([^\W\d_]+(?:-[^\W\d_]+)*)([.,!?;:)»\"]*)$")


def fast_pipeline_id() -> str:
    """Name and versions of everything that decides the fast pipeline's output (for caches)."""
    return f"fast:spacy-{version('spacy')}-nb-tokenizer+simplemma-{version('simplemma')}"


# spaCy special cases (emoticons) that look like plain chunks but stay whole; the test
# test_plain_chunks_split_without_spacy_agree_with_every_special_case keeps this list honest.
SPACY_SPECIAL_CASES_OF_SIMPLE_SHAPE = frozenset({"(o:"})


@lru_cache(maxsize=1)
def period_special_cases() -> frozenset[str]:
    """spaCy's Norwegian abbreviations of the shape letters + period (shipped as data)."""
    from importlib import resources

    path = resources.files("textanalyse.nlp") / "data" / "spacy_nb_period_special_cases.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def split_whitespace(text: str) -> tuple[list[str], np.ndarray]:
    """The whitespace-separated chunks of ``text`` (``str.split()``) and their start offsets.

    Example:
        >>> chunks, starts = split_whitespace("  God hjelp,\\n\\ttakk ")
        >>> chunks, starts.tolist()
        (['God', 'hjelp,', 'takk'], [2, 6, 14])
    """
    chunks = text.split()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = _SPACE_TABLE[np.minimum(codes, len(_SPACE_TABLE) - 1)]
    # a chunk starts at a non-space character that is first or follows a space
    starts = np.flatnonzero(~space & np.concatenate(([True], space[:-1])))
    if len(starts) != len(chunks):  # cannot happen: both use Python's one definition of whitespace
        raise RuntimeError("whitespace split and offsets disagree")
    return chunks, starts


def simple_pieces(chunk: str):
    """Tokens of a chunk spaCy would split trivially: ``(pieces, offsets)``, or ``None``.

    Handles opening brackets or quotes, letters (hyphenated compounds stay one token, as in
    spaCy's Norwegian rules), and closing punctuation, one token per mark; everything else
    (digits, ellipses, emoticons, abbreviations such as ``ca.`` or ``St.``) is left to spaCy.
    Checked against spaCy on 488,848 distinct chunks of real Norwegian text. ``tests/test_nlp.py`` checks
    that this agrees with spaCy on every special case of its Norwegian tokenizer.
    """
    if chunk.isalpha():  # most chunks: one plain word, one token (what the pattern below gives)
        return (chunk,), (0,)
    simple = _SIMPLE_CHUNK.match(chunk)
    if simple is None or chunk in SPACY_SPECIAL_CASES_OF_SIMPLE_SHAPE:
        return None
    opening, core, closing = simple.groups()
    # spaCy keeps emoticon-like runs ("):") and ellipses whole: leave those to it
    if closing.count(".") > 1 or (len(closing) > 1 and ":" in closing):
        return None
    # spaCy keeps "St." (capital before the period) and abbreviations such as "ca." whole
    if "." in closing and (not core[-1].islower() or core + "." in period_special_cases()
                           or chunk in period_special_cases()):
        return None
    pieces = (*opening, core, *closing)
    offsets, position = [], 0
    for piece in pieces:
        offsets.append(position)
        position += len(piece)
    return pieces, tuple(offsets)


@lru_cache(maxsize=1)
def spacy_tokenizer():
    """spaCy's Norwegian tokenizer (lexical attributes off: only the token texts are read)."""
    import spacy

    nlp = spacy.blank("nb")
    nlp.vocab.lex_attr_getters = {}
    return nlp.tokenizer


def spacy_pieces(chunks) -> list:
    """``(pieces, offsets)`` for each chunk, by spaCy's tokenizer (whitespace tokens dropped)."""
    tokenizer = spacy_tokenizer()
    result = []
    for doc in tokenizer.pipe(chunks):
        tokens = [token for token in doc if not token.is_space]
        result.append((tuple(token.text for token in tokens), tuple(token.idx for token in tokens)))
    return result


class ChunkTokenizer:
    """spaCy's ``nb`` tokenizer applied once per distinct whitespace-separated chunk.

    spaCy's tokenizer splits on whitespace first and then treats each chunk on its own
    (special cases, prefixes, suffixes, infixes), so caching chunk results gives exactly
    spaCy's tokens while avoiding its per-document overhead. Plain word chunks are split
    here without spaCy; the rest go to ``complex_splitter`` (by default spaCy in this
    process; the annotator passes a forked helper so spaCy loads on the other core).
    """

    def __init__(self, *, complex_splitter=None):
        self.forms: list[str] = []
        self._form_ids: dict[str, int] = {}
        self._complex_splitter = complex_splitter or spacy_pieces
        self._chunk_ids: dict[str, int] = {}
        self._chunk_first: list[int] = []
        self._chunk_count: list[int] = []
        self._flat_forms: list[int] = []
        self._flat_offsets: list[int] = []

    def tokenize(self, texts, *, on_progress=None):
        """Tokenise ``texts``; returns numpy arrays ``text_index, position, start, form_id``.

        The texts are joined by newlines and split into whitespace-separated chunks in C
        (:func:`split_whitespace`); each distinct chunk is tokenised once and given an id, and
        the token arrays are then expanded from chunk ids with numpy.
        """
        return self.finish(self.start(texts), on_progress=on_progress)

    def start(self, texts) -> "StartedTokens":
        """The first half of :meth:`tokenize`: plain chunks are split here, the rest handed over.

        With a ``complex_splitter`` in another process the caller can work meanwhile (detect
        languages, lemmatise the plain words); :meth:`finish` takes the result.
        """
        if not texts:
            return StartedTokens(texts=texts)
        joined = "\n".join(texts)
        chunks, chunk_offsets = split_whitespace(joined)
        # Distinct chunks in order of first appearance (as dict.fromkeys), hashed in C.
        codes, distinct = pd.factorize(np.array(chunks, dtype=object), sort=False)
        distinct = distinct.tolist()
        known_forms = len(self.forms)
        simple, complex_chunks = [], []
        for chunk in distinct:  # in order of first appearance: form ids are reproducible
            if chunk in self._chunk_ids:
                continue
            pieces = simple_pieces(chunk) if chunk else ((), ())
            if pieces is None:
                complex_chunks.append(chunk)
            else:
                simple.append((chunk, pieces))
        pending = self._complex_splitter(complex_chunks) if complex_chunks else []
        self._register([chunk for chunk, _ in simple], [pieces for _, pieces in simple])
        return StartedTokens(texts=texts, chunk_offsets=chunk_offsets, codes=codes, distinct=distinct,
                             complex_chunks=complex_chunks, pending=pending,
                             plain_forms=self.forms[known_forms:])

    def finish(self, started: "StartedTokens", *, on_progress=None):
        """The second half of :meth:`tokenize`: the handed-over chunks, then the token arrays."""
        texts = started.texts
        if not texts:
            empty = np.zeros(0, dtype=np.int32)
            return empty, empty, empty, empty
        pending = started.pending
        self._register(started.complex_chunks, pending.get() if hasattr(pending, "get") else pending)
        chunk_ids = np.fromiter(map(self._chunk_ids.__getitem__, started.distinct), dtype=np.int64,
                                count=len(started.distinct))[started.codes]
        first, count = np.asarray(self._chunk_first, dtype=np.int64), np.asarray(self._chunk_count, dtype=np.int64)
        flat_forms = np.asarray(self._flat_forms, dtype=np.int64)
        flat_offsets = np.asarray(self._flat_offsets, dtype=np.int64)
        counts = count[chunk_ids]
        total = int(counts.sum())
        ends = np.cumsum(counts)
        within = np.arange(total, dtype=np.int64) - np.repeat(ends - counts, counts)
        flat = np.repeat(first[chunk_ids], counts) + within
        form_ids = flat_forms[flat].astype(np.int32)
        starts = np.repeat(started.chunk_offsets, counts) + flat_offsets[flat]
        text_starts = np.concatenate(([0], np.cumsum(np.fromiter((len(t) + 1 for t in texts), dtype=np.int64))[:-1]))
        text_index = (np.searchsorted(text_starts, starts, side="right") - 1).astype(np.int32)
        starts = (starts - text_starts[text_index]).astype(np.int32)
        per_text = np.bincount(text_index, minlength=len(texts))
        first_of_text = np.repeat(np.cumsum(per_text) - per_text, per_text)
        positions = (np.arange(total, dtype=np.int64) - first_of_text).astype(np.int32)
        if on_progress is not None:
            on_progress(len(texts))
        return text_index, positions, starts, form_ids

    def _register(self, chunks: list[str], pieces: list) -> None:
        """Give each chunk an id and each new piece a form id, in order of appearance."""
        form_ids, known = self._form_ids, len(self._form_ids)
        counts = [len(texts) for texts, _ in pieces]
        # setdefault's default is the next id, so a new form gets len(forms) as a form_id call would
        ids = [form_ids.setdefault(text, len(form_ids)) for texts, _ in pieces for text in texts]
        self.forms.extend(islice(form_ids, known, None))
        first = len(self._chunk_first)
        self._chunk_ids.update(zip(chunks, range(first, first + len(chunks))))
        self._chunk_first.extend(accumulate(counts[:-1], initial=len(self._flat_forms)) if counts else ())
        self._chunk_count.extend(counts)
        self._flat_forms.extend(ids)
        self._flat_offsets.extend(offset for _, offsets in pieces for offset in offsets)


@dataclass
class StartedTokens:
    """Tokenising begun by :meth:`ChunkTokenizer.start`; ``plain_forms``: new forms of the plain chunks."""

    texts: list
    chunk_offsets: np.ndarray | None = None
    codes: np.ndarray | None = None
    distinct: list = field(default_factory=list)
    complex_chunks: list = field(default_factory=list)
    pending: object = None
    plain_forms: list = field(default_factory=list)


def lemmatize_forms(lowers, langs) -> list[str]:
    """simplemma lemmas (lowercased) for parallel lists of lowercased forms and languages.

    Compounds simplemma does not know are lemmatised by their head, the longest known
    final part: ``ruskonsulenten`` → ``rus`` + ``konsulent``. Norwegian writes compounds as
    one word, so service names like this are common in survey answers and rare in
    dictionaries.

    Example:
        >>> lemmatize_forms(["ruskonsulenten", "samtaler"], ["nb", "nb"])
        ['ruskonsulent', 'samtale']
    """
    import simplemma

    dictionaries, knowers = {}, {}
    lemmas = []
    for lower, lang in zip(lowers, langs):
        if not any(ch.isalpha() for ch in lower):
            lemmas.append(lower)
            continue
        bare = lower.strip("-")  # "helse-" in "helse- og omsorg" is the word helse
        if lang not in dictionaries:
            dictionaries[lang], knowers[lang] = _simplemma_dictionary(lang), _word_knower(lang)
        lemma = (dictionaries[lang].get(bare or lower) or simplemma.lemmatize(bare or lower, lang=lang)).lower()
        if lemma == lower and len(lower) >= 8 and lower.isalpha() and not knowers[lang](lower):
            lemma = _lemmatize_by_head(lower, lang, simplemma)
        lemmas.append(lemma)
    return lemmas


@lru_cache(maxsize=4)
def _word_knower(lang: str):
    """``simplemma.is_known(word, lang=lang)`` as a function, by two dictionary probes where that is exact.

    For a lowercase, letters-only word in NFC (every word the compound search asks about),
    ``is_known`` looks the word up in the language's dictionary, then its capitalised form,
    and nothing else (no apostrophes to vary, no canonical folding outside a few languages).
    Probing simplemma's bytes table directly gives the same answer at a third of the cost;
    the compound search asks about every tail of every long unknown word (65,471 questions
    on a million words of reviews, in the annotation's critical path). Any other word, or
    simplemma internals that moved, go to ``is_known`` itself; ``tests/test_nlp.py`` checks
    the equality.
    """
    import unicodedata

    import simplemma

    def is_known(word: str) -> bool:
        return simplemma.is_known(word, lang=lang)

    try:
        from simplemma.utils import CANON_LANGS

        table = _simplemma_dictionary(lang)._dict
    except (ImportError, AttributeError):
        return is_known
    if lang in CANON_LANGS or lang == "hy" or not isinstance(table, dict):
        return is_known

    def knows(word: str) -> bool:
        if (not word.isalpha() or word[:1].isupper() or "ʼ" in word   # ʼ is a letter to isalpha, an apostrophe to simplemma
                or not unicodedata.is_normalized("NFC", word)):
            return is_known(word)
        return table.get(word.encode()) is not None or table.get(word.capitalize().encode()) is not None

    return knows


@lru_cache(maxsize=4)
def _simplemma_dictionary(lang: str):
    """simplemma's own form → lemma table, read directly.

    For a lowercased word the dictionary hit is exactly what ``simplemma.lemmatize`` returns
    (its first strategy), at a third of the cost; misses still go through simplemma's full
    chain. ``tests/test_nlp.py`` checks the equality. Falls back to an empty table if
    simplemma's internals move.
    """
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY

        return DEFAULT_DICTIONARY_FACTORY.get_dictionary(lang)
    except (ImportError, AttributeError, KeyError, ValueError):
        return {}


def _lemmatize_by_head(word: str, lang: str, simplemma) -> str:
    is_known = _word_knower(lang)
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if is_known(head):
            head_lemma = simplemma.lemmatize(head, lang=lang).lower()
            return word[:cut] + head_lemma if head_lemma.isalpha() else word
    return word
