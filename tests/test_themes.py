"""Codebook coding: patterns, phrases, exclusions, validation, summaries, co-occurrence."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd
import pytest

from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.themes import (
    code_segments,
    cooccurrence,
    default_codebook_path,
    load_codebook,
    parse_codebook,
    theme_summary,
    word_matches,
)

# Lemmas for the inline tokenizer (so the tests do not depend on a lemmatizer's version).
LEMMAS = {
    "ble": "bli", "blir": "bli", "blitt": "bli", "vart": "verte",
    "lange": "lang", "ventetider": "ventetid", "ventetiden": "ventetid",
    "kommuneboligen": "kommunebolig", "boligene": "bolig", "boligkontoret": "boligkontor",
    "jobber": "jobbe", "jobbet": "jobbe", "jobben": "jobb",
    "fikk": "få", "fekk": "få", "hørte": "høre",
}
WORD = re.compile(r"\w+(?:-\w+)*|[^\w\s]|\n")


def tokenize(corpus: Corpus) -> pd.DataFrame:
    """A token table following the contract in ARCHITECTURE.md, built without spaCy."""
    rows = []
    for doc_id, segment, text in corpus.segments[["doc_id", "segment", "text"]].itertuples(index=False):
        for position, m in enumerate(WORD.finditer(text)):
            form = m.group()
            lower = form.lower()
            rows.append((doc_id, segment, position, m.start(), m.end(), form, lower, LEMMAS.get(lower, lower),
                         "", "", any(ch.isalpha() for ch in form), "nb"))
    table = pd.DataFrame(rows, columns=["doc_id", "segment", "position", "start", "end", "form", "lower",
                                        "lemma", "pos", "ent", "is_word", "lang"])
    for column in ("doc_id", "form", "lower", "lemma", "pos", "ent", "lang"):
        table[column] = table[column].astype("category")
    for column in ("segment", "position", "start", "end"):
        table[column] = table[column].astype("int32")
    return table


def survey(texts, *, question="svar", groups=None) -> Corpus:
    docs = []
    for i, text in enumerate(texts, start=1):
        row = {"doc_id": f"R{i}:{question}", "respondent": f"R{i}", "question": question,
               "source": "svar.csv", "text": text}
        if groups is not None:
            row["gruppe"] = groups[i - 1]
        docs.append(row)
    return Corpus.from_documents(docs, metadata_columns=("gruppe",) if groups is not None else ())


def transcript(turns: list[tuple[str, str]]) -> Corpus:
    documents = pd.DataFrame([{"doc_id": "intervju1", "respondent": "intervju1", "question": "intervju",
                               "source": "intervju1.txt", "text": "\n".join(t for _, t in turns)}])
    segments = pd.DataFrame([{"doc_id": "intervju1", "segment": i, "speaker": s, "text": t, "raw": t,
                              "timestamp": ""} for i, (s, t) in enumerate(turns)])
    nonanswers = pd.DataFrame({c: pd.Series(dtype=str) for c in ("respondent", "question", "source", "raw", "reason")})
    return Corpus(documents=documents, segments=segments, nonanswers=nonanswers, kind="transcripts",
                  sources=("intervju1.txt",))


def codebook(themes: dict) -> dict:
    return {"name": "test", "themes": themes}


def rows(result) -> list[tuple]:
    return list(result.coded[["doc_id", "segment", "theme", "matched"]].itertuples(index=False, name=None))


# --------------------------------------------------------------------------- patterns


def test_compounds_both_ways_and_infix():
    corpus = survey(["Boligkontoret var greit.", "Jeg fikk kommuneboligen i mai.", "Eget boligtilbud hadde hjulpet.",
                     "Ingenting om det."])
    cb = codebook({
        "Prefiks": {"description": "", "patterns": ["bolig*"]},
        "Suffiks": {"description": "", "patterns": ["*bolig"]},
        "Infiks": {"description": "", "patterns": ["*bolig*"]},
    })
    result = code_segments(corpus, tokenize(corpus), cb)
    assert rows(result) == [
        ("R1:svar", 0, "Prefiks", "Boligkontoret"),
        ("R1:svar", 0, "Infiks", "Boligkontoret"),
        ("R2:svar", 0, "Suffiks", "kommuneboligen"),   # through the lemma kommunebolig
        ("R2:svar", 0, "Infiks", "kommuneboligen"),
        ("R3:svar", 0, "Prefiks", "boligtilbud"),
        ("R3:svar", 0, "Infiks", "boligtilbud"),
    ]
    assert result.coded.columns.tolist()[:5] == ["doc_id", "segment", "question", "theme", "matched"]
    assert set(result.coded["question"]) == {"svar"}


def test_word_matches_helper():
    assert word_matches("bolig*", ["bolig", "boligkontor", "kommunebolig"]) == ["bolig", "boligkontor"]
    assert word_matches("*bolig", ["bolig", "boligkontor", "kommunebolig"]) == ["bolig", "kommunebolig"]
    assert word_matches("*bolig*", ["bolig", "boligkontor", "kommunebolig", "bustad"]) == [
        "bolig", "boligkontor", "kommunebolig"]


def test_phrases_match_on_lemma_or_form():
    corpus = survey([
        "Jeg ble hørt.",                       # ble -> bli (lemma), hørt (form)
        "Nå blir jeg hørt.",                   # not consecutive: no match
        "De lange ventetidene og lange ventetider var verst.",
        "Jeg blir hørt av alle.",
        "Det var lang. Ventetid er et annet tema.",   # sentence end breaks the phrase
        "Individuell Plan hjalp.",             # case does not matter
    ])
    cb = codebook({
        "Hørt": {"description": "", "patterns": ["bli hørt"]},
        "Ventetid": {"description": "", "patterns": ["lang ventetid"]},
        "IP": {"description": "", "patterns": ["individuell plan"]},
    })
    result = code_segments(corpus, tokenize(corpus), cb)
    assert rows(result) == [
        ("R1:svar", 0, "Hørt", "ble hørt"),
        ("R3:svar", 0, "Ventetid", "lange ventetider"),
        ("R4:svar", 0, "Hørt", "blir hørt"),
        ("R6:svar", 0, "IP", "Individuell Plan"),
    ]
    # "lange ventetidene" has no lemma entry for ventetidene: form and lemma both miss
    assert result.coded.loc[1, ["start", "end"]].tolist() == [24, 40]


def test_exclusion_cancels_covered_matches_only():
    corpus = survey([
        "Jeg jobber med meg selv hver dag.",
        "Jobben på lageret er fin, men jeg må jobbe med meg selv.",
        "Vi jobbet med seg selv og med jobben.",
    ])
    cb = codebook({"Arbeid": {"description": "Arbeid", "patterns": ["jobb*", "jobbe"],
                              "exclude": ["jobbe med meg selv", "jobbe med seg selv"]}})
    result = code_segments(corpus, tokenize(corpus), cb)
    assert rows(result) == [
        ("R2:svar", 0, "Arbeid", "Jobben"),
        ("R3:svar", 0, "Arbeid", "jobben"),
    ]


def test_longer_match_wins_within_a_theme_and_one_row_per_span():
    corpus = survey(["Lang ventetid på bolig."])
    cb = codebook({
        "Ventetid": {"description": "", "patterns": ["ventetid*", "lang ventetid", "ventetid"]},
        "Bolig": {"description": "", "patterns": ["bolig", "bolig*"]},
    })
    result = code_segments(corpus, tokenize(corpus), cb)
    assert result.coded[["theme", "matched", "pattern"]].values.tolist() == [
        ["Ventetid", "Lang ventetid", "lang ventetid"],
        ["Bolig", "bolig", "bolig"],
    ]


def test_transcript_is_coded_per_turn():
    corpus = transcript([
        ("I", "Hvordan var det med bolig?"),
        ("P", "Jeg fikk kommunal bolig etter lang ventetid."),
        ("I", "Og arbeid?"),
        ("P", "Ingen jobb ennå, men boligen er fin."),
    ])
    cb = codebook({
        "Bolig": {"description": "", "patterns": ["bolig*"]},
        "Arbeid": {"description": "", "patterns": ["jobb*", "arbeid*"]},
        "Ventetid": {"description": "", "patterns": ["lang ventetid"]},
    })
    tokens = tokenize(corpus)
    result = code_segments(corpus, tokens, cb)
    assert rows(result) == [
        ("intervju1", 0, "Bolig", "bolig"),
        ("intervju1", 1, "Bolig", "bolig"),
        ("intervju1", 1, "Ventetid", "lang ventetid"),
        ("intervju1", 2, "Arbeid", "arbeid"),
        ("intervju1", 3, "Arbeid", "jobb"),
        ("intervju1", 3, "Bolig", "boligen"),
    ]
    summary = theme_summary(result.coded, corpus.documents, themes=load_ordered(cb))
    assert summary[["theme", "documents_coded", "documents_total", "passages"]].values.tolist() == [
        ["Bolig", 1, 1, 3],
        ["Arbeid", 1, 1, 2],
        ["Ventetid", 1, 1, 1],
    ]
    assert set(summary["question"]) == {"intervju"}


def load_ordered(cb):
    return parse_codebook(cb)


def test_warnings_list_patterns_that_match_nothing():
    corpus = survey(["Bolig er viktig."])
    cb = codebook({
        "Bolig": {"description": "", "patterns": ["bolig*", "bustad*"], "exclude": ["bolig til salgs"]},
        "NAV": {"description": "", "patterns": ["nav*"]},
    })
    result = code_segments(corpus, tokenize(corpus), cb)
    assert result.warnings.values.tolist() == [
        ["Bolig", "patterns", "bustad*", "pattern 'bustad*' matches nothing in this material"],
        ["Bolig", "exclude", "bolig til salgs", "exclusion 'bolig til salgs' matches nothing in this material"],
        ["NAV", "patterns", "nav*", "pattern 'nav*' matches nothing in this material"],
    ]
    assert len(result.coded) == 1


def test_nothing_coded_gives_empty_table_with_columns():
    corpus = survey(["Ingenting her."])
    result = code_segments(corpus, tokenize(corpus), codebook({"A": {"patterns": ["bolig"]}}))
    assert result.coded.empty
    assert result.coded.columns.tolist() == ["doc_id", "segment", "question", "theme", "matched", "pattern",
                                             "start", "end"]
    assert cooccurrence(result.coded, themes=["A"]).loc["A", "A"] == 0
    summary = theme_summary(result.coded, corpus.documents, themes=["A"])
    assert summary[["theme", "documents_coded", "documents_total", "passages"]].values.tolist() == [["A", 0, 1, 0]]
    assert theme_summary(result.coded, corpus.documents).empty


# --------------------------------------------------------------------------- validation


def write(tmp_path, text: str):
    path = tmp_path / "kodebok.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_validation_unknown_top_key(tmp_path):
    path = write(tmp_path, """
        name: x
        temaer: {}
        themes:
          Bolig: {patterns: [bolig]}
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == (f"codebook {path}: unknown key 'temaer' at the top level; "
                              "allowed keys: name, version, language, categories, themes")


def test_validation_unknown_theme_key(tmp_path):
    path = write(tmp_path, """
        themes:
          Bolig:
            description: Bolig
            pattern: [bolig]
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == (f"codebook {path}: theme 'Bolig': unknown key 'pattern'; "
                              "allowed keys: description, patterns, exclude, color, parent, review")


def test_validation_empty_theme(tmp_path):
    path = write(tmp_path, """
        themes:
          Bolig:
            description: Bolig
            patterns: []
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == f"codebook {path}: theme 'Bolig' has no patterns; add at least one under 'patterns'"


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("'**'", "bad pattern '**': '**' is not allowed; use bolig*, *bolig or *bolig*"),
        ("''", "bad pattern '': empty pattern"),
        ("'bo*lig'", "bad pattern 'bo*lig': '*' may only stand at the start or end of a word"),
        ("'*'", "bad pattern '*': a word needs at least one letter or digit"),
        ("12", "bad pattern 12: patterns must be text (quote it in the YAML)"),
    ],
)
def test_validation_bad_patterns(tmp_path, pattern, message):
    path = write(tmp_path, f"""
        themes:
          Bolig:
            patterns: [bolig, {pattern}]
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == f"codebook {path}: theme 'Bolig', patterns: {message}"


def test_validation_bad_exclusion(tmp_path):
    path = write(tmp_path, """
        themes:
          Arbeid:
            patterns: [jobb*]
            exclude: ["jobbe ** selv"]
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == (f"codebook {path}: theme 'Arbeid', exclude: bad pattern 'jobbe ** selv': "
                              "'**' is not allowed; use bolig*, *bolig or *bolig*")


def test_validation_duplicate_theme_names(tmp_path):
    path = write(tmp_path, """
        themes:
          Bolig:
            patterns: [bolig]
          NAV:
            patterns: [nav]
          Bolig:
            patterns: [bustad]
        """)
    with pytest.raises(UserError) as err:
        load_codebook(path)
    assert str(err.value) == (f"codebook {path}: duplicate theme name 'Bolig' (lines 3 and 7); "
                              "give each theme a unique name")


def test_validation_duplicate_theme_names_differing_in_case_in_a_mapping():
    with pytest.raises(UserError) as err:
        parse_codebook({"themes": {"Bolig": {"patterns": ["bolig"]}, "bolig": {"patterns": ["bustad"]}}},
                       source="mitt.yaml")
    assert str(err.value) == "codebook mitt.yaml: duplicate theme name 'bolig'; give each theme a unique name"


def test_validation_missing_themes_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(UserError) as err:
        load_codebook(write(tmp_path, "name: tom\n"))
    assert str(err.value).endswith("'themes' is missing or empty; add at least one theme with patterns")
    missing = tmp_path / "finnes_ikke.yaml"
    with pytest.raises(UserError) as err:
        load_codebook(missing)
    assert str(err.value) == f"codebook {missing}: file not found; give the path of a YAML codebook"
    with pytest.raises(UserError) as err:
        load_codebook(write(tmp_path, "themes:\n  Bolig: {patterns: [bolig\n"))
    assert str(err.value).startswith(f"codebook {tmp_path / 'kodebok.yaml'}: not valid YAML (")


# --------------------------------------------------------------------------- default codebook


def test_default_codebook_loads_with_norwegian_themes():
    cb = load_codebook()
    assert default_codebook_path().name == "kommunale_rus_og_psykisk_helse.yaml"
    assert cb.theme_names == [
        "Bolig", "Arbeid og aktivitet", "Utdanning", "Økonomi", "Psykisk helse", "Fysisk helse",
        "Rus og behandling", "Sosialt nettverk og ensomhet", "Oppfølging", "Ventetid og tilgjengelighet",
        "Informasjon", "Respekt og å bli hørt", "Medvirkning og innflytelse", "Pårørende",
        "Samhandling mellom tjenester", "NAV",
    ]
    assert all(theme.description for theme in cb.themes)
    patterns = {p.text for theme in cb.themes for p in theme.patterns}
    assert {"bustad*", "arbeid*", "einsam*", "venting*", "bli hørt", "individuell plan"} <= patterns


def test_default_codebook_codes_bokmal_and_nynorsk():
    texts = [
        "Jeg fikk endelig kommuneboligen etter lange ventetider.",
        "Eg bur i eigen bustad og er ikkje lenger einsam.",
        "Jeg jobber med meg selv, men har ingen jobb.",
        "Fastlegen og DPS samarbeider dårlig; jeg faller mellom to stoler.",
        "Jeg ble ikke hørt av NAV.",
        "Navnet mitt ble feilstavet.",
    ]
    corpus = survey(texts)
    result = code_segments(corpus, tokenize(corpus), None)
    coded = result.coded.groupby("doc_id")["theme"].apply(list).to_dict()
    assert coded["R1:svar"] == ["Bolig", "Ventetid og tilgjengelighet"]
    assert coded["R2:svar"] == ["Bolig", "Sosialt nettverk og ensomhet"]
    assert coded["R3:svar"] == ["Arbeid og aktivitet"]            # only "jobb", not "jobber med meg selv"
    assert result.coded.loc[result.coded["doc_id"] == "R3:svar", "matched"].tolist() == ["jobb"]
    assert coded["R4:svar"] == ["Fysisk helse", "Psykisk helse", "Samhandling mellom tjenester",
                                "Samhandling mellom tjenester"]
    assert coded["R5:svar"] == ["Respekt og å bli hørt", "NAV"]
    assert "R6:svar" not in coded                                  # "Navnet" is excluded from NAV
    assert {"theme", "field", "pattern", "message"} == set(result.warnings.columns)


def test_default_codebook_with_the_real_fast_pipeline():
    annotate = pytest.importorskip("textanalyse.nlp").annotate
    corpus = survey(["Jeg ble hørt, og boligkontoret hjalp meg.", "Eg fekk god oppfølging etter utskriving."])
    tokens = annotate(corpus, pipeline="fast")
    coded = code_segments(corpus, tokens, None).coded
    assert coded[["doc_id", "theme", "matched"]].values.tolist() == [
        ["R1:svar", "Respekt og å bli hørt", "ble hørt"],
        ["R1:svar", "Bolig", "boligkontoret"],
        ["R2:svar", "Oppfølging", "oppfølging"],
        ["R2:svar", "Oppfølging", "etter utskriving"],
    ]


# --------------------------------------------------------------------------- summaries


def test_theme_summary_counts_and_wilson_interval():
    texts = ["Bolig og jobb.", "Bolig.", "Jobb, jobb og bolig.", "Ingenting.", "Bolig igjen."]
    corpus = survey(texts, groups=["a", "a", "b", "b", "b"])
    cb = codebook({"Bolig": {"patterns": ["bolig*"]}, "Arbeid": {"patterns": ["jobb*"]},
                   "NAV": {"patterns": ["nav"]}})
    coded = code_segments(corpus, tokenize(corpus), cb).coded
    summary = theme_summary(coded, corpus.documents, themes=parse_codebook(cb))
    assert summary.columns.tolist() == ["question", "theme", "documents_coded", "documents_total", "share",
                                        "ci_low", "ci_high", "passages"]
    assert summary[["theme", "documents_coded", "documents_total", "passages"]].values.tolist() == [
        ["Bolig", 4, 5, 4], ["Arbeid", 2, 5, 2], ["NAV", 0, 5, 0]]
    assert summary["share"].tolist() == [0.8, 0.4, 0.0]
    # Wilson 95 % interval: 4/5 -> (0.3755, 0.9638), 2/5 -> (0.1176, 0.7693), 0/5 -> (0, 0.4345)
    np.testing.assert_allclose(summary["ci_low"], [0.375535, 0.117621, 0.0], atol=1e-6)
    np.testing.assert_allclose(summary["ci_high"], [0.963776, 0.769276, 0.434482], atol=1e-6)

    by_group = theme_summary(coded, corpus.documents, group_column="gruppe", themes=["Bolig", "Arbeid"])
    assert by_group[["gruppe", "theme", "documents_coded", "documents_total"]].values.tolist() == [
        ["a", "Bolig", 2, 2], ["a", "Arbeid", 1, 2], ["b", "Bolig", 2, 3], ["b", "Arbeid", 1, 3]]
    assert by_group.loc[0, "ci_high"] == 1.0

    with pytest.raises(UserError) as err:
        theme_summary(coded, corpus.documents, group_column="alder")
    assert str(err.value) == "theme_summary: group column 'alder' not found; available: question, gruppe"


def test_theme_summary_per_question():
    corpus = Corpus.from_documents([
        {"doc_id": "R1:bra", "respondent": "R1", "question": "bra", "source": "s", "text": "Bolig."},
        {"doc_id": "R1:bedre", "respondent": "R1", "question": "bedre", "source": "s", "text": "Jobb."},
        {"doc_id": "R2:bra", "respondent": "R2", "question": "bra", "source": "s", "text": "Jobb og bolig."},
    ])
    coded = code_segments(corpus, tokenize(corpus), codebook({"Bolig": {"patterns": ["bolig"]},
                                                              "Arbeid": {"patterns": ["jobb"]}})).coded
    summary = theme_summary(coded, corpus.documents)
    # questions in order of appearance; themes by documents coded overall (a tie: by name)
    assert summary[["question", "theme", "documents_coded", "documents_total"]].values.tolist() == [
        ["bra", "Arbeid", 1, 2], ["bra", "Bolig", 2, 2], ["bedre", "Arbeid", 1, 1], ["bedre", "Bolig", 0, 1]]


def test_cooccurrence_counts_documents_with_both():
    texts = ["Bolig og jobb.", "Bolig og NAV.", "Jobb, NAV og bolig.", "Bare jobb.", "Ingenting."]
    corpus = survey(texts)
    cb = codebook({"Bolig": {"patterns": ["bolig"]}, "Arbeid": {"patterns": ["jobb"]}, "NAV": {"patterns": ["nav"]}})
    coded = code_segments(corpus, tokenize(corpus), cb).coded
    matrix = cooccurrence(coded, themes=parse_codebook(cb))
    assert matrix.index.tolist() == ["Bolig", "Arbeid", "NAV"]
    assert matrix.values.tolist() == [[3, 2, 2], [2, 3, 1], [2, 1, 2]]
    default_order = cooccurrence(coded)
    assert default_order.index.tolist() == ["Arbeid", "Bolig", "NAV"]   # most documents first, then name


def test_cooccurrence_by_segment_in_a_transcript():
    corpus = transcript([("P", "Bolig og jobb."), ("P", "NAV."), ("P", "Bolig og NAV.")])
    cb = codebook({"Bolig": {"patterns": ["bolig"]}, "Arbeid": {"patterns": ["jobb"]}, "NAV": {"patterns": ["nav"]}})
    coded = code_segments(corpus, tokenize(corpus), cb).coded
    per_doc = cooccurrence(coded, themes=["Bolig", "Arbeid", "NAV"])
    per_turn = cooccurrence(coded, themes=["Bolig", "Arbeid", "NAV"], unit="segment")
    assert per_doc.values.tolist() == [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    assert per_turn.values.tolist() == [[2, 1, 1], [1, 1, 0], [1, 0, 2]]


# ----------------------------------------------------------------------------- QDA extras: categories, colours


def test_codebook_keeps_categories_colours_parents_and_review_marks():
    book = parse_codebook({
        "categories": {"Tjenester": {"description": "Det kommunen gir", "color": "#ABC"},
                       "Bolig og arbeid": {"parent": "Tjenester"}},
        "themes": {"Bolig": {"patterns": ["bolig*"], "color": "#AA0000", "parent": "Bolig og arbeid", "review": True},
                   "Hybel": {"patterns": ["hybel*"], "parent": "Bolig"}}})
    assert [(c.name, c.color, c.parent) for c in book.categories] == [
        ("Tjenester", "#abc", ""), ("Bolig og arbeid", "", "Tjenester")]
    assert [(t.name, t.color, t.parent, t.review) for t in book.themes] == [
        ("Bolig", "#aa0000", "Bolig og arbeid", True), ("Hybel", "", "Bolig", False)]


@pytest.mark.parametrize("data, message", [
    ({"themes": {"Bolig": {"patterns": ["bolig*"], "parent": "Tjenester"}}},
     "theme 'Bolig': parent 'Tjenester' is neither a category nor a theme"),
    ({"categories": {"A": {"parent": "B"}, "B": {"parent": "A"}}, "themes": {"Bolig": {"patterns": ["bolig*"]}}},
     "category 'A': its parents form a loop through 'A'"),
    ({"themes": {"Bolig": {"patterns": ["bolig*"], "color": "rød"}}},
     "theme 'Bolig': 'color' must look like \"#1f77b4\""),
    ({"categories": {"bolig": {}}, "themes": {"Bolig": {"patterns": ["bolig*"]}}},
     "category 'bolig' has the name of another category or theme"),
    ({"themes": {"Bolig": {"patterns": ["bolig*"], "review": "ja"}}}, "theme 'Bolig': 'review' must be true or false"),
    ({"categories": {"A": {"farge": "#fff"}}, "themes": {"Bolig": {"patterns": ["bolig*"]}}},
     "category 'A': unknown key 'farge'; allowed keys: description, color, parent"),
])
def test_codebook_extras_are_validated_in_one_line(data, message):
    with pytest.raises(UserError) as error:
        parse_codebook(data, source="kodebok.yaml")
    assert message in str(error.value) and "\n" not in str(error.value)
