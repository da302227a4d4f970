"""The analysis core: one material, read and annotated once, every result computed on demand and kept.

A :class:`Project` holds the options (or a config), the read corpus and its token table. Each
result (frequencies, KWIC, themes, topics, comparisons, quotes, exclusion suggestions) is
computed the first time it is asked for and remembered. Changing a filter option
(:meth:`Project.set_filters`, :meth:`Project.with_filters`) drops only the results that depend on
the filters; the corpus, the annotation and the theme coding stay. The CLI commands, ``run``, the
app and notebooks all go through this object, so each analysis is composed in one place.

Example:
    >>> project = Project.from_survey("corpora/eksempel/brukerundersokelse.csv",
    ...     text_columns=["fungerer_bra"], id_column="respondent_id", pipeline="fast")
    >>> project.frequencies(top=3).columns.tolist()
    ['question', 'word', 'length', 'count', 'weighted_percentage', 'documents', 'similar_words']
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd

from textanalyse import validation
from textanalyse.analysis import (Comparison, MaterialAnalysis, group_table, language_decisions, language_split,
                                  overview_table)
from textanalyse.errors import UserError
from textanalyse.options import FilterOptions, InputOptions

__all__ = ["Project", "filter_options"]

_UNSET = object()


class Project:
    """One material (a survey file or a set of transcripts) and everything computed from it.

    Args:
        inputs: where the material is and how to read and annotate it.
        filters: which words are counted (default: the published method's filters).
        config: the effective analysis settings, as :func:`textanalyse.config.load_config`
            returns them (only the sections ``frequency``, ``themes``, ``topics``,
            ``compare`` and ``quotes`` are read; default: ``config.DEFAULTS``).
        name: the material's name in reports.
        group_by: metadata columns the analyses are split by (and that KWIC and coded
            passages carry).
        question_labels: ``{column: label}`` for reports.
        comparisons: ``[{"column", "target", "reference", "name"}]``: the comparisons
            :meth:`analysis` runs.
        on_progress: called with a step count while annotating.

    Every method that takes options takes them by keyword; an option left out uses the
    config's value. Results are cached per option combination.
    """

    def __init__(self, inputs: InputOptions, *, filters: FilterOptions | None = None, config: dict | None = None,
                 name: str | None = None, group_by=(), question_labels=None, comparisons=(), on_progress=None):
        from textanalyse.config import DEFAULTS

        if not isinstance(inputs, InputOptions):
            raise TypeError("Project needs InputOptions; use Project.from_survey or Project.from_transcripts")
        self.inputs = inputs
        self.filters = filters or FilterOptions()
        settings = copy.deepcopy(DEFAULTS)
        for section, values in (config or {}).items():
            if isinstance(values, dict) and isinstance(settings.get(section), dict):
                settings[section].update(values)
            else:
                settings[section] = values
        self.config = settings
        self.name = name or Path(inputs.paths[0]).stem
        self.group_by = tuple(group_by)
        self.question_labels = dict(question_labels or {})
        self.comparison_specs = [dict(spec) for spec in comparisons]
        self.on_progress = on_progress
        self._corpus = None
        self._tokens = None
        # Closed items, waves and unit reports (issue 16): set by from_settings, or by hand before reading.
        self.bins: dict[str, str] = {}
        self.closed_items: tuple = ()
        self.wave_column = ""
        self.wave_min_answers = 30
        self.closed_order: dict[str, list] = {}
        self._stable: dict = {}      # results that do not depend on the filters (shared by with_filters)
        self._filtered: dict = {}    # results that do

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_config(cls, path, *, material: str | None = None, overrides=(), cache_dir=None) -> "Project":
        """The project for one ``[[material]]`` of a config file (by ``material`` name when it has several).

        Example:
            >>> project = Project.from_config("corpora/eksempel/analyse.toml", material="intervjuer")  # doctest: +SKIP
        """
        from textanalyse.config import load_config

        config = load_config(path, overrides=overrides)
        materials = config["material"]
        if material is None:
            if len(materials) > 1:
                raise UserError(f"{path}: has {len(materials)} materials; name one with material= "
                                f"({', '.join(m['name'] for m in materials)})")
            return cls.from_settings(config, materials[0], cache_dir=cache_dir)
        for entry in materials:
            if entry["name"] == material:
                return cls.from_settings(config, entry, cache_dir=cache_dir)
        raise UserError(f"{path}: no material named '{material}'; materials are: "
                        + ", ".join(m["name"] for m in materials))

    @classmethod
    def all_from_config(cls, config: dict, *, cache_dir=None, on_progress=None) -> list["Project"]:
        """One project per ``[[material]]`` of an effective config (from ``load_config``)."""
        return [cls.from_settings(config, material, cache_dir=cache_dir, on_progress=on_progress)
                for material in config["material"]]

    @classmethod
    def from_settings(cls, config: dict, material: dict, *, cache_dir=None, on_progress=None) -> "Project":
        """A project from an effective config and one of its validated ``material`` entries."""
        def auto(value):
            return None if value in ("", "auto") else value

        inputs = InputOptions(
            paths=tuple([material["survey"]] if material["survey"] else material["transcripts"]),
            text_columns=tuple(material["text_columns"]), id_column=material["id_column"] or None,
            meta=material["meta"] or None, encoding=auto(material["encoding"]), sep=auto(material["sep"]),
            sheet=material["sheet"] or None, speaker_labels=tuple(material["speaker_labels"]),
            keep_interviewer=material["keep_interviewer"], extra_nonanswers=tuple(material["nonanswers"]),
            pipeline=config["annotation"]["pipeline"], language=config["annotation"]["language"], cache_dir=cache_dir,
        )
        project = cls(inputs, filters=filter_options(config), config=config, name=material["name"],
                      group_by=material["group_by"], question_labels=material["question_labels"],
                      comparisons=material["compare"], on_progress=on_progress)
        project.bins = dict(material.get("bins") or {})
        project.closed_items = tuple(material.get("closed_items") or ())
        project.wave_column = material.get("wave_column") or ""
        project.wave_min_answers = material.get("wave_min_answers", 30)
        return project

    @classmethod
    def from_survey(cls, path, *, text_columns, id_column=None, encoding=None, sep=None, sheet=None,
                    nonanswers=(), pipeline="auto", language="auto", cache_dir=None, filters=None, config=None,
                    group_by=(), question_labels=None, comparisons=(), name=None) -> "Project":
        """A survey export (CSV, XLSX or SPSS ``.sav``): one row per respondent.

        Example:
            >>> project = Project.from_survey("corpora/eksempel/brukerundersokelse.csv",
            ...     text_columns=["fungerer_bra", "forslag"], id_column="respondent_id", pipeline="fast")
            >>> project.corpus.questions
            ['fungerer_bra', 'forslag']
        """
        if isinstance(text_columns, str):
            text_columns = [text_columns]
        inputs = InputOptions(paths=(str(path),), text_columns=tuple(text_columns), id_column=id_column,
                              encoding=encoding, sep=sep, sheet=sheet, extra_nonanswers=tuple(nonanswers),
                              pipeline=pipeline, language=language, cache_dir=cache_dir)
        return cls(inputs, filters=filters, config=config, name=name, group_by=group_by,
                   question_labels=question_labels, comparisons=comparisons)

    @classmethod
    def from_transcripts(cls, paths, *, meta=None, speaker_labels=(), keep_interviewer=False, encoding=None,
                         pipeline="auto", language="auto", cache_dir=None, filters=None, config=None, group_by=(),
                         comparisons=(), name=None) -> "Project":
        """Interview transcripts (``.docx``/``.txt`` files or folders), optionally with a metadata table.

        Example:
            >>> project = Project.from_transcripts(["corpora/eksempel/intervjuer"],
            ...     meta="corpora/eksempel/intervjuer/informanter.csv", pipeline="fast")
            >>> project.corpus.kind
            'transcripts'
        """
        if isinstance(paths, (str, Path)):
            paths = [paths]
        inputs = InputOptions(paths=tuple(str(p) for p in paths), meta=meta, speaker_labels=tuple(speaker_labels),
                              keep_interviewer=keep_interviewer, encoding=encoding, pipeline=pipeline,
                              language=language, cache_dir=cache_dir)
        return cls(inputs, filters=filters, config=config, name=name or "intervjuer", group_by=group_by,
                   comparisons=comparisons)

    # ------------------------------------------------------------------ read, annotate, filter
    @property
    def corpus(self):
        """The read :class:`~textanalyse.corpus.Corpus` (read once; options checked against it)."""
        if self._corpus is None:
            from textanalyse.io import read_material

            inputs = self.inputs
            corpus = read_material(
                list(inputs.paths), text_columns=inputs.text_columns, id_column=inputs.id_column, meta=inputs.meta,
                encoding=inputs.encoding, sep=inputs.sep, sheet=inputs.sheet, speaker_labels=inputs.speaker_labels,
                keep_interviewer=inputs.keep_interviewer, extra_nonanswers=inputs.extra_nonanswers)
            if corpus.documents.empty:
                raise UserError(f"{', '.join(inputs.paths)}: no answers to analyse (all cells are empty or non-answers)")
            if self.bins or self.closed_items:
                from textanalyse.closed import corpus_with_levels

                corpus, self.closed_order = corpus_with_levels(
                    corpus, bins=self.bins, closed_items=self.closed_items, source=inputs.paths[0],
                    what=f"material '{self.name}'" if self.closed_items else "--bins")
            self._corpus = corpus
            self.check()
        return self._corpus

    def check(self) -> None:
        """Check every column the options name against the read material, before annotation."""
        corpus = self.corpus
        where = f"material '{self.name}': "
        for column in self.group_by:
            validation.require_metadata_column(corpus, column, what=f"{where}group_by column")
        for spec in self.comparison_specs:
            validation.require_group_column(corpus, spec["column"], what=f"{where}compare column")

    @property
    def pipeline_choice(self):
        """The annotation pipeline ``auto`` resolves to for this material (known before annotating)."""
        def resolve():
            from textanalyse.nlp.pipelines import resolve_pipeline

            return resolve_pipeline(self.inputs.pipeline, n_words=self.word_estimate)
        return self._cached(("pipeline_choice",), resolve, depends_on_filters=False)

    @property
    def word_estimate(self) -> int:
        """Words in the material as ``auto`` counts them to choose a pipeline (spaces + 1 per segment)."""
        texts = self.corpus.segments["text"].astype(str).tolist()
        return sum(text.count(" ") for text in texts) + len(texts)   # str.count: pandas' .str.count is a regex

    @property
    def tags_word_classes(self) -> bool:
        """Whether the pipeline tags word classes (``pos``); the fast pipeline does not."""
        return self.pipeline_choice.kind != "fast"

    @property
    def tokens(self) -> pd.DataFrame:
        """The token table (annotated once, from the cache when one is set)."""
        if self._tokens is None:
            from textanalyse.nlp import annotate

            self._tokens = annotate(self.corpus, pipeline=self.pipeline_choice, language=self.inputs.language,
                                    cache_dir=self.inputs.cache_dir, on_progress=self.on_progress)
        return self._tokens

    @property
    def pipeline(self) -> str:
        """The name of the pipeline that annotated the material."""
        return self.tokens.attrs.get("pipeline", "")

    @property
    def filtered(self):
        """The :class:`~textanalyse.filters.FilterResult` of the current filter options."""
        return self._cached(("filtered",), self._filter, depends_on_filters=True)

    def _filter(self):
        from textanalyse.filters import apply_filters, default_stoplists, user_stoplist
        from textanalyse.options import read_variants

        filters = self.filters
        lists = list(default_stoplists(filters.default_lists)) if filters.default_lists != () else []
        lists += [user_stoplist(path) for path in filters.stoplists]
        variants = read_variants(filters.variants) if filters.variants else None
        return apply_filters(self.tokens, unit=filters.unit, min_length=filters.min_length, stoplists=lists,
                             exclude_words=filters.exclude_words, keep_words=filters.keep_words, variants=variants)

    def set_filters(self, **changes) -> "Project":
        """Change filter options in place; only filter-dependent results are recomputed.

        Example:
            >>> project.set_filters(min_length=3, exclude_words=("egentlig",))   # doctest: +SKIP
        """
        self.filters = dataclasses.replace(self.filters, **changes)
        self._filtered = {}
        return self

    def has_filtered(self) -> bool:
        """Whether the filtered table of the current filter options is computed."""
        return ("filtered",) in self._filtered

    def extend_stoplist(self, path) -> "Project":
        """The user stop list ``path`` changed on disk; filter-dependent results are recomputed.

        When words were only added to it and it is the last filter (no ``exclude_words``), the
        filtered table is narrowed (:func:`textanalyse.filters.narrow`, same result) instead of
        filtering every token again.
        """
        from textanalyse.filters import narrow, user_stoplist

        previous = self._filtered.get(("filtered",))
        self._filtered = {}
        lists = self.filters.stoplists
        if previous is None or not lists or str(lists[-1]) != str(path) or self.filters.exclude_words:
            return self
        new = user_stoplist(path)
        if previous.stoplists and previous.stoplists[-1].name == new.name and previous.stoplists[-1].words <= new.words:
            self._filtered[("filtered",)] = narrow(previous, new, keep_words=self.filters.keep_words)
        return self

    def with_filters(self, **changes) -> "Project":
        """A copy with other filter options sharing the corpus, annotation and filter-free results."""
        other = copy.copy(self)
        other.filters = dataclasses.replace(self.filters, **changes)
        other._filtered = {}
        self.tokens  # annotate once, here, so both share it
        other._tokens = self._tokens
        return other

    def _cached(self, key, compute, *, depends_on_filters: bool):
        store = self._filtered if depends_on_filters else self._stable
        if key not in store:
            store[key] = compute()
        return store[key]

    def stamp(self, table: pd.DataFrame) -> pd.DataFrame:
        """Record on a result table which pipeline made it (``table.attrs["pipeline"]``)."""
        table.attrs["pipeline"] = self.pipeline
        table.attrs["pipeline_identity"] = self.tokens.attrs.get("pipeline_identity", "")
        return table

    def _setting(self, section: str, key: str, value):
        return self.config[section][key] if value is _UNSET or value is None else value

    # ------------------------------------------------------------------ analyses
    def frequencies(self, *, group_by: str | None = None, top=_UNSET) -> pd.DataFrame:
        """Word frequencies per question (and per ``group_by`` value); ``top=None`` keeps every word.

        Columns: ``question, [group_by], word, length, count, weighted_percentage, documents,
        similar_words`` (see :mod:`textanalyse.frequency`).
        """
        from textanalyse.frequency import frequency_table

        if group_by:
            validation.require_metadata_column(self.corpus, group_by, what="--group-by column")
        top = self.config["frequency"]["top"] if top is _UNSET else top
        return self._cached(("frequencies", group_by, top), lambda: self.stamp(
            frequency_table(self.filtered.kept, self.corpus, group_by=group_by, top=top)), depends_on_filters=True)

    def metadata_columns(self, columns=None) -> list[str]:
        """The metadata columns a passage table carries: ``columns`` if named, else the group columns."""
        chosen = list(self.group_by if columns is None else columns)
        for column in chosen:
            validation.require_metadata_column(self.corpus, column, what="--column")
        return chosen

    def kwic(self, pattern: str, *, window=_UNSET, columns=None) -> pd.DataFrame:
        """Every occurrence of ``pattern`` with ``window`` words each side (see :mod:`textanalyse.kwic`).

        ``columns``: the metadata columns to carry (default: the project's group columns).
        """
        from textanalyse.kwic import kwic

        window = self.config["frequency"]["kwic_window"] if window is _UNSET else window
        chosen = tuple(self.metadata_columns(columns))
        return self._cached(("kwic", pattern, window, chosen), lambda: self.stamp(
            kwic(self.tokens, self.corpus, pattern, window=window, columns=chosen)), depends_on_filters=False)

    def concordance(self, *, words: int | None = None, window=_UNSET) -> pd.DataFrame:
        """KWIC lines for the ``words`` most frequent kept words (default ``frequency.kwic_top``), with ``word``."""
        words = self.config["frequency"]["kwic_top"] if words is None else words
        window = self.config["frequency"]["kwic_window"] if window is _UNSET else window
        return self._cached(("concordance", words, window), lambda: self._concordance(words, window),
                            depends_on_filters=True)

    def _concordance(self, words: int, window: int) -> pd.DataFrame:
        if not words:
            return pd.DataFrame()
        overall = self.filtered.kept["word"].astype(str).value_counts()
        overall = overall.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        parts = []
        for word in overall.index[:words]:
            lines = self.kwic(word, window=window)
            lines = lines[lines["lemma"].astype(str).eq(word) | lines["keyword"].str.lower().eq(word)]
            parts.append(lines.assign(word=word))
        if not parts:
            return pd.DataFrame()
        lines = pd.concat(parts, ignore_index=True)
        return lines[["word", *[c for c in lines.columns if c != "word"]]]

    @property
    def codebook(self):
        """The :class:`~textanalyse.themes.Codebook` of ``themes.codebook`` (``None`` when themes are off)."""
        setting = self.config["themes"]["codebook"]
        if not setting:
            return None
        from textanalyse.themes import load_codebook

        return self._cached(("codebook", setting), lambda: load_codebook(None if setting == "default" else setting),
                            depends_on_filters=False)

    def use_codebook(self, codebook) -> "Project":
        """Code with another codebook (a path, or ``"default"``); drops earlier theme results."""
        self.config["themes"]["codebook"] = str(codebook) if codebook else ""
        coded = ("codebook", "coding", "themes", "coded", "theme_differences", "quotes")
        self._stable = {key: value for key, value in self._stable.items() if key[0] not in coded}
        self._filtered.pop(("analysis",), None)
        return self

    def coding(self, *, decisions: bool = True):
        """The :class:`~textanalyse.themes.CodingResult` (every coded passage and codebook warnings).

        With ``themes.decisions`` set, the researcher's marks apply (see :mod:`textanalyse.decisions`):
        passages marked wrong are left out, passages marked right kept; ``decisions=False`` gives
        the codebook's own coding (what the app shows for marking; topics use it as features).
        """
        book = self._require_codebook()
        from textanalyse.themes import code_segments

        raw = self._cached(("coding",), lambda: code_segments(self.corpus, self.tokens, book), depends_on_filters=False)
        path = self.config["themes"]["decisions"]
        if not decisions or not path:
            return raw

        def decided():
            from textanalyse.decisions import apply_coding_decisions, read_coding_decisions

            return dataclasses.replace(raw, coded=apply_coding_decisions(
                raw.coded, read_coding_decisions(path), segments=self.corpus.segments, themes=book.theme_names))
        return self._cached(("coding", "decided"), decided, depends_on_filters=False)

    def reload_decisions(self, *, coding: bool = True, quotes: bool = True) -> "Project":
        """Forget the results that depend on the decision files (after the app changed one of them)."""
        dropped = {"quotes_decided"} | ({"themes", "coded", "theme_differences", "quotes"} if coding else set())
        self._stable = {key: value for key, value in self._stable.items()
                        if key[0] not in dropped and not (coding and key == ("coding", "decided"))}
        if coding or quotes:
            self._filtered.pop(("analysis",), None)
        return self

    def _require_codebook(self):
        book = self.codebook
        if book is None:
            raise UserError("themes are switched off (themes.codebook = \"\"); name a codebook")
        return book

    def coded_passages(self, *, columns=None) -> pd.DataFrame:
        """Every coded passage (``doc_id, segment, question, theme, matched, pattern, start, end``),
        followed by the named metadata ``columns`` (default: the group columns)."""
        chosen = tuple(self.metadata_columns(columns))

        def compute():
            coded = self.coding().coded
            if not chosen:
                return coded
            meta = self.corpus.documents.set_index("doc_id")
            return coded.assign(**{c: coded["doc_id"].astype(str).map(meta[c]).to_numpy() for c in chosen})
        return self._cached(("coded", chosen), compute, depends_on_filters=False)

    def themes(self, *, group_by: str | None = None) -> pd.DataFrame:
        """Share of documents coded with each theme per question (and ``group_by`` value).

        Columns: ``question, [group_by], theme, documents_coded, documents_total, share, ci_low,
        ci_high, passages`` (see :func:`textanalyse.themes.theme_summary`).
        """
        from textanalyse.themes import theme_summary

        if group_by:
            validation.require_metadata_column(self.corpus, group_by, what="--group-by column")
        names = self._require_codebook().theme_names
        return self._cached(("themes", group_by), lambda: self.stamp(theme_summary(
            self.coding().coded, self.corpus.documents, group_column=group_by, themes=names)),
            depends_on_filters=False)

    def theme_cooccurrence(self) -> pd.DataFrame:
        """Documents coded with both themes (a square table indexed by theme)."""
        from textanalyse.themes import cooccurrence

        names = self._require_codebook().theme_names
        return self._cached(("themes", "cooccurrence"), lambda: cooccurrence(self.coding().coded, themes=names),
                            depends_on_filters=False)

    def topics(self, *, k=_UNSET, seed=_UNSET, pos=_UNSET, min_words=_UNSET):
        """NMF topics with stability: a :class:`~textanalyse.topics.TopicResult` (with ``params`` and ``k_scores``).

        ``pos`` keeps only these word classes (e.g. ``("NOUN", "ADJ")``); it needs a pipeline
        that tags them, which is checked before annotating.
        """
        from textanalyse.topics import find_topics

        settings = self.config["topics"]
        k = settings["k"] if k is _UNSET else k
        seed = settings["seed"] if seed is _UNSET else seed
        pos = tuple(settings["pos"] if pos is _UNSET else pos or ())
        min_words = settings["min_words"] if min_words is _UNSET else min_words
        validation.topic_k(k, what="--k")
        validation.whole_number(seed, what="--seed", minimum=0)
        if pos:
            from textanalyse.filters import keep_word_classes

            keep_word_classes(None, pos)  # an unknown word class fails before annotating
        if pos and not self.tags_word_classes:
            raise validation.no_word_classes(self.inputs.pipeline, words=self.word_estimate)

        def compute():
            from textanalyse.filters import keep_word_classes

            selected = keep_word_classes(self.filtered.kept, pos)
            # Codebook themes are features short answers share (issue 13).
            themes = self.coding(decisions=False).coded if self.codebook is not None else None
            result = find_topics(self.corpus, selected, k=k, seed=seed, min_words=min_words, themes=themes)
            result.params["pos"] = list(pos)
            self.stamp(result.topics)
            return result
        return self._cached(("topics", k, seed, pos, min_words), compute, depends_on_filters=True)

    def codebook_misses(self, *, k="auto", seed=_UNSET):
        """What the codebook misses: candidate themes among uncoded answers (:mod:`textanalyse.codebook_misses`)."""
        from textanalyse.codebook_misses import codebook_misses

        seed = self.config["topics"]["seed"] if seed is _UNSET else seed
        themes = self.coding(decisions=False).coded
        return self._cached(("codebook_misses", k, seed), lambda: codebook_misses(
            self.corpus, self.filtered.kept, themes, k=k, seed=seed), depends_on_filters=True)

    def keyness(self, column: str, *, target=None, reference=None, min_count=_UNSET,
                min_documents=_UNSET) -> pd.DataFrame:
        """Words that differ between groups of ``column`` (see :func:`textanalyse.compare.keyness`)."""
        from textanalyse.compare import keyness

        validation.require_group_column(self.corpus, column, what="--group-col")
        validation.require_group_values(self.corpus, column, target=target, reference=reference, what="keyness")
        min_count = self.config["compare"]["min_count"] if min_count is _UNSET else min_count
        min_documents = self.config["compare"]["min_documents"] if min_documents is _UNSET else min_documents
        key = ("keyness", column, _frozen(target), _frozen(reference), min_count, min_documents)
        return self._cached(key, lambda: self.stamp(keyness(
            self.tokens, self.filtered.kept, self.corpus.documents, group_column=column, target=target,
            reference=reference, min_count=min_count, min_documents=min_documents)), depends_on_filters=True)

    def theme_differences(self, column: str, *, target=None, reference=None) -> pd.DataFrame:
        """Theme shares compared between groups (see :func:`textanalyse.compare.theme_comparison`)."""
        from textanalyse.compare import theme_comparison

        validation.require_group_column(self.corpus, column, what="--group-col")
        names = self._require_codebook().theme_names
        key = ("theme_differences", column, _frozen(target), _frozen(reference))
        return self._cached(key, lambda: theme_comparison(
            self.coding().coded, self.corpus.documents, group_column=column, target=target, reference=reference,
            themes=names), depends_on_filters=False)

    def comparison(self, column: str, *, target=None, reference=None, name: str | None = None) -> Comparison:
        """Keyness and (when a codebook is set) theme differences for one comparison."""
        target, reference = target or None, reference or None
        themes = (self.theme_differences(column, target=target, reference=reference) if self.codebook is not None
                  else pd.DataFrame())
        label = name or (f"{target} mot {reference or 'resten'}" if target else f"{column}: hver gruppe mot resten")
        return Comparison(name=label, group_column=column, target=target, reference=reference,
                          keyness=self.keyness(column, target=target, reference=reference), themes=themes,
                          alpha=self.config["compare"]["alpha"])

    def comparisons(self) -> list[Comparison]:
        """Every comparison the project's ``comparisons`` name, in order."""
        return [self.comparison(spec["column"], target=spec.get("target"), reference=spec.get("reference"),
                                name=spec.get("name") or None) for spec in self.comparison_specs]

    def quotes(self, *, words=_UNSET, themes=_UNSET, per_item=_UNSET, min_words=_UNSET, max_words=_UNSET,
               group_by=_UNSET, positions: bool = False, decisions: bool = True) -> pd.DataFrame:
        """De-identified quote candidates for words and codebook themes (see :mod:`textanalyse.quotes`).

        ``themes`` left out: the config's ``quotes.themes``, and when that is empty every coded
        theme (as ``run`` does); ``themes=()``: no themes. ``group_by``: the metadata column
        named in the citation (default: the first group column). ``positions``: add ``segment,
        start, end`` (where each quote stands; the REFI-QDA export uses them). With
        ``quotes.decisions`` set the researcher's decisions apply (``decisions=False``: every
        candidate, as the app lists them for deciding).
        """
        from textanalyse.quotes import quote_candidates

        settings = self.config["quotes"]
        words = tuple(settings["words"] if words is _UNSET else words or ())
        every_theme = themes is _UNSET and not settings["themes"]
        themes = tuple(settings["themes"] if themes is _UNSET else themes or ())
        per_item = settings["per_item"] if per_item is _UNSET else per_item
        min_words = settings["min_words"] if min_words is _UNSET else min_words
        max_words = settings["max_words"] if max_words is _UNSET else max_words
        if not words and not themes and not (every_theme and self.codebook is not None):
            raise UserError("name what to quote: --word oppfølging and/or --theme Bolig")
        if group_by is _UNSET:
            group_by = self.group_by[0] if self.group_by else None
        if group_by:
            validation.require_metadata_column(self.corpus, group_by, what="--group-by column")
        coded = None
        if themes:
            validation.require_themes(themes, self._require_codebook().theme_names)
        if themes or (every_theme and self.codebook is not None):
            coded = self.coding().coded
        key = ("quotes", words, themes, per_item, min_words, max_words, group_by, positions)
        # each item's quotes, kept by content across coding decisions: a decision re-chooses one theme
        memo = self._cached(("quote_parts",), dict, depends_on_filters=False)
        table = self._cached(key, lambda: self.stamp(quote_candidates(
            self.corpus, self.tokens, words=words, coded=coded, themes=themes, per_item=per_item,
            min_words=min_words, max_words=max_words, group_column=group_by, positions=positions, memo=memo)),
            depends_on_filters=False)
        path = settings["decisions"]
        if not decisions or not path:
            return table
        from textanalyse.decisions import apply_quote_decisions, read_quote_decisions

        return self._cached(("quotes_decided", *key[1:]), lambda: self.stamp(
            apply_quote_decisions(table, read_quote_decisions(path))), depends_on_filters=False)

    def exclusion_suggestions(self, *, top: int = 40) -> pd.DataFrame:
        """Candidate words for the ambiguity and low-information lists (see :mod:`textanalyse.exclusions`)."""
        from textanalyse.exclusions import suggest_exclusions

        return self._cached(("exclusions", top), lambda: self.stamp(
            suggest_exclusions(self.filtered.kept, self.corpus, top=top)), depends_on_filters=True)

    def overview(self) -> pd.DataFrame:
        """``question, documents, respondents, nonanswers, empty, words`` per question."""
        return self._cached(("overview",), lambda: overview_table(self.corpus, self.tokens), depends_on_filters=False)

    def groups(self) -> pd.DataFrame:
        """``variable, value, respondents, documents`` for each group column."""
        return self._cached(("groups",), lambda: group_table(self.corpus, self.group_by), depends_on_filters=False)

    # ------------------------------------------------------------------ everything the config asks for
    def analysis(self, *, on_progress=None) -> MaterialAnalysis:
        """Every analysis the config switches on, as the report and workbook receive them.

        Too little material for topics, or topics with word classes on a pipeline without
        them, becomes a note (Norwegian, for the report), not a failure.
        """
        return self._cached(("analysis",), lambda: self._analysis(on_progress or (lambda steps: None)),
                            depends_on_filters=True)

    def _analysis(self, step) -> MaterialAnalysis:
        config = self.config
        corpus = self.corpus
        notes = []
        pos = tuple(config["topics"]["pos"])
        if config["topics"]["enabled"] and pos and not self.tags_word_classes:
            # Known before annotating (the pipeline is chosen by the material's size): fall back.
            from textanalyse.report.labels import norwegian_number

            notes.append(f"Emnene bruker alle ordklasser, ikke bare {', '.join(pos)}: den raske pipelinen ble "
                         f"brukt ({norwegian_number(self.word_estimate, 0)} ord), og den merker ikke ordklasser. "
                         "Velg annotation.pipeline = \"accurate\" for å begrense emnene til ordklasser.")
            pos = ()
        tokens = self.tokens
        step(1)
        filtered = self.filtered
        top = config["frequency"]["top"]
        analysis = MaterialAnalysis(
            name=self.name, kind=corpus.kind, corpus=corpus, pipeline=self.pipeline, unit=filtered.unit,
            min_length=filtered.min_length, overview=self.overview(), groups=self.groups(),
            filter_report=filtered.report, frequencies=self.frequencies(top=top),
            frequencies_by_group={column: self.frequencies(group_by=column, top=top) for column in self.group_by},
            kwic=self.concordance(), question_labels=dict(self.question_labels), stoplists=filtered.stoplists,
            pipeline_identity=tokens.attrs.get("pipeline_identity", ""), language_split=language_split(tokens),
            language_decisions=language_decisions(tokens, corpus),
            keep_interviewer=bool(self.inputs.keep_interviewer and corpus.kind == "transcripts"), notes=notes)
        step(1)
        if self.codebook is not None:
            analysis.theme_coded = self.coded_passages()
            analysis.theme_summary = self.themes()
            analysis.theme_summary_by_group = {column: self.themes(group_by=column) for column in self.group_by}
            analysis.theme_cooccurrence = self.theme_cooccurrence()
            if config["themes"]["human"]:  # a hand-coded sample: learn it, code the rest, validate
                from textanalyse.coding.run_step import apply_human_coding

                apply_human_coding(analysis, self, codebook=self.codebook, human=config["themes"]["human"],
                                   group_columns=self.group_by, next_round=config["themes"].get("next_round", 0))
        step(1)
        if config["topics"]["enabled"]:
            try:
                analysis.topic_result = self.topics(pos=pos)
            except UserError as error:
                # Too little material for topics is a finding, not a failure: the rest of the run stands.
                analysis.notes.append(f"Emner ble ikke beregnet: {error}")
            else:
                analysis.topics = analysis.topic_result.topics
                analysis.topic_assignments = analysis.topic_result.assignments
                analysis.topic_left_out = analysis.topic_result.left_out
                analysis.topic_stability = analysis.topic_result.stability
                if self.codebook is not None:
                    from textanalyse.codebook_misses import candidates_with_answers

                    misses = self.codebook_misses()
                    analysis.codebook_misses = candidates_with_answers(misses, mask=True)
                    analysis.codebook_misses_summary = misses.summary
        step(1)
        analysis.comparisons = self.comparisons()
        step(1)
        if config["quotes"]["enabled"]:
            from textanalyse.quotes import POSITION_COLUMNS

            quotes = self.quotes(positions=True)
            analysis.quotes = quotes.drop(columns=POSITION_COLUMNS)
            analysis.quote_positions = quotes[POSITION_COLUMNS].reset_index(drop=True)
        self._survey_links(analysis)
        step(1)
        return analysis

    def _survey_links(self, analysis: MaterialAnalysis) -> None:
        """Closed items, waves and one report per unit (issue 16), after everything else is known."""
        from textanalyse.frequency import frequency_table

        config, corpus, kept = self.config, self.corpus, self.filtered.kept
        coded = analysis.theme_coded if len(analysis.theme_summary) else None
        themes = list(analysis.theme_summary["theme"].unique()) if coded is not None else None
        items = {item: self.closed_order[item] for item in self.closed_items}
        if items:
            from textanalyse.closed import closed_analysis

            analysis.closed_order = items
            if coded is not None:
                analysis.closed_levels, analysis.closed_trends = closed_analysis(coded, corpus.documents, items,
                                                                                 themes=themes)
            analysis.closed_words = {item: frequency_table(kept, corpus, group_by=item, top=10) for item in items}
        output = config.get("output") or {}
        split_by = output.get("split_by")
        if split_by and split_by in corpus.metadata_columns:
            from textanalyse.units import small_unit_quotes, unit_analyses

            withheld = small_unit_quotes(analysis.quotes, corpus.documents, column=split_by,
                                         min_respondents=output["min_respondents"])
            analysis.quotes = analysis.quotes[~withheld].reset_index(drop=True)
            if len(analysis.quote_positions) == len(withheld):
                analysis.quote_positions = analysis.quote_positions[~withheld].reset_index(drop=True)
            analysis.quotes_withheld = int(withheld.sum())
            analysis.units = unit_analyses(analysis, kept, column=split_by, min_respondents=output["min_respondents"],
                                           min_cell=output["min_cell"], tokens=self.tokens,
                                           quote_settings=config["quotes"])
        if self.wave_column:
            from textanalyse.waves import wave_analysis

            analysis.waves = wave_analysis(corpus, self.tokens, kept, column=self.wave_column, coded=coded,
                                           themes=themes, min_count=config["compare"]["min_count"],
                                           min_documents=config["compare"]["min_documents"],
                                           min_answers=self.wave_min_answers)


def filter_options(config: dict) -> FilterOptions:
    """The :class:`FilterOptions` of an effective config's ``[filters]`` section."""
    settings = config["filters"]
    return FilterOptions(
        unit=settings["unit"], min_length=settings["min_length"], default_lists=tuple(settings["default_lists"]),
        stoplists=tuple(settings["stoplists"]), exclude_words=tuple(settings["exclude_words"]),
        keep_words=tuple(settings["keep_words"]), variants=settings["variants"] or None)


def _frozen(value):
    """A hashable form of a target/reference option (text or a list of values)."""
    if isinstance(value, (list, tuple, set)):
        return tuple(value)
    return value
