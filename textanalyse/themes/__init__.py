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

The package has three rooms: :mod:`textanalyse.themes.codebook` (reading and validating a
codebook), :mod:`textanalyse.themes.coding` (finding its patterns in the token table) and
:mod:`textanalyse.themes.summaries` (shares per question and group, co-occurrence).
"""

from textanalyse.themes.codebook import (
    Category,
    Codebook,
    Pattern,
    Theme,
    default_codebook_path,
    load_codebook,
    parse_codebook,
    parse_pattern,
)
from textanalyse.themes.coding import (
    BREAK_FORMS,
    CODED_COLUMNS,
    WARNING_COLUMNS,
    CodingResult,
    code_segments,
    word_matches,
)
from textanalyse.themes.summaries import cooccurrence, theme_summary

__all__ = [
    "Pattern",
    "Theme",
    "Category",
    "Codebook",
    "CodingResult",
    "default_codebook_path",
    "load_codebook",
    "parse_codebook",
    "parse_pattern",
    "code_segments",
    "word_matches",
    "theme_summary",
    "cooccurrence",
]
