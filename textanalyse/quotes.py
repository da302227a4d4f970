"""Quote candidates for reports: typical, varied, readable alone, de-identified, with risk flags.

Columns of :func:`quote_candidates` (stable): ``theme_or_word, kind, rank, quote, doc_id,
respondent, question, group, matched, risk_flags, citation, score``.

- ``kind``: ``word`` (a word or lemma, ``*`` patterns allowed), ``theme`` (a codebook theme)
  or ``topic``.
- ``quote``: whole sentences around the match, de-identified (``[NAVN]``, ``[STED]`` ...).
- ``score``: cosine similarity of the quote to the centre of all candidates for that item
  (TF-IDF of lemmas): high = typical.
- ``risk_flags``: what a researcher must check before publishing (rare words used by one
  respondent only, ages, numbers, named diagnoses, small-municipality cues, capitalised words
  the masker was unsure of), ``; ``-separated.
- ``citation``: the quote in report style, ``«…» (informant, unge)``.

With ``positions=True`` three more columns say where the quote stands: ``segment``,
``start``, ``end`` (character offsets into ``segments.text``; REFI-QDA export uses them).
"""

from __future__ import annotations

import functools
import hashlib
import re

import numpy as np
import pandas as pd

from textanalyse import validation
from textanalyse.corpus import Corpus, distinct_codes

QUOTE_COLUMNS = ["theme_or_word", "kind", "rank", "quote", "doc_id", "respondent", "question", "group", "matched",
                 "risk_flags", "citation", "score"]
POSITION_COLUMNS = ["segment", "start", "end"]
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"(]?[A-ZÆØÅ0-9])|\n+")
_AGE = re.compile(r"\b\d{1,3}\s*(?:år\b|-?åring)|\b(?:er|var|blir|fyller)\s+\d{2}\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
DIAGNOSES = frozenset(
    "schizofreni schizofren bipolar adhd add ptsd ptsd-diagnose psykose psykotisk depresjon angstlidelse "
    "spiseforstyrrelse anoreksi bulimi autisme asperger tourette epilepsi hepatitt hiv aids kreft demens "
    "alzheimer parkinson diabetes kols borderline personlighetsforstyrrelse ocd tvangslidelse".split()
)
SMALL_PLACE_CUES = ("bygda", "bygd", "alle kjenner alle", "lita kommune", "liten kommune", "lille kommunen",
                    "små kommune", "grenda", "øya")
ABBREVIATIONS = frozenset("dr ca bl.a f.eks jf kl nr mht osv evt ev pga vs st jr sr prof ref mv mfl tlf".split())
SIMILARITY_DUPLICATE = 0.8
DIVERSITY_WEIGHT = 0.5
MEMO_LIMIT = 2000         # items' quotes kept by quote_candidates(memo=...) before it starts over


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (ends at . ! ? … before a capital, or line breaks).

    Example:
        >>> text = "Bra hjelp. Lang ventetid!"
        >>> [text[a:b] for a, b in split_sentences(text)]
        ['Bra hjelp.', 'Lang ventetid!']
    """
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start()].rsplit(None, 1)
        if "\n" not in match.group() and before and before[-1].rstrip(".").lower() in ABBREVIATIONS:
            continue  # "dr. Hansen", "ca. 3": a period after an abbreviation ends no sentence
        if text[start:match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def quote_candidates(corpus: Corpus, tokens: pd.DataFrame, *, words=(), coded: pd.DataFrame | None = None,
                     themes=(), topic_assignments: pd.DataFrame | None = None, topic_labels=None,
                     per_item: int = 3, min_words: int = 8, max_words: int = 60, group_column: str | None = None,
                     numbered: bool = True, positions: bool = False, memo: dict | None = None) -> pd.DataFrame:
    """The ``per_item`` best quotes for each word, theme and topic asked for.

    Args:
        corpus, tokens: the material and its full token table (``annotate``).
        words: words or lemmas (``oppfølging``, ``bolig*``).
        coded, themes: the coded table from :func:`textanalyse.themes.code_segments` and the
            theme names to quote (all coded themes when ``themes`` is empty and ``coded`` given).
        topic_assignments, topic_labels: ``TopicResult.assignments`` and ``{topic: label}``.
        per_item: quotes per item; min_words, max_words: the length a quote may have.
        group_column: metadata column named in the citation (e.g. ``gruppe``).
        numbered: number placeholders within a quote (``[NAVN-1]``, ``[NAVN-2]``).
        positions: add ``segment, start, end`` (where the quote stands in the segment's text).
        memo: a dict kept between calls on the same ``corpus`` and ``tokens``: each item's quotes
            are kept by the content of its candidates, so after a coding decision only the
            theme it changed is chosen and de-identified again (the table is the same).

    Candidates are whole sentences around a match, widened to neighbouring sentences until
    they reach ``min_words``; ranked by closeness to the centre of all candidates, skipping
    near-duplicates and a second quote from the same respondent.

    Example:
        >>> from textanalyse.corpus import Corpus
        >>> from textanalyse.nlp import annotate
        >>> corpus = Corpus.from_answers({"bra": ["Jeg fikk god oppfølging av kontakten min."]})
        >>> quotes = quote_candidates(corpus, annotate(corpus, pipeline="fast"), words=["oppfølging"], min_words=3)
        >>> quotes.loc[0, ["theme_or_word", "citation"]].tolist()
        ['oppfølging', '«Jeg fikk god oppfølging av kontakten min.» (respondent)']
    """
    for option, value, least in (("--per-item", per_item, 1), ("--min-words", min_words, 1),
                                 ("--max-words", max_words, min_words)):
        validation.whole_number(value, what=f"quotes: {option} (quotes.{option[2:].replace('-', '_')} in a config)",
                                minimum=least)
    if group_column:
        validation.require_metadata_column(corpus, group_column, what="quotes: --group-by column")
    hits = []
    if words:
        from textanalyse.kwic import matching_tokens

        for word in words:
            found = tokens.loc[matching_tokens(tokens, word), ["doc_id", "segment", "start", "end", "form"]]
            hits.append(pd.DataFrame({"item": word, "kind": "word", "doc_id": found["doc_id"].astype(str),
                                      "segment": found["segment"], "start": found["start"], "end": found["end"],
                                      "matched": found["form"].astype(str)}))
    if coded is not None and len(coded):
        wanted = list(themes) or list(dict.fromkeys(coded["theme"]))
        rows = coded[coded["theme"].isin(wanted)]
        hits.append(pd.DataFrame({"item": rows["theme"], "kind": "theme", "doc_id": rows["doc_id"].astype(str),
                                  "segment": rows["segment"], "start": rows["start"], "end": rows["end"],
                                  "matched": rows["matched"]}))
    if topic_assignments is not None and len(topic_assignments):
        labels = dict(topic_labels or {})
        rows = topic_assignments[topic_assignments["topic"] >= 0]
        hits.append(pd.DataFrame({"item": [labels.get(t, f"tema {t}") for t in rows["topic"]], "kind": "topic",
                                  "doc_id": rows["doc_id"].astype(str), "segment": rows["segment"], "start": -1,
                                  "end": -1, "matched": ""}))
    if not hits:
        return pd.DataFrame(columns=_columns(positions))
    hits = pd.concat(hits, ignore_index=True)
    if memo is not None:
        return _quotes_by_item(hits, memo, corpus, tokens, per_item=per_item, min_words=min_words,
                               max_words=max_words, group_column=group_column, numbered=numbered, positions=positions)
    lookups = _Lookups(corpus, tokens)
    candidates = _windows(row for _, row in _candidate_rows(hits, lookups, min_words=min_words, max_words=max_words))
    if candidates.empty:
        return pd.DataFrame(columns=_columns(positions))
    return _quotes(candidates, corpus, lookups, per_item=per_item, group_column=group_column, numbered=numbered,
                   positions=positions)


def _quotes_by_item(hits: pd.DataFrame, memo: dict, corpus: Corpus, tokens: pd.DataFrame, *, per_item: int,
                    min_words: int, max_words: int, group_column, numbered: bool, positions: bool) -> pd.DataFrame:
    """The same table as choosing among all candidates at once, each item's part kept by the content of its hits.

    Items are chosen each on their own and follow each other in the order of their first hit
    that makes a candidate, as they do when all are chosen at once.
    """
    if len(memo) > MEMO_LIMIT:
        memo.clear()
    lookups = memo.setdefault("lookups", _Lookups(corpus, tokens))
    row_hashes = pd.util.hash_pandas_object(hits, index=False).to_numpy()
    parts = []
    for (item, kind), rows in hits.groupby(["item", "kind"], sort=False).indices.items():
        fingerprint = hashlib.sha256(row_hashes[rows].tobytes()).hexdigest()
        key = (item, kind, len(rows), fingerprint, per_item, min_words, max_words, group_column, numbered, positions)
        if key not in memo:
            found = list(_candidate_rows(hits.iloc[rows], lookups, min_words=min_words, max_words=max_words))
            table = pd.DataFrame()
            if found:
                table = _quotes(_windows(row for _, row in found), corpus, lookups, per_item=per_item,
                                group_column=group_column, numbered=numbered, positions=positions)
            memo[key] = (found[0][0] if found else None, table)
        first, table = memo[key]
        if first is not None and len(table):
            parts.append((rows[first], table))
    if not parts:
        return pd.DataFrame(columns=_columns(positions))
    return pd.concat([table for _, table in sorted(parts, key=lambda part: part[0])], ignore_index=True)


def _quotes(candidates: pd.DataFrame, corpus: Corpus, lookups: _Lookups, *, per_item: int, group_column,
            numbered: bool, positions: bool) -> pd.DataFrame:
    """Choose among the candidates (per item, each on its own) and de-identify the chosen ones."""
    chosen = _choose(candidates, per_item=per_item)
    if chosen.empty:
        return pd.DataFrame(columns=_columns(positions))
    table = _finish(chosen, corpus, lookups, group_column=group_column, numbered=numbered)
    if positions:
        table = table.assign(segment=chosen["segment"].astype(int).to_numpy(),
                             start=chosen["start"].astype(int).to_numpy(), end=chosen["end"].astype(int).to_numpy())
    return table


def _columns(positions: bool) -> list[str]:
    return QUOTE_COLUMNS + POSITION_COLUMNS if positions else QUOTE_COLUMNS


def _candidate_rows(hits: pd.DataFrame, lookups: "_Lookups", *, min_words: int, max_words: int):
    """``(position in hits, candidate)`` for each hit that makes one: whole sentences around it, long enough."""
    texts, respondents, sentence_cache = lookups.texts, lookups.respondents, lookups.sentences
    for position, (item, kind, doc_id, segment, start, end, matched) in enumerate(hits[
            ["item", "kind", "doc_id", "segment", "start", "end", "matched"]].itertuples(index=False)):
        key = (doc_id, int(segment))
        text = texts.get(key)
        if text is None:
            continue
        sentences = sentence_cache.get(key)
        if sentences is None:
            sentences = sentence_cache[key] = split_sentences(text)
        if not sentences:
            continue
        if start < 0:  # topics: the most central sentence window of the segment
            first = 0
        else:
            first = next((i for i, (a, b) in enumerate(sentences) if a <= start < b + 1), None)
            if first is None:
                continue
        last = first
        count = lambda a, b: len(text[sentences[a][0]:sentences[b][1]].split())  # noqa: E731
        while count(first, last) < min_words and (first > 0 or last < len(sentences) - 1):
            if last < len(sentences) - 1:
                last += 1
            else:
                first -= 1
        n_words = count(first, last)
        if not min_words <= n_words <= max_words:
            continue
        yield position, {"item": item, "kind": kind, "doc_id": doc_id, "segment": int(segment),
                         "respondent": respondents.get(doc_id, doc_id), "start": sentences[first][0],
                         "end": sentences[last][1], "text": text[sentences[first][0]:sentences[last][1]],
                         "matched": matched}


def _windows(rows) -> pd.DataFrame:
    """One candidate per item and sentence window, in order of first appearance, naming every form matched there."""
    windows: dict[tuple, tuple[dict, dict]] = {}   # a dict, not a groupby with a Python function per window
    for row in rows:
        key = (row["item"], row["kind"], row["doc_id"], row["segment"], row["start"], row["end"])
        if key not in windows:
            windows[key] = (row, {})
        if row["matched"]:
            windows[key][1][row["matched"]] = None
    return pd.DataFrame([{**row, "matched": ", ".join(forms)} for row, forms in windows.values()])


def _choose(candidates: pd.DataFrame, *, per_item: int) -> pd.DataFrame:
    from sklearn.feature_extraction.text import TfidfVectorizer

    chosen = []
    for (item, kind), group in candidates.groupby(["item", "kind"], sort=False):
        group = group.sort_values(["doc_id", "segment", "start"], kind="stable").reset_index(drop=True)
        vectorizer = TfidfVectorizer(lowercase=True, token_pattern=r"(?u)\b[^\W\d_]{3,}\b", sublinear_tf=True)
        try:
            matrix = vectorizer.fit_transform(group["text"])
        except ValueError:  # no usable words at all
            continue
        centre = np.asarray(matrix.mean(axis=0)).ravel()
        norm = np.linalg.norm(centre) or 1.0
        typicality = np.asarray(matrix @ centre).ravel() / norm
        similarity = (matrix @ matrix.T).toarray()
        picked, respondents = [], set()
        respondent_of = group["respondent"].to_numpy()  # positional, as the index is 0..n-1
        order = np.lexsort((np.arange(len(group)), -typicality))
        while len(picked) < per_item:
            best, best_value = None, -np.inf
            for index in order:
                if index in picked or respondent_of[index] in respondents:
                    continue
                redundancy = max((similarity[index, p] for p in picked), default=0.0)
                if redundancy >= SIMILARITY_DUPLICATE:
                    continue
                value = typicality[index] - DIVERSITY_WEIGHT * redundancy
                if value > best_value + 1e-12:
                    best, best_value = index, value
            if best is None:
                break
            picked.append(best)
            respondents.add(respondent_of[best])
        for rank, index in enumerate(picked, start=1):
            row = group.loc[index].to_dict()
            row.update({"theme_or_word": item, "kind": kind, "rank": rank, "score": round(float(typicality[index]), 4)})
            chosen.append(row)
    return pd.DataFrame(chosen)


class _Lookups:
    """What finding and de-identifying quotes needs from the whole material, worked out once (when asked)."""

    def __init__(self, corpus: Corpus, tokens: pd.DataFrame):
        self.corpus, self.tokens = corpus, tokens
        self.sentences: dict = {}     # (doc_id, segment) -> its sentences' spans

    @functools.cached_property
    def texts(self) -> dict:
        segments = self.corpus.segments   # plain dicts: one look-up per hit
        return dict(zip(zip(segments["doc_id"].astype(str), segments["segment"].astype(int)), segments["text"]))

    @functools.cached_property
    def respondents(self) -> dict:
        documents = self.corpus.documents
        return dict(zip(documents["doc_id"].astype(str), documents["respondent"]))

    @functools.cached_property
    def documents(self) -> pd.DataFrame:
        return self.corpus.documents.set_index("doc_id")

    @functools.cached_property
    def document_frequency(self) -> dict[str, int]:
        return _respondent_frequency(self.tokens, self.corpus)

    @functools.cached_property
    def entity_spans(self) -> dict:
        return _entity_spans(self.tokens)


def _finish(chosen: pd.DataFrame, corpus: Corpus, lookups: _Lookups, *, group_column, numbered) -> pd.DataFrame:
    from textanalyse.anonymize import mask_text

    if chosen.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    documents, document_frequency, entity_spans = lookups.documents, lookups.document_frequency, lookups.entity_spans
    rows = []
    for row in chosen.itertuples(index=False):
        entities = [(a - row.start, b - row.start, label)
                    for a, b, label in entity_spans.get((row.doc_id, row.segment), ())
                    if a >= row.start and b <= row.end]
        masked = mask_text(row.text, numbered=numbered, entities=entities or None)
        group = documents.at[row.doc_id, group_column] if group_column else ""
        who = "informant" if corpus.kind == "transcripts" else "respondent"
        quote = " ".join(masked.text.split())
        rows.append({
            "theme_or_word": row.theme_or_word, "kind": row.kind, "rank": row.rank, "quote": quote,
            "doc_id": row.doc_id, "respondent": row.respondent, "question": documents.at[row.doc_id, "question"],
            "group": group, "matched": row.matched,
            "risk_flags": "; ".join(risk_flags(masked.text, uncertain=masked.uncertain,
                                               respondent_frequency=document_frequency,
                                               metadata=documents.loc[row.doc_id])),
            "citation": f"«{quote}» ({who}{', ' + group if group else ''})",
            "score": row.score,
        })
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def risk_flags(masked_text: str, *, uncertain=(), respondent_frequency=None, metadata=None) -> list[str]:
    """What to check in a (masked) quote before publishing it.

    Example:
        >>> risk_flags("Jeg er 19 år og har ADHD.")
        ['alder', 'tall', 'diagnose: adhd']
    """
    flags = []
    lower = masked_text.lower()
    if _AGE.search(masked_text):
        flags.append("alder")
    if _DIGITS.search(re.sub(r"\[[A-ZÆØÅ]+(?:-\d+)?\]", "", masked_text)):
        flags.append("tall")
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", lower)
    diagnoses = sorted({word for word in words if word in DIAGNOSES})
    if diagnoses:
        flags.append("diagnose: " + ", ".join(diagnoses))
    if respondent_frequency is not None:
        rare = sorted({w for w in words if len(w) >= 5 and respondent_frequency.get(w, 0) == 1})
        if rare:
            flags.append("sjeldne ord (én respondent): " + ", ".join(rare[:5]))
    small = [cue for cue in SMALL_PLACE_CUES if re.search(rf"\b{re.escape(cue)}\b", lower)]
    if metadata is not None:
        size = " ".join(str(value).lower() for key, value in metadata.items() if "kommune" in str(key).lower())
        if "liten" in size or "små" in size:
            small.append("svar fra liten kommune")
    if small:
        flags.append("liten kommune: " + ", ".join(dict.fromkeys(small)))
    if uncertain:
        flags.append("usikre ord med stor forbokstav: " + ", ".join(dict.fromkeys(uncertain)))
    return flags


def _respondent_frequency(tokens: pd.DataFrame, corpus: Corpus) -> dict[str, int]:
    """For each lowercased word form: how many respondents used it."""
    respondents = corpus.documents.set_index("doc_id")["respondent"]
    is_word = tokens["is_word"].to_numpy(dtype=bool)
    if not isinstance(tokens["doc_id"].dtype, pd.CategoricalDtype) or not isinstance(tokens["lower"].dtype,
                                                                                      pd.CategoricalDtype):
        words = tokens.loc[is_word, ["doc_id", "lower"]]
        frame = pd.DataFrame({"respondent": words["doc_id"].astype(str).map(respondents).to_numpy(),
                              "lower": words["lower"].astype(str).to_numpy()}).drop_duplicates()
        return frame.groupby("lower").size().to_dict()
    # On integer codes (the token table's categoricals): distinct (respondent, form) pairs per form.
    doc_respondent = pd.Series(tokens["doc_id"].cat.categories.astype(str)).map(respondents)
    respondent_codes, _ = pd.factorize(doc_respondent, use_na_sentinel=False)  # unknown doc_id: one "respondent"
    lower_codes = tokens["lower"].cat.codes.to_numpy()[is_word].astype(np.int64)
    doc_codes = tokens["doc_id"].cat.codes.to_numpy()[is_word]
    lowers = np.asarray(tokens["lower"].cat.categories.astype(str), dtype=object)
    n_lowers = max(len(lowers), 1)
    pairs = distinct_codes(respondent_codes[doc_codes].astype(np.int64) * n_lowers + lower_codes)
    counts = np.bincount(pairs % n_lowers, minlength=len(lowers))
    present = np.flatnonzero(counts)
    return dict(sorted(zip(lowers[present].tolist(), counts[present].tolist())))



def _entity_spans(tokens: pd.DataFrame) -> dict:
    """``{(doc_id, segment): [(start, end, label)]}`` from the pipeline's entity column."""
    has_entity = tokens["ent"].astype(str) != ""
    spans: dict = {}
    if not has_entity.any():
        return spans
    rows = tokens.loc[has_entity, ["doc_id", "segment", "start", "end", "ent"]]
    for doc_id, segment, start, end, label in rows.itertuples(index=False):
        spans.setdefault((str(doc_id), int(segment)), []).append((int(start), int(end), str(label)))
    return spans
