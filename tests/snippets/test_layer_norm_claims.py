"""The Layer Normalization card's answers to the seed claims, asserted on the snippets' computed values."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import load_snippet


@pytest.fixture(scope="module")
def stats():
    return load_snippet("normalization/layer_norm_stats.py")


def test_the_popular_1_02_is_torch_std_unbiased_over_30_entries(stats):
    n = stats.n_whole
    assert n == stats.ROWS * stats.COLS == 30
    biased = float(stats.whole.std(unbiased=False))
    unbiased = float(stats.whole_unbiased)
    assert biased < 1 < unbiased
    assert unbiased == pytest.approx(math.sqrt(n / (n - 1)) * biased, rel=1e-6)
    assert unbiased == pytest.approx(math.sqrt(n / (n - 1)), abs=1e-4)
    assert round(unbiased, 2) == 1.02


def test_unbiased_std_of_each_row_is_sqrt_10_over_9(stats):
    assert torch.allclose(stats.row_unbiased, torch.full((stats.ROWS,), math.sqrt(10 / 9)), atol=1e-4)
    assert torch.all(stats.per_row.std(dim=1, unbiased=False) <= 1)


@pytest.fixture(scope="module")
def products():
    return load_snippet("normalization/iterated_products.py")


def test_a_layer_norm_after_each_product_pins_the_norm_at_n(products):
    for s, norms in products.runs["ln"].items():
        assert all(abs(v - products.N) < 1e-3 for v in norms[1:]), f"s={s}"
        assert products.runs["raw"][s][-1] > 1e20  # the same matrices without LayerNorm explode
    rows = products.layer_norm_rows(torch.randn(products.N, products.N, dtype=torch.float64).numpy() * 7 + 2)
    assert rows.mean(axis=1) == pytest.approx(0.0, abs=1e-9)
    assert (rows**2).sum(axis=1) ** 0.5 == pytest.approx(math.sqrt(products.N), rel=1e-5)


@pytest.fixture(scope="module")
def residual():
    return load_snippet("normalization/ln_residual_growth.py")


def test_pre_ln_residual_stream_grows_with_depth(residual):
    growth = []
    for run in residual.runs.values():
        norms = run["norm"]
        shown = [norms[block] for block in residual.SHOWN]
        assert shown == sorted(shown)
        growth.append(norms[-1] / norms[0])
        assert norms[-1] / norms[0] > 1.5
    assert max(growth) - min(growth) > 0.1  # the final scale depends on the seed too


def test_later_blocks_change_the_stream_relatively_less(residual):
    for run in residual.runs.values():
        updates = run["update"][1:]
        assert updates[-1] < updates[0]
        assert sum(updates[-6:]) < sum(updates[:6])  # the trend holds in every seed ...
        assert any(b > a for a, b in zip(updates, updates[1:], strict=False))  # ... but not block by block
    runs = list(residual.runs.values())
    table_means = [sum(run["update"][block] for run in runs) / len(runs) for block in residual.SHOWN[1:]]
    assert table_means == sorted(table_means, reverse=True)  # the table's column falls row by row


def test_final_layer_norm_brings_every_depth_back_to_sqrt_d(residual):
    for run in residual.runs.values():
        assert all(v == pytest.approx(math.sqrt(residual.D_MODEL), abs=1e-3) for v in run["ln_f"])


@pytest.fixture(scope="module")
def rnn():
    return load_snippet("normalization/ln_rnn.py")


def test_relu_after_layer_norm_zeroes_about_half_the_units(rnn):
    """The cell of ln_rnn.py, step by step: ||LN(a_t)||^2 is about H and ReLU zeroes about half of it."""
    for gain in rnn.GAINS:
        torch.manual_seed(rnn.SEED)  # the same draws, in the same order, as hidden_norms
        w_hh = torch.randn(rnn.HIDDEN, rnn.HIDDEN) * gain / rnn.HIDDEN**0.5
        w_xh = torch.randn(rnn.HIDDEN, rnn.INPUTS) / rnn.INPUTS**0.5
        x = torch.randn(rnn.STEPS, rnn.BATCH, rnn.INPUTS)
        h = torch.zeros(rnn.BATCH, rnn.HIDDEN)
        for t in range(rnn.STEPS):
            a = torch.nn.functional.layer_norm(h @ w_hh.T + x[t] @ w_xh.T, (rnn.HIDDEN,))
            assert torch.allclose((a**2).sum(dim=1), torch.full((rnn.BATCH,), float(rnn.HIDDEN)), rtol=1e-3)
            h = torch.relu(a)
            assert 0.35 < float((h == 0).float().mean()) < 0.65
        assert float(h.norm(dim=1).mean()) == pytest.approx(rnn.runs[(gain, True)][-1], rel=1e-5)


def test_rnn_hidden_norm_explodes_without_layer_norm_and_stays_with_it(rnn):
    high, low = rnn.GAINS[-1], rnn.GAINS[0]
    raw_high = rnn.runs[(high, False)]
    assert raw_high[-1] > 1e5 and rnn.factor_per_step(raw_high) > 1.2
    assert rnn.runs[(low, False)][-1] < 20  # gain 1: no explosion
    target = math.sqrt(rnn.HIDDEN / 2)
    for gain in rnn.GAINS:
        norms = rnn.runs[(gain, True)]
        assert all(abs(n / target - 1) < 0.05 for n in norms), f"gain {gain}"


@pytest.fixture(scope="module")
def training():
    return load_snippet("normalization/ln_training.py")


def test_both_models_start_from_the_same_linear_weights(training):
    plain, with_ln = training.mlp(training.WIDTHS, False, 0), training.mlp(training.WIDTHS, True, 0)
    linears = [[m for m in model if isinstance(m, torch.nn.Linear)] for model in (plain, with_ln)]
    assert len(linears[0]) == len(linears[1])
    for a, b in zip(*linears, strict=True):
        assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)


def test_layer_norm_is_faster_at_the_small_learning_rate_only(training):
    low, high = training.LEARNING_RATES
    wins_low, pairs = training.ln_lower_loss(low)
    wins_high, _ = training.ln_lower_loss(high)
    assert wins_low == pairs
    assert wins_high < 0.75 * pairs
    last = {(lr, ln): [100 * training.runs[(lr, s, ln)]["test_accuracy"][-1] for s in training.SEEDS]
            for lr in training.LEARNING_RATES for ln in (False, True)}
    assert min(last[(low, True)]) > max(last[(low, False)])
    # at the larger learning rate the first epoch is worse with LN in every seed
    first = {ln: [training.runs[(high, s, ln)]["loss"][0] for s in training.SEEDS] for ln in (False, True)}
    assert min(first[True]) > max(first[False])
    assert all(len(run["loss"]) == training.EPOCHS for run in training.runs.values())


def test_at_the_small_learning_rate_the_plain_mlp_stays_near_the_uniform_guess(training):
    low = training.LEARNING_RATES[0]
    chance = math.log(10)
    for seed in training.SEEDS:
        last = training.runs[(low, seed, False)]["loss"][-1]
        assert 0.9 * chance < last < chance


def test_at_the_large_learning_rate_accuracy_jumps_between_epochs(training):
    assert training.max_accuracy_drop(training.LEARNING_RATES[1]) > 20
    assert training.max_accuracy_drop(training.LEARNING_RATES[0]) < 5


@pytest.fixture(scope="module")
def regularization():
    return load_snippet("normalization/ln_regularization.py")


def test_train_test_gap_is_smaller_with_layer_norm_in_every_seed(regularization):
    runs = regularization.runs
    assert min(run["train_acc"] for run in runs.values()) >= 99.5  # both fit the training set
    for seed in regularization.SEEDS:
        plain, ln = runs[(seed, False)], runs[(seed, True)]
        assert ln["gap"] < plain["gap"]
        assert ln["train_loss"] < plain["train_loss"]  # and LN ends at a lower training loss too
    # the smallest difference is a single test image
    one_image = 100 / len(regularization.small.x_test)
    smallest = min(runs[(seed, False)]["gap"] - runs[(seed, True)]["gap"] for seed in regularization.SEEDS)
    assert smallest == pytest.approx(one_image, abs=1e-3)


@pytest.fixture(scope="module")
def nan():
    return load_snippet("normalization/ln_nan.py")


def test_eps_zero_on_a_constant_row_is_nan_but_the_default_layer_norm_is_not(nan):
    assert torch.isnan(nan.manual_eps0).all() and torch.isnan(nan.torch_eps0).all()
    assert nan.default_layer.eps > 0
    assert torch.equal(nan.torch_default, torch.zeros_like(nan.torch_default))
    assert torch.isnan(nan.nan_in_nan_out).all()  # a NaN input is not LayerNorm's doing
    assert nan.nan_in_nan_out.shape == (1, nan.HIDDEN)  # one NaN in the input: the whole output row is NaN


def test_float16_squares_overflow_and_the_one_pass_variance_is_nan(nan):
    fp16_max = torch.finfo(torch.float16).max
    assert nan.LARGE**2 > fp16_max and math.sqrt(fp16_max) == pytest.approx(256, abs=1)
    assert torch.isinf(nan.squares).all()
    assert torch.isnan(nan.one_pass_var).all() and torch.isnan(nan.one_pass).all()
    assert nan.describe(nan.one_pass) == "nan"


def test_two_pass_and_pytorch_float16_layer_norm_stay_finite(nan):
    assert torch.isfinite(nan.two_pass).all() and torch.isfinite(nan.torch_fp16).all()
    assert float((nan.two_pass.float() - nan.reference).abs().max()) < 0.05
    assert float((nan.torch_fp16.float() - nan.reference).abs().max()) < 5e-3


@pytest.fixture(scope="module")
def checks():
    return load_snippet("normalization/ln_checks.py")


def test_layer_norm_uses_per_sample_statistics_not_mu_b(checks):
    assert float((checks.layer_norm - checks.per_sample).abs().max()) < 1e-5
    assert float((checks.layer_norm - checks.with_mu_b).abs().max()) > 0.5


def test_normalizing_over_l_and_d_makes_a_token_depend_on_padding(checks):
    assert checks.first_token_change(1) == 0.0
    assert checks.first_token_change(2) > 0.1


@pytest.fixture(scope="module")
def blocks():
    return load_snippet("normalization/pre_post_ln.py")


def test_the_gap_grows_because_the_pre_ln_last_layer_gradient_falls_with_depth(blocks):
    post = [blocks.ffn(False, depth, seed)[-1] for depth in blocks.DEPTHS for seed in blocks.SEEDS]
    assert max(post) / min(post) < 1.25  # post-LN: about the same at every depth (Xiong et al.'s theorem: no L)
    for seed in blocks.SEEDS:
        pre = [blocks.ffn(True, depth, seed)[-1] for depth in blocks.DEPTHS]
        assert pre == sorted(pre, reverse=True), f"seed {seed}: pre-LN's last-layer gradient should fall with L"
    shallow = min(blocks.ffn(True, blocks.DEPTHS[0], seed)[-1] for seed in blocks.SEEDS)
    deep = max(blocks.ffn(True, blocks.DEPTHS[-1], seed)[-1] for seed in blocks.SEEDS)
    assert deep < 0.7 * shallow


def test_xiongs_per_layer_observation_is_not_reproduced_here(blocks):
    post = [blocks.first_over_last(blocks.ffn(False, blocks.DEPTH, s)) for s in blocks.SEEDS]
    pre = [blocks.first_over_last(blocks.ffn(True, blocks.DEPTH, s)) for s in blocks.SEEDS]
    assert max(post) > 1  # post-LN: not growing with the layer index in every seed
    assert min(pre) > 1.3  # pre-LN: not about the same across layers either
