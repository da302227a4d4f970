"""Keyness and theme comparison on tiny corpora whose numbers are worked out by hand."""

import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from textanalyse.compare import (
    KEYNESS_COLUMNS,
    THEME_COLUMNS,
    keyness,
    theme_comparison,
)
from textanalyse.errors import UserError
from textanalyse.report.figures import plot_comparison_cloud, plot_keyness, plot_theme_shares

# ----------------------------------------------------------------------------- helpers

TEXTS = {
    # eldre: 14 word tokens
    "e1": "Hjemmesykepleien kommer hver dag , hjemmesykepleien er flink .",
    "e2": "Ventetid er lang , men hjemmesykepleien er grei .",
    # unge: 12 word tokens (u3 has one short word and nothing kept)
    "u1": "Appen virker , appen er bra .",
    "u2": "Ventetid og ventetid igjen på appen .",
    "u3": "Ok .",
}
GROUPS = {"e1": "eldre", "e2": "eldre", "u1": "unge", "u2": "unge", "u3": "unge"}


def make_tokens(texts: dict) -> pd.DataFrame:
    """A token table following the contract in ARCHITECTURE.md (whitespace tokeniser)."""
    rows = []
    for doc_id, text in texts.items():
        start = 0
        for position, form in enumerate(text.split()):
            start = text.index(form, start)
            rows.append({"doc_id": doc_id, "segment": 0, "position": position, "start": start,
                         "end": start + len(form), "form": form, "lower": form.lower(), "lemma": form.lower(),
                         "pos": "", "ent": "", "is_word": any(ch.isalpha() for ch in form), "lang": "nb"})
            start += len(form)
    tokens = pd.DataFrame(rows)
    for column in ("doc_id", "form", "lower", "lemma", "pos", "ent", "lang"):
        tokens[column] = tokens[column].astype("category")
    for column in ("segment", "position", "start", "end"):
        tokens[column] = tokens[column].astype("int32")
    return tokens


def keep(tokens: pd.DataFrame, *, min_length: int = 4, stop=()) -> pd.DataFrame:
    """Inline stand-in for apply_filters: words of at least ``min_length`` letters, ``word = lower``."""
    lower = tokens["lower"].astype(str)
    mask = tokens["is_word"] & (lower.str.len() >= min_length) & ~lower.isin(set(stop))
    return tokens[mask].assign(word=lower[mask].astype("category"))


def make_documents(groups: dict, column: str = "gruppe") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(groups), "respondent": list(groups), "question": "q1",
                         "source": "svar.csv", "text": "", column: list(groups.values())})


def g2_by_hand(o_t, o_r, n_t, n_r):
    e_t = n_t * (o_t + o_r) / (n_t + n_r)
    e_r = n_r * (o_t + o_r) / (n_t + n_r)
    total = 0.0
    for o, e in ((o_t, e_t), (o_r, e_r)):
        if o:
            total += o * math.log(o / e)
    return 2 * total


def bh_by_hand(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        out[i] = running
    return out


@pytest.fixture
def small():
    tokens = make_tokens(TEXTS)
    return tokens, keep(tokens), make_documents(GROUPS)


# ----------------------------------------------------------------------------- keyness


def test_keyness_exact_counts_and_statistics(small):
    tokens, kept, documents = small
    table = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1, min_documents=1)
    assert tuple(table.columns) == KEYNESS_COLUMNS
    # N_t = 7 + 7 = 14, N_r = 5 + 6 + 1 = 12 word tokens before the length filter
    assert table.attrs["tokens_target"] == 14 and table.attrs["tokens_reference"] == 12
    assert table.attrs["total_target"] == 2 and table.attrs["total_reference"] == 3
    assert table.attrs["target"] == "eldre" and table.attrs["reference"] == "unge"
    rows = table.set_index("word")

    # hjemmesykepleien: O_t = 3 (2 documents), O_r = 0; E_t = 14*3/26 -> G2 = 6 ln(13/7) = 3.7142...
    h = rows.loc["hjemmesykepleien"]
    assert (h.count_target, h.count_reference, h.documents_target, h.documents_reference) == (3, 0, 2, 0)
    assert h.g2 == pytest.approx(6 * math.log(13 / 7), rel=1e-12)
    # log2((3.5/14) / (0.5/12)) = log2(6)
    assert h.log_ratio == pytest.approx(math.log2(6), rel=1e-12)
    assert h.per_1000_target == pytest.approx(1000 * 3 / 14)
    assert h.per_1000_reference == 0.0
    assert h.p_value == pytest.approx(math.erfc(math.sqrt(h.g2 / 2)), rel=1e-10)
    # documents: [[2, 0], [0, 3]]: P(x) = C(2,x) C(3,2-x) / C(5,2) = 3/10, 6/10, 1/10 -> p = 1/10
    assert h.p_documents == pytest.approx(0.1, rel=1e-12)

    # appen: O_t = 0, O_r = 3 (2 of 3 documents); E_r = 12*3/26 -> G2 = 6 ln(13/6) = 4.6391...
    a = rows.loc["appen"]
    assert (a.count_target, a.count_reference, a.documents_target, a.documents_reference) == (0, 3, 0, 2)
    assert a.g2 == pytest.approx(6 * math.log(13 / 6), rel=1e-12)
    assert a.log_ratio == pytest.approx(math.log2((0.5 / 14) / (3.5 / 12)), rel=1e-12)  # log2(6/49)
    # [[0, 2], [2, 1]]: x = 0 has 3/10, x = 2 has 1/10, x = 1 has 6/10 -> p = 0.4
    assert a.p_documents == pytest.approx(0.4, rel=1e-12)

    # ventetid: O_t = 1, O_r = 2 -> G2 = 2 (ln(26/42) + 2 ln(52/36)) = 0.51175...
    v = rows.loc["ventetid"]
    assert (v.count_target, v.count_reference) == (1, 2)
    assert v.g2 == pytest.approx(2 * (math.log(26 / 42) + 2 * math.log(52 / 36)), rel=1e-12)
    assert v.log_ratio == pytest.approx(math.log2(18 / 35), rel=1e-12)
    assert v.p_documents == 1.0  # [[1, 1], [1, 2]] is the most likely table

    # singletons: 2 ln(26/14) (target) and 2 ln(26/12) (reference)
    assert rows.loc["kommer", "g2"] == pytest.approx(2 * math.log(13 / 7), rel=1e-12)
    assert rows.loc["virker", "g2"] == pytest.approx(2 * math.log(13 / 6), rel=1e-12)

    # order: g2 descending, ties by word
    assert table["word"].tolist() == ["appen", "hjemmesykepleien", "igjen", "virker", "flink", "grei", "hver",
                                      "kommer", "lang", "ventetid"]
    # BH over the ten tested words, by a plain loop
    np.testing.assert_allclose(table["p_adjusted"], bh_by_hand(table["p_value"].tolist()), rtol=1e-12)
    assert table["count_target"].dtype == np.int64 and table["documents_reference"].dtype == np.int64


def test_keyness_thresholds(small):
    tokens, kept, documents = small
    # min_count = 3 keeps words with 3 occurrences in target + reference
    table = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=3, min_documents=2)
    assert table["word"].tolist() == ["appen", "hjemmesykepleien", "ventetid"]
    # BH is over the tested words only (3 here)
    np.testing.assert_allclose(table["p_adjusted"], bh_by_hand(table["p_value"].tolist()), rtol=1e-12)
    # min_documents = 3: every word is in at most 2 documents -> nothing tested, columns kept
    empty = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1, min_documents=3)
    assert empty.empty and tuple(empty.columns) == KEYNESS_COLUMNS
    # defaults (5, 2): nothing reaches 5 occurrences
    assert keyness(tokens, kept, documents, group_column="gruppe", target="eldre").empty


def test_keyness_reference_direction_and_default_target(small):
    tokens, kept, documents = small
    forward = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1, min_documents=1)
    backward = keyness(tokens, kept, documents, group_column="gruppe", target="unge", reference="eldre",
                       min_count=1, min_documents=1)
    f, b = forward.set_index("word"), backward.set_index("word").loc[forward["word"]]
    np.testing.assert_allclose(f["g2"], b["g2"], rtol=1e-12)
    np.testing.assert_allclose(f["log_ratio"], -b["log_ratio"], rtol=1e-12)
    np.testing.assert_array_equal(f["count_target"], b["count_reference"])
    # two groups, no target: the first value in sorted order is the target
    default = keyness(tokens, kept, documents, group_column="gruppe", min_count=1, min_documents=1)
    pd.testing.assert_frame_equal(default, forward)


def test_keyness_one_vs_rest(small):
    tokens, kept, documents = small
    texts = dict(TEXTS, m1="Hjemmesykepleien og appen .")
    tokens = make_tokens(texts)
    kept = keep(tokens)
    documents = make_documents(dict(GROUPS, m1="mellom"))
    table = keyness(tokens, kept, documents, group_column="gruppe", min_count=1, min_documents=1)
    assert tuple(table.columns) == ("group", *KEYNESS_COLUMNS)
    assert table["group"].unique().tolist() == ["eldre", "mellom", "unge"]
    assert table.attrs["groups"] == ["eldre", "mellom", "unge"]
    # eldre against the rest: N_t = 14, N_r = 12 + 3 = 15; hjemmesykepleien 3 vs 1
    row = table[(table.group == "eldre") & (table.word == "hjemmesykepleien")].iloc[0]
    assert (row.count_target, row.count_reference, row.documents_reference) == (3, 1, 1)
    assert row.g2 == pytest.approx(g2_by_hand(3, 1, 14, 15), rel=1e-12)
    assert row.log_ratio == pytest.approx(math.log2((3.5 / 14) / (1.5 / 15)), rel=1e-12)
    # mellom against the rest: N_t = 3, N_r = 26; appen 1 vs 3
    row = table[(table.group == "mellom") & (table.word == "appen")].iloc[0]
    assert (row.count_target, row.count_reference) == (1, 3)
    assert row.g2 == pytest.approx(g2_by_hand(1, 3, 3, 26), rel=1e-12)
    # each block equals the two-group comparison of that group against all others
    for group in ["eldre", "mellom", "unge"]:
        block = table[table.group == group].drop(columns="group").reset_index(drop=True)
        single = keyness(tokens, kept, documents, group_column="gruppe", target=group, min_count=1,
                         min_documents=1)
        pd.testing.assert_frame_equal(block, single, check_like=False)


def test_keyness_restricts_to_listed_documents_and_skips_empty_groups(small):
    tokens, kept, documents = small
    # a document with an empty group value and a token-only document take part in nothing
    tokens2 = make_tokens(dict(TEXTS, x1="Appen appen appen appen", z9="Hjemmesykepleien"))
    kept2 = keep(tokens2)
    documents2 = make_documents(dict(GROUPS, x1=""))  # z9 not listed at all
    table = keyness(tokens2, kept2, documents2, group_column="gruppe", target="eldre", min_count=1,
                    min_documents=1)
    reference = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1,
                        min_documents=1)
    pd.testing.assert_frame_equal(table, reference)


def test_keyness_accepts_filter_result_and_corpus(small):
    tokens, kept, documents = small
    direct = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1, min_documents=1)
    wrapped = keyness(tokens, SimpleNamespace(kept=kept), SimpleNamespace(documents=documents),
                      group_column="gruppe", target="eldre", min_count=1, min_documents=1)
    pd.testing.assert_frame_equal(direct, wrapped)


def test_keyness_errors(small):
    tokens, kept, documents = small
    with pytest.raises(UserError, match=re.escape("values are: 'eldre', 'unge'")):
        keyness(tokens, kept, documents, group_column="gruppe", target="barn")
    with pytest.raises(UserError, match="reference value 'barn'"):
        keyness(tokens, kept, documents, group_column="gruppe", target="eldre", reference="barn")
    with pytest.raises(UserError, match="group column 'alder' not found"):
        keyness(tokens, kept, documents, group_column="alder")
    with pytest.raises(UserError, match="both target and reference"):
        keyness(tokens, kept, documents, group_column="gruppe", target="eldre", reference="eldre")
    with pytest.raises(UserError, match="reference given without target"):
        keyness(tokens, kept, documents, group_column="gruppe", reference="eldre")
    one_group = documents.assign(gruppe="eldre")
    with pytest.raises(UserError, match="at least two"):
        keyness(tokens, kept, one_group, group_column="gruppe")
    # a group whose documents have no tokens at all
    silent = pd.concat([documents, make_documents({"s1": "stille"})], ignore_index=True)
    with pytest.raises(UserError, match="'stille'.*has no words"):
        keyness(tokens, kept, silent, group_column="gruppe", target="stille")
    with pytest.raises(UserError, match="min_count"):
        keyness(tokens, kept, documents, group_column="gruppe", min_count=-1)
    with pytest.raises(UserError, match="'word'"):
        keyness(tokens, kept.drop(columns="word"), documents, group_column="gruppe")
    # every error is one line
    try:
        keyness(tokens, kept, documents, group_column="gruppe", target="barn")
    except UserError as error:
        assert "\n" not in str(error)


def test_keyness_with_project_pipeline():
    """annotate (fast) + apply_filters (lemma) on tiny Norwegian answers, checked by a Counter."""
    from collections import Counter

    corpus_module = pytest.importorskip("textanalyse.corpus")
    nlp = pytest.importorskip("textanalyse.nlp")
    filters = pytest.importorskip("textanalyse.filters")
    records = [
        ("R1", "eldre", "Hjemmesykepleien kommer for sent, og hjemmesykepleierne har dårlig tid."),
        ("R2", "eldre", "Jeg venter lenge på hjemmesykepleien og savner faste pleiere."),
        ("R3", "eldre", "Hjemmesykepleien er flink, men pleierne bytter hele tiden."),
        ("R4", "unge", "Appen til helsestasjonen virker dårlig, og timebestillingen i appen feiler."),
        ("R5", "unge", "Jeg bestilte time i appen, men fikk ingen bekreftelse på timen."),
        ("R6", "unge", "Helsestasjonen svarer raskt på meldinger i appen."),
    ]
    documents = [{"doc_id": f"{r}:svar", "respondent": r, "question": "svar", "source": "svar.csv", "text": t,
                  "gruppe": g} for r, g, t in records]
    build = getattr(corpus_module.Corpus, "from_documents", None) or corpus_module.Corpus.from_records
    corpus = build(documents, metadata_columns=("gruppe",))
    tokens = nlp.annotate(corpus, pipeline="fast")
    result = filters.apply_filters(tokens, unit="lemma")
    kept = result.kept
    table = keyness(tokens, result, corpus, group_column="gruppe", target="eldre", min_count=2, min_documents=1)

    group_of = dict(zip(corpus.documents["doc_id"], corpus.documents["gruppe"]))
    n = Counter(group_of[d] for d, w in zip(tokens["doc_id"], tokens["is_word"]) if w)
    counts = {g: Counter(w for d, w in zip(kept["doc_id"], kept["word"]) if group_of[d] == g)
              for g in ("eldre", "unge")}
    assert table.attrs["tokens_target"] == n["eldre"] and table.attrs["tokens_reference"] == n["unge"]
    for row in table.itertuples():
        o_t, o_r = counts["eldre"][row.word], counts["unge"][row.word]
        assert (row.count_target, row.count_reference) == (o_t, o_r)
        assert o_t + o_r >= 2
        assert row.g2 == pytest.approx(g2_by_hand(o_t, o_r, n["eldre"], n["unge"]), rel=1e-9)
    words = set(table["word"])
    assert "helsestasjon" in words  # "app" is shorter than the default minimum length 4
    top_elderly = table[table.log_ratio > 0]["word"].head(3).tolist()
    assert any(w.startswith("hjemmesykepleie") for w in top_elderly)


# ----------------------------------------------------------------------------- themes


def fisher_by_hand(a, b, c, d):
    n1, n2, k = a + b, c + d, a + c
    total = math.comb(n1 + n2, k)
    probs = {x: math.comb(n1, x) * math.comb(n2, k - x) / total for x in range(max(0, k - n2), min(n1, k) + 1)}
    observed = probs[a]
    return min(1.0, sum(p for p in probs.values() if p <= observed * (1 + 1e-7)))


@pytest.fixture
def theme_data():
    groups = {f"A{i}": "eldre" for i in range(20)} | {f"B{i}": "unge" for i in range(20)} | {"C0": ""}
    documents = make_documents(groups)
    rows = []
    for i in range(5):  # ventetid: 5 of 20 eldre, one of them matched twice
        rows.append(("A%d" % i, "ventetid"))
    rows.append(("A0", "ventetid"))
    rows += [("B0", "ventetid"), ("B1", "ventetid")]  # 2 of 20 unge
    rows += [(f"A{i}", "app") for i in range(10)] + [(f"B{i}", "app") for i in range(10, 20)]
    rows += [("C0", "app"), ("X9", "app")]  # empty group / unknown document: ignored
    coded = pd.DataFrame(rows, columns=["doc_id", "theme"])
    coded.insert(1, "segment", 0)
    coded.insert(2, "question", "q1")
    coded["matched"] = "x"
    return coded, documents


def test_theme_comparison_hand_values(theme_data):
    coded, documents = theme_data
    table = theme_comparison(coded, documents, group_column="gruppe", target="eldre")
    assert tuple(table.columns) == THEME_COLUMNS
    assert table["theme"].tolist() == ["app", "ventetid"]
    v = table.set_index("theme").loc["ventetid"]
    assert (v.coded_target, v.total_target, v.coded_reference, v.total_reference) == (5, 20, 2, 20)
    assert v.share_target == 0.25 and v.share_reference == 0.10
    # Wilson 5/20 = (0.111862, 0.468701); 2/20 = (0.027866, 0.301034)
    assert (v.ci_low_target, v.ci_high_target) == (pytest.approx(0.111862, abs=1e-6),
                                                   pytest.approx(0.468701, abs=1e-6))
    assert (v.ci_low_reference, v.ci_high_reference) == (pytest.approx(0.027866, abs=1e-6),
                                                         pytest.approx(0.301034, abs=1e-6))
    # Newcombe: 0.15 -/+ sqrt(...) = (-0.0939195, 0.380290)
    assert v.difference == pytest.approx(0.15)
    assert (v.difference_low, v.difference_high) == (pytest.approx(-0.0939195, abs=1e-6),
                                                     pytest.approx(0.380290, abs=1e-6))
    assert v.p_value == pytest.approx(fisher_by_hand(5, 15, 2, 18), rel=1e-9)
    assert bool(v.small_cells) is True  # 2 coded unge documents < 5
    a = table.set_index("theme").loc["app"]
    assert (a.coded_target, a.coded_reference, a.difference, a.p_value) == (10, 10, 0.0, 1.0)
    assert bool(a.small_cells) is False
    np.testing.assert_allclose(table["p_adjusted"], bh_by_hand(table["p_value"].tolist()), rtol=1e-12)


def test_theme_comparison_theme_list_and_one_vs_rest(theme_data):
    coded, documents = theme_data
    table = theme_comparison(coded, documents, group_column="gruppe", target="eldre",
                             themes=["ventetid", "personale", "app"])
    assert table["theme"].tolist() == ["ventetid", "personale", "app"]
    p = table.set_index("theme").loc["personale"]
    assert (p.coded_target, p.coded_reference, p.p_value) == (0, 0, 1.0)
    assert (p.ci_low_target, p.ci_high_target) == (0.0, pytest.approx(1.959963984540054 ** 2 / (20 + 1.959963984540054 ** 2)))

    three = documents.copy()
    three.loc[three.doc_id.isin(["B15", "B16", "B17", "B18", "B19"]), "gruppe"] = "mellom"
    table = theme_comparison(coded, three, group_column="gruppe")
    assert tuple(table.columns) == ("group", *THEME_COLUMNS)
    row = table[(table.group == "mellom") & (table.theme == "app")].iloc[0]
    # mellom: 5 of 5 coded with app; rest: 10 of 20 eldre + 5 of 15 unge = 15 of 35
    assert (row.coded_target, row.total_target, row.coded_reference, row.total_reference) == (5, 5, 15, 35)
    assert row.p_value == pytest.approx(fisher_by_hand(5, 0, 15, 20), rel=1e-9)


def test_theme_comparison_errors(theme_data):
    coded, documents = theme_data
    with pytest.raises(UserError, match=re.escape("values are: 'eldre', 'unge'")):
        theme_comparison(coded, documents, group_column="gruppe", target="ungdom")
    with pytest.raises(UserError, match="'theme'"):
        theme_comparison(coded.drop(columns="theme"), documents, group_column="gruppe")


# ----------------------------------------------------------------------------- figures


def _png_ok(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in data and b"matplotlib" not in data.lower()
    return data


def test_figures_are_written_and_deterministic(tmp_path, small, theme_data):
    tokens, kept, documents = small
    table = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1, min_documents=1)
    first = _png_ok(plot_keyness(table, tmp_path / "a" / "nokkelord.png", top=5))
    second = _png_ok(plot_keyness(table, tmp_path / "b" / "nokkelord.png", top=5))
    assert first == second
    cloud1 = _png_ok(plot_comparison_cloud(table, tmp_path / "sky1.png"))
    cloud2 = _png_ok(plot_comparison_cloud(table, tmp_path / "sky2.png"))
    assert cloud1 == cloud2
    coded, theme_documents = theme_data
    themes = theme_comparison(coded, theme_documents, group_column="gruppe", target="eldre")
    _png_ok(plot_theme_shares(themes, tmp_path / "temaer.png"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["sky1.png", "sky2.png", "temaer.png"]


def test_figures_for_one_vs_rest_and_empty_tables(tmp_path, theme_data):
    tokens = make_tokens(dict(TEXTS, m1="Hjemmesykepleien og appen ."))
    documents = make_documents(dict(GROUPS, m1="mellom"))
    table = keyness(tokens, keep(tokens), documents, group_column="gruppe", min_count=1, min_documents=1)
    with pytest.raises(UserError, match="choose one with group="):
        plot_keyness(table, tmp_path / "x.png")
    _png_ok(plot_keyness(table, tmp_path / "mellom.png", group="mellom"))
    _png_ok(plot_comparison_cloud(table, tmp_path / "mellom_sky.png", group="mellom"))
    _png_ok(plot_keyness(table.iloc[0:0].drop(columns="group"), tmp_path / "tom.png"))
    coded, theme_documents = theme_data
    three = theme_documents.copy()
    three.loc[three.doc_id.isin(["B18", "B19"]), "gruppe"] = "mellom"
    _png_ok(plot_theme_shares(theme_comparison(coded, three, group_column="gruppe"), tmp_path / "tre.png"))


def test_keyness_by_question(small):
    tokens, kept, _ = small
    # the same texts as answers to two questions: e* answered "bra", u* answered "savner"
    documents = make_documents(GROUPS).assign(question=lambda d: np.where(d.gruppe == "eldre", "bra", "savner"))
    by_question = keyness(tokens, kept, documents, group_column="question", target="bra", min_count=1,
                          min_documents=1)
    by_group = keyness(tokens, kept, documents, group_column="gruppe", target="eldre", min_count=1,
                       min_documents=1)
    pd.testing.assert_frame_equal(by_question, by_group)
    assert by_question.attrs["target"] == "bra" and by_question.attrs["reference"] == "savner"


def test_theme_comparison_with_project_coding():
    """code_segments output (or its CodingResult) goes straight into theme_comparison."""
    corpus_module = pytest.importorskip("textanalyse.corpus")
    nlp = pytest.importorskip("textanalyse.nlp")
    themes = pytest.importorskip("textanalyse.themes")
    texts = [("R1", "eldre", "Jeg venter lenge på hjemmesykepleien, ventetiden er for lang."),
             ("R2", "eldre", "Personalet er hyggelig og flinke."),
             ("R3", "unge", "Appen fungerer dårlig og jeg får ikke time."),
             ("R4", "unge", "Lang ventetid på fastlegen.")]
    corpus = corpus_module.Corpus.from_documents(
        [{"doc_id": f"{r}:svar", "respondent": r, "question": "svar", "source": "svar.csv", "text": t, "gruppe": g}
         for r, g, t in texts], metadata_columns=("gruppe",))
    result = themes.code_segments(corpus, nlp.annotate(corpus, pipeline="fast"))
    table = theme_comparison(result, corpus, group_column="gruppe", target="eldre")
    assert tuple(table.columns) == THEME_COLUMNS
    coded_docs = result.coded.groupby("theme")["doc_id"].apply(lambda s: set(s))
    for row in table.itertuples():
        docs = coded_docs.get(row.theme, set())
        assert row.coded_target == len({d for d in docs if d in ("R1:svar", "R2:svar")})
        assert row.coded_reference == len({d for d in docs if d in ("R3:svar", "R4:svar")})
        assert (row.total_target, row.total_reference) == (2, 2)
        assert row.small_cells
