"""The learner: deterministic, falls back to the codebook for rare themes, learns a paraphrase."""

import numpy as np
import pandas as pd
import pytest

from textanalyse.coding.learner import decide, fit_learner, predict_proba, segment_features
from textanalyse.corpus import Corpus
from textanalyse.nlp import annotate
from textanalyse.themes import parse_codebook

CODEBOOK = parse_codebook({"themes": {
    "Bolig": {"description": "Å ha et sted å bo.", "patterns": ["bolig*", "leilighet*"]},
    "Ventetid": {"description": "Å få hjelp når en trenger det.", "patterns": ["vente*", "ventetid*"]},
    "NAV": {"description": "NAV-kontoret.", "patterns": ["nav*"]},
}})

TEXTS = [
    ("Fikk tak over hodet etter to år", "Bolig"), ("Har fått tak over hodet endelig", "Bolig"),
    ("Fikk egen leilighet", "Bolig"), ("Kommunal bolig i sentrum", "Bolig"), ("Tak over hodet og seng", "Bolig"),
    ("Fikk et sted å bo med tak over hodet", "Bolig"),
    ("Ingen tar telefonen", "Ventetid"), ("Ingen tar telefonen når jeg ringer", "Ventetid"),
    ("Lang ventetid på time", "Ventetid"), ("Må vente i månedsvis", "Ventetid"), ("Telefonen ringer bare ut", "Ventetid"),
    ("Svarer aldri på telefonen", "Ventetid"),
    ("Nav er tregt", "NAV"), ("Saksbehandleren på nav", "NAV"),
    ("Hyggelige folk", ""), ("Alt er bra", ""), ("Kaffen er god", ""), ("Fint vær i dag", ""),
    ("Trivelig personale", ""), ("Ingenting å klage på", ""), ("Gode samtaler", ""), ("Flinke folk", ""),
]


@pytest.fixture(scope="module")
def material():
    corpus = Corpus.from_documents([{"doc_id": f"{i}:bra", "respondent": str(i), "question": "bra", "source": "-",
                                     "text": text} for i, (text, _) in enumerate(TEXTS)])
    return corpus, annotate(corpus, pipeline="fast")


def _labels():
    return pd.DataFrame({name: [int(theme == name) for _, theme in TEXTS] for name in ("Bolig", "Ventetid", "NAV")})


def test_features_hold_codebook_hits_lemmas_and_compound_heads(material):
    corpus, tokens = material
    features = segment_features(corpus, tokens, CODEBOOK)
    assert features.hits[2].tolist() == [1.0, 0.0, 0.0]        # "leilighet" hits Bolig
    assert features.hits[0].tolist() == [0.0, 0.0, 0.0]        # "tak over hodet" is not a pattern
    assert "telefon" in features.lemmas[6].split()
    assert features.texts[0] == "fikk tak over hodet etter to år"


def test_learner_is_deterministic_and_learns_the_paraphrase(material):
    corpus, tokens = material
    features = segment_features(corpus, tokens, CODEBOOK)
    first = predict_proba(fit_learner(features, _labels(), CODEBOOK, seed=0), features)
    second = predict_proba(fit_learner(features, _labels(), CODEBOOK, seed=0), features)
    pd.testing.assert_frame_equal(first, second)
    new = Corpus.from_documents([{"doc_id": "x:bra", "respondent": "x", "question": "bra", "source": "-",
                                  "text": "Endelig tak over hodet"},
                                 {"doc_id": "y:bra", "respondent": "y", "question": "bra", "source": "-",
                                  "text": "Ingen svarer på telefonen"}])
    learner = fit_learner(features, _labels(), CODEBOOK, seed=0)
    codes = decide(learner, predict_proba(learner, segment_features(new, annotate(new, pipeline="fast"), CODEBOOK)))
    assert codes["Bolig"].tolist() == [1, 0]
    assert codes["Ventetid"].tolist() == [0, 1]


def test_a_theme_with_too_few_examples_uses_the_codebook_and_says_why(material):
    corpus, tokens = material
    features = segment_features(corpus, tokens, CODEBOOK)
    learner = fit_learner(features, _labels(), CODEBOOK, seed=0)
    assert learner.models["NAV"].kind == "codebook"
    assert learner.models["NAV"].reason == "for få kodede eksempler (2 < 5)"
    assert learner.notes == ["NAV: kodeboka alene (for få kodede eksempler (2 < 5))"]
    probabilities = predict_proba(learner, features)
    assert probabilities["NAV"].tolist()[12:14] == [1.0, 1.0]
    assert np.all((probabilities.to_numpy() >= 0) & (probabilities.to_numpy() <= 1))
