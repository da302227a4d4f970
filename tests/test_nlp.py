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


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_word_knower_answers_as_simplemma_is_known(lang):
    import simplemma

    from textanalyse.nlp.fast import _simplemma_dictionary, _word_knower

    words = ("ruskonsulenten kommuneboligen oppfølgingstjenesten ventetidsgarantien fastlegekontoret "
             "bustadkontoret helsestasjonen ettervernet xqzvbrk Oslo Ωmega ångst "
             "inorge ibergen itrondheim").split()   # tails "norge", "bergen": known only capitalised
    words += ["bruker\u02bcs", "\u212bpning"]   # ʼ (a letter to Python), Å as the ångström sign (not NFC)
    tails = {word[cut:] for word in words for cut in range(len(word))}
    answers = {tail: simplemma.is_known(tail, lang=lang) for tail in tails}
    assert sum(answers.values()) >= 20 and not all(answers.values())   # both answers occur
    dictionary = _simplemma_dictionary(lang)
    assert [tail for tail in tails if answers[tail] and tail not in dictionary]   # found capitalised only
    knows = _word_knower(lang)
    assert {tail: knows(tail) for tail in tails} == answers


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


# A fixed Norwegian text (bokmål, nynorsk and a respondent too short to tell, two paragraphs each;
# punctuation, digits, abbreviations, emoticons): every column of the token table, exactly, with
# the categories' order, serial and with the helper process. Speed work must not move any of it.
GOLDEN_ANSWERS = [
    "Fikk god oppfølging av NAV-kontoret, ca. 3-4 ganger i mnd. :) Ruskonsulenten var flink!\n\n"
    "Boligen jeg fikk i 2019 er OK, men f.eks. husleia (12 500 kr) er høy... Hmm :-(",
    "Eg fekk ikkje hjelp frå kommunen før no. Bustaden er grei, men ventetida var lang!\n\n"
    "Kva skal eg seie? «Ingenting» fungerte, t.d. på St. Olavs. Takk :D",
    "Lang ventetid :)",
]
# doc_id segment position start end form lower lemma is_word lang
GOLDEN_TOKENS = [
    "R1:bra 0 0 0 4 Fikk fikk få 1 nb",
    "R1:bra 0 1 5 8 god god god 1 nb",
    "R1:bra 0 2 9 19 oppfølging oppfølging oppfølging 1 nb",
    "R1:bra 0 3 20 22 av av av 1 nb",
    "R1:bra 0 4 23 35 NAV-kontoret nav-kontoret nav-kontor 1 nb",
    "R1:bra 0 5 35 36 , , , 0 nb",
    "R1:bra 0 6 37 40 ca. ca. ca. 1 nb",
    "R1:bra 0 7 41 44 3-4 3-4 3-4 0 nb",
    "R1:bra 0 8 45 51 ganger ganger gang 1 nb",
    "R1:bra 0 9 52 53 i i i 1 nb",
    "R1:bra 0 10 54 58 mnd. mnd. mnd. 1 nb",
    "R1:bra 0 11 59 61 :) :) :) 0 nb",
    "R1:bra 0 12 62 76 Ruskonsulenten ruskonsulenten ruskonsulent 1 nb",
    "R1:bra 0 13 77 80 var var være 1 nb",
    "R1:bra 0 14 81 86 flink flink flink 1 nb",
    "R1:bra 0 15 86 87 ! ! ! 0 nb",
    "R1:bra 0 16 89 96 Boligen boligen bolig 1 nb",
    "R1:bra 0 17 97 100 jeg jeg jeg 1 nb",
    "R1:bra 0 18 101 105 fikk fikk få 1 nb",
    "R1:bra 0 19 106 107 i i i 1 nb",
    "R1:bra 0 20 108 112 2019 2019 2019 0 nb",
    "R1:bra 0 21 113 115 er er være 1 nb",
    "R1:bra 0 22 116 118 OK ok ok 1 nb",
    "R1:bra 0 23 118 119 , , , 0 nb",
    "R1:bra 0 24 120 123 men men men 1 nb",
    "R1:bra 0 25 124 130 f.eks. f.eks. f.eks. 1 nb",
    "R1:bra 0 26 131 138 husleia husleia husleie 1 nb",
    "R1:bra 0 27 139 140 ( ( ( 0 nb",
    "R1:bra 0 28 140 142 12 12 12 0 nb",
    "R1:bra 0 29 143 146 500 500 500 0 nb",
    "R1:bra 0 30 147 149 kr kr kr 1 nb",
    "R1:bra 0 31 149 150 ) ) ) 0 nb",
    "R1:bra 0 32 151 153 er er være 1 nb",
    "R1:bra 0 33 154 157 høy høy høy 1 nb",
    "R1:bra 0 34 157 160 ... ... ... 0 nb",
    "R1:bra 0 35 161 164 Hmm hmm hmm 1 nb",
    "R1:bra 0 36 165 168 :-( :-( :-( 0 nb",
    "R2:bra 0 0 0 2 Eg eg eg 1 nn",
    "R2:bra 0 1 3 7 fekk fekk få 1 nn",
    "R2:bra 0 2 8 13 ikkje ikkje ikkje 1 nn",
    "R2:bra 0 3 14 19 hjelp hjelp hjelp 1 nn",
    "R2:bra 0 4 20 23 frå frå frå 1 nn",
    "R2:bra 0 5 24 32 kommunen kommunen kommune 1 nn",
    "R2:bra 0 6 33 36 før før før 1 nn",
    "R2:bra 0 7 37 40 no. no. no. 1 nn",
    "R2:bra 0 8 41 49 Bustaden bustaden bustad 1 nn",
    "R2:bra 0 9 50 52 er er vere 1 nn",
    "R2:bra 0 10 53 57 grei grei grei 1 nn",
    "R2:bra 0 11 57 58 , , , 0 nn",
    "R2:bra 0 12 59 62 men men men 1 nn",
    "R2:bra 0 13 63 72 ventetida ventetida ventetid 1 nn",
    "R2:bra 0 14 73 76 var var vere 1 nn",
    "R2:bra 0 15 77 81 lang lang lang 1 nn",
    "R2:bra 0 16 81 82 ! ! ! 0 nn",
    "R2:bra 0 17 84 87 Kva kva kva 1 nn",
    "R2:bra 0 18 88 92 skal skal skulle 1 nn",
    "R2:bra 0 19 93 95 eg eg eg 1 nn",
    "R2:bra 0 20 96 100 seie seie seie 1 nn",
    "R2:bra 0 21 100 101 ? ? ? 0 nn",
    "R2:bra 0 22 102 103 « « « 0 nn",
    "R2:bra 0 23 103 112 Ingenting ingenting ingenting 1 nn",
    "R2:bra 0 24 112 113 » » » 0 nn",
    "R2:bra 0 25 114 122 fungerte fungerte fungere 1 nn",
    "R2:bra 0 26 122 123 , , , 0 nn",
    "R2:bra 0 27 124 127 t.d t.d t.d 1 nn",
    "R2:bra 0 28 127 128 . . . 0 nn",
    "R2:bra 0 29 129 131 på på på 1 nn",
    "R2:bra 0 30 132 135 St. st. st. 1 nn",
    "R2:bra 0 31 136 141 Olavs olavs olavs 1 nn",
    "R2:bra 0 32 141 142 . . . 0 nn",
    "R2:bra 0 33 143 147 Takk takk takk 1 nn",
    "R2:bra 0 34 148 150 :D :d :d 1 nn",
    "R3:bra 0 0 0 4 Lang lang lang 1 nn",
    "R3:bra 0 1 5 13 ventetid ventetid ventetid 1 nn",
    "R3:bra 0 2 14 16 :) :) :) 0 nn",
]
GOLDEN_CATEGORIES = {
    "form": "Fikk god oppfølging av NAV-kontoret , ganger i Ruskonsulenten var flink ! Boligen jeg fikk er OK men husleia kr ) Hmm Eg fekk ikkje hjelp frå kommunen før Bustaden grei ventetida lang Kva skal eg seie ? « Ingenting » fungerte på Olavs . Takk Lang ventetid ca. 3-4 mnd. :) 2019 f.eks. ( 12 500 høy ... :-( no. t.d St. :D".split(),
    "lower": "fikk god oppfølging av nav-kontoret , ganger i ruskonsulenten var flink ! boligen jeg er ok men husleia kr ) hmm eg fekk ikkje hjelp frå kommunen før bustaden grei ventetida lang kva skal seie ? « ingenting » fungerte på olavs . takk ventetid ca. 3-4 mnd. :) 2019 f.eks. ( 12 500 høy ... :-( no. t.d st. :d".split(),
    "lemma": "få god oppfølging av nav-kontor , gang i ruskonsulent være vere flink ! bolig jeg ok men husleie kr ) hmm eg ikkje hjelp frå kommune før bustad grei ventetid lang kva skulle seie ? « ingenting » fungere på olavs . takk ca. 3-4 mnd. :) 2019 f.eks. ( 12 500 høy ... :-( no. t.d st. :d".split(),
}
GOLDEN_REASONS = {
    "R1:bra": "gjenkjent: bokmål (-15.4 over 27 ord i teksten; fikk, jeg)",
    "R2:bra": "gjenkjent: nynorsk (+40.0 over 28 ord i teksten; bustaden, eg, fekk, frå)",
    "R3:bra": "svakt grunnlag (-2.1 over 2 ord fra respondenten): materialets flertall, nynorsk (hele materialet samlet)",
}


@pytest.mark.parametrize("n_process", [1, 2])
def test_golden_token_table_is_unchanged(n_process):
    tokens = annotate(survey_corpus({"bra": GOLDEN_ANSWERS}), pipeline="fast", n_process=n_process)
    assert tokens.columns.tolist() == list(TOKEN_COLUMNS)
    rows = [" ".join(str(int(value) if isinstance(value, (bool, np.bool_)) else value) for value in row)
            for row in tokens[["doc_id", "segment", "position", "start", "end", "form", "lower", "lemma",
                               "is_word", "lang"]].itertuples(index=False)]
    assert rows == GOLDEN_TOKENS
    for column, categories in GOLDEN_CATEGORIES.items():
        assert tokens[column].cat.categories.tolist() == categories, column
    assert tokens["lang"].cat.categories.tolist() == ["nb", "nn"]
    assert tokens["pos"].cat.categories.tolist() == [""] and tokens["ent"].cat.categories.tolist() == [""]
    assert set(tokens["pos"]) == {""} and set(tokens["ent"]) == {""}
    assert tokens.groupby("doc_id", observed=True)["lang_reason"].first().to_dict() == GOLDEN_REASONS
    assert tokens["lang_reason"].cat.categories.tolist() == list(GOLDEN_REASONS.values())
    assert {column: str(dtype) for column, dtype in tokens.dtypes.items()} == {
        "doc_id": "category", "segment": "int32", "position": "int32", "start": "int32", "end": "int32",
        "form": "category", "lower": "category", "lemma": "category", "pos": "category", "ent": "category",
        "is_word": "bool", "lang": "category", "lang_reason": "category"}


def test_helper_started_before_language_detection_is_stopped_on_a_cache_hit(tmp_path, monkeypatch):
    import textanalyse.nlp as nlp

    corpus = survey_corpus({"q": GOLDEN_ANSWERS})
    first = annotate(corpus, pipeline="fast", cache_dir=tmp_path, n_process=2)
    # cached languages: a hit is expected, so no helper process is started at all
    monkeypatch.setattr(nlp, "_helper_pool", lambda: pytest.fail("helper started despite a cache hit"))
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path, n_process=2).equals(first)
    monkeypatch.undo()
    # languages not cached: the helper starts at once and is stopped when the table is cached after all
    started = []
    real_pool = nlp._helper_pool
    monkeypatch.setattr(nlp, "_helper_pool", lambda: started.append(real_pool()) or started[-1])
    for path in (tmp_path / "annotations").glob("*.languages"):
        path.unlink()
    import multiprocessing

    others = set(multiprocessing.active_children())   # processes of earlier tests are not this test's business
    again = annotate(corpus, pipeline="fast", cache_dir=tmp_path, n_process=2)
    assert again.equals(first) and len(started) == 1
    assert set(multiprocessing.active_children()) - others == set()


def test_split_whitespace_agrees_with_the_regex_on_every_kind_of_space():
    import re

    from textanalyse.nlp.fast import split_whitespace

    spaces = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
    text = "".join(f"ord{i}{space}" for i, space in enumerate(spaces)) + " «Hei»\u00a0på\u3000deg\x1cnå\u2028🙂 \ud800x  "
    chunks, starts = split_whitespace(text)
    found = [(match.group(), match.start()) for match in re.finditer(r"\S+", text)]
    assert list(zip(chunks, starts.tolist())) == found
    assert "🙂" in chunks and "\ud800x" in chunks
