"""Codebooks: read a YAML codebook, validate it, and parse its patterns (see :mod:`textanalyse.themes`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from textanalyse.errors import UserError

TOP_KEYS = ("name", "version", "language", "categories", "themes")
THEME_KEYS = ("description", "patterns", "exclude", "color", "parent", "review")
CATEGORY_KEYS = ("description", "color", "parent")
_COLOUR_RE = re.compile(r"^#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_WORD_RE = re.compile(r"^\*?[^\s*]+\*?$")


def default_codebook_path() -> Path:
    """Path of the bundled codebook for municipal substance-use and mental-health services."""
    return Path(__file__).resolve().parents[1] / "codebooks" / "kommunale_rus_og_psykisk_helse.yaml"


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


def _as_codebook(codebook) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    return parse_codebook(codebook)
