"""Each claim the Batch Normalization card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from conftest import load_snippet
from torch import nn


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
    assert running.MOMENTUM == nn.BatchNorm1d(3).momentum  # the card calls it PyTorch's default
    assert [row[1] for row in running.rows] == pytest.approx([(1 - running.MOMENTUM)**k for k in running.STEPS])
    assert 0.9 < running.rows[-1][3] <= running.rows[-1][4] < 1.1  # running_var / sigma^2 near 1


def test_running_statistics_after_one_and_after_twenty_steps(running):
    first, mid, last = running.rows[0], running.rows[3], running.rows[-1]  # k = 1, mid_step, last
    assert first[2] > 3 and first[4] > 3  # after one step: still near the start values (mean 0, variance 1)
    assert mid[2] > 0.5 and mid[2] > 5 * last[2]  # after twenty: the running mean is still far off
    assert mid[4] > 1.3  # and the running variance too


def test_running_var_accumulates_the_unbiased_variance_and_normalization_uses_the_biased_one():
    torch.manual_seed(0)
    x = torch.randn(8, 3) * 2 + 1
    bn = nn.BatchNorm1d(3, momentum=0.1).train()
    y = bn(x).detach()
    m = 0.1
    assert torch.allclose(bn.running_var, (1 - m) * torch.ones(3) + m * x.var(dim=0, unbiased=True))
    assert not torch.allclose(bn.running_var, (1 - m) * torch.ones(3) + m * x.var(dim=0, unbiased=False))
    biased = (x - x.mean(dim=0)) / torch.sqrt(x.var(dim=0, unbiased=False) + bn.eps)
    assert torch.allclose(y, biased, atol=1e-5)


def test_a_forward_pass_in_train_mode_updates_the_running_statistics_even_without_grad():
    bn = nn.BatchNorm1d(3).train()
    before = bn.running_mean.clone()
    with torch.no_grad():
        bn(torch.randn(16, 3) + 5)  # "test data" run in train()
    assert not torch.allclose(bn.running_mean, before)


def test_a_bias_right_before_bn_is_cancelled():
    torch.manual_seed(0)
    x = torch.randn(32, 6)
    with_bias, without_bias = nn.Linear(6, 4), nn.Linear(6, 4, bias=False)
    with torch.no_grad():
        without_bias.weight.copy_(with_bias.weight)
    bn = nn.BatchNorm1d(4).train()
    assert torch.allclose(bn(with_bias(x)), bn(without_bias(x)), atol=1e-5)


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
    assert test_data.changed["random"] > 0  # the same image can get another prediction with other neighbours
    # the whole test set's statistics are close to the training set's (why the big batch hides the mistake)
    x_train, x_test = test_data.data.x_train, test_data.data.x_test
    mean_shift = (x_test.mean(dim=0) - x_train.mean(dim=0)).abs().mean()
    assert mean_shift < 0.1 * x_train.std(dim=0).mean()


def test_a_single_test_sample_standardized_alone_becomes_zero(test_data):
    assert test_data.single_input_is_zero
    assert len(set(test_data.single_predictions.tolist())) == 1  # the same class for every input
    predicted = int(test_data.single_predictions[0])  # accuracy = that class's share of the test set
    share = 100 * float((test_data.data.y_test == predicted).float().mean())
    assert test_data.results["input_single"] == pytest.approx(share)
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
    assert abs(small.spread_of_probe[2]).mean() > 0.95  # B = 2: almost always +-1


def test_population_normalization_is_what_eval_gives_once_running_statistics_converge():
    small = load_snippet("normalization/small_batches.py")
    bn = nn.BatchNorm1d(1, momentum=None)  # cumulative average of the batch statistics
    population = torch.from_numpy(small.population).float().unsqueeze(1)
    bn.train()
    for batch in population[torch.randperm(len(population), generator=torch.Generator().manual_seed(0))].split(32):
        if len(batch) > 1:
            bn(batch)
    bn.eval()
    in_eval = bn(torch.tensor([[small.probe]], dtype=torch.float32)).item()
    assert in_eval == pytest.approx(small.true_normalized, abs=0.02)


@pytest.fixture(scope="module")
def deep():
    return load_snippet("normalization/deep_activations.py")


def test_default_init_pooled_std_stops_falling_but_per_unit_std_keeps_falling(deep):
    pooled, per_unit = deep.plain["pooled"], deep.plain["per_unit"]
    first = deep.plateau_layer
    tolerance = deep.PLATEAU_TOLERANCE * deep.plateau
    assert all(abs(s - deep.plateau) <= tolerance for s in pooled[first - 1:])  # flat from that layer on
    assert abs(pooled[first - 2] - deep.plateau) > tolerance  # and not before
    assert pooled[0] > 5 * deep.plateau
    assert all(b < a for a, b in itertools.pairwise(per_unit))  # the per-unit spread never stops falling
    assert per_unit[-1] < 1e-6 * per_unit[0]
    # the rest of the pooled spread is between units, the same for every image
    assert per_unit[-1] < 1e-5 * pooled[-1]


def test_what_is_left_of_the_default_init_spread_comes_from_the_biases(deep):
    blocks = deep.deep_mlp(deep.DEPTH, batch_norm=False)
    with torch.no_grad():
        for block in blocks:
            block[0].bias.zero_()
        h = deep.x
        for block in blocks:
            h = block(h)
    assert h.std().item() < 1e-5 * deep.plain["pooled"][-1]  # without biases the pooled spread collapses too


def test_default_init_factor_per_layer_matches_the_prediction(deep):
    assert deep.default_gain == pytest.approx(1 / 3, rel=0.05)  # U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert deep.plain_unit_factor == pytest.approx(deep.predicted_unit_factor, rel=0.05)
    assert deep.plain["grad_ratio"] < 1e-4  # vanishing gradient


def test_he_init_keeps_a_healthy_spread_and_a_gradient_ratio_near_one(deep):
    he = deep.he
    assert he["per_unit"][-1] < he["per_unit"][0]  # still falls ...
    assert he["per_unit"][-1] > 0.2 * he["per_unit"][0]  # ... but slowly
    assert he["per_unit"][-1] > 1e6 * deep.plain["per_unit"][-1]
    assert deep.plain_unit_factor < 0.5 < 0.9 < deep.he_unit_factor < 1  # falls, but much more slowly
    assert min(he["pooled"]) > 0.2
    assert 0.5 < he["grad_ratio"] < 2
    assert all(0.5 < r < 1.5 for r in deep.grad_ratio_by_depth["MLP (He)"])  # at every depth measured


def test_bn_outputs_are_relu_of_a_standard_normal_at_every_layer(deep):
    # after BN each unit is ~N(0, 1); after ReLU that is mean 1/sqrt(2 pi), std sqrt(1/2 - 1/(2 pi))
    assert deep.relu_mean == pytest.approx(1 / math.sqrt(2 * math.pi))
    assert deep.relu_std == pytest.approx(math.sqrt(0.5 - 1 / (2 * math.pi)))
    normed = deep.normed
    assert all(m == pytest.approx(deep.relu_mean, abs=0.03) for m in normed["mean"])
    assert all(s == pytest.approx(deep.relu_std, abs=0.03) for s in normed["per_unit"])
    assert all(abs(p - u) < 0.01 for p, u in zip(normed["pooled"], normed["per_unit"], strict=True))
    assert deep.plain["grad_ratio"] < 1 < normed["grad_ratio"]  # BN removes the vanishing gradient
    for block in deep.deep_mlp(deep.DEPTH, batch_norm=True):  # at initialization gamma = 1, beta = 0
        assert torch.all(block[1].weight == 1) and torch.all(block[1].bias == 0)


def test_bn_gradient_ratio_grows_exponentially_with_depth(deep):
    ratios = deep.grad_ratio_by_depth["MLP + BN"]
    assert all(b > a for a, b in itertools.pairwise(ratios))
    assert ratios[-1] > 100
    depths = deep.DEPTHS
    growth = [(ratios[i + 1] / ratios[i]) ** (1 / (depths[i + 1] - depths[i])) for i in range(len(depths) - 1)]
    assert all(1.1 < g < 1.25 for g in growth)  # about the same factor per added layer: exponential
    assert deep.bn_growth_per_layer == pytest.approx(growth[-1])
    assert deep.bn_growth_per_layer_first == pytest.approx(growth[0])
    assert max(growth) / min(growth) < 1.1  # "nearly constant" factor: nearly exponential
    assert ratios[depths.index(deep.DEPTH)] == pytest.approx(deep.normed["grad_ratio"])


@pytest.fixture(scope="module")
def training():
    return load_snippet("normalization/bn_training.py")


def test_bn_learns_faster_at_the_same_small_learning_rate(training):
    plain, bn = training.histories[(0.05, False)], training.histories[(0.05, True)]
    assert bn["test_accuracy"][0] > plain["test_accuracy"][0] + 0.3
    assert bn["loss"][-1] < plain["loss"][-1] / 10
    assert bn["test_accuracy"][-1] > 0.95 > plain["test_accuracy"][-1]


def test_at_a_middle_learning_rate_both_learn_and_the_plain_mlp_nearly_catches_up(training):
    plain, bn = training.histories[(0.5, False)], training.histories[(0.5, True)]
    assert plain["test_accuracy"][-1] > 0.95 and bn["test_accuracy"][-1] > 0.95
    assert abs(bn["test_accuracy"][-1] - plain["test_accuracy"][-1]) < 0.02
    assert bn["test_accuracy"][0] > plain["test_accuracy"][0] + 0.3  # BN is still faster at first


def test_chance_loss_is_ln_of_the_number_of_classes(training):
    assert training.N_CLASSES == 10 == len(training.data.y_train.unique())
    assert training.CHANCE_LOSS == pytest.approx(math.log(10))


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
