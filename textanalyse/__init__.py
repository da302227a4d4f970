"""textanalyse: Norwegian-first qualitative text analysis for survey answers and interviews.

The public Python API (the same functions the CLI, ``run`` and the app call):

- :class:`Project` — one material, read and annotated once; every result on demand:
  ``Project.from_survey(path, text_columns=[...], id_column=...)``,
  ``Project.from_transcripts(paths, meta=...)``, ``Project.from_config("analyse.toml")``;
  then ``.frequencies()``, ``.kwic()``, ``.themes()``, ``.coded_passages()``, ``.topics()``,
  ``.keyness()``, ``.comparison()``, ``.quotes()``, ``.exclusion_suggestions()``,
  ``.set_filters(...)`` / ``.with_filters(...)``.
- The steps one by one: :func:`read_survey`, :func:`read_transcripts`, :func:`annotate`,
  :func:`apply_filters`, :func:`frequency_table`, :func:`code_segments`,
  :func:`theme_summary`, :func:`keyness`, :func:`theme_comparison`, :func:`quote_candidates`,
  :func:`find_topics`, :func:`suggest_exclusions`, :func:`mask_text`.
- :func:`load_config` and :func:`run_analysis` for a whole config-driven run.
- :class:`UserError`: every problem with the input, in one line that says what to do.

(KWIC lines: ``Project.kwic`` or ``textanalyse.kwic.kwic``; the name ``textanalyse.kwic`` is
its module.) Every option is keyword-only; every table is a tidy ``pandas.DataFrame`` whose columns are
documented in the module that makes it. Names are imported on first use, so
``import textanalyse`` stays fast.

Example:
    >>> import textanalyse
    >>> textanalyse.Project.__name__
    'Project'
"""

from textanalyse.errors import UserError

__version__ = "0.1.0"

# public name -> module that defines it (imported when first used)
_EXPORTS = {
    "Project": "textanalyse.project",
    "InputOptions": "textanalyse.options",
    "FilterOptions": "textanalyse.options",
    "Corpus": "textanalyse.corpus",
    "read_material": "textanalyse.io",
    "read_survey": "textanalyse.io",
    "read_transcripts": "textanalyse.io",
    "annotate": "textanalyse.nlp",
    "apply_filters": "textanalyse.filters",
    "frequency_table": "textanalyse.frequency",
    "load_codebook": "textanalyse.themes",
    "code_segments": "textanalyse.themes",
    "theme_summary": "textanalyse.themes",
    "keyness": "textanalyse.compare",
    "theme_comparison": "textanalyse.compare",
    "quote_candidates": "textanalyse.quotes",
    "find_topics": "textanalyse.topics",
    "suggest_exclusions": "textanalyse.exclusions",
    "mask_text": "textanalyse.anonymize",
    "load_config": "textanalyse.config",
    "run_analysis": "textanalyse.run",
}

__all__ = ["UserError", "__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'textanalyse' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
