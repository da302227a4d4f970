"""Codebook coding: find the themes of a codebook in survey answers and interview turns.

A **codebook** is a YAML file::

    name: Kommunale rus- og psykisk helsetjenester     # optional metadata
    version: "1"                                        # optional
    language: nb/nn                                     # optional
    themes:
      Bolig:
        description: Bolig, bustad, å ha et sted å bo.
        patterns: [bolig*, "*bolig", bustad*, "eget sted å bo"]
        exclude: ["bolig til salgs"]                    # optional

Allowed keys: top level ``name, version, language, categories, themes``; per theme
``description, patterns, exclude, color, parent, review``. Optional extras, kept for QDA
programs (NVivo, MAXQDA, ATLAS.ti via REFI-QDA): ``color`` (``"#1f77b4"``), ``parent`` (the
name of a category or of another theme, for a hierarchy), ``review: true`` (patterns were
suggested automatically, e.g. from an imported codebook, and need a person's check). A
``categories`` mapping names folders that hold themes but code nothing themselves::

    categories:
      Tjenester: {description: Tjenestene kommunen gir, color: "#7f7f7f"}
    themes:
      Oppfølging: {patterns: [oppfølging*], parent: Tjenester}
 The bundled default is
``textanalyse/codebooks/kommunale_rus_og_psykisk_helse.yaml`` (:func:`default_codebook_path`);
copy and edit it.

**Patterns.** A pattern is one or more words separated by spaces. Each word matches a
token when it matches the token's lemma *or* its lowercased form (case does not matter).
A word may start and/or end with ``*`` for Norwegian compounds: ``bolig*`` matches
``boligkontor``, ``*bolig`` matches ``kommunebolig``, ``*bolig*`` matches both; ``*`` is
not allowed inside a word. A multi-word pattern (``lang ventetid``, ``bli hørt``) matches
consecutive word tokens within one segment, each word on lemma or form, so ``ble hørt``
and ``blir hørt`` match ``bli hørt``. Punctuation tokens are skipped, except sentence
punctuation (``. ! ? ; : …``) and line breaks, which end a phrase.

**Exclusions.** ``exclude`` patterns are written the same way. A match of the theme is
cancelled when its tokens all lie inside exclusion matches of that theme (``jobbe med seg
selv`` covers the ``jobbe`` of ``jobb*``, so that passage is not coded as work).

**Units.** Coding is done per segment (a survey answer, or one turn of a transcript), so
a long interview is counted per passage, not as one document that mentions everything.
Within a theme, a match contained in a longer match of the same theme is dropped, and two
patterns matching the same tokens give one row.

Output tables (CSV column names are stable):

- ``CodingResult.coded``: one row per match: ``doc_id, segment, question, theme, matched``
  (the text as written in the segment), ``pattern`` (the codebook pattern), ``start``,
  ``end`` (character offsets into ``segments.text``).
- ``CodingResult.warnings``: ``theme, field, pattern, message``: patterns (``field`` =
  ``patterns`` or ``exclude``) that match nothing in this corpus.
- :func:`theme_summary`: ``question, [group], theme, documents_coded, documents_total,
  share, ci_low, ci_high, passages`` (Wilson interval; ``passages`` = coded segments).
- :func:`cooccurrence`: a square theme × theme table of documents coded with both.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from textanalyse.corpus import column_codes
from textanalyse.errors import UserError

__all__ = [
    "Pattern",
    "Theme",
    "Category",
    "Codebook",
    "CodingResult",
    "default_codebook_path",
    "load_codebook",
    "parse_codebook",
    "code_segments",
    "theme_summary",
    "cooccurrence",
]

TOP_KEYS = ("name", "version", "language", "categories", "themes")
THEME_KEYS = ("description", "patterns", "exclude", "color", "parent", "review")
CATEGORY_KEYS = ("description", "color", "parent")
_COLOUR_RE = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
CODED_COLUMNS = ("doc_id", "segment", "question", "theme", "matched", "pattern", "start", "end")
WARNING_COLUMNS = ("theme", "field", "pattern", "message")
BREAK_FORMS = frozenset({".", "!", "?", ";", ":", "…", "...", "..", "?!", "!?"})
_WORD_RE = re.compile(r"^\*?[^\s*]+\*?$")


def default_codebook_path() -> Path:
    """Path of the bundled codebook for municipal substance-use and mental-health services."""
    return Path(__file__).resolve().parent / "codebooks" / "kommunale_rus_og_psykisk_helse.yaml"


# --------------------------------------------------------------------------- codebook


@dataclass(frozen=True)
class Pattern:
    """One codebook pattern: ``text`` as written, ``words`` lowercased (with ``*``)."""

    text: str
    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Theme:
    name: str
    description: str
    patterns: tuple[Pattern, ...]
    exclude: tuple[Pattern, ...] = ()
    color: str = ""       # "#rrggbb" or "" (QDA programs)
    parent: str = ""      # a category's or another theme's name, "" at the top
    review: bool = False  # patterns were suggested automatically and need checking


@dataclass(frozen=True)
class Category:
    """A folder of themes (a non-codable code in NVivo/MAXQDA/ATLAS.ti)."""

    name: str
    description: str = ""
    color: str = ""
    parent: str = ""


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. ``themes`` keep the file's order; ``source`` names the file."""

    themes: tuple[Theme, ...]
    name: str = ""
    version: str = ""
    language: str = ""
    source: str = "<codebook>"
    categories: tuple[Category, ...] = ()

    @property
    def theme_names(self) -> list[str]:
        return [theme.name for theme in self.themes]


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys in a mapping (PyYAML keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hashable = str(key).strip().casefold()
        except Exception:  # pragma: no cover - exotic keys
            hashable = key
        if hashable in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1, seen[hashable])
        seen[hashable] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first_line: int):
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook YAML file (the bundled default when ``path`` is None).

    Raises :class:`UserError` naming the file and the key for: a missing file, invalid
    YAML, unknown keys (the message lists the allowed ones), duplicate theme names, a theme
    without patterns, and bad patterns (empty, ``**``, ``*`` inside a word, not text).

    Example:
        >>> codebook = load_codebook()
        >>> "Bolig" in codebook.theme_names
        True
    """
    path = Path(path) if path is not None else default_codebook_path()
    label = str(path)
    if not path.is_file():
        raise UserError(f"codebook {label}: file not found; give the path of a YAML codebook")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"codebook {label}: not UTF-8 text; save the file as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except _DuplicateKey as dup:
        raise UserError(_duplicate_message(label, dup)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise UserError(f"codebook {label}: not valid YAML ({problem}{where})") from None
    return parse_codebook(data, source=label)


def _duplicate_message(label: str, dup: _DuplicateKey) -> str:
    if dup.key.strip().casefold() in {k.casefold() for k in TOP_KEYS + THEME_KEYS}:
        return f"codebook {label}: key '{dup.key}' appears twice (lines {dup.first_line} and {dup.line})"
    return (
        f"codebook {label}: duplicate theme name '{dup.key}' (lines {dup.first_line} and "
        f"{dup.line}); give each theme a unique name"
    )


def parse_codebook(data: Any, *, source: str = "<codebook>") -> Codebook:
    """Validate a codebook given as a (YAML-loaded) mapping; see :func:`load_codebook`.

    Example:
        >>> cb = parse_codebook({"themes": {"Bolig": {"description": "", "patterns": ["bolig*"]}}})
        >>> cb.themes[0].patterns[0].words
        ('bolig*',)
    """
    if isinstance(data, Codebook):
        return data
    where = f"codebook {source}"
    if not isinstance(data, dict):
        raise UserError(f"{where}: expected a mapping with a 'themes' key at the top level")
    for key in data:
        if key not in TOP_KEYS:
            raise UserError(f"{where}: unknown key '{key}' at the top level; allowed keys: {', '.join(TOP_KEYS)}")
    themes_data = data.get("themes")
    if not themes_data:
        raise UserError(f"{where}: 'themes' is missing or empty; add at least one theme with patterns")
    if not isinstance(themes_data, dict):
        raise UserError(f"{where}: 'themes' must be a mapping of theme name to description and patterns")
    meta = {}
    for key in ("name", "version", "language"):
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise UserError(f"{where}: '{key}' must be text")
        meta[key] = str(value)

    themes: list[Theme] = []
    seen: dict[str, str] = {}
    for raw_name, body in themes_data.items():
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise UserError(f"{where}: theme name {raw_name!r} must be non-empty text")
        name = raw_name.strip()
        folded = name.casefold()
        if folded in seen:
            raise UserError(f"{where}: duplicate theme name '{name}'; give each theme a unique name")
        seen[folded] = name
        themes.append(_parse_theme(where, name, body))
    categories = _parse_categories(where, data.get("categories"), seen)
    _check_parents(where, themes, categories)
    return Codebook(themes=tuple(themes), source=source, categories=categories, **meta)


def _parse_colour(where: str, owner: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not _COLOUR_RE.match(value.strip()):
        raise UserError(f"{where}: {owner}: 'color' must look like \"#1f77b4\" (quote it in the YAML), got {value!r}")
    return value.strip().lower()


def _parse_parent(where: str, owner: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise UserError(f"{where}: {owner}: 'parent' must be the name of a category or theme")
    return value.strip()


def _parse_categories(where: str, data: Any, theme_names: dict) -> tuple[Category, ...]:
    if data in (None, {}):
        return ()
    if not isinstance(data, dict):
        raise UserError(f"{where}: 'categories' must be a mapping of category name to description, color, parent")
    categories, seen = [], {}
    for raw_name, body in data.items():
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise UserError(f"{where}: category name {raw_name!r} must be non-empty text")
        name = raw_name.strip()
        if name.casefold() in theme_names or name.casefold() in seen:
            raise UserError(f"{where}: category '{name}' has the name of another category or theme; names must differ")
        seen[name.casefold()] = name
        body = {} if body is None else body
        if not isinstance(body, dict):
            raise UserError(f"{where}: category '{name}' must be a mapping with keys {', '.join(CATEGORY_KEYS)}")
        for key in body:
            if key not in CATEGORY_KEYS:
                raise UserError(f"{where}: category '{name}': unknown key '{key}'; allowed keys: {', '.join(CATEGORY_KEYS)}")
        description = body.get("description") or ""
        if not isinstance(description, str):
            raise UserError(f"{where}: category '{name}': 'description' must be text")
        owner = f"category '{name}'"
        categories.append(Category(name=name, description=description.strip(),
                                   color=_parse_colour(where, owner, body.get("color")),
                                   parent=_parse_parent(where, owner, body.get("parent"))))
    return tuple(categories)


def _check_parents(where: str, themes, categories) -> None:
    """Every parent names a category or theme, and following parents never comes back."""
    parents = {item.name: item.parent for item in (*categories, *themes)}
    for item in (*categories, *themes):
        kind = "category" if isinstance(item, Category) else "theme"
        if item.parent and item.parent not in parents:
            raise UserError(f"{where}: {kind} '{item.name}': parent '{item.parent}' is neither a category nor a theme")
        seen, current = {item.name}, item.parent
        while current:
            if current in seen:
                raise UserError(f"{where}: {kind} '{item.name}': its parents form a loop through '{current}'")
            seen.add(current)
            current = parents.get(current, "")


def _parse_theme(where: str, name: str, body: Any) -> Theme:
    if not isinstance(body, dict):
        raise UserError(
            f"{where}: theme '{name}' must be a mapping with keys {', '.join(THEME_KEYS)}"
        )
    for key in body:
        if key not in THEME_KEYS:
            raise UserError(
                f"{where}: theme '{name}': unknown key '{key}'; allowed keys: {', '.join(THEME_KEYS)}"
            )
    description = body.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise UserError(f"{where}: theme '{name}': 'description' must be text")
    patterns = _parse_patterns(where, name, "patterns", body.get("patterns"))
    if not patterns:
        raise UserError(f"{where}: theme '{name}' has no patterns; add at least one under 'patterns'")
    exclude = _parse_patterns(where, name, "exclude", body.get("exclude"))
    review = body.get("review", False)
    if not isinstance(review, bool):
        raise UserError(f"{where}: theme '{name}': 'review' must be true or false")
    owner = f"theme '{name}'"
    return Theme(name=name, description=description.strip(), patterns=patterns, exclude=exclude,
                 color=_parse_colour(where, owner, body.get("color")),
                 parent=_parse_parent(where, owner, body.get("parent")), review=review)


def _parse_patterns(where: str, theme: str, key: str, values: Any) -> tuple[Pattern, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise UserError(f"{where}: theme '{theme}': '{key}' must be a list of patterns")
    out: list[Pattern] = []
    seen: set[tuple[str, ...]] = set()
    for value in values:
        pattern = parse_pattern(value, where=f"{where}: theme '{theme}', {key}")
        if pattern.words not in seen:
            seen.add(pattern.words)
            out.append(pattern)
    return tuple(out)


def parse_pattern(value: Any, *, where: str = "pattern") -> Pattern:
    """Parse one pattern string; raise :class:`UserError` ``"<where>: bad pattern ..."``.

    Example:
        >>> parse_pattern("Lang  ventetid").words
        ('lang', 'ventetid')
    """
    if not isinstance(value, str):
        raise UserError(f"{where}: bad pattern {value!r}: patterns must be text (quote it in the YAML)")
    text = value.strip()
    if not text:
        raise UserError(f"{where}: bad pattern '{value}': empty pattern")
    words = tuple(text.lower().split())
    for word in words:
        if "**" in word:
            raise UserError(f"{where}: bad pattern '{text}': '**' is not allowed; use bolig*, *bolig or *bolig*")
        if not any(ch.isalnum() for ch in word):
            raise UserError(f"{where}: bad pattern '{text}': a word needs at least one letter or digit")
        if not _WORD_RE.match(word):
            raise UserError(
                f"{where}: bad pattern '{text}': '*' may only stand at the start or end of a word"
            )
    return Pattern(text=text, words=words)


# --------------------------------------------------------------------------- matching


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


def _as_codebook(codebook) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    return parse_codebook(codebook)


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
        >>> result = code_segments(corpus, tokens, "min_kodebok.yaml")   # doctest: +SKIP
        >>> result.coded.groupby("theme")["doc_id"].nunique()           # doctest: +SKIP
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
    s_o, e_o = s[order], e[order]
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


# --------------------------------------------------------------------------- summaries


def theme_summary(
    coded: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    group_column: str | None = None,
    themes=None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How many documents mention each theme, per question (and group).

    Args:
        coded: ``CodingResult.coded``.
        documents: ``corpus.documents`` (the denominator: every analysed document;
            non-answers are not documents).
        group_column: a metadata column of ``documents`` to split by (e.g. ``kjønn``).
        themes: theme names (or a :class:`Codebook`) to list even when nothing was coded;
            their order is kept. Default: the coded themes, most frequent first.
        confidence: level of the Wilson interval.

    Returns:
        One row per question × [group] × theme: ``question, [group_column], theme,
        documents_coded`` (documents with at least one match), ``documents_total``,
        ``share`` (coded / total), ``ci_low, ci_high`` (Wilson score interval of the
        share), ``passages`` (coded segments: turns of a transcript, or answers).

    Example:
        >>> theme_summary(result.coded, corpus.documents, group_column="kjønn")  # doctest: +SKIP
    """
    from textanalyse.stats import wilson_interval

    docs = documents.copy()
    if group_column is not None and group_column not in docs.columns:
        available = [c for c in docs.columns if c not in ("doc_id", "respondent", "source", "text")]
        raise UserError(
            f"theme_summary: group column '{group_column}' not found; available: {', '.join(available)}"
        )
    keys = ["question"] + ([group_column] if group_column else [])
    docs["doc_id"] = docs["doc_id"].astype(str)
    for key in keys:
        docs[key] = docs[key].fillna("").astype(str)
    totals = docs.groupby(keys, sort=False).size().rename("documents_total").reset_index()

    if isinstance(themes, Codebook):
        theme_order = themes.theme_names
    elif themes is not None:
        theme_order = [str(t) for t in themes]
    else:
        counts = coded.groupby("theme")["doc_id"].nunique()
        theme_order = sorted(counts.index, key=lambda t: (-counts[t], t))
    extra = [t for t in pd.unique(coded["theme"]) if t not in theme_order] if len(coded) else []
    theme_order = list(theme_order) + sorted(extra)

    c = coded[["doc_id", "segment", "theme"]].copy()
    c["doc_id"] = c["doc_id"].astype(str)
    c["theme"] = c["theme"].astype(str)
    c = c.merge(docs[["doc_id"] + keys], on="doc_id", how="inner")
    docs_coded = c.groupby(keys + ["theme"])["doc_id"].nunique().rename("documents_coded")
    passages = c.drop_duplicates(["doc_id", "segment", "theme"]).groupby(keys + ["theme"]).size().rename("passages")

    grid = totals.merge(pd.DataFrame({"theme": pd.Series(theme_order, dtype=object)}), how="cross")
    for counts in (docs_coded, passages):
        counts = counts.reset_index()
        for key in keys + ["theme"]:
            counts[key] = counts[key].astype(object)
            grid[key] = grid[key].astype(object)
        grid = grid.merge(counts, on=keys + ["theme"], how="left")
    grid["documents_coded"] = grid["documents_coded"].fillna(0).astype(np.int64)
    grid["passages"] = grid["passages"].fillna(0).astype(np.int64)
    grid["documents_total"] = grid["documents_total"].astype(np.int64)
    k = grid["documents_coded"].to_numpy(float)
    n = grid["documents_total"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        grid["share"] = np.where(n > 0, k / n, np.nan)
    if len(grid):
        low, high = wilson_interval(k, n, confidence=confidence)
        grid["ci_low"] = np.asarray(low, dtype=float)
        grid["ci_high"] = np.asarray(high, dtype=float)
    else:
        grid["ci_low"] = pd.Series(dtype=float)
        grid["ci_high"] = pd.Series(dtype=float)

    question_rank = {q: i for i, q in enumerate(pd.unique(docs["question"]))}
    theme_rank = {t: i for i, t in enumerate(theme_order)}
    grid["_q"] = grid["question"].map(question_rank)
    grid["_t"] = grid["theme"].map(theme_rank)
    sort = ["_q"] + ([group_column] if group_column else []) + ["_t"]
    grid = grid.sort_values(sort, kind="mergesort").reset_index(drop=True)
    columns = keys + ["theme", "documents_coded", "documents_total", "share", "ci_low", "ci_high", "passages"]
    return grid[columns]


def cooccurrence(coded: pd.DataFrame, *, themes=None, unit: str = "document") -> pd.DataFrame:
    """Theme × theme counts of documents (or segments) coded with both themes.

    The diagonal holds the number of documents coded with the theme. ``unit`` is
    ``"document"`` (default) or ``"segment"`` (same answer / same interview turn).
    ``themes`` (names or a :class:`Codebook`) fixes the rows and columns and their order.

    Example:
        >>> cooccurrence(result.coded).loc["Bolig", "Økonomi"]   # doctest: +SKIP
        4
    """
    if unit not in ("document", "segment"):
        raise UserError(f"cooccurrence: unit must be 'document' or 'segment', not '{unit}'")
    if isinstance(themes, Codebook):
        names = themes.theme_names
    elif themes is not None:
        names = [str(t) for t in themes]
    else:
        counts = coded.groupby("theme")["doc_id"].nunique() if len(coded) else pd.Series(dtype=int)
        names = sorted(counts.index, key=lambda t: (-counts[t], t))
    c = coded[coded["theme"].isin(names)]
    if unit == "document":
        key = c["doc_id"].astype(str)
    else:
        key = c["doc_id"].astype(str) + "\x1f" + c["segment"].astype(str)
    pairs = pd.DataFrame({"unit": key.to_numpy(), "theme": c["theme"].to_numpy()}).drop_duplicates()
    if len(pairs):
        incidence = pd.crosstab(pairs["unit"], pairs["theme"]).reindex(columns=names, fill_value=0)
        matrix = incidence.T.dot(incidence)
    else:
        matrix = pd.DataFrame(0, index=names, columns=names)
    matrix = matrix.reindex(index=names, columns=names, fill_value=0).astype(np.int64)
    matrix.index.name = "theme"
    matrix.columns.name = None
    return matrix
