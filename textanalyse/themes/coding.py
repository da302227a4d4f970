"""Coding: find a codebook's patterns in the token table, per segment (see :mod:`textanalyse.themes`)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textanalyse.corpus import column_codes
from textanalyse.errors import UserError
from textanalyse.themes.codebook import Codebook, Pattern, _as_codebook

CODED_COLUMNS = ("doc_id", "segment", "question", "theme", "matched", "pattern", "start", "end")
WARNING_COLUMNS = ("theme", "field", "pattern", "message")
BREAK_FORMS = frozenset({".", "!", "?", ";", ":", "…", "...", "..", "?!", "!?"})


class _Vocabulary:
    """Finds which strings of a vocabulary a pattern word matches (exact or wildcard)."""

    def __init__(self, strings):
        self.strings = [str(s).lower() for s in strings]
        self.index: dict[str, list[int]] = {}
        for i, s in enumerate(self.strings):
            self.index.setdefault(s, []).append(i)
        order = sorted(range(len(self.strings)), key=self.strings.__getitem__)
        self.sorted = [self.strings[i] for i in order]
        self.sorted_ids = order
        rorder = sorted(range(len(self.strings)), key=lambda i: self.strings[i][::-1])
        self.rsorted = [self.strings[i][::-1] for i in rorder]
        self.rsorted_ids = rorder

    def match(self, word: str) -> np.ndarray:
        star_start, star_end = word.startswith("*"), word.endswith("*")
        core = word.strip("*")
        if not star_start and not star_end:
            ids = self.index.get(core, [])
        elif star_end and not star_start:
            ids = self.sorted_ids[_prefix_range(self.sorted, core)]
        elif star_start and not star_end:
            ids = self.rsorted_ids[_prefix_range(self.rsorted, core[::-1])]
        else:
            ids = [i for i, s in enumerate(self.strings) if core in s]
        return np.asarray(ids, dtype=np.int64)


def _prefix_range(sorted_strings: list[str], prefix: str) -> slice:
    lo = bisect.bisect_left(sorted_strings, prefix)
    hi = bisect.bisect_left(sorted_strings, prefix + "\U0010ffff")
    return slice(lo, hi)


def word_matches(word: str, candidates) -> list[str]:
    """The candidate strings (e.g. lemmas) that one pattern word matches.

    Example:
        >>> word_matches("*bolig", ["kommunebolig", "boligkontor", "bolig"])
        ['kommunebolig', 'bolig']
    """
    vocab = _Vocabulary(candidates)
    return [vocab.strings[i] for i in sorted(vocab.match(word.lower()).tolist())]


class _TokenMatcher:
    """Boolean masks over the phrase sequence (word tokens + breakers) for pattern words."""

    def __init__(self, seq: pd.DataFrame):
        self.lower_codes, lower_cats = column_codes(seq["lower"])
        self.lemma_codes, lemma_cats = column_codes(seq["lemma"])
        self.lower_vocab = _Vocabulary(list(lower_cats))
        self.lemma_vocab = _Vocabulary(list(lemma_cats))
        self.n = len(seq)
        self.breaker = seq["_breaker"].to_numpy(bool)
        self._cache: dict[str, np.ndarray] = {}

    def word_mask(self, word: str) -> np.ndarray:
        if word not in self._cache:
            lower_hit = np.zeros(len(self.lower_vocab.strings) + 1, dtype=bool)
            lemma_hit = np.zeros(len(self.lemma_vocab.strings) + 1, dtype=bool)
            lower_hit[self.lower_vocab.match(word)] = True
            lemma_hit[self.lemma_vocab.match(word)] = True
            # code -1 (missing) indexes the extra last slot, which stays False
            mask = lower_hit[self.lower_codes] | lemma_hit[self.lemma_codes]
            self._cache[word] = mask & ~self.breaker
        return self._cache[word]

    def spans(self, pattern: Pattern, unit: np.ndarray) -> np.ndarray:
        """Start indices (into the sequence) of matches of ``pattern``."""
        n_words = len(pattern.words)
        if self.n < n_words:
            return np.empty(0, dtype=np.int64)
        length = self.n - n_words + 1
        mask = self.word_mask(pattern.words[0])[:length].copy()
        for offset, word in enumerate(pattern.words[1:], start=1):
            mask &= self.word_mask(word)[offset : offset + length]
        if n_words > 1:
            mask &= unit[:length] == unit[n_words - 1 : n_words - 1 + length]
        return np.flatnonzero(mask)


@dataclass
class CodingResult:
    """Result of :func:`code_segments`: ``coded`` (one row per match) and ``warnings``."""

    coded: pd.DataFrame
    warnings: pd.DataFrame
    codebook: Codebook = field(repr=False, default=None)


def code_segments(corpus, tokens: pd.DataFrame, codebook=None) -> CodingResult:
    """Code every segment of ``corpus`` with the themes of ``codebook``.

    Args:
        corpus: the :class:`~textanalyse.corpus.Corpus` the tokens were annotated from.
        tokens: the full token table from :func:`textanalyse.nlp.annotate` (not the
            filtered one: phrases need their small words, e.g. ``bli hørt``).
        codebook: a :class:`Codebook`, a path to a YAML file, a mapping, or None for the
            bundled default codebook.

    Returns:
        :class:`CodingResult` with ``coded`` (``doc_id, segment, question, theme, matched,
        pattern, start, end``; ordered by document, segment, position, then codebook
        order) and ``warnings`` (``theme, field, pattern, message``) for patterns that
        match nothing in this corpus.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["Fikk bolig fra Boligkontoret.", "God oppfølging."]})
        >>> result = code_segments(corpus, annotate(corpus, pipeline="fast"))
        >>> result.coded[["doc_id", "theme", "matched"]].values.tolist()
        [['R1:bra', 'Bolig', 'bolig'], ['R1:bra', 'Bolig', 'Boligkontoret'], ['R2:bra', 'Oppfølging', 'oppfølging']]
    """
    codebook = _as_codebook(codebook)
    needed = {"doc_id", "segment", "position", "start", "end", "lower", "lemma", "is_word", "form"}
    missing = sorted(needed - set(tokens.columns))
    if missing:
        raise UserError(f"token table: missing column(s) {', '.join(missing)}; pass the table from annotate()")

    tokens = tokens.reset_index(drop=True)
    form = tokens["form"].astype(str)
    is_break = form.str.strip().isin(BREAK_FORMS) | form.str.contains("\n", regex=False)
    keep = tokens["is_word"].to_numpy(bool) | is_break.to_numpy(bool)
    seq = tokens.loc[keep, ["doc_id", "segment", "position", "start", "end", "lower", "lemma"]].copy()
    seq["_breaker"] = is_break.to_numpy(bool)[keep]
    seq = seq.reset_index(drop=True)

    doc_str = seq["doc_id"].astype(str).to_numpy()
    seg_int = seq["segment"].to_numpy(np.int64)
    if len(seq):
        unit = pd.MultiIndex.from_arrays([doc_str, seg_int]).factorize()[0]
    else:
        unit = np.empty(0, dtype=np.int64)
    starts = seq["start"].to_numpy(np.int64)
    ends = seq["end"].to_numpy(np.int64)
    matcher = _TokenMatcher(seq)

    rows = []  # (seq_start, seq_end_inclusive, theme_index, pattern_text)
    warnings = []
    for t_index, theme in enumerate(codebook.themes):
        found = []
        for pattern in theme.patterns:
            hits = matcher.spans(pattern, unit)
            if len(hits) == 0:
                warnings.append(
                    (theme.name, "patterns", pattern.text, f"pattern '{pattern.text}' matches nothing in this material")
                )
                continue
            found.append(
                pd.DataFrame(
                    {"s": hits, "e": hits + len(pattern.words) - 1, "pattern": pattern.text, "order": len(found)}
                )
            )
        if not found:
            continue
        matches = pd.concat(found, ignore_index=True)
        # one row per span: the first pattern in codebook order wins
        matches = matches.sort_values(["s", "e", "order"], kind="mergesort").drop_duplicates(["s", "e"])
        matches = _drop_contained(matches)
        if theme.exclude:
            covered = np.zeros(len(seq), dtype=bool)
            for pattern in theme.exclude:
                hits = matcher.spans(pattern, unit)
                if len(hits) == 0:
                    warnings.append(
                        (theme.name, "exclude", pattern.text, f"exclusion '{pattern.text}' matches nothing in this material")
                    )
                for offset in range(len(pattern.words)):
                    covered[hits + offset] = True
            cum = np.concatenate([[0], np.cumsum(covered)])
            s = matches["s"].to_numpy()
            e = matches["e"].to_numpy()
            fully = (cum[e + 1] - cum[s]) == (e - s + 1)
            matches = matches[~fully]
        matches = matches.assign(theme_index=t_index)
        rows.append(matches)

    question_of = _question_map(corpus)
    text_of = _segment_texts(corpus)
    if rows:
        allm = pd.concat(rows, ignore_index=True).sort_values(["s", "theme_index", "e"], kind="mergesort")
        s = allm["s"].to_numpy()
        e = allm["e"].to_numpy()
        doc = doc_str[s]
        seg = seg_int[s]
        start = starts[s]
        end = ends[e]
        matched = [
            _slice_text(text_of, d, g, a, b) for d, g, a, b in zip(doc, seg, start, end)
        ]
        names = codebook.theme_names
        coded = pd.DataFrame(
            {
                "doc_id": doc.astype(object),
                "segment": seg.astype(np.int64),
                "question": [question_of.get(d, "") for d in doc],
                "theme": [names[i] for i in allm["theme_index"].to_numpy()],
                "matched": matched,
                "pattern": allm["pattern"].to_numpy(object),
                "start": start.astype(np.int64),
                "end": end.astype(np.int64),
            }
        ).reset_index(drop=True)
    else:
        coded = _empty_coded()
    warn_df = pd.DataFrame(warnings, columns=list(WARNING_COLUMNS))
    return CodingResult(coded=coded, warnings=warn_df, codebook=codebook)


def _drop_contained(matches: pd.DataFrame) -> pd.DataFrame:
    """Drop spans strictly inside another span (matches sorted by start, then end)."""
    if len(matches) < 2:
        return matches
    s = matches["s"].to_numpy()
    e = matches["e"].to_numpy()
    # a span is contained if some span starting at or before it ends at or after its end
    # (and is not the same span). Sort by start asc, end desc and track the running max end.
    order = np.lexsort((-e, s))
    e_o = e[order]
    prev_max = np.maximum.accumulate(np.concatenate([[-1], e_o[:-1]]))
    contained = prev_max >= e_o
    keep = np.ones(len(matches), dtype=bool)
    keep[order[contained]] = False
    return matches[keep]


def _question_map(corpus) -> dict[str, str]:
    docs = corpus.documents
    if "question" not in docs.columns:
        return {}
    return dict(zip(docs["doc_id"].astype(str), docs["question"].astype(str)))


def _segment_texts(corpus) -> dict[tuple[str, int], str]:
    seg = corpus.segments
    return dict(zip(zip(seg["doc_id"].astype(str), seg["segment"].astype(int)), seg["text"].astype(str)))


def _slice_text(text_of, doc: str, seg: int, start: int, end: int) -> str:
    text = text_of.get((doc, int(seg)))
    if text is None:
        return ""
    return text[int(start) : int(end)]


def _empty_coded() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": pd.Series(dtype=object),
            "segment": pd.Series(dtype=np.int64),
            "question": pd.Series(dtype=object),
            "theme": pd.Series(dtype=object),
            "matched": pd.Series(dtype=object),
            "pattern": pd.Series(dtype=object),
            "start": pd.Series(dtype=np.int64),
            "end": pd.Series(dtype=np.int64),
        }
    )
