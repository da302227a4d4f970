"""NMF topics: determinism, stability, left-out reporting, options, theme mapping."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.topics import find_topics, map_topics_to_themes

BOLIG = [
    "Trenger egen bolig, kommunal bolig med husleie jeg klarer å betale.",
    "Boligen fra kommunen er dårlig, bolig nummer to var bedre, men husleie høy.",
    "Kommunal bolig kom endelig, husleie dekkes av bostøtte, boligen er liten.",
    "Fikk bolig gjennom boligkontoret, kommunal leilighet med lav husleie.",
    "Bolig først: uten egen bolig og leilighet faller alt annet sammen.",
    "Boligkontoret lovet kommunal leilighet, men bolig kom aldri, husleie steg.",
    "Egen leilighet betyr alt, bolig og trygghet, husleie betalt av bostøtte.",
    "Jeg bor i kommunal bolig, leilighet med naboer som bråker, husleie grei.",
    "Søkte bolig hos kommunen i to år, leilighet og bostøtte kom til slutt.",
    "Bostøtte og kommunal bolig gjorde at husleie og leilighet gikk rundt.",
]
JOBB = [
    "Jobb betyr mye, arbeidstrening og jobb hos arbeidsgiver gir mening.",
    "Arbeidstrening på lageret ble fast jobb, arbeidsgiver var tålmodig.",
    "Ønsker jobb, ikke bare arbeidstrening, lønn fra arbeidsgiver hadde vært fint.",
    "Jobb på kafé tre dager, arbeidsgiver og kolleger gir hverdagen mening.",
    "Arbeidstrening hver morgen, jobb med kolleger, lønn kommer etterpå.",
    "Fikk jobb gjennom arbeidstrening, kolleger og arbeidsgiver stilte opp.",
    "Jobb og lønn gjør meg stolt, kolleger spør hvordan det går.",
    "Arbeidsgiver ga meg jobb etter arbeidstrening, lønn hver måned.",
    "Savner jobb og kolleger, arbeidstrening var starten, lønn er målet.",
    "Kolleger på jobb og arbeidsgiver med forståelse, arbeidstrening hjalp.",
]
VENTETID = [
    "Ventetid på behandling var lang, venteliste i månedsvis, ingen time.",
    "Lang ventetid hos psykolog, venteliste og avslag, time kom for sent.",
    "Ventetid for avrusning var uholdbar, venteliste på seks måneder.",
    "Sto på venteliste, ventetid uten time, ringte hver uke om behandling.",
    "Ventetid er verst, venteliste betyr tilbakefall, time etter time avlyst.",
    "Fikk time etter lang ventetid, venteliste hos behandling i spesialist.",
    "Venteliste til behandling, ventetid på ti uker, ingen time i mellomtiden.",
    "Ventetid og venteliste gjør at mange gir opp, behandling kommer for sent.",
    "Ringte om time, fikk beskjed om venteliste og ventetid på behandling.",
    "Behandling etter venteliste, ventetid på fire måneder, time til slutt.",
]
STOP = {"jeg", "meg", "med", "som", "og", "men", "var", "ble", "har", "hos", "for", "til", "fra", "på", "det",
        "er", "en", "et", "om", "av", "etter", "uten", "ikke", "bare", "hver", "alt", "annet", "gir", "kom",
        "fikk", "gjør", "betyr", "hadde", "vært", "mange", "kommer", "gjennom", "sammen", "endelig", "dager",
        "etterpå", "aldri", "bedre", "dårlig", "ingen", "fint", "mye", "lang", "måned", "slutt", "uke"}
WORD = re.compile(r"\w+(?:-\w+)*|[^\w\s]")


def tokens_and_kept(corpus: Corpus, *, min_length: int = 4):
    rows = []
    for doc_id, segment, text in corpus.segments[["doc_id", "segment", "text"]].itertuples(index=False):
        for position, m in enumerate(WORD.finditer(text)):
            form = m.group()
            lower = form.lower()
            rows.append((doc_id, segment, position, m.start(), m.end(), form, lower, lower, "", "",
                         any(ch.isalpha() for ch in form), "nb"))
    tokens = pd.DataFrame(rows, columns=["doc_id", "segment", "position", "start", "end", "form", "lower",
                                         "lemma", "pos", "ent", "is_word", "lang"])
    for column in ("doc_id", "form", "lower", "lemma", "pos", "ent", "lang"):
        tokens[column] = tokens[column].astype("category")
    keep = tokens["is_word"] & (tokens["lemma"].astype(str).str.len() >= min_length) & ~tokens["lemma"].isin(STOP)
    kept = tokens[keep].copy()
    kept["word"] = kept["lemma"].astype(str)
    return tokens, kept


def survey(texts, *, nonanswers=None) -> Corpus:
    docs = [{"doc_id": f"R{i:02d}:svar", "respondent": f"R{i:02d}", "question": "svar", "source": "svar.csv",
             "text": text} for i, text in enumerate(texts, start=1)]
    corpus = Corpus.from_documents(docs)
    if nonanswers is not None:
        corpus = Corpus(documents=corpus.documents, segments=corpus.segments, nonanswers=nonanswers,
                        kind="survey", sources=("svar.csv",))
    return corpus


@pytest.fixture(scope="module")
def toy():
    texts = [t for triple in zip(BOLIG, JOBB, VENTETID) for t in triple]   # interleaved
    corpus = survey(texts)
    _, kept = tokens_and_kept(corpus)
    return corpus, kept


@pytest.fixture(scope="module")
def toy_result(toy):
    corpus, kept = toy
    return find_topics(corpus, kept, seed=0)


def test_separable_corpus_gives_three_stable_pure_topics(toy, toy_result):
    corpus, _ = toy
    result = toy_result
    assert result.k == 3
    assert result.k_scores["k"].tolist() == [3, 4, 5, 6]
    assert result.k_scores.loc[0, "stability"] == result.k_scores["stability"].max()
    assert result.stability >= 0.9
    assert -1.0 <= result.stability <= 1.0
    assert result.topics.columns.tolist() == ["topic", "label", "size", "top_words", "weights", "stability"]
    assert result.topics["topic"].tolist() == [1, 2, 3]
    assert result.topics["size"].tolist() == [10, 10, 10]
    assert result.topics["stability"].between(0.9, 1.0).all()
    # every topic's members come from one block of answers
    group = {f"R{i:02d}:svar": ("bolig", "jobb", "ventetid")[(i - 1) % 3] for i in range(1, 31)}
    members = result.assignments.assign(group=result.assignments["doc_id"].map(group))
    assert (members.groupby("topic")["group"].nunique() == 1).all()
    labels = " ".join(result.topics["label"])
    for word in ("bolig", "jobb", "ventetid"):
        assert word in labels
    first = result.topics["label"].str.split(" / ")
    assert (first.str.len() == 3).all()


def test_tables_have_documented_columns(toy_result):
    result = toy_result
    assert result.assignments.columns.tolist() == ["doc_id", "segment", "topic", "weight"]
    assert result.assignments["weight"].between(0, 1).all()
    assert len(result.assignments) == 30
    assert result.left_out.columns.tolist() == ["doc_id", "segment", "reason", "words"]
    assert result.left_out.empty
    assert result.words.columns.tolist() == ["topic", "rank", "word", "weight"]
    sizes = result.words.groupby("topic").size()
    assert sizes.between(3, 10).all()            # at most n_top_words, only words with weight
    assert sizes.tolist() == [len(w.split(", ")) for w in result.topics["top_words"]]
    assert result.typical.columns.tolist() == ["topic", "rank", "doc_id", "segment", "weight", "text"]
    assert result.typical.groupby("topic").size().tolist() == [3, 3, 3]
    # typical answers are members of their topic, strongest first
    merged = result.typical.merge(result.assignments, on=["doc_id", "segment"], suffixes=("", "_a"))
    assert (merged["topic"] == merged["topic_a"]).all()
    assert (result.typical.groupby("topic")["weight"].apply(lambda w: w.is_monotonic_decreasing)).all()
    top = result.topics.iloc[0]
    assert len(top["top_words"].split(", ")) == len(top["weights"].split(", "))


def test_same_seed_gives_identical_tables(toy, toy_result):
    corpus, kept = toy
    again = find_topics(corpus, kept, seed=0)
    for name in ("topics", "assignments", "left_out", "words", "typical", "k_scores"):
        assert_frame_equal(getattr(toy_result, name), getattr(again, name))
    assert again.stability == toy_result.stability
    assert again.k == toy_result.k


def test_other_seed_finds_the_same_partition(toy, toy_result):
    corpus, kept = toy
    other = find_topics(corpus, kept, seed=7, k=3)
    assert -1.0 <= other.stability <= 1.0
    a = toy_result.assignments.set_index("doc_id")["topic"]
    b = other.assignments.set_index("doc_id")["topic"]
    assert pd.crosstab(a, b).gt(0).sum(axis=1).tolist() == [1, 1, 1]


def test_short_answers_and_repeats_belong_to_topics_only_empty_and_nonanswers_are_left_out():
    nonanswers = pd.DataFrame({"respondent": ["R90", "R91"], "question": ["svar", "svar"],
                               "source": ["svar.csv"] * 2, "raw": ["vet ikke", ""], "reason": ["non-answer", "empty"]})
    texts = BOLIG + JOBB + VENTETID + [
        "Bolig.",                                # one kept word: still a topic
        "   ",                                   # empty
        BOLIG[0],                                # exact duplicate of R01: R01's topic
        "  trenger EGEN bolig, kommunal bolig med husleie jeg klarer å betale ",  # same after normalising
        "Bra.",                                  # no word survives the filters
    ]
    corpus = survey(texts, nonanswers=nonanswers)
    _, kept = tokens_and_kept(corpus)
    result = find_topics(corpus, kept, k=3, seed=0)
    assert result.left_out.values.tolist() == [
        ["R90:svar", 0, "non-answer", 0],
        ["R91:svar", 0, "empty", 0],
        ["R32:svar", 0, "empty", 0],
        ["R35:svar", 0, "no-content-words", 0],
    ]
    assert result.topics["size"].sum() == 33
    topic = result.assignments.set_index("doc_id")["topic"]
    assert topic["R31:svar"] == topic["R33:svar"] == topic["R34:svar"] == topic["R01:svar"]


def test_min_words_option(toy):
    corpus, kept = toy
    result = find_topics(corpus, kept, k=3, min_words=7)
    short = result.left_out[result.left_out["reason"] == "too-short"]
    assert len(short) > 0
    assert (short["words"] < 7).all()
    assert len(result.left_out) + len(result.assignments) == 30
    assert set(result.left_out["reason"]) <= {"too-short", "rare-words", "no-topic"}


def test_transcript_turns_are_the_units(toy):
    turns = [("P", t) for t in BOLIG + JOBB + VENTETID] + [("I", "Ja.")]
    documents = pd.DataFrame([{"doc_id": "int1", "respondent": "int1", "question": "intervju", "source": "int1.txt",
                               "text": " ".join(t for _, t in turns)}])
    segments = pd.DataFrame([{"doc_id": "int1", "segment": i, "speaker": s, "text": t, "raw": t, "timestamp": ""}
                             for i, (s, t) in enumerate(turns)])
    nonanswers = pd.DataFrame({c: pd.Series(dtype=str) for c in ("respondent", "question", "source", "raw", "reason")})
    corpus = Corpus(documents=documents, segments=segments, nonanswers=nonanswers, kind="transcripts")
    _, kept = tokens_and_kept(corpus)
    result = find_topics(corpus, kept, k=3)
    assert len(result.assignments) == 30
    assert result.assignments["segment"].tolist() == list(range(30))
    assert result.left_out.values.tolist() == [["int1", 30, "no-content-words", 0]]
    assert sorted(result.topics["size"]) == [10, 10, 10]


def test_bad_options_raise_user_errors(toy):
    corpus, kept = toy
    with pytest.raises(UserError) as err:
        find_topics(corpus, kept, k=1)
    assert str(err.value) == "topics: k must be 'auto' or a whole number of at least 2, not 1"
    with pytest.raises(UserError) as err:
        find_topics(corpus, kept, k=20)
    assert str(err.value) == "topics: k=20 is too many for 30 segments; use at most 15"
    with pytest.raises(UserError) as err:
        find_topics(corpus, kept.drop(columns="word"))
    assert str(err.value) == ("topics: the filtered token table has no column 'word'; "
                              "pass FilterResult.kept from apply_filters")
    with pytest.raises(UserError) as err:
        find_topics(survey(["Bolig og husleie og leilighet."] * 3), kept.iloc[:0])
    assert "topics need more material" in str(err.value)


def test_map_topics_to_themes(toy_result):
    mapping = map_topics_to_themes(toy_result, None)
    assert mapping.columns.tolist() == ["topic", "label", "theme", "shared_words", "n_shared"]
    by_theme = mapping.groupby("theme")["shared_words"].apply(lambda s: ", ".join(s)).to_dict()
    assert "bolig" in by_theme["Bolig"]
    assert "jobb" in by_theme["Arbeid og aktivitet"]
    assert "ventetid" in by_theme["Ventetid og tilgjengelighet"]
    table = pd.DataFrame({"topic": [1], "label": ["x"], "top_words": ["lang, ventetid, kommunebolig"]})
    small = map_topics_to_themes(table, {"themes": {"Ventetid": {"patterns": ["lang ventetid"]},
                                                    "Bolig": {"patterns": ["*bolig"]}}})
    assert small[["theme", "shared_words"]].values.tolist() == [["Ventetid", "lang ventetid"],
                                                                ["Bolig", "kommunebolig"]]


def test_with_the_real_fast_pipeline():
    nlp = pytest.importorskip("textanalyse.nlp")
    texts = [t for triple in zip(BOLIG, JOBB, VENTETID) for t in triple]
    corpus = survey(texts)
    tokens = nlp.annotate(corpus, pipeline="fast", language="nb")
    try:
        from textanalyse.filters import apply_filters
    except ImportError:
        lemma = tokens["lemma"].astype(str)
        kept = tokens[tokens["is_word"] & (lemma.str.len() >= 4) & ~lemma.isin(STOP)].copy()
        kept["word"] = kept["lemma"].astype(str)
    else:
        kept = apply_filters(tokens, unit="lemma").kept
    first = find_topics(corpus, kept, seed=3)
    second = find_topics(corpus, kept, seed=3)
    assert_frame_equal(first.topics, second.topics)
    assert_frame_equal(first.assignments, second.assignments)
    assert 2 <= first.k <= 6
    assert -1.0 <= first.stability <= 1.0
    assert first.topics["size"].sum() + len(first.left_out) == 30
