"""Checks of user options against the material, in one place and one wording per error.

The :class:`~textanalyse.project.Project` calls these right after reading and before
annotating, so a misspelt column or group value costs a second, not a minute of annotation.
Each check raises :class:`~textanalyse.errors.UserError` with one line that names what was
given and what is allowed.

Example:
    >>> whole_number(0, what="--top")
    Traceback (most recent call last):
    ...
    textanalyse.errors.UserError: --top must be a whole number of at least 1, got 0
"""

from __future__ import annotations

import numbers

from textanalyse.errors import UserError

# Topic counts a reader can still take in; the config and the CLI accept the same range.
TOPIC_K_RANGE = (2, 30)


def _listing(values) -> str:
    return ", ".join(str(value) for value in values) or "(none)"


def require_metadata_column(corpus, column: str, *, what: str) -> None:
    """``column`` must be a metadata column of ``corpus`` (``what`` names the option).

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> corpus = Corpus.from_documents([], metadata_columns=["alder"])
        >>> require_metadata_column(corpus, "kjønn", what="--group-by column")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: --group-by column 'kjønn' not found; metadata columns are: alder
    """
    if column not in corpus.metadata_columns:
        raise UserError(f"{what} '{column}' not found; metadata columns are: {_listing(corpus.metadata_columns)}")
    from textanalyse.messages import refuse_free_text_grouping

    refuse_free_text_grouping(corpus.documents, column, option=what)


def require_group_column(corpus, column: str, *, what: str) -> None:
    """``column`` must be ``question`` or a metadata column (groups to compare).

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> require_group_column(Corpus.from_documents([], metadata_columns=["gruppe"]), "text", what="--group-col")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: --group-col 'text' not found; use question or one of: gruppe
    """
    if column != "question" and column not in corpus.metadata_columns:
        raise UserError(f"{what} '{column}' not found; use question or one of: {_listing(corpus.metadata_columns)}")
    from textanalyse.messages import refuse_free_text_grouping

    refuse_free_text_grouping(corpus.documents, column, option=what)


def require_group_values(corpus, column: str, *, target=None, reference=None, what: str = "compare") -> None:
    """The ``target`` and ``reference`` values must occur in ``column`` (and leave two groups).

    The same check :func:`textanalyse.compare.keyness` makes, run on the read documents.
    """
    from textanalyse.compare import _Groups

    _Groups(corpus.documents, column, target, reference, what=what)


def whole_number(value, *, what: str, minimum: int | None = 1) -> int:
    """``value`` as an int; text, fractions, booleans and numbers below ``minimum`` are refused.

    Example:
        >>> whole_number(5, what="--window", minimum=0)
        5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or (minimum is not None and value < minimum):
        least = "" if minimum is None else f" of at least {minimum}"
        raise UserError(f"{what} must be a whole number{least}, got {value!r}")
    return int(value)


def topic_k(value, *, what: str):
    """The number of topics: ``"auto"`` or a whole number in ``TOPIC_K_RANGE``.

    Example:
        >>> topic_k(1, what="topics.k")
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: topics.k must be "auto" or a whole number from 2 to 30, got 1
    """
    low, high = TOPIC_K_RANGE
    if value == "auto":
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise UserError(f"{what} must be \"auto\" or a whole number from {low} to {high}, got {value!r}")
    return int(value)


def require_themes(themes, names) -> None:
    """Every theme asked for must be in the codebook.

    Example:
        >>> require_themes(["Bolg"], ["Bolig", "NAV"])
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: theme 'Bolg' is not in the codebook; themes are: Bolig, NAV
    """
    unknown = [theme for theme in themes if theme not in names]
    if unknown:
        raise UserError(f"theme '{unknown[0]}' is not in the codebook; themes are: {', '.join(names)}")


def no_word_classes(requested: str, *, words: int = 0) -> UserError:
    """The error for word classes (``pos``) asked of the fast pipeline, which tags none.

    ``words``: the material's size, when ``auto`` chose the fast pipeline because of it.

    Example:
        >>> print(no_word_classes("fast"))
        word classes (pos) need a pipeline that tags them, and the fast pipeline tags none; use --pipeline accurate (in a config: annotation.pipeline = "accurate") or leave out pos
    """
    from textanalyse.nlp.pipelines import AUTO_TRAINED_WORD_LIMIT

    if requested == "auto" and words > AUTO_TRAINED_WORD_LIMIT:
        why = (f"'auto' chose the fast pipeline, which tags none, because the material has {words:,} words "
               f"(over {AUTO_TRAINED_WORD_LIMIT:,})")
    else:
        why = "the fast pipeline tags none"
    return UserError(f"word classes (pos) need a pipeline that tags them, and {why}; use --pipeline accurate "
                     "(in a config: annotation.pipeline = \"accurate\") or leave out pos")
