"""De-identification recall and precision on real news text (NorNE Bokmål dev); skips without shared data."""

from pathlib import Path

import pytest

from textanalyse.anonymize.evaluate import evaluate_conllu

NORNE = Path(__file__).resolve().parents[2] / "shared" / "data" / "norne_nb_dev.conllu"

pytestmark = pytest.mark.skipif(not NORNE.exists(), reason="shared NorNE data not available")


@pytest.fixture(scope="module")
def evaluation():
    return evaluate_conllu(NORNE)


def test_person_names_are_masked(evaluation):
    assert evaluation.person.total > 500
    assert evaluation.person.share >= 0.95


def test_places_are_masked(evaluation):
    assert evaluation.place.total > 300
    assert evaluation.place.share >= 0.90


def test_other_words_survive(evaluation):
    assert evaluation.other_words.total > 10_000
    assert evaluation.others_surviving >= 0.95


def test_organisations_are_reported(evaluation):
    # Report only: generic public bodies (Stortinget, regjeringen) are kept on purpose.
    assert evaluation.organisation.total > 0
    assert 0.0 <= evaluation.organisation.share <= 1.0
