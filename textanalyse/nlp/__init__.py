"""Annotate a corpus once into a token table (form, lower, lemma, POS, entities), cached on disk."""

from __future__ import annotations

import gc
import os

import numpy as np
import pandas as pd

from textanalyse.corpus import Corpus
from textanalyse.nlp import cache
from textanalyse.nlp.language import decide_languages
from textanalyse.nlp.pipelines import PipelineChoice, load_spacy_model, resolve_pipeline

TOKEN_COLUMNS = ("doc_id", "segment", "position", "start", "end", "form", "lower", "lemma", "pos", "ent",
                 "is_word", "lang", "lang_reason")
# Below this many words a second process costs more than it saves.
PARALLEL_WORD_THRESHOLD = 400_000

__all__ = ["TOKEN_COLUMNS", "annotate", "resolve_pipeline", "segment_languages", "language_decisions"]


def language_decisions(corpus: Corpus, *, language: str = "auto", cache_dir=None) -> pd.DataFrame:
    """``doc_id, lang, lang_reason`` per document (see :func:`textanalyse.nlp.language.decide_languages`).

    Survey answers are pooled per respondent, transcripts per informant; remembered in the
    cache when one is set.
    """
    if language not in ("auto", "nb", "nn"):
        from textanalyse.errors import UserError

        raise UserError(f"language '{language}' is not supported; use auto, nb or nn")
    key = cache.language_key(corpus.documents, language) if cache_dir is not None else None
    return _language_decisions(corpus, language=language, cache_dir=cache_dir, key=key)


def _language_decisions(corpus: Corpus, *, language: str, cache_dir, key: str | None) -> pd.DataFrame:
    documents = corpus.documents
    decisions = cache.load_languages(cache_dir, key, documents) if key else None
    if decisions is None or "lang_reason" not in decisions.columns:
        unit = "informanten" if corpus.kind == "transcripts" else "respondenten"
        decisions = decide_languages(documents, language=language, unit=unit)
        if key:
            cache.store_languages(cache_dir, key, decisions)
    return decisions


def segment_languages(corpus: Corpus, *, language: str = "auto", decisions: pd.DataFrame | None = None) -> np.ndarray:
    """Language (``nb``/``nn``) of every segment, decided per respondent unless fixed."""
    if decisions is None:
        decisions = language_decisions(corpus, language=language)
    per_document = dict(zip(decisions["doc_id"], decisions["lang"]))
    return corpus.segments["doc_id"].astype(str).map(per_document).fillna("nb").to_numpy(dtype=object)


def annotate(corpus: Corpus, *, pipeline: str | PipelineChoice = "auto", language: str = "auto",
             cache_dir=None, n_process: int | None = None, on_progress=None) -> pd.DataFrame:
    """Tokenise and lemmatise every segment; returns the token table (see ARCHITECTURE.md).

    Args:
        pipeline: ``auto``, ``fast`` (spaCy tokenizer + simplemma), ``accurate`` (shipped
            trained pipeline), an installed spaCy package such as ``nb_core_news_sm``, or a
            pipeline folder.
        language: ``auto`` (Bokmål/Nynorsk per document), ``nb`` or ``nn``.
        cache_dir: folder for the annotation cache; ``None`` disables caching. A cached table
            is reused only for identical texts, languages and pipeline.
        n_process: worker processes; by default 2 for large corpora, else 1.
        on_progress: called with the number of segments done since the last call.

    Example:
        >>> corpus = Corpus.from_documents([{"doc_id": "1", "respondent": "1", "question": "bra",
        ...     "source": "-", "text": "Fikk god oppfølging."}])
        >>> annotate(corpus, pipeline="fast")["lemma"].tolist()
        ['få', 'god', 'oppfølging', '.']
    """
    # Annotation makes millions of small objects and no reference cycles worth collecting: the
    # cyclic collector would scan the whole heap again and again (a third of the time of
    # language detection), so it is paused here and in the forked helper.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _annotate(corpus, pipeline=pipeline, language=language, cache_dir=cache_dir, n_process=n_process,
                         on_progress=on_progress)
    finally:
        if collecting:
            gc.enable()


def _annotate(corpus: Corpus, *, pipeline, language, cache_dir, n_process, on_progress) -> pd.DataFrame:
    texts = corpus.segments["text"].astype(str).tolist()
    if cache.prepare(cache_dir) is None:  # a folder that is not the user's own is refused before the work
        cache_dir = None
    if isinstance(pipeline, str):
        n_words = sum(text.count(" ") + 1 for text in texts) if pipeline == "auto" else 0
        pipeline = resolve_pipeline(pipeline, n_words=n_words)
    language_key = cache.language_key(corpus.documents, language) if cache_dir is not None else None
    two_processes = pipeline.kind == "fast" and _fast_workers(texts, n_process) > 1
    # Without cached language decisions the table is almost surely not cached either: start the
    # helper now, so spaCy loads on the other core, and start tokenising (it needs no language),
    # so the chunks spaCy must split wait for the helper instead of the other way round.
    helper = begun = None
    if two_processes and not (language_key and cache.cache_file(cache_dir, language_key,
                                                                  suffix=cache.LANGUAGE_SUFFIX).exists()):
        helper = _helper_pool()
    try:
        if helper is not None:
            begun = _start_tokens(texts, helper)
        decisions = _language_decisions(corpus, language=language, cache_dir=cache_dir, key=language_key)
        # The key holds every segment's language, so a changed decision never reuses a stale table.
        langs = segment_languages(corpus, decisions=decisions)
        key = cache.cache_key(pipeline.identity, texts, langs)
        table = cache.load_cached(cache_dir, key)
        if table is None:
            if pipeline.kind == "fast":
                if two_processes and helper is None:
                    helper = _helper_pool()
                table = _annotate_fast(texts, langs, begun=begun or _start_tokens(texts, helper), helper=helper,
                                       on_progress=on_progress)
                helper = _close(helper, wait=True)
            else:
                table = _annotate_spacy(texts, langs, pipeline, n_process=n_process, on_progress=on_progress)
            cache.store(cache_dir, key, table)
        elif on_progress is not None:
            on_progress(len(texts))
    finally:
        _close(helper, wait=False)  # a cache hit after all, or an error: the helper's work is not needed
    return _attach_segments(table, corpus, pipeline, decisions)


def _fast_workers(texts, n_process: int | None) -> int:
    """Processes for the fast pipeline: 2 for large corpora on a machine with two cores or more."""
    if n_process:
        return n_process
    n_words = sum(len(text) for text in texts) // 6
    return 2 if n_words >= PARALLEL_WORD_THRESHOLD and (os.cpu_count() or 1) >= 2 else 1


def _close(helper, *, wait: bool) -> None:
    """Let the helper finish and exit (``wait``), or stop it at once."""
    if helper is not None:
        if wait:
            helper.close()
        else:
            helper.terminate()
        helper.join()


def _attach_segments(table: pd.DataFrame, corpus: Corpus, pipeline: PipelineChoice,
                     decisions: pd.DataFrame) -> pd.DataFrame:
    rows = table["_row"].to_numpy()
    doc_codes, doc_ids = pd.factorize(corpus.segments["doc_id"], sort=False)
    columns = {
        "doc_id": pd.Categorical.from_codes(doc_codes[rows], categories=pd.Index(doc_ids, dtype=object)),
        "segment": corpus.segments["segment"].to_numpy(dtype=np.int32)[rows],
    }
    for column in TOKEN_COLUMNS[2:-1]:
        columns[column] = table[column].to_numpy() if column in ("position", "start", "end", "is_word") else table[column].array
    # Why each document got its language: attached after the cache, one category per document.
    reason_codes, reasons = pd.factorize(pd.Series(decisions["lang_reason"].to_numpy(dtype=object)))
    reason_of_doc = dict(zip(decisions["doc_id"], reason_codes))
    doc_reason_codes = np.fromiter((reason_of_doc.get(str(doc), -1) for doc in doc_ids), dtype=np.int64,
                                   count=len(doc_ids))
    columns["lang_reason"] = pd.Categorical.from_codes(doc_reason_codes[doc_codes[rows]] if len(rows) else
                                                       np.zeros(0, dtype=np.int64),
                                                       categories=pd.Index(reasons, dtype=object))
    out = pd.DataFrame(columns, copy=False)  # at once and without copies: the arrays are this table's own
    out.attrs["pipeline"] = pipeline.name
    out.attrs["pipeline_identity"] = pipeline.identity
    return out


def _categorical(codes: np.ndarray, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def _start_tokens(texts, helper):
    """The tokenizer and its start (:meth:`ChunkTokenizer.start`); spaCy's chunks go to ``helper`` if any."""
    from textanalyse.nlp.fast import ChunkTokenizer, spacy_pieces

    def split_in_helper(chunks):
        return helper.apply_async(spacy_pieces, (chunks,))

    tokenizer = ChunkTokenizer(complex_splitter=split_in_helper if helper is not None else None)
    return tokenizer, tokenizer.start(texts)


def _annotate_fast(texts, langs, *, begun, helper=None, on_progress=None) -> pd.DataFrame:
    """The fast pipeline's token table; ``begun``: the tokenizer and its start (:func:`_start_tokens`).

    With two cores (``helper``: a pool of one forked process, see :func:`_helper_pool`), the
    work is shared so that neither process waits long: the helper imports spaCy (started by
    :func:`annotate` before language detection) and splits the chunks that need it, then
    lemmatises half of the plain words' forms; this process splits the plain words, detects
    languages and lemmatises the other half, then takes the helper's pieces and lemmatises
    what is left. Each process loads simplemma's dictionary itself: a second core is idle
    otherwise, and loading it (0.7 s) is shorter than lemmatising every form in one process.
    One helper, not two: a third busy process on two cores slows everything down. The caller
    closes the helper.
    """
    from textanalyse.nlp.fast import lemmatize_forms

    tokenizer, started = begun
    languages = sorted(set(langs)) or ["nb"]
    majority = max(languages, key=lambda lang: int(np.sum(np.asarray(langs, dtype=object) == lang)))
    plain = list(dict.fromkeys(form.lower() for form in started.plain_forms))
    half = len(plain) // 2 if helper is not None else len(plain)
    theirs = helper.apply_async(lemmatize_forms, (plain[half:], [majority] * (len(plain) - half))) \
        if half < len(plain) else None
    mine = lemmatize_forms(plain[:half], [majority] * half)
    rows, positions, starts, form_ids = tokenizer.finish(started, on_progress=on_progress)
    done = dict(zip(plain, mine + (theirs.get() if theirs is not None else [])))
    forms = tokenizer.forms
    lower_codes_of_form, lowers = pd.factorize(np.array([form.lower() for form in forms], dtype=object))
    lowers = np.asarray(lowers, dtype=object)
    lower_codes = lower_codes_of_form[form_ids]
    lang_codes_of_row, lang_names = pd.factorize(pd.Series(langs, dtype=object))
    lang_names = np.asarray(lang_names, dtype=object)
    n_langs = max(len(lang_names), 1)
    token_langs = lang_codes_of_row[rows] if len(rows) else np.zeros(0, dtype=np.int64)
    # Lemmatise each distinct (lowercased form, language) pair once.
    # (np.unique's sorted pairs and inverse, by hashing instead of sorting a million tokens)
    pair_codes, unique_pairs = pd.factorize(lower_codes.astype(np.int64) * n_langs + token_langs, sort=True)
    pair_lowers = lowers[unique_pairs // n_langs].tolist()
    pair_langs = lang_names[unique_pairs % n_langs].tolist()
    missing = [i for i, (lower, lang) in enumerate(zip(pair_lowers, pair_langs)) if lang != majority or lower not in done]
    rest = lemmatize_forms([pair_lowers[i] for i in missing], [pair_langs[i] for i in missing])
    pair_lemmas = [done.get(lower) if lang == majority else None for lower, lang in zip(pair_lowers, pair_langs)]
    for i, lemma in zip(missing, rest):
        pair_lemmas[i] = lemma
    lemma_codes_of_pair, lemmas = pd.factorize(pd.Series(pair_lemmas, dtype=object))
    form_lengths = np.fromiter((len(form) for form in forms), dtype=np.int32, count=len(forms))
    has_letter = np.fromiter((any(ch.isalpha() for ch in form) for form in forms), dtype=bool, count=len(forms))
    n = len(rows)
    return pd.DataFrame({
        "_row": rows,
        "position": positions,
        "start": starts,
        "end": starts + form_lengths[form_ids],
        "form": _categorical(form_ids, forms),
        "lower": _categorical(lower_codes, lowers),
        "lemma": _categorical(lemma_codes_of_pair[pair_codes] if n else np.zeros(0, dtype=np.int64), lemmas),
        "pos": _categorical(np.zeros(n, dtype=np.int8), [""]),
        "ent": _categorical(np.zeros(n, dtype=np.int8), [""]),
        "is_word": has_letter[form_ids],
        "lang": _categorical(token_langs, list(lang_names) or ["nb"]),
    })


def _helper_pool():
    """One forked helper process that starts importing spaCy at once (``None`` without fork)."""
    import multiprocessing

    if not hasattr(os, "fork"):
        return None
    from textanalyse.nlp.fast import spacy_tokenizer

    return multiprocessing.get_context("fork").Pool(1, initializer=spacy_tokenizer)


def _annotate_spacy(texts, langs, pipeline: PipelineChoice, *, n_process, on_progress) -> pd.DataFrame:
    columns = {name: [] for name in ("_row", "position", "start", "end", "form", "lemma", "pos", "ent")}
    order = np.argsort(np.asarray(langs, dtype=object) == "nn", kind="stable")
    by_language: dict[str, list[int]] = {}
    for row in order:
        by_language.setdefault(langs[row], []).append(int(row))
    for lang, rows in by_language.items():
        nlp = load_spacy_model(pipeline.model_for(lang))
        processes = n_process or 1
        # Batches of about 4,000 words: long documents in batches of 256 need gigabytes.
        average_words = max(1, sum(texts[row].count(" ") + 1 for row in rows) // max(len(rows), 1))
        batch_size = max(4, min(256, 4000 // average_words))
        for row, doc in zip(rows, nlp.pipe((texts[row] for row in rows), batch_size=batch_size, n_process=processes)):
            for token in doc:
                if token.is_space:
                    continue
                columns["_row"].append(row)
                columns["position"].append(token.i)
                columns["start"].append(token.idx)
                columns["end"].append(token.idx + len(token.text))
                columns["form"].append(token.text)
                columns["lemma"].append((token.lemma_ or token.text).lower())
                columns["pos"].append(token.pos_ or "")
                columns["ent"].append(token.ent_type_ or "")
            if on_progress is not None:
                on_progress(1)
    table = pd.DataFrame({
        "_row": np.asarray(columns["_row"], dtype=np.int32),
        "position": np.asarray(columns["position"], dtype=np.int32),
        "start": np.asarray(columns["start"], dtype=np.int32),
        "end": np.asarray(columns["end"], dtype=np.int32),
        "form": pd.Series(columns["form"], dtype=object),
        "lemma": pd.Series(columns["lemma"], dtype=object),
        "pos": pd.Series(columns["pos"], dtype=object),
        "ent": pd.Series(columns["ent"], dtype=object),
    })
    table = table.sort_values(["_row", "position"], kind="stable").reset_index(drop=True)
    table["position"] = table.groupby("_row").cumcount().astype(np.int32)
    table["lower"] = table["form"].str.lower()
    table["is_word"] = table["form"].map(lambda form: any(ch.isalpha() for ch in form)).astype(bool)
    table["lang"] = pd.Series(np.asarray(langs, dtype=object)[table["_row"].to_numpy()] if len(table) else [],
                              dtype=object)
    for column in ("form", "lower", "lemma", "pos", "ent", "lang"):
        table[column] = table[column].astype(pd.CategoricalDtype(pd.Index(sorted(set(table[column])), dtype=object)))
    return table[["_row", "position", "start", "end", "form", "lower", "lemma", "pos", "ent", "is_word", "lang"]]
