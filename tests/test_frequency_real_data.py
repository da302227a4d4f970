"""Frequency tables against independent counts on real Norwegian text (skips without ../shared)."""

import collections
import gzip
import re

import pandas as pd
import pytest

from textanalyse.conllu import read_conllu
from textanalyse.corpus import Corpus
from textanalyse.filters import apply_filters, user_stoplist
from textanalyse.frequency import frequency_table
from textanalyse.nlp import annotate

LETTERS = re.compile(r"[^\W\d_]+")


def read_speeches(path, n):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False, nrows=n)
    return Corpus.from_documents(pd.DataFrame({
        "doc_id": table["speech_id"], "respondent": table["speech_id"], "question": "tale", "source": "storting",
        "text": table["text"]}))


def test_exact_mode_agrees_with_simple_letter_count_on_2000_speeches(shared_data):
    corpus = read_speeches(shared_data / "storting_speeches.csv.gz", 2000)
    stoplist = user_stoplist(shared_data / "stopwords_nltk_no.txt")
    result = apply_filters(annotate(corpus, pipeline="fast"), unit="exact", min_length=4, stoplists=[stoplist])
    ours = frequency_table(result.kept, corpus).set_index("word")["count"]

    simple = collections.Counter(
        word for text in corpus.documents["text"] for word in LETTERS.findall(text.lower())
        if len(word) >= 4 and word not in stoplist.words)
    top = [word for word, _ in simple.most_common(200)]
    identical = sum(int(ours.get(word, 0)) == simple[word] for word in top)
    print(f"identical counts for {identical} of the top 200 words")
    assert identical / 200 >= 0.98


def lemma_overlap(path, language, pipeline="fast"):
    """Σ_w min(gold(w), ours(w)) / Σ gold over alphabetic tokens, lemmas lowercased."""
    sentences = read_conllu(path)
    corpus = Corpus.from_documents([{"doc_id": str(i), "respondent": str(i), "question": "ud", "source": "ud",
                                     "text": sentence.text} for i, sentence in enumerate(sentences)])
    tokens = annotate(corpus, pipeline=pipeline, language=language)
    ours = collections.Counter(lemma for lemma, word in zip(tokens["lemma"].astype(str), tokens["is_word"]) if word)
    gold = collections.Counter(token.lemma.lower() for sentence in sentences for token in sentence.tokens
                               if any(ch.isalpha() for ch in token.form))
    return sum(min(count, ours[lemma]) for lemma, count in gold.items()) / sum(gold.values())


def test_lemma_counts_overlap_gold_bokmal(shared_data):
    overlap = lemma_overlap(shared_data / "ud_nb_dev.conllu", "nb")
    print(f"Bokmål lemma overlap {overlap:.4f}")
    assert overlap >= 0.94


def test_lemma_counts_overlap_gold_nynorsk(shared_data):
    overlap = lemma_overlap(shared_data / "ud_nn_dev.conllu", "nn")
    print(f"Nynorsk lemma overlap {overlap:.4f}")
    assert overlap >= 0.92
