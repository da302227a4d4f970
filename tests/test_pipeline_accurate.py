"""The shipped trained pipelines: loading, language routing, cache keys, --pipeline choices."""

import pytest
from click.testing import CliRunner

from textanalyse.cli import main
from textanalyse.conllu import read_conllu
from textanalyse.nlp import annotate, pipelines
from textanalyse.nlp.pipelines import resolve_pipeline, shipped_model_dir
from tests.conftest import survey_corpus
from tests.test_frequency_real_data import lemma_overlap

needs_models = pytest.mark.skipif(shipped_model_dir("nb") is None or shipped_model_dir("nn") is None,
                                  reason="the trained pipelines are not shipped in this build")


@needs_models
def test_accurate_pipeline_loads_from_package_resources_and_tags():
    corpus = survey_corpus({"q": ["Jeg snakket med Kari Hansen i Hamar, og hun hjalp meg med søknaden om bolig."]})
    tokens = annotate(corpus, pipeline="accurate")
    assert tokens.attrs["pipeline"] == "accurate"
    assert "textanalyse/nlp/models" in str(shipped_model_dir("nb")).replace("\\", "/")
    pos = dict(zip(tokens["form"].astype(str), tokens["pos"].astype(str)))
    assert pos["hjalp"] == "VERB" and pos["bolig"] == "NOUN" and pos["Kari"] == "PROPN"
    lemmas = dict(zip(tokens["form"].astype(str), tokens["lemma"].astype(str)))
    assert lemmas["hjalp"] == "hjelpe" and lemmas["søknaden"] == "søknad"
    entities = dict(zip(tokens["form"].astype(str), tokens["ent"].astype(str)))
    assert entities["Kari"] == entities["Hansen"] == "PER" and entities["Hamar"] != ""
    assert entities["bolig"] == "" and entities["søknaden"] == ""


@needs_models
def test_unseen_compounds_get_the_lemma_of_their_head():
    corpus = survey_corpus({"q": ["Rustjenesten og kommuneboligen var bra, ruskonsulentene også."]})
    lemmas = dict(zip(*[annotate(corpus, pipeline="accurate")[c].astype(str) for c in ("form", "lemma")]))
    assert (lemmas["Rustjenesten"], lemmas["kommuneboligen"], lemmas["ruskonsulentene"]) == (
        "rustjeneste", "kommunebolig", "ruskonsulent")


@needs_models
def test_documents_are_routed_to_the_model_of_their_language(monkeypatch):
    requested = []
    real = pipelines.load_spacy_model

    def recording(model):
        requested.append(model)
        return real(model)

    import textanalyse.nlp as nlp

    monkeypatch.setattr(nlp, "load_spacy_model", recording)
    corpus = survey_corpus({"q": ["Eg fekk ikkje hjelp frå kommunen før no.", "Jeg fikk ikke hjelp fra kommunen."]})
    tokens = annotate(corpus, pipeline="accurate")
    assert sorted(requested) == sorted([str(shipped_model_dir("nb")), str(shipped_model_dir("nn"))])
    assert tokens.groupby("doc_id", observed=True)["lang"].first().astype(str).tolist() == ["nn", "nb"]


@needs_models
def test_cache_keys_on_the_pipeline(tmp_path):
    corpus = survey_corpus({"q": ["Lang ventetid på bolig."]})
    fast = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    accurate = annotate(corpus, pipeline="accurate", cache_dir=tmp_path)
    assert len(list((tmp_path / "annotations").glob("*.tokens"))) == 2
    assert set(fast["pos"].astype(str)) == {""} and "NOUN" in set(accurate["pos"].astype(str))
    again = annotate(corpus, pipeline="accurate", cache_dir=tmp_path)
    assert again.astype(str).equals(accurate.astype(str))


@needs_models
def test_auto_chooses_accurate_for_small_and_fast_for_large_material(monkeypatch):
    monkeypatch.setattr(pipelines, "installed_spacy_package", lambda: None)
    assert resolve_pipeline("auto", n_words=20_000).name == "accurate"
    assert resolve_pipeline("auto", n_words=pipelines.AUTO_TRAINED_WORD_LIMIT + 1).name == "fast"


def test_pipeline_choices_on_the_command_line(tmp_path):
    survey = tmp_path / "svar.csv"
    survey.write_text("id;svar\n1;God oppfølging fra ruskonsulenten\n2;Lang ventetid på bolig\n", encoding="utf-8")
    for choice in ["fast"] + (["accurate"] if shipped_model_dir("nb") else []):
        result = CliRunner().invoke(main, ["freq", str(survey), "--text-col", "svar", "--pipeline", choice,
                                           "--no-cache", "--out", str(tmp_path / f"{choice}.csv")])
        assert result.exit_code == 0, result.output
        assert f"pipeline: {choice} (" in result.output
    result = CliRunner().invoke(main, ["freq", str(survey), "--text-col", "svar", "--pipeline", "nb_core_news_xl"])
    assert result.exit_code == 2 and "pipeline 'nb_core_news_xl' is not available" in result.output


# ------------------------------------------------------------ scores on real data (skip without ../shared)
@needs_models
def test_accurate_lemma_overlap_bokmal(shared_data):
    overlap = lemma_overlap(shared_data / "ud_nb_dev.conllu", "nb", pipeline="accurate")
    print(f"accurate Bokmål lemma overlap {overlap:.4f}")
    assert overlap >= 0.97


@needs_models
def test_accurate_lemma_overlap_nynorsk(shared_data):
    overlap = lemma_overlap(shared_data / "ud_nn_dev.conllu", "nn", pipeline="accurate")
    print(f"accurate Nynorsk lemma overlap {overlap:.4f}")
    assert overlap >= 0.96


@needs_models
def test_pipeline_names_alone_mask_person_tokens_on_norne(shared_data):
    from textanalyse.anonymize.files import pipeline_entities

    parsed = read_conllu(shared_data / "norne_nb_dev.conllu")
    sentences = [sentence.text for sentence in parsed]
    golds = [[(t.start, t.end) for t in sentence.tokens if t.entity == "PER" and t.start >= 0] for sentence in parsed]
    spans = pipeline_entities(sentences, pipeline="accurate")
    total = masked = 0
    for gold, predicted in zip(golds, spans):
        for start, end in gold:
            total += 1
            masked += any(a < end and start < b for a, b, _ in predicted)
    print(f"person-name tokens inside a predicted entity: {masked}/{total} = {masked / total:.4f}")
    assert masked / total >= 0.95
