import numpy as np
import pytest
import spacy

from textanalyse.errors import UserError
from textanalyse.nlp import TOKEN_COLUMNS, annotate
from textanalyse.nlp.fast import ChunkTokenizer, lemmatize_forms
from textanalyse.nlp.language import detect_language
from textanalyse.nlp.pipelines import resolve_pipeline
from tests.conftest import survey_corpus


def test_token_table_columns_and_values():
    corpus = survey_corpus({"bra": ["Fikk god oppfølging av NAV-kontoret, 12 ganger."]})
    tokens = annotate(corpus, pipeline="fast")
    assert tokens.columns.tolist() == list(TOKEN_COLUMNS)
    assert tokens["form"].tolist() == ["Fikk", "god", "oppfølging", "av", "NAV-kontoret", ",", "12", "ganger", "."]
    assert tokens["lemma"].tolist() == ["få", "god", "oppfølging", "av", "nav-kontor", ",", "12", "gang", "."]
    assert tokens["is_word"].tolist() == [True, True, True, True, True, False, False, True, False]
    assert tokens[["start", "end"]].values[4].tolist() == [23, 35]
    assert tokens["position"].tolist() == list(range(9))
    assert tokens.attrs["pipeline"] == "fast"


def test_nynorsk_documents_get_nynorsk_lemmas():
    corpus = survey_corpus({"q": ["Eg fekk ikkje hjelp frå kommunen.", "Jeg fikk ikke hjelp fra kommunen."]})
    tokens = annotate(corpus, pipeline="fast")
    assert tokens.groupby("doc_id", observed=True)["lang"].first().astype(str).tolist() == ["nn", "nb"]
    assert tokens["lemma"].tolist()[:7] == ["eg", "få", "ikkje", "hjelp", "frå", "kommune", "."]


@pytest.mark.parametrize("text, expected", [("Eg fekk ikkje hjelp før no.", "nn"), ("Jeg fikk ikke hjelp.", "nb"),
                                            ("ikkje bra", "nn"), ("Kva skal eg seie?", "nn"),
                                            ("Bustaden eg har fått er bra.", "nn"),
                                            ("Meir hjelp til å finne seg arbeid.", "nn"),
                                            ("Boligen jeg har fått er bra.", "nb"),
                                            ("Mer hjelp til å finne seg arbeid.", "nb")])
def test_detect_language(text, expected):
    assert detect_language(text) == expected


def test_compounds_are_lemmatised_by_their_head():
    assert lemmatize_forms(["ruskonsulenten", "kommuneboligen", "ingenting"], ["nb"] * 3) == [
        "ruskonsulent", "kommunebolig", "ingenting"]


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_dictionary_shortcut_gives_simplemmas_lemmas(lang):
    import simplemma

    from textanalyse.nlp.fast import _simplemma_dictionary

    words = ("oppfølgingen samtalene kontaktpersonen ventetida fekk hjelpa kommunen boligen jobbar "
             "bustaden ruskonsulenten eldre gikk gjekk sa sagt tatt satt ingenting søknaden ikkje").split()
    dictionary = _simplemma_dictionary(lang)
    assert len(dictionary) > 10_000
    found = [word for word in words if word in dictionary]   # the rest go to simplemma itself
    assert len(found) >= len(words) - 4
    for word in found:
        assert dictionary[word] == simplemma.lemmatize(word, lang=lang), word


def test_chunk_tokenizer_gives_exactly_spacys_tokens():
    text = ('«Hjelpen» (fra NAV) var bra, f.eks. i jan. og St. Olav, ca. 3-4 ganger! '
            'Ring 97 11 55 65 / e-post: ola@example.no. DnB. U.S.A. Hmm... «nei» sa hun.')
    reference = [t.text for t in spacy.blank("nb").tokenizer(text) if not t.is_space]
    tokenizer = ChunkTokenizer()
    _, _, starts, ids = tokenizer.tokenize([text])
    assert [tokenizer.forms[i] for i in ids] == reference
    assert [text[s:s + len(tokenizer.forms[i])] for s, i in zip(starts, ids)] == reference


def test_plain_chunks_split_without_spacy_agree_with_every_special_case():
    from textanalyse.nlp.fast import simple_pieces

    tokenizer = spacy.blank("nb").tokenizer
    checked = 0
    for key in tokenizer.rules:
        pieces = simple_pieces(key)
        if pieces is not None:
            checked += 1
            assert list(pieces[0]) == [t.text for t in tokenizer(key)], key
    for chunk in ["(hjelp", "hjelp,", "«nei»", "ja!", "Oslo:", "ventetid)", "bl.a.", "ca.", "St.", "DnB."]:
        pieces = simple_pieces(chunk)
        assert pieces is None or list(pieces[0]) == [t.text for t in tokenizer(chunk)], chunk
    assert checked > 0


def test_shipped_abbreviation_list_matches_spacy():
    import re

    from textanalyse.nlp.fast import period_special_cases

    shape = re.compile(r"^[(«\"]?[^\W\d_]+\.$")
    assert period_special_cases() == {key for key in spacy.blank("nb").tokenizer.rules if shape.match(key)}


def test_cache_hit_does_not_annotate_again(tmp_path, monkeypatch):
    corpus = survey_corpus({"q": ["Lang ventetid.", "God kontakt."]})
    first = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    assert len(list((tmp_path / "annotations").glob("*.tokens"))) == 1
    import textanalyse.nlp as nlp

    monkeypatch.setattr(nlp, "_annotate_fast", lambda *a, **k: pytest.fail("annotated again despite cache"))
    second = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    assert second.astype(str).equals(first.astype(str))


def test_cache_is_not_reused_for_changed_text_or_pipeline(tmp_path, monkeypatch):
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=tmp_path)
    changed = annotate(survey_corpus({"q": ["Lang ventetid!"]}), pipeline="fast", cache_dir=tmp_path)
    assert changed["form"].tolist() == ["Lang", "ventetid", "!"]
    assert len(list((tmp_path / "annotations").glob("*.tokens"))) == 2
    import textanalyse.nlp.pipelines as pipelines

    other = pipelines.PipelineChoice("fast", "fast", "fast:other-version")
    calls = []
    import textanalyse.nlp as nlp

    real = nlp._annotate_fast
    monkeypatch.setattr(nlp, "_annotate_fast", lambda *a, **k: calls.append(1) or real(*a, **k))
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline=other, cache_dir=tmp_path)
    assert calls == [1]


def test_cache_attaches_current_document_ids(tmp_path):
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=tmp_path)
    renamed = survey_corpus({"annen": ["Lang ventetid."]})
    assert annotate(renamed, pipeline="fast", cache_dir=tmp_path)["doc_id"].astype(str).unique().tolist() == ["R1:annen"]


def test_damaged_cache_file_is_rebuilt(tmp_path):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    for path in (tmp_path / "annotations").glob("*.tokens"):
        path.write_bytes(b"broken")
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["form"].tolist() == ["Lang", "ventetid", "."]


def test_parallel_annotation_equals_serial():
    corpus = survey_corpus({"q": [f"Svar nummer {i}: god oppfølging, lang ventetid på bolig." for i in range(40)]})
    serial = annotate(corpus, pipeline="fast", n_process=1)
    parallel = annotate(corpus, pipeline="fast", n_process=2)
    assert parallel.astype(str).equals(serial.astype(str))


@pytest.fixture(scope="module")
def tiny_trained_pipeline(tmp_path_factory):
    """A small pipeline built and saved by the test: rule-based lemmas, POS and names."""
    nlp = spacy.blank("nb")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "kari"}]], {"POS": "PROPN", "LEMMA": "Kari"})
    ruler.add([[{"LOWER": "ringte"}]], {"POS": "VERB", "LEMMA": "ringe"})
    ruler.add([[{"LOWER": "samtalene"}]], {"POS": "NOUN", "LEMMA": "samtale"})
    entities = nlp.add_pipe("entity_ruler")
    entities.add_patterns([{"label": "PER", "pattern": "Kari"}, {"label": "GPE_LOC", "pattern": "Hamar"}])
    folder = tmp_path_factory.mktemp("pipeline") / "tiny_nb"
    nlp.to_disk(folder)
    return folder


def test_trained_pipeline_folder_fills_pos_and_entities(tiny_trained_pipeline, tmp_path):
    corpus = survey_corpus({"q": ["Kari ringte fra Hamar om samtalene."]})
    tokens = annotate(corpus, pipeline=str(tiny_trained_pipeline), cache_dir=tmp_path)
    assert tokens["lemma"].tolist()[:2] == ["kari", "ringe"]
    assert tokens["pos"].tolist()[:2] == ["PROPN", "VERB"]
    assert tokens["ent"].tolist() == ["PER", "", "", "GPE_LOC", "", "", ""]
    assert tokens.columns.tolist() == list(TOKEN_COLUMNS)
    assert tokens.attrs["pipeline_identity"].startswith("folder:")
    again = annotate(corpus, pipeline=str(tiny_trained_pipeline), cache_dir=tmp_path)
    assert again.astype(str).equals(tokens.astype(str))


def test_unknown_pipeline_name():
    with pytest.raises(UserError, match="pipeline 'nb_core_news_xl' is not available; use auto, fast, accurate"):
        resolve_pipeline("nb_core_news_xl")


def test_auto_uses_fast_for_large_corpora():
    assert resolve_pipeline("auto", n_words=10_000_000).name == "fast"


def test_empty_texts_give_empty_tables():
    corpus = survey_corpus({"q": ["   "]})
    tokens = annotate(corpus, pipeline="fast")
    assert len(tokens) == 0 and tokens.columns.tolist() == list(TOKEN_COLUMNS)
    assert np.asarray(tokens["is_word"]).dtype == bool
