"""The Batch Normalization card's checks of common claims, asserted on the snippets' computed values:
gamma and beta can undo the normalization, BN as a regularizer, BN and the initialization's scale."""

from __future__ import annotations

import math
import statistics

import pytest
from conftest import load_snippet


def test_gamma_and_beta_give_the_batch_back_but_only_that_batch():
    undo = load_snippet("normalization/bn_claims_gamma_beta.py")
    assert undo.same_batch < 1e-6  # float32 rounding
    assert undo.eval_other < 1e-6  # eval() with running statistics mu_B, sigma_B^2: identity for any input
    assert undo.other_batch > 0.3 * undo.x.std().item()  # another batch has other statistics


@pytest.fixture(scope="module")
def regularization():
    return load_snippet("normalization/bn_claims_regularization.py")


def test_bn_fits_the_training_set_fully_and_raises_test_accuracy(regularization):
    r = regularization
    assert all(r.runs[(True, s)]["train_acc"] == 100 for s in r.SEEDS)  # every seed
    assert r.summary[(True, "train_acc")][0] >= r.summary[(False, "train_acc")][0]
    assert r.summary[(True, "test_acc")][0] > r.summary[(False, "test_acc")][0]


def test_the_gap_difference_is_smaller_than_the_spread_between_seeds(regularization):
    r = regularization
    assert r.acc_gap_difference > 0  # smaller with BN on average ...
    spread = min(r.summary[(False, "acc_gap")][1], r.summary[(True, "acc_gap")][1])
    assert r.acc_gap_difference < spread  # ... by less than the seed-to-seed standard deviation
    assert r.acc_gap_smaller_with_bn < len(r.SEEDS)  # not on every seed (by accuracy)
    gaps = [r.runs[(False, s)]["acc_gap"] - r.runs[(True, s)]["acc_gap"] for s in r.SEEDS]
    assert r.acc_gap_difference == pytest.approx(statistics.mean(gaps))


@pytest.fixture(scope="module")
def init_scale():
    return load_snippet("normalization/bn_claims_init_scale.py")


def test_the_plain_mlp_ranges_from_chance_to_its_best_near_he_scale(init_scale):
    m = init_scale
    low, high = m.SCALES[0], m.SCALES[-1]
    assert all(m.runs[(False, low, s)][0] < 15 for s in m.SEEDS)  # chance: does not learn
    assert not any(m.runs[(False, low, s)][1] for s in m.SEEDS)  # without diverging
    assert m.diverged_plain[high] == len(m.SEEDS)  # NaN in every run
    assert all(m.runs[(False, high, s)][0] < 15 for s in m.SEEDS)
    best = m.SCALES[m.mean_plain.index(max(m.mean_plain))]
    assert max(m.mean_plain) > 90
    assert m.he_scale == pytest.approx(math.sqrt(6))
    assert best == min(m.SCALES, key=lambda scale: abs(scale - m.he_scale))  # the scale nearest He's


def test_bn_accuracy_barely_depends_on_the_scale(init_scale):
    m = init_scale
    assert m.diverged_bn == 0
    assert min(m.mean_bn) > 90
    assert max(m.mean_bn) - min(m.mean_bn) < 5 < max(m.mean_plain) - min(m.mean_plain)
