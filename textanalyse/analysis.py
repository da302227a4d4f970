"""The results of one run, per material, as the report and workbook receive them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from textanalyse.corpus import Corpus


@dataclass
class Comparison:
    """One group comparison: word keyness and theme shares (see ``textanalyse.compare``).

    ``keyness`` has the columns of :func:`textanalyse.compare.keyness`; ``themes`` those of
    :func:`textanalyse.compare.theme_comparison` (empty when no codebook ran).
    """

    name: str                 # e.g. "unge mot eldre"
    group_column: str         # e.g. "gruppe" or "question"
    target: str | None        # None = each group against the rest
    reference: str | None
    keyness: pd.DataFrame
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)
    alpha: float = 0.05       # adjusted p below this counts as significant (``compare.alpha``)


@dataclass
class MaterialAnalysis:
    """Everything computed for one material (a survey file or a set of transcripts).

    Tables (all tidy DataFrames with the modules' documented English column names):
        overview: ``question, documents, respondents, nonanswers, empty, words`` (one row per
            question; for transcripts one row ``intervju``).
        groups: ``variable, value, respondents, documents`` for every grouping variable used.
        filter_report: ``FilterResult.report`` (``filter, reason, tokens_removed, words_removed, words``).
        frequencies: ``frequency_table`` top words per question.
        frequencies_by_group: {group column: frequency table split by that column}.
        kwic: concordance lines for the top words (may be empty).
        theme_coded / theme_summary / theme_summary_by_group / theme_cooccurrence: from
            ``textanalyse.themes`` (empty when no codebook).
        topics / topic_assignments / topic_left_out: from ``textanalyse.topics``; ``topic_stability``
            is the run-level adjusted Rand index (None when topics were off).
        comparisons: list of :class:`Comparison`.
        topic_result: the full :class:`textanalyse.topics.TopicResult` (``params``, ``k_scores``).
        quotes: quote candidates from ``textanalyse.quotes`` (de-identified), may be empty;
            quote_positions: ``segment, start, end`` of each quote, row for row (REFI-QDA export).
        coding_validation / coding_models / coding_review / coding_suggestions / coding_sample:
            assisted coding from a hand-coded sample (``[themes] human``), see
            ``textanalyse.coding.assisted``; ``None`` (and ``coding_sample`` ``{}``) without one.
            ``coding_next_round``: the next active-learning sheet (``[themes] next_round``);
            ``coding_coders`` / ``coding_disagreements``: two people's coding of the same sample;
            see ``textanalyse.coding.run_step``.
            With a sample, ``theme_coded`` holds the human's and the learner's codes.
    """

    name: str
    kind: str
    corpus: Corpus
    pipeline: str
    unit: str
    min_length: int
    overview: pd.DataFrame
    groups: pd.DataFrame
    filter_report: pd.DataFrame
    frequencies: pd.DataFrame
    frequencies_by_group: dict[str, pd.DataFrame] = field(default_factory=dict)
    kwic: pd.DataFrame = field(default_factory=pd.DataFrame)
    theme_coded: pd.DataFrame = field(default_factory=pd.DataFrame)
    theme_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    theme_summary_by_group: dict[str, pd.DataFrame] = field(default_factory=dict)
    theme_cooccurrence: pd.DataFrame = field(default_factory=pd.DataFrame)
    topics: pd.DataFrame = field(default_factory=pd.DataFrame)
    topic_assignments: pd.DataFrame = field(default_factory=pd.DataFrame)
    topic_left_out: pd.DataFrame = field(default_factory=pd.DataFrame)
    topic_stability: float | None = None
    comparisons: list[Comparison] = field(default_factory=list)
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)
    quote_positions: pd.DataFrame = field(default_factory=pd.DataFrame)
    question_labels: dict[str, str] = field(default_factory=dict)
    stoplists: tuple = ()          # tuple of textanalyse.filters.StopList used
    language_split: dict[str, int] = field(default_factory=dict)   # {"nb": documents, "nn": documents}
    # doc_id, respondent, question, lang, lang_reason: each document's language and why
    language_decisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    # what the codebook misses: candidate, label, size, top_words, stability, typical_answers (masked)
    codebook_misses: pd.DataFrame = field(default_factory=pd.DataFrame)
    codebook_misses_summary: dict = field(default_factory=dict)  # segments, coded, uncoded, clustered, unassignable
    pipeline_identity: str = ""    # exact pipeline and versions (as in the annotation cache key)
    notes: list[str] = field(default_factory=list)   # analyses skipped and why (Norwegian, for readers)
    keep_interviewer: bool = False   # transcripts: the interviewer's turns were analysed too
    topic_result: object = None      # the TopicResult (params, k_scores) when topics ran
    # None (not written anywhere) unless a hand-coded sample was given
    coding_validation: pd.DataFrame | None = None
    coding_models: pd.DataFrame | None = None
    coding_review: pd.DataFrame | None = None
    coding_suggestions: pd.DataFrame | None = None
    coding_sample: dict = field(default_factory=dict)   # n_human, n_random, n_segments
    coding_next_round: dict = field(default_factory=dict)  # [themes] next_round: round, segments, about, themes
    coding_coders: pd.DataFrame | None = None          # two coders of the same sample: their agreement
    coding_disagreements: pd.DataFrame | None = None   # ... and where they differ
    # Closed items (textanalyse.closed): theme × level shares, trend tests, top words per level.
    closed_levels: pd.DataFrame = field(default_factory=pd.DataFrame)
    closed_trends: pd.DataFrame = field(default_factory=pd.DataFrame)
    closed_words: dict[str, pd.DataFrame] = field(default_factory=dict)
    closed_order: dict[str, list] = field(default_factory=dict)
    waves: object = None           # textanalyse.waves.WaveAnalysis when the material has a wave_column
    # One report per unit ([output] split_by): textanalyse.units.UnitAnalysis per value of the column.
    units: list = field(default_factory=list)
    quotes_withheld: int = 0       # quotes left out of the report because their unit is too small


@dataclass
class RunResult:
    """A finished run: the analyses plus what the manifest records."""

    title: str
    materials: list[MaterialAnalysis]
    config: dict                     # the full effective config
    manifest: dict                   # versions, hashes, timings (see textanalyse.run)
    codebook_name: str | None = None
    out_dir: str | None = None
    files: list[str] = field(default_factory=list)


def overview_table(corpus: Corpus, tokens: pd.DataFrame) -> pd.DataFrame:
    """``question, documents, respondents, nonanswers, empty, words`` per question."""
    words = tokens.loc[tokens["is_word"].to_numpy(), "doc_id"].astype(str).map(
        corpus.documents.set_index("doc_id")["question"]).value_counts()
    rows = []
    for question in corpus.questions:
        documents = corpus.documents[corpus.documents["question"] == question]
        skipped = corpus.nonanswers[corpus.nonanswers["question"] == question]
        rows.append({"question": question, "documents": len(documents),
                     "respondents": documents["respondent"].nunique(),
                     "nonanswers": int((skipped["reason"] == "non-answer").sum()),
                     "empty": int((skipped["reason"] == "empty").sum()), "words": int(words.get(question, 0))})
    return pd.DataFrame(rows, columns=["question", "documents", "respondents", "nonanswers", "empty", "words"])


def group_table(corpus: Corpus, columns) -> pd.DataFrame:
    """``variable, value, respondents, documents`` for each grouping variable."""
    rows = []
    for column in columns:
        counts = corpus.documents.groupby(column, sort=True).agg(respondents=("respondent", "nunique"),
                                                                 documents=("doc_id", "size"))
        for value, row in counts.iterrows():
            rows.append({"variable": column, "value": value, "respondents": int(row["respondents"]),
                         "documents": int(row["documents"])})
    return pd.DataFrame(rows, columns=["variable", "value", "respondents", "documents"])


def language_decisions(tokens: pd.DataFrame, corpus) -> pd.DataFrame:
    """``doc_id, respondent, question, lang, lang_reason``: each document's language and why."""
    columns = ["lang", "lang_reason"] if "lang_reason" in tokens.columns else ["lang"]
    per_document = tokens.groupby("doc_id", observed=True)[columns].first().astype(str).reset_index()
    per_document["doc_id"] = per_document["doc_id"].astype(str)
    documents = corpus.documents[["doc_id", "respondent", "question"]].astype(str)
    return documents.merge(per_document, on="doc_id", how="inner")


def language_split(tokens: pd.DataFrame) -> dict[str, int]:
    """``{"nb": documents, "nn": documents}``: the language each document was annotated as."""
    per_document = tokens.groupby("doc_id", observed=True)["lang"].first().astype(str)
    return {lang: int(count) for lang, count in per_document.value_counts().sort_index().items()}
