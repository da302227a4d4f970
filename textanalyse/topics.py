"""Topic clustering of answers and interview turns with NMF, with a stability figure.

Method (``find_topics``):

1. **Units.** One row per segment: a survey answer, or one turn of a transcript. Left out
   (and listed in ``left_out``): the corpus's non-answers (reason ``empty`` /
   ``non-answer``), segments without text (``empty``), segments with fewer than
   ``min_words`` kept words (``too-short``), exact repeats of an earlier segment's text
   after lowercasing and collapsing spaces (``duplicate``: the first one is kept), and
   segments left without any vocabulary word after the document-frequency limits
   (``rare-words``).
2. **Features.** TF-IDF (sublinear term frequency, l2-normalised rows) of the ``word``
   column of the filtered token table (lemmas in lemma mode), vocabulary limited by
   ``min_df`` / ``max_df`` and to the ``max_features`` most frequent words.
3. **Model.** scikit-learn NMF (``init="nndsvda"``, Frobenius loss, coordinate descent)
   with ``random_state=seed``. A unit belongs to the topic with the highest weight in its
   row of W; units whose row is all zero belong to no topic (``left_out``, ``no-topic``).
4. **Stability.** The model is refitted ``n_reruns`` times, each time on a different random
   80 % subsample of the units and with another seed. The run-level ``stability`` is the
   mean adjusted Rand index (ARI, −1…1; 1 = identical partition, about 0 = chance)
   between the reference assignment and each refit on the shared units. A topic's
   ``stability`` is the mean, over refits, of the Jaccard index between its member set and
   the most similar refit topic (0…1). Below about 0.5, do not read much into a topic.
5. **Choosing k** (``k="auto"``): for every k in ``k_range`` (3…10, capped at a fifth of
   the units), the same stability procedure runs on a random sample of at most
   ``selection_sample`` units with ``selection_reruns`` refits; the k with the highest mean
   ARI (rounded to 3 decimals) wins, ties going to the smaller k. ``k_scores`` lists the
   figures. Stability rewards partitions that come back when the data change a little;
   it tends to prefer fewer, broader topics.

Everything is deterministic for a fixed ``seed``: same input and seed give identical tables.

Output tables (stable CSV column names):

- ``topics``: ``topic`` (1…k, largest first), ``label`` (top 3 words joined by `` / ``),
  ``size`` (units assigned), ``top_words`` (comma-separated), ``weights`` (their share of the
  topic's word weight, comma-separated, 4 decimals), ``stability`` (Jaccard, see above).
- ``words``: ``topic, rank, word, weight`` (the same top words, one per row).
- ``assignments``: ``doc_id, segment, topic, weight`` (share of the unit's topic weight
  that falls on its topic, 0…1).
- ``typical``: ``topic, rank, doc_id, segment, weight, text``: the units with the highest
  weight for each topic among its members (the raw W value).
- ``left_out``: ``doc_id, segment, reason, words`` (kept words in the unit).
- ``k_scores``: ``k, stability`` for every k tried (only the chosen k when k is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from textanalyse import validation
from textanalyse.errors import UserError
from textanalyse.topic_features import add_short_text_features, select_vocabulary
from textanalyse.topic_models import fit_models, one_blas_thread

__all__ = ["TopicResult", "find_topics", "map_topics_to_themes"]

LEFT_OUT_COLUMNS = ("doc_id", "segment", "reason", "words")
_SPACES = re.compile(r"\s+")


@dataclass
class TopicResult:
    """Result of :func:`find_topics` (tables described in the module docstring)."""

    topics: pd.DataFrame
    assignments: pd.DataFrame
    left_out: pd.DataFrame
    stability: float
    k: int
    k_scores: pd.DataFrame
    words: pd.DataFrame
    typical: pd.DataFrame
    params: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def _normalise_text(text: str) -> str:
    return _SPACES.sub(" ", str(text).lower()).strip(" .,!?;:-–—\"'«»()")


MAX_SEED = 2**31 - 1  # the random generators take seeds below 2**32; reruns add their number


def _check_options(k, min_words, k_range, n_reruns, n_top_words, max_features, seed):
    if not (k == "auto" or (isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= 2)):
        raise UserError(f"topics: k must be 'auto' or a whole number of at least 2, not {k!r}")
    validation.whole_number(min_words, what="topics: min_words")
    lo, hi = k_range
    if lo < 2 or hi < lo:
        raise UserError(f"topics: k_range must be two whole numbers 2 <= low <= high, not {k_range!r}")
    if n_reruns < 1:
        raise UserError(f"topics: n_reruns must be at least 1, not {n_reruns!r}")
    if n_top_words < 1 or max_features < 1:
        raise UserError("topics: n_top_words and max_features must be at least 1")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise UserError(f"topics: --seed (topics.seed) must be a whole number from 0 to {MAX_SEED}, not {seed!r}")


# --------------------------------------------------------------------------- main


def find_topics(
    corpus,
    kept,
    *,
    k: int | str = "auto",
    seed: int = 0,
    min_words: int = 1,
    k_range: tuple[int, int] = (3, 16),
    n_top_words: int = 10,
    n_typical: int = 3,
    n_reruns: int = 5,
    selection_reruns: int = 3,
    selection_sample: int = 2000,
    max_features: int = 5000,
    min_df: int | float = 2,
    max_df: float = 0.5,
    max_iter: int = 300,
    themes: pd.DataFrame | None = None,
) -> TopicResult:
    """Cluster segments (answers / interview turns) into topics with NMF on TF-IDF.

    See the module docstring for the method, the stability figures and the tables.

    Args:
        corpus: the :class:`~textanalyse.corpus.Corpus`.
        kept: ``FilterResult.kept`` (or the ``FilterResult``): filtered tokens with the
            column ``word``.
        k: number of topics, or ``"auto"``: the k in ``k_range`` whose topic assignments
            are most stable across refits on 80 % subsamples (highest mean adjusted Rand
            index, rounded to 3 decimals; ties → smaller k).
        seed: random seed; the same input and seed give identical results.
        min_words: segments with fewer kept words are left out (``too-short``).
        k_range: smallest and largest k tried when ``k="auto"``.
        n_top_words: words listed per topic; the label uses the first three.
        n_typical: typical segments listed per topic.
        n_reruns: refits for the reported stability.
        selection_reruns, selection_sample: refits and sample size used to choose k.
        max_features, min_df, max_df: vocabulary limits (as in scikit-learn's
            TfidfVectorizer: ints are document counts, floats are shares).
        max_iter: NMF iterations.
        themes: codebook hits (``code_segments(...).coded``: ``doc_id, segment, theme``); each
            theme that codes a segment becomes a feature of it (short answers share them).

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.filters import apply_filters
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"forslag": [
        ...     "Trenger egen bolig og husleie jeg klarer.", "Bolig og husleie er for dyrt.",
        ...     "Vil ha bolig med lav husleie.", "Ønsker jobb og arbeid hver dag.",
        ...     "Mer arbeid, en jobb å gå til.", "Jobb og arbeid gir mening."]})
        >>> kept = apply_filters(annotate(corpus, pipeline="fast")).kept
        >>> result = find_topics(corpus, kept, k=2, seed=0, min_words=1)
        >>> result.topics[["topic", "label", "size"]].values.tolist()
        [[1, 'arbeid / jobb', 3], [2, 'bolig / husleie', 3]]
    """
    if hasattr(kept, "kept") and not isinstance(kept, pd.DataFrame):
        kept = kept.kept
    _check_options(k, min_words, k_range, n_reruns, n_top_words, max_features, seed)
    for column in ("doc_id", "segment", "word"):
        if column not in kept.columns:
            raise UserError(
                f"topics: the filtered token table has no column '{column}'; pass FilterResult.kept from apply_filters"
            )
    seed = int(seed)
    segments = corpus.segments
    seg_doc = segments["doc_id"].astype(str).to_numpy(object)
    seg_no = segments["segment"].to_numpy(np.int64)
    seg_text = segments["text"].fillna("").astype(str).to_numpy(object)
    n_seg = len(segments)

    # ---- map kept tokens to segment rows
    seg_index = pd.MultiIndex.from_arrays([seg_doc, seg_no])
    row = seg_index.get_indexer(
        pd.MultiIndex.from_arrays([kept["doc_id"].astype(str).to_numpy(object), kept["segment"].to_numpy(np.int64)])
    )
    word_cat = pd.Categorical(kept["word"].astype(str))
    wcodes = np.asarray(word_cat.codes, dtype=np.int64)
    ok = (row >= 0) & (wcodes >= 0)
    row, wcodes = row[ok], wcodes[ok]
    vocab_all = np.asarray(word_cat.categories, dtype=object)
    n_words = np.bincount(row, minlength=n_seg)

    # ---- left-out units
    left = []  # (segment row, reason)
    nonanswer_rows = []
    nonanswers = getattr(corpus, "nonanswers", None)
    if nonanswers is not None and len(nonanswers):
        for respondent, question, reason in zip(
            nonanswers["respondent"].astype(str), nonanswers["question"].astype(str), nonanswers["reason"].astype(str)
        ):
            nonanswer_rows.append((f"{respondent}:{question}", 0, reason or "non-answer", 0))
    use = np.ones(n_seg, dtype=bool)
    empty = np.array([not t.strip() for t in seg_text], dtype=bool)
    for i in np.flatnonzero(empty):
        left.append((i, "empty"))
    use &= ~empty
    no_words = use & (n_words == 0)
    for i in np.flatnonzero(no_words):
        left.append((i, "no-content-words"))
    use &= ~no_words
    short = use & (n_words < min_words)
    for i in np.flatnonzero(short):
        left.append((i, "too-short"))
    use &= ~short
    seen: dict[str, int] = {}
    duplicate_of: dict[int, int] = {}  # a repeated answer shares the topic of its first occurrence
    for i in np.flatnonzero(use):
        norm = _normalise_text(seg_text[i])
        if norm in seen:
            use[i] = False
            duplicate_of[int(i)] = seen[norm]
        else:
            seen[norm] = int(i)
    row, wcodes, vocab_all = add_short_text_features(row, wcodes, vocab_all, themes, seg_doc, seg_no)

    # ---- document-term matrix over the used units
    unit_rows = np.flatnonzero(use)
    unit_of_seg = np.full(n_seg, -1, dtype=np.int64)
    unit_of_seg[unit_rows] = np.arange(len(unit_rows))
    keep_tok = unit_of_seg[row] >= 0
    counts = sparse.coo_matrix(
        (np.ones(int(keep_tok.sum()), dtype=np.float64), (unit_of_seg[row[keep_tok]], wcodes[keep_tok])),
        shape=(len(unit_rows), len(vocab_all)),
    ).tocsr()
    counts.sum_duplicates()
    n_units = counts.shape[0]
    vocab_idx = select_vocabulary(counts, vocab_all, min_df=min_df, max_df=max_df, max_features=max_features)
    counts = counts[:, vocab_idx]
    vocab = vocab_all[vocab_idx]
    has_vocab = np.diff(counts.indptr) > 0
    for i in unit_rows[~has_vocab]:
        left.append((i, "rare-words"))
    unit_rows = unit_rows[has_vocab]
    counts = counts[has_vocab]
    n_units = counts.shape[0]
    if n_units < 6 or len(vocab) < 2:
        raise UserError(
            f"topics: only {n_units} segments with at least {min_words} words and {len(vocab)} shared words "
            "remain; topics need more material (more answers or questions, or a lower --min-words / "
            "topics.min_words)"
        )
    from sklearn.feature_extraction.text import TfidfTransformer

    from sklearn.preprocessing import normalize

    from textanalyse.topic_features import THEME_PREFIX, content_weights

    lemma_of = _lemma_of(kept)
    weights = content_weights(vocab, lemma_of)
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts).astype(np.float64).tocsr()
    X = normalize(X @ sparse.diags(weights)).tocsr()
    X.sort_indices()
    with one_blas_thread():
        chosen, k_scores, W, H, labels, stability, topic_jaccard = fit_models(
            X, k, seed, k_range=k_range, n_units=n_units, n_reruns=n_reruns, selection_reruns=selection_reruns,
            selection_sample=selection_sample, max_iter=max_iter,
        )

    # A unit NMF gives no weight still belongs to the topic its words are closest to.
    closest = np.asarray((X @ H.T).argmax(axis=1)).ravel()
    reachable = np.asarray((X @ H.T).max(axis=1)).ravel() > 0
    labels = np.where((labels < 0) & reachable, closest, labels)
    for i in unit_rows[labels < 0]:
        left.append((i, "no-topic"))

    # ---- topic order: size desc, then label (led by content words; theme pseudo-words not listed)
    H_norm = H / np.where(H.sum(axis=1, keepdims=True) > 0, H.sum(axis=1, keepdims=True), 1.0)
    is_word = np.array([not str(w).startswith(THEME_PREFIX) for w in vocab], dtype=bool)
    top = []
    for t in range(chosen):
        ranked = H_norm[t] * weights * is_word
        order = np.lexsort((vocab.astype(str), -ranked))[:n_top_words]
        order = [j for j in order if ranked[j] > 0]
        top.append(order)
    unit_index = {int(seg): u for u, seg in enumerate(unit_rows)}
    repeated = [labels[unit_index[first]] for first in duplicate_of.values() if first in unit_index]
    sizes = np.bincount(np.concatenate([labels[labels >= 0], [t for t in repeated if t >= 0]]).astype(np.int64),
                        minlength=chosen)
    raw_labels = [" / ".join(str(vocab[j]) for j in top[t][:3]) for t in range(chosen)]
    topic_order = sorted(range(chosen), key=lambda t: (-sizes[t], raw_labels[t], t))
    new_id = {old: new + 1 for new, old in enumerate(topic_order)}

    topics_rows, word_rows, typical_rows = [], [], []
    for old in topic_order:
        tid = new_id[old]
        words = [str(vocab[j]) for j in top[old]]
        weights = [round(float(H_norm[old, j]), 4) for j in top[old]]
        topics_rows.append(
            {
                "topic": tid,
                "label": raw_labels[old],
                "size": int(sizes[old]),
                "top_words": ", ".join(words),
                "weights": ", ".join(f"{w:.4f}" for w in weights),
                "stability": round(float(topic_jaccard[old]), 3),
            }
        )
        for rank, (w, wt) in enumerate(zip(words, weights), start=1):
            word_rows.append({"topic": tid, "rank": rank, "word": w, "weight": wt})
        members = np.flatnonzero(labels == old)
        best = members[np.lexsort((members, -W[members, old]))][:n_typical]
        for rank, u in enumerate(best, start=1):
            s = unit_rows[u]
            typical_rows.append(
                {
                    "topic": tid,
                    "rank": rank,
                    "doc_id": seg_doc[s],
                    "segment": int(seg_no[s]),
                    "weight": round(float(W[u, old]), 6),
                    "text": seg_text[s],
                }
            )
    topics = pd.DataFrame(topics_rows, columns=["topic", "label", "size", "top_words", "weights", "stability"])
    words_df = pd.DataFrame(word_rows, columns=["topic", "rank", "word", "weight"])
    typical = pd.DataFrame(typical_rows, columns=["topic", "rank", "doc_id", "segment", "weight", "text"])

    assigned = labels >= 0
    totals = W.sum(axis=1)
    share = np.where(totals > 0, W[np.arange(n_units), np.maximum(labels, 0)] / np.where(totals > 0, totals, 1), 0.0)
    topic_of_seg = {int(unit_rows[u]): (new_id[int(labels[u])], float(share[u])) for u in np.flatnonzero(assigned)}
    reason_of_seg = {int(i): reason for i, reason in left}
    for i, first in duplicate_of.items():
        if first in topic_of_seg:
            topic_of_seg[i] = topic_of_seg[first]
        else:
            left.append((i, reason_of_seg.get(first, "no-topic")))
    assigned_rows = np.array(sorted(topic_of_seg), dtype=np.int64)
    assignments = pd.DataFrame(
        {
            "doc_id": seg_doc[assigned_rows] if len(assigned_rows) else np.array([], dtype=object),
            "segment": seg_no[assigned_rows].astype(np.int64),
            "topic": np.array([topic_of_seg[i][0] for i in assigned_rows], dtype=np.int64),
            "weight": np.round(np.array([topic_of_seg[i][1] for i in assigned_rows], dtype=float), 6),
        }
    )

    left.sort(key=lambda item: item[0])
    left_out = pd.DataFrame(
        nonanswer_rows + [(seg_doc[i], int(seg_no[i]), reason, int(n_words[i])) for i, reason in left],
        columns=list(LEFT_OUT_COLUMNS),
    )
    left_out["segment"] = left_out["segment"].astype(np.int64)
    left_out["words"] = left_out["words"].astype(np.int64)

    params = {
        "k": k,
        "seed": seed,
        "min_words": min_words,
        "k_range": tuple(k_range),
        "n_reruns": n_reruns,
        "selection_reruns": selection_reruns,
        "selection_sample": selection_sample,
        "max_features": max_features,
        "min_df": min_df,
        "max_df": max_df,
        "max_iter": max_iter,
        "units": int(n_units),
        "vocabulary": int(len(vocab)),
    }
    return TopicResult(
        topics=topics,
        assignments=assignments,
        left_out=left_out,
        stability=round(float(stability), 4),
        k=chosen,
        k_scores=k_scores.reset_index(drop=True),
        words=words_df,
        typical=typical,
        params=params,
    )


def _lemma_of(kept: pd.DataFrame) -> dict[str, str]:
    """Each word's most frequent lemma (words are forms with ``--unit exact``)."""
    if "lemma" not in kept.columns:
        return {}
    pairs = pd.DataFrame({"word": kept["word"].astype(str), "lemma": kept["lemma"].astype(str)})
    counts = pairs.value_counts().reset_index().sort_values(["word", "count", "lemma"], ascending=[True, False, True])
    return dict(zip(counts.drop_duplicates("word")["word"], counts.drop_duplicates("word")["lemma"]))


# --------------------------------------------------------------------------- themes


def map_topics_to_themes(topics, codebook=None) -> pd.DataFrame:
    """Codebook themes that share top words with each topic (a help for naming topics).

    A top word is shared with a theme when one of the theme's one-word patterns matches it
    (wildcards included); a phrase pattern counts when all its words are top words.

    Args:
        topics: a :class:`TopicResult` or its ``topics`` table (``topic, label, top_words``).
        codebook: a codebook, a path, or None for the default codebook.

    Returns:
        ``topic, label, theme, shared_words, n_shared``: one row per topic and theme with
        at least one shared word, most shared first (then codebook order).

    Example:
        >>> import pandas as pd
        >>> topics = pd.DataFrame({"topic": [1], "label": ["bolig / husleie"], "top_words": ["bolig, husleie, jobb"]})
        >>> map_topics_to_themes(topics)[["theme", "shared_words"]].values.tolist()
        [['Bolig', 'bolig, husleie'], ['Arbeid og aktivitet', 'jobb'], ['Økonomi', 'husleie']]
    """
    from textanalyse.themes.codebook import _as_codebook
    from textanalyse.themes.coding import _Vocabulary

    codebook = _as_codebook(codebook)
    table = topics.topics if isinstance(topics, TopicResult) else topics
    rows = []
    for _, topic in table.iterrows():
        words = [w.strip() for w in str(topic["top_words"]).split(",") if w.strip()]
        vocab = _Vocabulary(words)
        for t_index, theme in enumerate(codebook.themes):
            shared: list[str] = []
            for pattern in theme.patterns:
                if pattern.is_phrase:
                    if all(len(vocab.match(w)) for w in pattern.words):
                        shared.append(pattern.text)
                else:
                    shared.extend(vocab.strings[i] for i in vocab.match(pattern.words[0]))
            shared = [w for w in dict.fromkeys(shared)]
            if shared:
                order = {w: i for i, w in enumerate(words)}
                shared.sort(key=lambda w: order.get(w, len(order)))
                rows.append(
                    {
                        "topic": topic["topic"],
                        "label": topic["label"],
                        "theme": theme.name,
                        "shared_words": ", ".join(shared),
                        "n_shared": len(shared),
                        "_order": t_index,
                    }
                )
    out = pd.DataFrame(rows, columns=["topic", "label", "theme", "shared_words", "n_shared", "_order"])
    out = out.sort_values(["topic", "n_shared", "_order"], ascending=[True, False, True], kind="mergesort")
    return out.drop(columns="_order").reset_index(drop=True)
