"""Remove non-words, short words and listed words, and report what each filter removed.

Output of :func:`apply_filters` (stable column names):

- ``kept``: the token table restricted to counted tokens, plus ``word`` (the counted unit:
  the lowercased form in exact mode, the lemma in lemma mode, after optional variant folding).
- ``report``: ``filter, reason, tokens_removed, words_removed, words`` — one row per filter in
  the order applied. ``words`` lists the removed words, most frequent first (empty for non-words, which can be
  phone or id numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from textanalyse import validation
from textanalyse.corpus import column_codes
from textanalyse.errors import UserError
from textanalyse.options import UNITS
from textanalyse.resources import stopwords_dir
from textanalyse.wordlists import file_sha256, read_word_list

# The default lists, in the order they are applied, with the reason stated in reports.
DEFAULT_LISTS = {
    "generelle": "svært generelle ord (funksjonsord som jeg, om, det)",
    "flertydige": "ord med flere betydninger (som sette, tatt)",
    "lite_informative": "ord som sier lite om brukerens erfaring (som etter, alltid)",
    "fyllord_transkripsjon": "fyllord i transkripsjoner (som eh, mhm)",
}
REPORT_COLUMNS = ["filter", "reason", "tokens_removed", "words_removed", "words"]


@dataclass(frozen=True)
class StopList:
    """A named word list with the reason it is used and where it came from."""

    name: str
    reason: str
    words: frozenset[str]
    path: str = ""
    sha256: str = ""


@dataclass
class FilterResult:
    kept: pd.DataFrame
    report: pd.DataFrame
    unit: str
    min_length: int
    stoplists: tuple[StopList, ...] = ()
    variants: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["variant", "word", "count"]))
    # {filter name: {word: tokens removed}}: what the report's ``words`` are ordered by (see :func:`narrow`)
    removed: dict = field(default_factory=dict, repr=False, compare=False)


def default_stoplists(names=None) -> list[StopList]:
    """The shipped lists (all four by default, or those named), read from ``stopwords/``.

    Example:
        >>> [s.name for s in default_stoplists()]
        ['generelle', 'flertydige', 'lite_informative', 'fyllord_transkripsjon']
    """
    chosen = list(DEFAULT_LISTS) if names is None else list(names)
    lists = []
    for name in chosen:
        if name not in DEFAULT_LISTS:
            raise UserError(f"unknown default stop list '{name}'; choose from {', '.join(DEFAULT_LISTS)}")
        path = stopwords_dir() / f"{name}.txt"
        lists.append(StopList(name, DEFAULT_LISTS[name], frozenset(read_word_list(path)), str(path), file_sha256(path)))
    return lists


def user_stoplist(path) -> StopList:
    """A user's own list (one word per line, ``#`` comments)."""
    path = Path(path)
    return StopList(path.stem, f"brukerens liste ({path.name})", frozenset(read_word_list(path)), str(path),
                    file_sha256(path))


def apply_filters(tokens: pd.DataFrame, *, unit: str = "lemma", min_length: int = 4, stoplists=None,
                  exclude_words=(), keep_words=(), variants=None) -> FilterResult:
    """Keep the tokens that are counted, and report what each filter removed.

    Args:
        tokens: the token table from :func:`textanalyse.nlp.annotate`.
        unit: ``lemma`` (default: forms grouped under their lemma) or ``exact`` (NVivo's
            lowercased word forms).
        min_length: minimum number of characters of the counted unit (NVivo's "at least 4").
        stoplists: lists to apply; ``None`` means the four shipped lists, ``[]`` none.
        exclude_words: single words to remove as well.
        keep_words: words never removed by a list (e.g. keep ``tid`` if a list has it).
        variants: optional mapping ``{variant: word}`` folding spelling variants
            (``{"oppfølgning": "oppfølging"}``), applied before counting.

    A token is removed by a list when its counted unit *or* its lowercased form is listed, so
    ``tatt`` in a list removes ``tatt`` in lemma mode too.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> tokens = annotate(Corpus.from_answers({"bra": ["Fikk veldig god oppfølging av kontakten."]}),
        ...                   pipeline="fast")
        >>> result = apply_filters(tokens, unit="lemma")
        >>> result.kept["word"].tolist()
        ['oppfølging', 'kontakt']
        >>> result.report[["filter", "tokens_removed"]].values.tolist()[:3]
        [['ikke-ord', 1], ['minstelengde', 3], ['generelle', 0]]
    """
    if unit not in UNITS:
        raise UserError(f"unit '{unit}' is not supported; use {' or '.join(UNITS)}")
    validation.whole_number(min_length, what="--min-length")
    lists = default_stoplists() if stoplists is None else list(stoplists)
    if unit == "exact":
        tokens = split_letter_runs(tokens)
    keep = frozenset(word.lower() for word in keep_words)
    mapping = {str(k).lower(): str(v).lower() for k, v in dict(variants or {}).items()}
    unit_codes, unit_words = column_codes(tokens["lemma" if unit == "lemma" else "lower"])
    original_codes, original_words = unit_codes, unit_words
    if mapping:
        folded = np.array([mapping.get(word, word) for word in unit_words], dtype=object)
        remap, unit_words = pd.factorize(folded)
        unit_words = np.asarray(unit_words, dtype=object)
        unit_codes = remap[unit_codes]
    lower_codes, lower_words = column_codes(tokens["lower"])
    alive = tokens["is_word"].to_numpy(dtype=bool).copy()
    rows = []
    removed_counts = {}

    # Look the (short) lists up in the (long) vocabularies, not the other way round.
    unit_code_of = {word: code for code, word in enumerate(unit_words.tolist())}
    lower_code_of = {word: code for code, word in enumerate(lower_words.tolist())}

    def listed(words: frozenset) -> np.ndarray:
        by_unit = np.zeros(len(unit_words), dtype=bool)
        by_unit[[unit_code_of[word] for word in words if word in unit_code_of]] = True
        by_lower = np.zeros(len(lower_words), dtype=bool)
        by_lower[[lower_code_of[word] for word in words if word in lower_code_of]] = True
        return by_unit[unit_codes] | by_lower[lower_codes]

    def record(name: str, reason: str, removed: np.ndarray, *, list_words: bool = True) -> None:
        counts = np.bincount(unit_codes[removed], minlength=len(unit_words))
        present = np.flatnonzero(counts)
        ordered = _most_frequent_first(zip(unit_words[present], counts[present]))
        if list_words:
            removed_counts[name] = {str(word): int(count) for word, count in ordered}
        rows.append({"filter": name, "reason": reason, "tokens_removed": int(removed.sum()),
                     "words_removed": len(ordered),
                     "words": " ".join(word for word, _ in ordered) if list_words else ""})

    # Non-words are counted but never listed: they include phone numbers and id numbers.
    record("ikke-ord", "tegn uten bokstaver (tall, tegnsetting)", ~alive, list_words=False)
    lengths = np.fromiter((len(word) for word in unit_words), dtype=np.int64, count=len(unit_words))
    short = alive & (lengths[unit_codes] < min_length)
    alive &= ~short
    record("minstelengde", f"kortere enn {min_length} tegn", short)
    kept_by_user = listed(keep) if keep else np.zeros(len(alive), dtype=bool)
    for stoplist in lists:
        removed = alive & listed(stoplist.words) & ~kept_by_user
        alive &= ~removed
        record(stoplist.name, stoplist.reason, removed)
    if exclude_words:
        removed = alive & listed(frozenset(word.lower() for word in exclude_words))
        alive &= ~removed
        record("brukerens ord", "ord valgt bort av brukeren", removed)
    kept = tokens.take(np.flatnonzero(alive))  # a new frame: no second copy is needed to add "word"
    kept["word"] = pd.Categorical.from_codes(unit_codes[alive], categories=pd.Index(unit_words, dtype=object))
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    variant_table = pd.DataFrame(columns=["variant", "word", "count"])
    if mapping:
        counts = np.bincount(original_codes[alive], minlength=len(original_words))
        used = sorted((variant, mapping[variant], int(counts[index]))
                      for index, variant in enumerate(original_words) if variant in mapping and counts[index])
        variant_table = pd.DataFrame(used, columns=["variant", "word", "count"])
    return FilterResult(kept=kept, report=report, unit=unit, min_length=int(min_length), stoplists=tuple(lists),
                        variants=variant_table, removed=removed_counts)


def _most_frequent_first(word_counts) -> list:
    """``(word, count)`` pairs in the report's order: most removed first, ties alphabetical."""
    return sorted(word_counts, key=lambda item: (-item[1], item[0]))


def narrow(result: FilterResult, stoplist: StopList, *, keep_words=()) -> FilterResult:
    """``result`` after words were added to its last stop list: the new version ``stoplist`` (same name).

    The kept tokens the added words remove are dropped and the report's row of that list
    updated: the same result as :func:`apply_filters` with the new list, when that list is the
    last filter applied (no ``exclude_words``), in a fraction of the time on a large material.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> tokens = annotate(Corpus.from_answers({"bra": ["Fikk veldig god oppfølging av kontakten."]}),
        ...                   pipeline="fast")
        >>> before = apply_filters(tokens, stoplists=[StopList("egne", "eget valg", frozenset())])
        >>> after = narrow(before, StopList("egne", "eget valg", frozenset({"kontakt"})))
        >>> after.kept["word"].tolist(), after.report["words"].tolist()[-1]
        (['veldig', 'oppfølging'], 'kontakt')
    """
    last = result.stoplists[-1] if result.stoplists else None
    if last is None or last.name != stoplist.name or not last.words <= stoplist.words:
        raise ValueError("narrow needs the result's last stop list, with words only added")
    kept = result.kept
    added = stoplist.words - last.words
    removed = _member(kept["word"], added) | _member(kept["lower"], added)
    keep = frozenset(word.lower() for word in keep_words)
    if keep:
        removed &= ~(_member(kept["word"], keep) | _member(kept["lower"], keep))
    counts = dict(result.removed.get(stoplist.name, {}))
    for word, count in kept.loc[removed, "word"].astype(str).value_counts().items():
        counts[word] = counts.get(word, 0) + int(count)
    ordered = _most_frequent_first(counts.items())
    report = result.report.copy()
    row = report.index[report["filter"] == stoplist.name][-1]
    report.at[row, "reason"] = stoplist.reason
    report.at[row, "tokens_removed"] = int(report.at[row, "tokens_removed"]) + int(removed.sum())
    report.at[row, "words_removed"] = len(ordered)
    report.at[row, "words"] = " ".join(word for word, _ in ordered)
    kept = kept.loc[~removed]
    variants = result.variants
    if len(variants):   # tokens of a variant the new words removed are no longer folded
        original = kept["lemma" if result.unit == "lemma" else "lower"].astype(str).value_counts()
        variants = variants.assign(count=[int(original.get(v, 0)) for v in variants["variant"]])
        variants = variants[variants["count"] > 0].reset_index(drop=True)
    return FilterResult(kept=kept, report=report, unit=result.unit, min_length=result.min_length,
                        stoplists=(*result.stoplists[:-1], stoplist), variants=variants,
                        removed={**result.removed, stoplist.name: counts})


def _member(column: pd.Series, words: frozenset) -> np.ndarray:
    """Which rows of a (categorical) token column hold one of ``words``."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        flags = np.append(np.asarray(column.cat.categories.isin(list(words))), False)
        return flags[column.cat.codes.to_numpy()]   # code -1 (missing) reads the final False
    return column.astype(str).isin(words).to_numpy()


UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
             "SCONJ", "SYM", "VERB", "X")


def keep_word_classes(kept: pd.DataFrame, pos) -> pd.DataFrame:
    """Only tokens of the given UPOS classes (all tokens when ``pos`` is empty).

    An error when the pipeline tagged no word classes (the fast pipeline tags none).

    Example:
        >>> kept = pd.DataFrame({"word": ["bolig", "god"], "pos": ["NOUN", "ADJ"]})
        >>> keep_word_classes(kept, ["noun"])["word"].tolist()
        ['bolig']
    """
    if not pos:
        return kept
    wanted = {str(tag).strip().upper() for tag in pos}
    unknown = sorted(wanted - set(UPOS_TAGS))
    if unknown:
        raise UserError(f"--pos '{unknown[0]}' is not a word class; use Universal Dependencies tags such as "
                        "NOUN, VERB, ADJ, PROPN")
    if kept is None:
        return kept
    tags = kept["pos"].astype(str)
    if (tags == "").all():
        raise UserError("word classes (pos) need a pipeline that tags them; use --pipeline accurate "
                        "or an installed nb_core_news_* package")
    return kept[tags.isin(wanted).to_numpy()]


def split_letter_runs(tokens: pd.DataFrame) -> pd.DataFrame:
    """One row per run of letters, as NVivo and a plain letter count see words.

    ``Oslo-området`` becomes ``oslo`` and ``området``; ``helse-`` becomes ``helse``. Rows
    keep the token's offsets; ``lower`` holds the letter run. Tokens without letters stay as
    one non-word row.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> tokens = annotate(Corpus.from_answers({"bra": ["Oslo-området"]}), pipeline="fast")
        >>> tokens["lower"].tolist(), split_letter_runs(tokens)["lower"].tolist()
        (['oslo-området'], ['oslo', 'området'])
    """
    lower_codes, lower_words = column_codes(tokens["lower"])
    runs = [_LETTER_RUN.findall(word) or [word] for word in lower_words]
    if all(len(run) == 1 and run[0] == word for run, word in zip(runs, lower_words)):
        return tokens
    counts = np.fromiter((len(run) for run in runs), dtype=np.int64, count=len(runs))[lower_codes]
    rows = np.repeat(np.arange(len(tokens)), counts)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    pieces = np.array([piece for run in runs for piece in run], dtype=object)
    first_piece = np.concatenate([[0], np.cumsum([len(run) for run in runs])[:-1]]).astype(np.int64)
    piece_values = pieces[first_piece[lower_codes[rows]] + within]
    expanded = tokens.iloc[rows].reset_index(drop=True)
    codes, values = pd.factorize(piece_values)
    expanded["lower"] = pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object))
    return expanded


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def suggest_variants(kept: pd.DataFrame, *, min_length: int = 6, min_ratio: float = 5.0) -> pd.DataFrame:
    """Spelling-variant candidates: words one edit away from a word used ``min_ratio`` times more.

    One edit is one letter changed, added, dropped or two neighbours swapped; both words
    start with the same letter and have at least ``min_length`` letters. Returns
    ``variant, word, variant_count, word_count`` (``oppfølgning → oppfølging``) for the
    researcher to review; accepted pairs go to :func:`apply_filters` as ``variants``.
    Nothing is folded automatically.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> answers = ["God oppfølging.", "Oppfølging hjelper.", "Dårlig oppfølgning."]
        >>> kept = apply_filters(annotate(Corpus.from_answers({"bra": answers}), pipeline="fast")).kept
        >>> suggest_variants(kept, min_ratio=2).values.tolist()
        [['oppfølgning', 'oppfølging', 1, 2]]
    """
    counts = kept["word"].astype(object).value_counts()
    words = {word: int(count) for word, count in counts.items() if len(word) >= min_length}
    neighbours: dict[str, set[str]] = {}
    for word in words:
        keys = {word[:i] + "*" + word[i + 1:] for i in range(len(word))}          # one letter changed
        keys |= {word[:i] + word[i + 1:] for i in range(len(word))}              # one letter dropped
        keys |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}  # swap
        keys.add(word)                                                         # meets the drops of longer words
        for key in keys:
            neighbours.setdefault(key, set()).add(word)
    rows = []
    for word, count in words.items():
        keys = {word[:i] + "*" + word[i + 1:] for i in range(len(word))} | {word[:i] + word[i + 1:] for i in range(len(word))}
        keys |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)} | {word}
        candidates = {other for key in keys for other in neighbours.get(key, ()) if other != word}
        candidates = [other for other in candidates if other[0] == word[0] and words[other] >= min_ratio * count]
        if candidates:
            best = min(candidates, key=lambda other: (-words[other], other))
            rows.append((word, best, count, words[best]))
    table = pd.DataFrame(rows, columns=["variant", "word", "variant_count", "word_count"])
    return table.sort_values(["word_count", "word", "variant"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)
