"""Survey waves: sizes and flags, theme shares, trend across waves, keyness first vs last, the line chart."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import Table

from tests.conftest import survey_corpus
from textanalyse.filters import apply_filters
from textanalyse.nlp import annotate
from textanalyse.report.figures import wave_chart
from textanalyse.stats import cochran_armitage
from textanalyse.themes import code_segments
from textanalyse.waves import wave_analysis, wave_order, wave_sizes

EARLY = "Lang ventetid på time, og ventetid igjen etter brevet."
LATE = "God oppfølging fra kontaktperson, trygg oppfølging hver uke."


@pytest.fixture(scope="module")
def waves():
    # 2019: 12 answers, 9 about waiting; 2021: 3 answers (too few), 1 about waiting; 2025: 12 answers, 2 about waiting.
    texts = [EARLY] * 9 + [LATE] * 3 + [EARLY] * 1 + [LATE] * 2 + [EARLY] * 2 + [LATE] * 10
    years = ["2019"] * 12 + ["2021"] * 3 + ["2025"] * 12
    corpus = survey_corpus({"bra": texts}, år=years)
    tokens = annotate(corpus, pipeline="fast")
    kept = apply_filters(tokens, unit="lemma", min_length=4).kept
    coding = code_segments(corpus, tokens)
    return wave_analysis(corpus, tokens, kept, column="år", coded=coding.coded, min_answers=10, min_count=1,
                         min_documents=1)


def test_wave_order_is_numeric_when_waves_are_numbers():
    assert wave_order(pd.Series(["2021", "2019", "", "2025"])) == ["2019", "2021", "2025"]
    assert wave_order(pd.Series(["høst", "vår"])) == ["høst", "vår"]


def test_a_wave_with_too_few_answers_is_flagged_not_hidden(waves):
    assert waves.sizes.to_dict("list") == {"wave": ["2019", "2021", "2025"], "wave_rank": [1, 2, 3],
                                           "respondents": [12, 3, 12], "documents": [12, 3, 12],
                                           "too_few": [False, True, False]}
    assert "2021" in set(waves.themes["wave"]) and "2021" in set(waves.words["år"])


def test_theme_shares_per_wave_and_trend_with_years_as_scores(waves):
    waiting = waves.themes[waves.themes["theme"] == "Ventetid og tilgjengelighet"]
    assert waiting["documents_coded"].tolist() == [9, 1, 2] and waiting["documents_total"].tolist() == [12, 3, 12]
    trend = waves.trends.set_index("theme").loc["Ventetid og tilgjengelighet"]
    z, p = cochran_armitage([9, 1, 2], [12, 3, 12], scores=[2019, 2021, 2025])
    assert trend["z"] == pytest.approx(z) and trend["p_value"] == pytest.approx(p) and z < 0
    reference = Table(np.array([[9, 3], [1, 2], [2, 10]])).test_ordinal_association(
        row_scores=np.array([2019, 2021, 2025]), col_scores=np.array([1, 0]))
    assert abs(z) * math.sqrt(26 / 27) == pytest.approx(abs(reference.zscore), rel=1e-9)
    assert trend["waves"] == 3 and trend["share_first"] == pytest.approx(0.75)


def test_keyness_compares_the_last_wave_with_the_first(waves):
    table = waves.keyness.set_index("word")
    assert table.attrs["target"] == "2025" and table.attrs["reference"] == "2019"
    assert (table.loc["ventetid", "count_target"], table.loc["ventetid", "count_reference"]) == (4, 18)
    assert table.loc["oppfølging", "log_ratio"] > 0 > table.loc["ventetid", "log_ratio"]


def test_top_words_per_wave(waves):
    first = waves.words[waves.words["år"] == "2019"].set_index("word")
    assert first.loc["ventetid", "count"] == 18 and first.loc["ventetid", "documents"] == 9


def test_wave_chart_is_written_and_deterministic(waves, tmp_path):
    a = wave_chart(waves.themes[waves.themes["question"] == "bra"], tmp_path / "a.png", sizes=waves.sizes)
    b = wave_chart(waves.themes[waves.themes["question"] == "bra"], tmp_path / "b.png", sizes=waves.sizes)
    assert a.read_bytes() == b.read_bytes() and a.read_bytes().startswith(b"\x89PNG")


def test_wave_sizes_counts_respondents_once():
    documents = pd.DataFrame({"respondent": ["R1", "R1", "R2"], "år": ["2021", "2021", "2023"]})
    sizes = wave_sizes(documents, column="år", order=["2021", "2023"], min_answers=1)
    assert sizes["respondents"].tolist() == [1, 1] and sizes["documents"].tolist() == [2, 1]


def test_wave_min_answers_is_a_material_setting(tmp_path):
    """[[material]] wave_min_answers sets the flag's threshold (default 30); bad values are refused."""
    from textanalyse.config import load_config
    from textanalyse.errors import UserError
    from textanalyse.project import Project

    rows = [f"{i};{EARLY if i % 2 else LATE};{2019 if i <= 12 else 2021}" for i in range(1, 16)]
    (tmp_path / "svar.csv").write_text("id;svar;år\n" + "\n".join(rows) + "\n", encoding="utf-8")
    base = ('[annotation]\npipeline = "fast"\n[topics]\nenabled = false\n[quotes]\nenabled = false\n'
            '[[material]]\nsurvey = "svar.csv"\ntext_columns = ["svar"]\nid_column = "id"\nwave_column = "år"\n')
    for setting, flags in (("", [True, True]), ("wave_min_answers = 10\n", [False, True])):
        (tmp_path / "analyse.toml").write_text(base + setting, encoding="utf-8")
        project = Project.from_config(tmp_path / "analyse.toml")
        assert project.analysis().waves.sizes["too_few"].tolist() == flags
    (tmp_path / "analyse.toml").write_text(base + "wave_min_answers = 0\n", encoding="utf-8")
    with pytest.raises(UserError, match="wave_min_answers must be a whole number of at least 1, got 0"):
        load_config(tmp_path / "analyse.toml")
