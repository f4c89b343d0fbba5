"""The statistics on the wall, checked against hand-computed values and as properties.

Formulas (DESIGN.md): NPS = %promoters − %detractors, SE = 100·sqrt((p + d − (p − d)²) / n),
95% band ±1.96·SE; first-time-right with a Wilson 95% interval.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from obeya.metrics import (
    Estimate,
    FtrCounts,
    NpsCounts,
    ftr_change,
    ftr_estimate,
    gap,
    main_miss_reason,
    nps,
    nps_change,
    nps_estimate,
    nps_standard_error,
    pool,
    score_band,
    status,
    wilson_interval,
)


def counts_of(scores: list[int]) -> NpsCounts:
    """Band raw 0–10 scores the way the survey does."""
    bands = [score_band(score) for score in scores]
    return NpsCounts(bands.count("promoter"), bands.count("passive"), bands.count("detractor"))


# --- NPS, by hand ----------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_score_bands(score, band):
    assert score_band(score) == band


def test_nps_of_50_promoters_30_passives_20_detractors_is_30():
    counts = NpsCounts(promoters=50, passives=30, detractors=20)
    assert counts.responses == 100
    assert nps(counts) == 30.0


def test_nps_standard_error_follows_the_formula():
    # p = 0.5, d = 0.2: SE = 100·sqrt((0.7 − 0.09) / 100) = 100·sqrt(0.0061) ≈ 7.8102
    counts = NpsCounts(50, 30, 20)
    assert nps_standard_error(counts) == pytest.approx(100 * math.sqrt(0.0061))
    assert nps_standard_error(counts) == pytest.approx(7.8102, abs=1e-4)


def test_nps_band_is_plus_minus_1_96_standard_errors():
    estimate = nps_estimate(NpsCounts(50, 30, 20))
    assert estimate.value == 30.0
    assert estimate.n == 100
    assert estimate.low == pytest.approx(30 - 1.96 * 7.8102, abs=0.01)  # 14.69
    assert estimate.high == pytest.approx(30 + 1.96 * 7.8102, abs=0.01)  # 45.31


def test_nps_band_is_clipped_to_the_scale():
    # 4 promoters, 1 passive, 1 detractor: NPS 50, SE ≈ 31.18, band would reach 111.
    estimate = nps_estimate(NpsCounts(4, 1, 1), min_responses=5)
    assert estimate.value == pytest.approx(50.0)
    assert estimate.low == pytest.approx(50 - 1.96 * 31.18, abs=0.01)
    assert estimate.high == 100.0


def test_all_promoters_have_no_spread():
    estimate = nps_estimate(NpsCounts(40, 0, 0))
    assert (estimate.value, estimate.low, estimate.high) == (100.0, 100.0, 100.0)


def test_no_responses_give_no_nps():
    assert nps(NpsCounts()) is None
    assert nps_standard_error(NpsCounts()) is None
    assert nps_estimate(NpsCounts(), min_responses=0) is None


def test_below_min_responses_there_is_not_enough_to_show():
    assert nps_estimate(NpsCounts(20, 5, 4), min_responses=30) is None  # 29 responses
    assert nps_estimate(NpsCounts(20, 5, 5), min_responses=30) is not None  # 30 responses
    assert nps_estimate(NpsCounts(3, 1, 1), min_responses=5).n == 5


def test_pooled_window_is_not_the_average_of_period_scores():
    small_good_week = NpsCounts(promoters=10, passives=0, detractors=0)  # NPS 100
    big_bad_week = NpsCounts(promoters=0, passives=0, detractors=90)  # NPS -100
    window = pool([small_good_week, big_bad_week])
    assert window == NpsCounts(10, 0, 90)
    assert nps(window) == -80.0  # the average of the weekly scores would say 0


# --- status and change -----------------------------------------------------

ESTIMATE_30 = Estimate(value=30.0, low=14.69, high=45.31, n=100)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (10, "on_target"),
        (14.69, "within_noise"),  # the band's edge still counts as noise
        (30, "within_noise"),  # the estimate on the target: not below it
        (30.5, "likely_off_target"),  # below target, the target inside the band: not neutral
        (45.31, "likely_off_target"),
        (50, "off_target"),
    ],
)
def test_status_against_target(target, expected):
    assert status(ESTIMATE_30, target) == expected


def test_status_without_an_estimate_is_no_data():
    assert status(None, 30) == "no_data"


def test_status_with_responses_below_the_minimum_is_too_few_not_no_data():
    assert status(None, 30, counted=22) == "too_few"


def test_first_time_right_of_77_against_85_not_certain_is_likely_off_target():
    # the example: 77% against an 85% target, the target inside the Wilson interval
    assert status(ftr_estimate(FtrCounts(resolved=30, first_time_right=23)), 85) == "likely_off_target"


def test_gap_is_estimate_minus_target_in_points():
    assert gap(ftr_estimate(FtrCounts(resolved=10, first_time_right=7)), 80) == pytest.approx(-10.0)
    assert gap(None, 80) is None


def test_large_nps_change_beats_the_noise():
    # NPS 40 (SE ≈ 7.75) vs −10 (SE ≈ 8.31): z ≈ 4.4
    change = nps_change(NpsCounts(60, 20, 20), NpsCounts(30, 30, 40))
    assert change.delta == pytest.approx(50.0)
    assert change.significant is True


def test_small_nps_change_is_within_noise():
    change = nps_change(NpsCounts(50, 30, 20), NpsCounts(45, 35, 20))
    assert change.delta == pytest.approx(5.0)
    assert change.significant is False


def test_nps_change_needs_enough_responses_in_both_periods():
    assert nps_change(NpsCounts(50, 30, 20), NpsCounts(10, 10, 9)) is None
    assert nps_change(NpsCounts(10, 10, 9), NpsCounts(50, 30, 20)) is None


def test_ftr_change_uses_a_two_proportion_test():
    # 90% vs 70% of 100: spread = 100·sqrt(0.9·0.1/100 + 0.7·0.3/100) ≈ 5.48 points, z ≈ 3.65
    change = ftr_change(FtrCounts(100, 90), FtrCounts(100, 70))
    assert change.delta == pytest.approx(20.0)
    assert change.significant is True
    assert ftr_change(FtrCounts(10, 8), FtrCounts(10, 7)).significant is False
    assert ftr_change(FtrCounts(10, 8), FtrCounts()) is None


def test_no_change_between_two_perfect_periods_is_not_significant():
    assert ftr_change(FtrCounts(20, 20), FtrCounts(20, 20)).significant is False


# --- first-time-right, by hand ---------------------------------------------


def test_wilson_interval_of_8_out_of_10():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490, abs=5e-4)
    assert high == pytest.approx(0.943, abs=5e-4)


def test_wilson_interval_of_0_out_of_10_starts_at_zero():
    low, high = wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12)
    assert high == pytest.approx(0.2775, abs=5e-4)


def test_wilson_interval_without_tickets_says_nothing():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_ftr_estimate_in_percent():
    estimate = ftr_estimate(FtrCounts(resolved=10, first_time_right=8))
    assert estimate.value == pytest.approx(80.0)
    assert estimate.low == pytest.approx(49.02, abs=0.01)
    assert estimate.high == pytest.approx(94.33, abs=0.01)
    assert estimate.n == 10


def test_ftr_estimate_below_min_resolved_is_none():
    assert ftr_estimate(FtrCounts(resolved=4, first_time_right=4), min_resolved=5) is None
    assert ftr_estimate(FtrCounts()) is None


def test_every_ticket_right_first_time_meets_a_target_of_100():
    assert status(ftr_estimate(FtrCounts(resolved=10, first_time_right=10)), 100) == "within_noise"


def test_main_miss_reason():
    assert main_miss_reason(FtrCounts(10, 7, reopened=2, reassigned=1)) == "reopened"
    assert main_miss_reason(FtrCounts(10, 7, reopened=1, reassigned=2)) == "reassigned"
    assert main_miss_reason(FtrCounts(10, 7)) is None


# --- properties ------------------------------------------------------------

nps_counts = st.builds(
    NpsCounts,
    promoters=st.integers(0, 10_000),
    passives=st.integers(0, 10_000),
    detractors=st.integers(0, 10_000),
).filter(lambda counts: counts.responses > 0)


@given(nps_counts)
def test_nps_stays_on_its_scale(counts):
    assert -100.0 <= nps(counts) <= 100.0


@given(nps_counts)
def test_nps_band_contains_the_estimate_and_stays_on_the_scale(counts):
    estimate = nps_estimate(counts, min_responses=1)
    assert -100.0 <= estimate.low <= estimate.value <= estimate.high <= 100.0


@given(st.lists(st.lists(st.integers(0, 10), max_size=40), min_size=1, max_size=12))
def test_pooled_window_equals_the_nps_of_all_its_responses(periods):
    window = pool(counts_of(scores) for scores in periods)
    every_response = counts_of([score for scores in periods for score in scores])
    assert window == every_response
    if every_response.responses:
        assert nps(window) == pytest.approx(nps(every_response))


resolved_and_right = st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@given(resolved_and_right)
def test_wilson_interval_stays_within_0_and_1(successes_and_n):
    successes, n = successes_and_n
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= high <= 1.0


@given(resolved_and_right)
def test_wilson_interval_contains_p_strictly_inside_0_and_1(successes_and_n):
    successes, n = successes_and_n
    if 0 < successes < n:
        low, high = wilson_interval(successes, n)
        assert low <= successes / n <= high


@given(resolved_and_right)
@example((0, 3))
@example((10, 10))
def test_wilson_interval_contains_p(successes_and_n):
    successes, n = successes_and_n
    low, high = wilson_interval(successes, n)
    assert low <= successes / n <= high
