"""Agreement statistics against independent implementations and published / hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from textanalyse.coding.agreement import (
    AGREEMENT_COLUMNS, agreement_table, cohen_kappa, gwet_ac1, krippendorff_alpha, percent_agreement)
from textanalyse.errors import UserError

krippendorff = pytest.importorskip("krippendorff")
metrics = pytest.importorskip("sklearn.metrics")

NAN = float("nan")
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units.
WORKED_EXAMPLE = [[1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
                  [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
                  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN]]


def _random_codings(seed, n=60, categories=2, agreement=0.7):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, categories, n)
    b = np.where(rng.random(n) < agreement, a, rng.integers(0, categories, n))
    return a, b


def test_alpha_matches_krippendorffs_published_worked_example():
    assert round(krippendorff_alpha(WORKED_EXAMPLE), 3) == 0.743
    assert krippendorff_alpha(WORKED_EXAMPLE) == pytest.approx(
        krippendorff.alpha(reliability_data=WORKED_EXAMPLE, level_of_measurement="nominal"), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("categories", [2, 4])
def test_kappa_and_alpha_match_the_reference_packages(seed, categories):
    a, b = _random_codings(seed, categories=categories)
    assert cohen_kappa(a, b) == pytest.approx(metrics.cohen_kappa_score(a, b), abs=1e-12)
    assert krippendorff_alpha([a, b]) == pytest.approx(
        krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"), abs=1e-12)


def test_ac1_matches_a_hand_computed_case():
    # Ten segments: both 1 on six, only a on one, only b on one, both 0 on two.
    # po = 0.8; prevalence = (0.7 + 0.7) / 2 = 0.7; pe = 2 * 0.7 * 0.3 = 0.42; AC1 = 0.38 / 0.58.
    a = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    b = [1, 1, 1, 1, 1, 1, 0, 1, 0, 0]
    assert gwet_ac1(a, b) == pytest.approx(0.38 / 0.58, abs=1e-12)
    # Same data: kappa = (0.8 - 0.58) / 0.42 (pe = 0.7*0.7 + 0.3*0.3) is far lower than AC1.
    assert cohen_kappa(a, b) == pytest.approx(0.22 / 0.42, abs=1e-12)
    assert percent_agreement(a, b) == 0.8


def test_kappa_is_undefined_but_ac1_is_one_when_both_coders_never_use_a_theme():
    assert math.isnan(cohen_kappa([0, 0, 0], [0, 0, 0]))
    assert gwet_ac1([0, 0, 0], [0, 0, 0]) == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_table_per_theme_equals_the_general_definitions(seed):
    a, b = _random_codings(seed, n=80)
    c, d = _random_codings(seed + 100, n=80, agreement=0.9)
    human = pd.DataFrame({"Bolig": a, "NAV": c})
    machine = pd.DataFrame({"Bolig": b, "NAV": d})
    table = agreement_table(human, machine, samples=0).set_index("theme")
    row = table.loc["Bolig"]
    assert row["n"] == 80
    assert row["kappa"] == round(metrics.cohen_kappa_score(a, b), 4)
    assert row["alpha"] == round(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"), 4)
    assert row["ac1"] == round(gwet_ac1(a, b), 4)
    assert row["precision"] == round(metrics.precision_score(a, b), 4)
    assert row["recall"] == round(metrics.recall_score(a, b), 4)
    assert row["f1"] == round(metrics.f1_score(a, b), 4)
    pooled = table.loc["(alle)"]
    assert pooled["n"] == 160
    both_a, both_b = np.concatenate([a, c]), np.concatenate([b, d])
    assert pooled["kappa"] == round(metrics.cohen_kappa_score(both_a, both_b), 4)
    assert pooled["f1"] == round(metrics.f1_score(both_a, both_b), 4)


def test_bootstrap_intervals_are_fixed_by_the_seed_and_bracket_the_estimate():
    a, b = _random_codings(3, n=120)
    human, machine = pd.DataFrame({"Bolig": a}), pd.DataFrame({"Bolig": b})
    first = agreement_table(human, machine)
    second = agreement_table(human, machine)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == list(AGREEMENT_COLUMNS)
    for name in ("percent_agreement", "kappa", "alpha", "ac1", "f1"):
        row = first.iloc[0]
        assert row[f"{name}_low"] <= row[name] <= row[f"{name}_high"]
        assert row[f"{name}_high"] - row[f"{name}_low"] > 0.05
    other_seed = agreement_table(human, machine, seed=7)
    assert other_seed.loc[0, "kappa_low"] != first.loc[0, "kappa_low"]


def test_codings_without_common_themes_or_segments_are_refused():
    with pytest.raises(UserError, match="no theme column in common"):
        agreement_table(pd.DataFrame({"Bolig": [1]}), pd.DataFrame({"NAV": [1]}))
    with pytest.raises(UserError, match="share no segment"):
        agreement_table(pd.DataFrame({"Bolig": []}), pd.DataFrame({"Bolig": []}))
