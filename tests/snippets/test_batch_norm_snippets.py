"""Each claim the Batch Normalization card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from conftest import load_snippet


def test_numpy_batch_norm_matches_pytorch_and_pools_n_h_w_per_channel():
    bn = load_snippet("normalization/numpy_batch_norm.py")
    assert bn.max_diff_1d < 1e-5 and bn.max_diff_2d < 1e-5
    assert tuple(bn.bn2d.running_mean.shape) == (3,)  # one statistic per channel
    assert bn.per_channel_mean.abs().max() < 1e-6
    assert torch.allclose(bn.per_channel_std, torch.ones(3), atol=1e-3)
    assert bn.per_image_channel_mean.abs().max() > 0.1  # a single image's channel is not centred


@pytest.fixture(scope="module")
def running():
    return load_snippet("normalization/running_stats.py")


def test_running_statistics_approach_the_truth_as_the_start_value_decays(running):
    errors = [row[2] for row in running.rows]
    assert errors[0] > 3 and errors[-1] < 0.2  # starts near |0 - 4|, ends close
    assert [row[1] for row in running.rows] == pytest.approx([0.9**k for k in running.STEPS])
    assert 0.9 < running.rows[-1][3] <= running.rows[-1][4] < 1.1  # running_var / sigma^2 near 1


def test_train_and_eval_modes_differ_on_the_same_input(running):
    assert running.train_eval_gap > 0.5
    assert "Expected more than 1 value per channel" in running.single_error
    assert running.single_vs_batch == 0  # in eval() a sample's output ignores its batch


def test_a_batch_of_two_collapses_every_feature_to_plus_minus_one(running):
    assert torch.allclose(running.pair_out.abs(), torch.ones_like(running.pair_out), atol=1e-3)
    assert torch.allclose(running.pair_out[0], -running.pair_out[1], atol=1e-6)


@pytest.fixture(scope="module")
def test_data():
    return load_snippet("normalization/normalize_test_data.py")


def test_test_set_statistics_harm_small_or_unshuffled_batches(test_data):
    r = test_data.results
    assert r["input_right"] > 90 and r["bn_right"] > 90
    assert abs(r["input_whole"] - r["input_right"]) < 2  # one big shuffled batch hides the mistake
    assert r["input_one_class"] < 30 and r["bn_one_class"] < 30  # batches of one class collapse
    assert r["input_random"] < r["input_right"]
    assert test_data.changed["one_class"] > 50 and test_data.changed["whole"] < 5


def test_a_single_test_sample_standardized_alone_becomes_zero(test_data):
    assert test_data.single_input_is_zero
    assert len(set(test_data.single_predictions.tolist())) == 1  # the same class for every input
    assert test_data.results["bn_single"] == "ValueError"


def test_batch_statistics_are_noisy_for_small_batches():
    small = load_snippet("normalization/small_batches.py")
    rows = {row[0]: row for row in small.rows}
    for size, row in rows.items():
        assert row[1] == pytest.approx(1 / math.sqrt(size), rel=0.1)  # sd of the batch mean: sigma/sqrt(B)
        assert row[3] == pytest.approx((size - 1) / size, rel=0.1)  # biased variance: too small on average
    errors = [rows[b][6] for b in small.BATCH_SIZES]
    assert errors == sorted(errors, reverse=True) and errors[0] > 5 * errors[-1]
    assert rows[2][5] > 5 * rows[128][5]  # the variance estimate is far noisier too


def test_plain_mlp_shrinks_activations_and_gradients_bn_keeps_them():
    deep = load_snippet("normalization/deep_activations.py")
    plain_means, plain_stds, plain_grad = deep.plain
    bn_means, bn_stds, bn_grad = deep.normed
    assert plain_stds[-1] < plain_stds[0] / 5
    # after BN each unit is ~N(0, 1); after ReLU that is mean 1/sqrt(2 pi), std sqrt(1/2 - 1/(2 pi))
    relu_mean, relu_std = 1 / math.sqrt(2 * math.pi), math.sqrt(0.5 - 1 / (2 * math.pi))
    assert all(m == pytest.approx(relu_mean, abs=0.03) for m in bn_means)
    assert all(s == pytest.approx(relu_std, abs=0.03) for s in bn_stds)
    assert plain_grad < 1e-4 < 1 < bn_grad  # the gradient reaching layer 1 vanishes without BN


@pytest.fixture(scope="module")
def training():
    return load_snippet("normalization/bn_training.py")


def test_bn_learns_faster_at_the_same_small_learning_rate(training):
    plain, bn = training.histories[(0.05, False)], training.histories[(0.05, True)]
    assert bn["test_accuracy"][0] > plain["test_accuracy"][0] + 0.3
    assert bn["loss"][-1] < plain["loss"][-1] / 10
    assert bn["test_accuracy"][-1] > 0.95 > plain["test_accuracy"][-1]


def test_large_learning_rates_break_the_plain_mlp_first_but_not_only_it(training):
    h = training.histories
    assert h[(2.0, False)]["test_accuracy"][-1] < 0.2  # chance level
    assert h[(2.0, False)]["loss"][-1] == pytest.approx(training.CHANCE_LOSS, abs=0.05)
    assert h[(2.0, True)]["test_accuracy"][-1] > 0.9
    assert not math.isfinite(h[(5.0, False)]["loss"][-1])  # diverged
    bn5 = h[(5.0, True)]  # BN does not make any rate safe: far worse loss, accuracy swinging
    assert bn5["loss"][-1] > 10 * h[(2.0, True)]["loss"][-1]
    swings = [abs(b - a) for a, b in itertools.pairwise(bn5["test_accuracy"])]
    assert max(swings) > 0.1
