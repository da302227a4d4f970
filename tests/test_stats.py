"""Statistics pinned on small tables computed by hand (math module, not the code under test)."""

import math

import numpy as np
import pytest
from scipy import stats as sstats

from textanalyse.stats import (
    benjamini_hochberg,
    chi2_p,
    difference_interval,
    dunning_g2,
    fisher_exact_2x2,
    log_ratio,
    wilson_interval,
)

# ----------------------------------------------------------------------------- Dunning G²


def test_g2_zero_reference_cell():
    # O_t=10, O_r=0, N_t=N_r=100: E_t = 100*10/200 = 5; the zero cell adds 0
    # G2 = 2 * 10 * ln(10/5) = 20 ln 2 = 13.862943611198906
    assert dunning_g2(10, 0, 100, 100) == pytest.approx(20 * math.log(2), rel=1e-12)
    assert dunning_g2(10, 0, 100, 100) == pytest.approx(13.862943611198906, rel=1e-12)


def test_g2_zero_target_cell():
    # O_t=0, O_r=6, N_t=N_r=300: E_r = 300*6/600 = 3; G2 = 2 * 6 * ln(6/3) = 12 ln 2 = 8.317766166719343
    assert dunning_g2(0, 6, 300, 300) == pytest.approx(8.317766166719343, rel=1e-12)


def test_g2_unequal_sizes():
    # O_t=7, O_r=3, N_t=500, N_r=1500: E_t = 500*10/2000 = 2.5, E_r = 1500*10/2000 = 7.5
    # G2 = 2 * (7 ln(7/2.5) + 3 ln(3/7.5)) = 2 * (7*1.0296194 - 3*0.9162907) = 8.9169274...
    expected = 2 * (7 * math.log(7 / 2.5) + 3 * math.log(3 / 7.5))
    assert expected == pytest.approx(8.916927, abs=1e-6)
    assert dunning_g2(7, 3, 500, 1500) == pytest.approx(expected, rel=1e-12)


def test_g2_ties_and_absent_words():
    # identical relative frequency (5/100 = 10/200): O = E in both cells, G2 = 0
    assert dunning_g2(5, 10, 100, 200) == 0.0
    # absent everywhere: both cells zero, G2 = 0
    assert dunning_g2(0, 0, 100, 200) == 0.0
    # symmetric: swapping the groups gives the same G2
    assert dunning_g2(3, 7, 1500, 500) == pytest.approx(dunning_g2(7, 3, 500, 1500), rel=1e-12)


def test_g2_vectorised_and_invalid_sizes():
    got = dunning_g2(np.array([10, 0, 7, 0]), np.array([0, 6, 3, 0]), np.array([100, 300, 500, 50]),
                     np.array([100, 300, 1500, 50]))
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, [20 * math.log(2), 12 * math.log(2),
                                     2 * (7 * math.log(7 / 2.5) + 3 * math.log(3 / 7.5)), 0.0], rtol=1e-12)
    assert isinstance(dunning_g2(1, 2, 3, 4), float)
    assert math.isnan(dunning_g2(1, 2, 0, 4))


# ----------------------------------------------------------------------------- log ratio


def test_log_ratio_hand_values():
    # ((9.5+0.5)/100) / ((1.5+0.5)/50) = 0.1 / 0.04 = 2.5 -> log2(2.5) = 1.3219280948873624
    assert log_ratio(9.5, 1.5, 100, 50) == pytest.approx(1.3219280948873624, rel=1e-12)
    # zero target: (0.5/100) / (3.5/100) = 1/7 -> -log2(7) = -2.807354922057604
    assert log_ratio(0, 3, 100, 100) == pytest.approx(-2.807354922057604, rel=1e-12)
    # both zero, equal sizes: ratio 1 -> 0
    assert log_ratio(0, 0, 100, 100) == 0.0
    # twice as frequent in the target after the +0.5 correction: (19.5+0.5)/1000 vs (9.5+0.5)/1000
    assert log_ratio(19.5, 9.5, 1000, 1000) == pytest.approx(1.0, rel=1e-12)
    # antisymmetric when the groups swap
    assert log_ratio(3, 8, 200, 700) == pytest.approx(-log_ratio(8, 3, 700, 200), rel=1e-12)
    assert math.isnan(log_ratio(1, 1, 10, 0))


# ----------------------------------------------------------------------------- chi-square p


def test_chi2_p_matches_closed_form():
    # for 1 df, P(X > x) = erfc(sqrt(x / 2))
    for x in [0.0, 0.5, 1.0, 3.841458820694124, 10.0, 13.862943611198906]:
        assert chi2_p(x) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-10)
    assert chi2_p(3.841458820694124) == pytest.approx(0.05, rel=1e-9)
    assert chi2_p(0.0) == 1.0
    out = chi2_p(np.array([0.0, np.nan]))
    assert out[0] == 1.0 and math.isnan(out[1])


# ----------------------------------------------------------------------------- Benjamini–Hochberg


def test_bh_hand_example():
    # sorted: 0.01 (rank 1), 0.03 (2), 0.04 (3), 0.20 (4); m = 4
    # p*m/rank: 0.04, 0.06, 0.05333, 0.20; running minimum from the largest rank:
    # 0.20, 0.05333, min(0.06, 0.05333) = 0.05333, min(0.04, 0.05333) = 0.04
    got = benjamini_hochberg([0.01, 0.04, 0.03, 0.20])
    np.testing.assert_allclose(got, [0.04, 0.16 / 3, 0.16 / 3, 0.20], rtol=1e-12)


def test_bh_ties_nan_cap_and_order():
    # ties: [0.02, 0.02, 0.5], m = 3: 0.06, 0.03, 0.5 -> monotone: 0.03, 0.03, 0.5
    np.testing.assert_allclose(benjamini_hochberg([0.02, 0.5, 0.02]), [0.03, 0.5, 0.03], rtol=1e-12)
    # NaN is left out of m and stays NaN: m = 2 -> 0.01*2/1 = 0.02, 0.04*2/2 = 0.04
    got = benjamini_hochberg([0.04, np.nan, 0.01])
    assert got[0] == pytest.approx(0.04) and math.isnan(got[1]) and got[2] == pytest.approx(0.02)
    # large p: never above 1; all NaN / empty input are fine
    assert np.all(benjamini_hochberg([0.9, 0.99, 1.0, 0.95]) <= 1.0)
    assert math.isnan(benjamini_hochberg([np.nan])[0])
    assert benjamini_hochberg([]).shape == (0,)
    with pytest.raises(ValueError):
        benjamini_hochberg([0.1, 1.5])


def test_bh_matches_scipy_on_random_values():
    p = np.random.default_rng(3).uniform(0, 1, 500) ** 3
    np.testing.assert_allclose(benjamini_hochberg(p), sstats.false_discovery_control(p), rtol=1e-12)


# ----------------------------------------------------------------------------- Fisher


def test_fisher_hand_example():
    # [[6, 2], [1, 4]]: margins n1 = 8, n2 = 5, k = 7, C(13, 7) = 1716.
    # P(x) = C(8, x) C(5, 7 - x) / 1716; P(6) = 28*5/1716 = 140/1716.
    # Tables no more likely: x = 2 (28/1716), 6 (140/1716), 7 (8/1716) -> 176/1716
    assert fisher_exact_2x2(6, 2, 1, 4) == pytest.approx(176 / 1716, rel=1e-10)
    assert 176 / 1716 == pytest.approx(math.comb(8, 2) * math.comb(5, 5) / math.comb(13, 7) * (1 + 5 + 8 / 28))


def test_fisher_ties():
    # n1 = n2 = 3, k = 3: P(x) = C(3,x) C(3,3-x) / 20 = 1, 9, 9, 1 (/20)
    # [[1, 2], [2, 1]]: every table is as likely or less -> p = 1
    assert fisher_exact_2x2(1, 2, 2, 1) == 1.0
    # [[0, 3], [3, 0]]: x = 0 and its mirror x = 3 -> 2/20
    assert fisher_exact_2x2(0, 3, 3, 0) == pytest.approx(0.1, rel=1e-12)
    assert fisher_exact_2x2(3, 0, 0, 3) == pytest.approx(0.1, rel=1e-12)


def test_fisher_degenerate_tables():
    assert fisher_exact_2x2(0, 0, 3, 4) == 1.0  # empty row
    assert fisher_exact_2x2(0, 5, 0, 4) == 1.0  # empty column
    assert fisher_exact_2x2(0, 0, 0, 0) == 1.0
    with pytest.raises(ValueError):
        fisher_exact_2x2(-1, 2, 3, 4)


def test_fisher_matches_scipy():
    rng = np.random.default_rng(7)
    tables = rng.integers(0, 25, size=(400, 4))
    tables[:40, 0] = 0
    tables[40:80, 3] = 0
    tables = np.vstack([tables, [[600, 0, 0, 600], [300, 300, 290, 310], [1, 599, 40, 560]]])
    got = fisher_exact_2x2(*tables.T)
    expected = [sstats.fisher_exact([[a, b], [c, d]]).pvalue for a, b, c, d in tables]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-300)
    assert isinstance(fisher_exact_2x2(1, 2, 3, 4), float)


# ----------------------------------------------------------------------------- Wilson and Newcombe


def test_wilson_known_value():
    # k = 5, n = 20: p = 0.25, z = 1.959964, z^2/n = 0.1920729
    # centre = (0.25 + 0.0960365) / 1.1920729 = 0.290284
    # half = 1.959964 / 1.1920729 * sqrt(0.25*0.75/20 + z^2/1600) = 0.178421
    low, high = wilson_interval(5, 20)
    assert low == pytest.approx(0.111862, abs=1e-6)
    assert high == pytest.approx(0.468701, abs=1e-6)


def test_wilson_edges_and_confidence():
    # k = 0: low = 0, high = z^2 / (n + z^2) = 3.841459 / 13.841459 = 0.2775328
    z2 = 1.959963984540054 ** 2
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2), rel=1e-12))
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and low == pytest.approx(10 / (10 + z2), rel=1e-12)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))
    # 90 % is narrower than 95 %
    l90, h90 = wilson_interval(5, 20, confidence=0.90)
    assert 0.111862 < l90 and h90 < 0.468701
    lows, highs = wilson_interval(np.array([5, 0]), np.array([20, 10]))
    np.testing.assert_allclose(lows, [0.1118617, 0.0], atol=1e-6)
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_newcombe_published_values():
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10
    cases = [
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((6, 7, 2, 7), (0.0582, 0.8062)),
        ((5, 56, 0, 29), (-0.0381, 0.1926)),
        ((0, 10, 0, 20), (-0.1611, 0.2775)),
        ((10, 10, 0, 20), (0.6791, 1.0000)),
    ]
    for args, (low, high) in cases:
        got = difference_interval(*args)
        assert got[0] == pytest.approx(low, abs=5e-5), args
        assert got[1] == pytest.approx(high, abs=5e-5), args


def test_newcombe_from_wilson_by_hand():
    # 5/20 vs 2/20: Wilson (0.111862, 0.468701) and (0.027866, 0.301034)
    # low  = 0.15 - sqrt((0.25 - 0.111862)^2 + (0.301034 - 0.10)^2) = -0.0939195
    # high = 0.15 + sqrt((0.468701 - 0.25)^2 + (0.10 - 0.027866)^2) =  0.380290
    low, high = difference_interval(5, 20, 2, 20)
    assert low == pytest.approx(0.15 - math.sqrt((0.25 - 0.111862) ** 2 + (0.301034 - 0.10) ** 2), abs=2e-6)
    assert high == pytest.approx(0.15 + math.sqrt((0.468701 - 0.25) ** 2 + (0.10 - 0.027866) ** 2), abs=2e-6)
    assert all(math.isnan(v) for v in difference_interval(0, 0, 1, 5))
