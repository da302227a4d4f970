"""The embedded default pipeline: spaCy's Norwegian tokenizer and simplemma lemmas."""

from __future__ import annotations

import re
from array import array
from importlib.metadata import version

import numpy as np

_CHUNK = re.compile(r"\S+")
# Chunks of this shape are split without calling spaCy: optional opening bracket or quote,
# letters, optional closing punctuation. Checked against spaCy's own output on 250k distinct
# chunks of real Norwegian text (tests/test_nlp.py keeps checking a sample).
_SIMPLE_CHUNK = re.compile(r"^([(«\"]?)([^\W\d_]+)([.,!?;:)»\"]?)$")


def fast_pipeline_id() -> str:
    """Name and versions of everything that decides the fast pipeline's output (for caches)."""
    return f"fast:spacy-{version('spacy')}-nb-tokenizer+simplemma-{version('simplemma')}"


class ChunkTokenizer:
    """spaCy's ``nb`` tokenizer applied once per distinct whitespace-separated chunk.

    spaCy's tokenizer splits on whitespace first and then treats each chunk on its own
    (special cases, prefixes, suffixes, infixes), so caching chunk results gives exactly
    spaCy's tokens while avoiding its per-document overhead, which dominates on short answers.
    """

    def __init__(self):
        import spacy

        nlp = spacy.blank("nb")
        # Lexical attributes (shape, like_num, ...) are never read here; skipping them
        # makes each new string cheaper without changing the tokens.
        nlp.vocab.lex_attr_getters = {}
        self._tokenizer = nlp.tokenizer
        self._special_cases = frozenset(nlp.tokenizer.rules)
        self.forms: list[str] = []
        self._form_ids: dict[str, int] = {}
        self._chunks: dict[str, tuple] = {}

    def form_id(self, form: str) -> int:
        found = self._form_ids.get(form)
        if found is None:
            found = self._form_ids[form] = len(self.forms)
            self.forms.append(form)
        return found

    def _split_chunk(self, chunk: str) -> tuple:
        simple = _SIMPLE_CHUNK.match(chunk)
        if simple and chunk not in self._special_cases:
            opening, core, closing = simple.groups()
            # spaCy keeps "St." or "ca." whole: a final period after a capital or an abbreviation.
            if not (closing == "." and (not core[-1].islower() or core + "." in self._special_cases)):
                pieces = [piece for piece in (opening, core, closing) if piece]
                offsets, position = [], 0
                for piece in pieces:
                    offsets.append(position)
                    position += len(piece)
                return tuple(self.form_id(piece) for piece in pieces), tuple(offsets)
        doc = self._tokenizer(chunk)
        if len(doc) == 1:
            return (self.form_id(chunk),), (0,)
        return tuple(self.form_id(t.text) for t in doc), tuple(t.idx for t in doc)

    def tokenize(self, texts, *, on_progress=None):
        """Tokenise ``texts``; returns numpy arrays ``text_index, position, start, form_id``."""
        starts, form_ids = array("i"), array("i")
        counts = np.zeros(len(texts), dtype=np.int64)
        chunks = self._chunks
        split = self._split_chunk
        add_ids, add_start, add_starts = form_ids.extend, starts.append, starts.extend
        for number, text in enumerate(texts):
            before = len(form_ids)
            for match in _CHUNK.finditer(text):
                piece = match.group()
                found = chunks.get(piece)
                if found is None:
                    found = chunks[piece] = split(piece)
                ids, offsets = found
                add_ids(ids)
                if len(ids) == 1:
                    add_start(match.start())
                else:
                    base = match.start()
                    add_starts([base + offset for offset in offsets])
            counts[number] = len(form_ids) - before
            if on_progress is not None and number % 2000 == 1999:
                on_progress(2000)
        text_index = np.repeat(np.arange(len(texts), dtype=np.int32), counts)
        first_of_text = np.repeat(np.cumsum(counts) - counts, counts)
        positions = (np.arange(len(text_index), dtype=np.int64) - first_of_text).astype(np.int32)
        return (text_index, positions, np.frombuffer(starts, dtype=np.int32).copy(),
                np.frombuffer(form_ids, dtype=np.int32).copy())


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

    dictionaries = {}
    lemmas = []
    for lower, lang in zip(lowers, langs):
        if not any(ch.isalpha() for ch in lower):
            lemmas.append(lower)
            continue
        bare = lower.strip("-")  # "helse-" in "helse- og omsorg" is the word helse
        if lang not in dictionaries:
            dictionaries[lang] = _simplemma_dictionary(lang)
        lemma = (dictionaries[lang].get(bare or lower) or simplemma.lemmatize(bare or lower, lang=lang)).lower()
        if lemma == lower and len(lower) >= 8 and lower.isalpha() and not simplemma.is_known(lower, lang=lang):
            lemma = _lemmatize_by_head(lower, lang, simplemma)
        lemmas.append(lemma)
    return lemmas


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
    for cut in range(3, len(word) - 3):
        head = word[cut:]
        if simplemma.is_known(head, lang=lang):
            head_lemma = simplemma.lemmatize(head, lang=lang).lower()
            return word[:cut] + head_lemma if head_lemma.isalpha() else word
    return word
