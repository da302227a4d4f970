"""suggest-exclusions: keyness against general Norwegian keeps the field's words out."""

from pathlib import Path

import pytest

import textanalyse.exclusions as exclusions
from textanalyse.api import filter_material, load_material
from textanalyse.corpus import Corpus
from textanalyse.exclusions import SUGGESTION_COLUMNS, reference_frequencies, suggest_exclusions
from textanalyse.filters import apply_filters
from textanalyse.nlp import annotate
from textanalyse.options import FilterOptions, InputOptions
from tests.conftest import survey_corpus

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "corpora" / "eksempel" / "brukerundersokelse.csv"
DEVSET = REPO / "tests" / "data" / "devset" / "svar.csv"
QUESTIONS = ("fungerer_bra", "fungerer_darlig", "forslag")
# The words these surveys are about (issue 13): never suggested for exclusion.
PROTECTED = ("oppfølging kontakt kontaktperson ruskonsulent fastlege bolig jobb hjelp ventetid respekt samtale "
             "psykisk hjemmetjeneste vente").split()


def suggestions(path, *, unit="lemma", default_lists=None, top=200, id_column="respondent_id"):
    material = load_material(InputOptions(paths=(str(path),), text_columns=QUESTIONS, id_column=id_column,
                                          pipeline="fast", cache_dir=None))
    result = filter_material(material, FilterOptions(unit=unit, default_lists=default_lists))
    return suggest_exclusions(result.kept, material.corpus, top=top)


@pytest.fixture(params=["guarded", "keyness alone"])
def guard(request, monkeypatch):
    if request.param == "keyness alone":  # the field's words stay out without the safety-net list too
        monkeypatch.setattr(exclusions, "CORE_WORDS", frozenset())
    return request.param


@pytest.mark.parametrize("unit", ["lemma", "exact"])
@pytest.mark.parametrize("default_lists", [None, ()])
def test_example_survey_never_suggests_the_fields_words(unit, default_lists, guard):
    table = suggestions(EXAMPLE, unit=unit, default_lists=default_lists)
    assert len(table) > 20
    assert sorted(set(table["word"]) & set(PROTECTED)) == []


def test_devset_never_suggests_the_fields_words(guard):
    if not DEVSET.exists():
        pytest.skip("tests/data/devset is not on this branch yet")
    for default_lists in (None, ()):
        table = suggestions(DEVSET, default_lists=default_lists)
        assert sorted(set(table["word"]) & set(PROTECTED)) == []


def test_published_examples_are_suggested_when_present():
    lemmas = suggestions(EXAMPLE, default_lists=()).set_index("word")["suggested_list"]
    assert lemmas[["sette", "etter", "alltid"]].tolist() == ["flertydige", "lite_informative", "lite_informative"]
    forms = suggestions(EXAMPLE, unit="exact", default_lists=()).set_index("word")["suggested_list"]
    assert forms[["tatt", "etter", "alltid"]].tolist() == ["flertydige", "lite_informative", "lite_informative"]


def test_evidence_shows_real_counts_per_question_and_group():
    corpus = survey_corpus({"bra": ["Etter samtalen gikk det bra.", "Fastlegen ringte etter en uke.",
                                    "Fastlegen hjalp meg etter hvert."],
                            "darlig": ["Etter tre uker kom svaret.", "Fastlegen svarte ikke.", "Ingen ringte."]},
                           kjonn=["Kvinne", "Mann", "Kvinne"])
    kept = apply_filters(annotate(corpus, pipeline="fast"), stoplists=[]).kept
    table = suggest_exclusions(kept, corpus, min_count=3)
    assert table.columns.tolist() == SUGGESTION_COLUMNS
    # fastlege (4 times) is key, rare in general Norwegian; etter is key in so tiny a text too,
    # but stands on the published list of low-information words.
    assert table["word"].tolist() == ["etter"]
    row = table.iloc[0]
    assert (row["count"], row["documents"], row["questions"], row["groups"], row["by_question"]) == (
        4, 4, "2/2", "3/4", "bra 3, darlig 1")
    assert row["evidence"] == (
        "4 ganger (bra 3, darlig 1); i 2 av 2 spørsmål og 3 av 4 grupper (spredning 0.78); 160.0 per 1000 ord her "
        "mot 2.0 i generell norsk: 91.8 ganger så vanlig her som i generell norsk; står på den publiserte lista "
        "over lite informative ord")


def test_groups_used_differ_between_words():
    table = suggestions(EXAMPLE, default_lists=())
    assert table["groups"].nunique() > 10


def test_reference_is_counts_only_and_general():
    counts, total = reference_frequencies()
    assert 20_000 <= len(counts) <= 50_000 and total > 5_000_000
    assert counts["etter"] > 50 * counts.get("ruskonsulent", 0)
    assert all(isinstance(value, int) for value in list(counts.values())[:100])
