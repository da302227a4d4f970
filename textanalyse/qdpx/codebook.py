"""Codebooks between textanalyse and QDA programs: code trees, ``.qdc`` files and our YAML.

A theme becomes a codable code whose description holds the theme's description and its
patterns (``Mønstre: bolig*, *bolig``), so a codebook that went through NVivo comes back
with its patterns. A category becomes a non-codable code (a folder). Codes that come back
without patterns get patterns suggested from their names, marked ``review: true``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from lxml import etree

from textanalyse.errors import UserError
from textanalyse.qdpx.ids import Guids, palette_colour
from textanalyse.qdpx.model import Code, walk_codes
from textanalyse.qdpx.write import CODEBOOK_NS, code_element, serialise
from textanalyse.themes import Codebook, parse_codebook

PATTERNS_LABEL = "Mønstre"
REVIEW_LABEL = "Mønstre (foreslått, må sjekkes)"
EXCLUDE_LABEL = "Unntak"
_PATTERN_LINE = re.compile(rf"^(?P<label>{re.escape(REVIEW_LABEL)}|{PATTERNS_LABEL}|Patterns|{EXCLUDE_LABEL}|Exclude)"
                           r"\s*:\s*(?P<rest>.*)$", re.IGNORECASE)


def theme_description(theme) -> str:
    """A theme's description with its patterns, as a QDA program shows it.

    Example:
        >>> from textanalyse.themes import parse_codebook
        >>> book = parse_codebook({"themes": {"Bolig": {"description": "Å ha et sted å bo.",
        ...                                             "patterns": ["bolig*", "bustad*"]}}})
        >>> print(theme_description(book.themes[0]))
        Å ha et sted å bo.
        <BLANKLINE>
        Mønstre: bolig*, bustad*
    """
    lines = [f"{REVIEW_LABEL if theme.review else PATTERNS_LABEL}: {', '.join(p.text for p in theme.patterns)}"]
    if theme.exclude:
        lines.append(f"{EXCLUDE_LABEL}: {', '.join(p.text for p in theme.exclude)}")
    return "\n\n".join(part for part in (theme.description, "\n".join(lines)) if part)


def split_description(text: str) -> tuple[str, list[str], list[str], bool]:
    """``(description, patterns, exclude, review)`` from a code's description.

    Example:
        >>> split_description("Å ha et sted å bo.\\n\\nMønstre: bolig*, bustad*\\nUnntak: bolig til salgs")
        ('Å ha et sted å bo.', ['bolig*', 'bustad*'], ['bolig til salgs'], False)
    """
    kept, patterns, exclude, review = [], [], [], False
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _PATTERN_LINE.match(line.strip())
        if not match:
            kept.append(line)
            continue
        values = [value.strip() for value in match.group("rest").split(",") if value.strip()]
        label = match.group("label").lower()
        if label in (EXCLUDE_LABEL.lower(), "exclude"):
            exclude += values
        else:
            patterns += values
            review = review or label == REVIEW_LABEL.lower()
    return "\n".join(kept).strip(), patterns, exclude, review


def codebook_codes(codebook: Codebook, guids: Guids) -> list[Code]:
    """The codebook as a code tree: categories as folders, themes as codes, nested by ``parent``.

    Example:
        >>> book = parse_codebook({"categories": {"Tjenester": {}},
        ...     "themes": {"Bolig": {"patterns": ["bolig*"], "parent": "Tjenester"}}})
        >>> [(c.name, c.codable, [k.name for k in c.children]) for c in codebook_codes(book, Guids("x"))]
        [('Tjenester', False, ['Bolig'])]
    """
    nodes: dict[str, Code] = {}
    order = []
    for category in codebook.categories:
        nodes[category.name] = Code(guids.make("code", "category", category.name), category.name, codable=False,
                                    color=category.color, description=category.description)
        order.append((category.name, category.parent))
    for index, theme in enumerate(codebook.themes):
        nodes[theme.name] = Code(guids.make("code", "theme", theme.name), theme.name, codable=True,
                                 color=theme.color or palette_colour(index), description=theme_description(theme))
        order.append((theme.name, theme.parent))
    top = []
    for name, parent in order:
        (nodes[parent].children if parent else top).append(nodes[name])
    return top


def theme_guids(codebook: Codebook, guids: Guids) -> dict[str, str]:
    """``{theme name: code guid}`` as :func:`codebook_codes` makes them."""
    return {theme.name: guids.make("code", "theme", theme.name) for theme in codebook.themes}


def codebook_xml(codes: list[Code], *, origin: str) -> bytes:
    """A ``.qdc`` document (namespace ``urn:QDA-XML:codebook:1.0``, REFI-QDA §5.2)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    if origin:
        root.set("origin", origin)
    parent = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    if not codes:
        raise UserError("the codebook has no codes to write")
    for code in codes:
        code_element(parent, code, namespace=CODEBOOK_NS)
    return serialise(root)


def suggest_patterns(name: str) -> list[str]:
    """Patterns a code's name suggests: each content word's lemma with compound wildcards.

    Example:
        >>> suggest_patterns("Ventetid og tilgjengelighet")
        ['ventetid*', '*ventetid', 'tilgjengelighet*', '*tilgjengelighet', 'ventetid tilgjengelighet']
    """
    words = re.findall(r"[^\W\d_]+", name.lower())
    common = _general_words()
    content = [word for word in words if len(word) >= 4 and word not in common] or \
        [word for word in words if len(word) >= 2] or words
    patterns = []
    for word in content:
        lemma = _lemma(word)
        patterns.append(f"{lemma}*")
        if len(lemma) >= 5:
            patterns.append(f"*{lemma}")
    if len(content) >= 2:
        patterns.append(" ".join(content))
    return list(dict.fromkeys(patterns)) or [name.strip().lower()]


def _general_words() -> frozenset[str]:
    from textanalyse.filters import default_stoplists

    return default_stoplists(["generelle"])[0].words


def _lemma(word: str) -> str:
    try:
        import simplemma

        lemma = simplemma.lemmatize(word, lang=("nb", "nn")).lower()
    except Exception:  # no lemma data for the word's language: keep the word
        return word
    return lemma if lemma and lemma.isalpha() else word


def codes_to_codebook(codes: list[Code], *, name: str = "", skip=()) -> tuple[dict, list[str]]:
    """Our YAML codebook (as a mapping) from a code tree, and the themes marked for review.

    Codable codes become themes (patterns from their description, else suggested from the
    name); non-codable codes become categories; nesting becomes ``parent``. ``skip`` holds
    code guids to leave out (with their children).
    """
    categories, themes, review = {}, {}, []
    used: dict[str, str] = {}

    def unique(label: str, parent: str) -> str:
        """Theme names must differ; QDA programs allow "Positivt" under two parents."""
        base, number = label.strip() or "Uten navn", 2
        candidate = base
        if candidate.casefold() in used and parent:
            candidate = f"{base} ({parent})"
        while candidate.casefold() in used:
            candidate, number = f"{base} ({number})", number + 1
        used[candidate.casefold()] = candidate
        return candidate

    def visit(code: Code, parent: str) -> None:
        if code.guid in skip:
            return
        label = unique(code.name, parent)
        description, patterns, exclude, flagged = split_description(code.description)
        body: dict = {"description": description} if description else {}
        if code.codable:
            if not patterns:
                patterns, flagged = suggest_patterns(code.name), True
            body["patterns"] = patterns
            if exclude:
                body["exclude"] = exclude
        if code.color:
            body["color"] = code.color.lower()
        if parent:
            body["parent"] = parent
        if not code.codable:
            categories[label] = body
        else:
            if flagged:
                body["review"] = True
                review.append(label)
            themes[label] = body
        for child in code.children:
            visit(child, label)

    for code in codes:
        visit(code, "")
    if not themes:
        raise UserError("the codebook has no codable codes; nothing to turn into themes")
    data: dict = {}
    if name:
        data["name"] = name
    if categories:
        data["categories"] = categories
    data["themes"] = themes
    return data, review


def codebook_yaml(data: dict) -> str:
    """The YAML text of a codebook mapping, checked by the same parser ``themes`` uses."""
    parse_codebook(data, source="<import>")
    header = ("# Kodebok importert fra et QDA-program (REFI-QDA). Temaer merket review: true har\n"
              "# foreslåtte mønstre laget fra kodenavnet: sjekk og rett dem før bruk.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def count_codes(codes) -> int:
    return sum(1 for _ in walk_codes(codes))


def write_codebook_file(codes: list[Code], path, *, origin: str) -> Path:
    from textanalyse.atomic import write_bytes

    write_bytes(path, codebook_xml(codes, origin=origin))
    return Path(path)
