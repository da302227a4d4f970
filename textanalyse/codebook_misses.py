"""What the codebook misses: cluster the answers no codebook theme codes into candidate new themes.

Coding with a codebook is deductive: it finds what the researcher already expected. The
inductive step after it is to read what fell through. :func:`codebook_misses` takes the
segments (answers, turns) that no theme codes, clusters them with the short-text topic method
of :func:`textanalyse.topics.find_topics`, and returns each cluster as a candidate theme with
its leading words and typical answers, for the researcher to name, merge into an existing
theme, or drop.

Tables (stable CSV column names):

- ``candidates``: ``candidate`` (1…, largest first), ``label`` (three leading words),
  ``size`` (answers), ``top_words``, ``stability`` (Jaccard across refits, 0…1);
- ``typical``: ``candidate, rank, doc_id, segment, text``: the answers closest to it;
- ``summary``: ``segments`` (non-empty), ``coded``, ``uncoded``, ``clustered``, ``unassignable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError

CANDIDATE_COLUMNS = ["candidate", "label", "size", "top_words", "stability"]
TYPICAL_COLUMNS = ["candidate", "rank", "doc_id", "segment", "text"]


@dataclass
class CodebookMisses:
    """Result of :func:`codebook_misses` (tables in the module docstring)."""

    candidates: pd.DataFrame
    typical: pd.DataFrame
    summary: dict
    note: str = ""
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)


def codebook_misses(corpus: Corpus, kept: pd.DataFrame, themes: pd.DataFrame, *, k="auto", seed: int = 0,
                    n_typical: int = 3, k_range: tuple[int, int] = (3, 12)) -> CodebookMisses:
    """Candidate new themes among the segments that no codebook theme codes.

    Args:
        corpus: the corpus.
        kept: filtered tokens (``FilterResult.kept``).
        themes: codebook hits, ``code_segments(...).coded`` (``doc_id, segment, theme``).
        k: candidates to find, or ``"auto"`` (the most stable k in ``k_range``).

    Example:
        >>> from textanalyse.filters import apply_filters
        >>> from textanalyse.nlp import annotate
        >>> from textanalyse.themes import code_segments
        >>> texts = ["Fikk ikke bolig."] + ["Bussen går sjelden, busskortet er dyrt."] * 2 + [
        ...     "Bussen kommer for sjelden.", "Dyrt busskort og lange turer.", "Bussturen tar to timer.",
        ...     "Maten på senteret er god.", "God mat og kaffe på senteret.", "Maten er varm og god.",
        ...     "Kaffe og mat hver dag.", "Senteret har god mat.", "Busskortet koster for mye."]
        >>> corpus = Corpus.from_documents([{"doc_id": str(i), "respondent": str(i), "question": "bra",
        ...     "source": "-", "text": t} for i, t in enumerate(texts)])
        >>> tokens = annotate(corpus, pipeline="fast")
        >>> coded = code_segments(corpus, tokens).coded
        >>> coded = coded[coded["theme"] == "Bolig"]   # a codebook that knows only Bolig
        >>> misses = codebook_misses(corpus, apply_filters(tokens).kept, coded, k=2)
        >>> [misses.summary[key] for key in ("coded", "uncoded", "clustered", "unassignable")]
        [1, 11, 8, 3]
        >>> misses.candidates["label"].tolist()
        ['busskorte / buss / sjelden', 'senter / kaffe']
    """
    from textanalyse.topics import find_topics

    segments = corpus.segments
    non_empty = segments["text"].fillna("").astype(str).str.strip() != ""
    coded_keys = set(zip(themes["doc_id"].astype(str), themes["segment"].astype(np.int64))) if len(themes) else set()
    keys = list(zip(segments["doc_id"].astype(str), segments["segment"].astype(np.int64)))
    is_coded = np.fromiter((key in coded_keys for key in keys), dtype=bool, count=len(keys))
    uncoded = non_empty.to_numpy() & ~is_coded
    summary = {"segments": int(non_empty.sum()), "coded": int((non_empty.to_numpy() & is_coded).sum()),
               "uncoded": int(uncoded.sum()), "clustered": 0, "unassignable": 0}
    empty = CodebookMisses(pd.DataFrame(columns=CANDIDATE_COLUMNS), pd.DataFrame(columns=TYPICAL_COLUMNS), summary)
    if not uncoded.any():
        empty.note = "Alle svar med tekst er kodet med minst ett tema."
        return empty
    sub_segments = segments[uncoded].reset_index(drop=True)
    sub_documents = corpus.documents[corpus.documents["doc_id"].astype(str).isin(set(sub_segments["doc_id"].astype(str)))]
    sub = Corpus(documents=sub_documents.reset_index(drop=True), segments=sub_segments,
                 nonanswers=corpus.nonanswers.iloc[0:0], metadata_columns=corpus.metadata_columns, kind=corpus.kind)
    uncoded_keys = set(zip(sub_segments["doc_id"].astype(str), sub_segments["segment"].astype(np.int64)))
    sub_kept = kept[[key in uncoded_keys for key in zip(kept["doc_id"].astype(str), kept["segment"].astype(np.int64))]]
    try:
        result = find_topics(sub, sub_kept, k=k, seed=seed, k_range=k_range, n_typical=n_typical)
    except UserError as error:
        empty.note = f"For få ukodede svar til å gruppere: {error}"
        return empty
    candidates = result.topics.rename(columns={"topic": "candidate"})[CANDIDATE_COLUMNS]
    typical = result.typical.rename(columns={"topic": "candidate"})[TYPICAL_COLUMNS]
    summary["clustered"] = int(len(result.assignments))
    summary["unassignable"] = int(summary["uncoded"] - summary["clustered"])
    return CodebookMisses(candidates.reset_index(drop=True), typical.reset_index(drop=True), summary,
                          left_out=result.left_out)


def candidates_with_answers(misses: CodebookMisses, *, mask: bool = False) -> pd.DataFrame:
    """The candidates with their typical answers in one column ``typical_answers`` (`` | ``-separated).

    ``mask`` de-identifies the answers first (for reports that others read).
    """
    typical = misses.typical
    if mask and len(typical):
        from textanalyse.anonymize import mask_text

        typical = typical.assign(text=[" ".join(mask_text(str(text)).text.split()) for text in typical["text"]])
    joined = typical.groupby("candidate")["text"].agg(lambda texts: " | ".join(map(str, texts)))
    table = misses.candidates.copy()
    table["typical_answers"] = table["candidate"].map(joined).fillna("")
    return table
