"""Each claim the Layer Normalization card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import load_snippet


@pytest.fixture(scope="module")
def products():
    return load_snippet("normalization/iterated_products.py")


def test_raw_gaussian_products_grow_even_at_half_scale(products):
    for s, norms in products.runs["raw"].items():
        factor = products.factor_per_step(norms)
        assert factor > 1, f"s={s} should grow with N(0,1) entries"
        # each N(0,1) matrix stretches by about sqrt(n): the factor is close to s*sqrt(n)
        assert factor == pytest.approx(s * math.sqrt(products.N), rel=0.1)


def test_scaled_products_shrink_stay_or_explode_around_one(products):
    factors = {s: products.factor_per_step(n) for s, n in products.runs["scaled"].items()}
    assert factors[0.5] < 0.6
    assert 0.95 < factors[1.0] < 1.05
    assert factors[1.5] > 1.4 and factors[2.0] > 1.9
    assert products.runs["scaled"][0.5][-1] < 1e-10 < 1e10 < products.runs["scaled"][2.0][-1]


def test_same_matrices_so_factor_scales_exactly_with_s(products):
    raw = products.runs["raw"]
    ratio = products.factor_per_step(raw[2.0]) / products.factor_per_step(raw[1.0])
    assert ratio == pytest.approx(2.0, rel=1e-9)


def test_trend_arrows(products):
    assert [products.trend(f) for f in (0.5, 1.0, 1.02, 1.5)] == ["↓", "≈", "≈", "↑"]


@pytest.fixture(scope="module")
def stats():
    return load_snippet("normalization/layer_norm_stats.py")


def test_last_dim_layer_norm_normalizes_each_row_not_each_column(stats):
    rows_mean = stats.per_row.mean(dim=1)
    rows_std = stats.per_row.std(dim=1, unbiased=False)
    assert rows_mean.abs().max() < 1e-6
    assert torch.all(rows_std < 1) and torch.allclose(rows_std, torch.ones(3), atol=1e-4)
    assert stats.per_row.mean(dim=0).abs().max() > 0.1  # columns are not centred


def test_std_after_layer_norm_is_sigma_over_sqrt_sigma2_plus_eps(stats):
    var = stats.x.var(dim=1, unbiased=False)
    expected = torch.sqrt(var / (var + 1e-5))
    assert torch.allclose(stats.per_row.std(dim=1, unbiased=False), expected, atol=1e-6)


def test_whole_tensor_layer_norm_is_affine_so_correlation_is_one(stats):
    from describe import pearson

    assert stats.whole.mean().abs() < 1e-6
    assert pearson(stats.x, stats.whole) == pytest.approx(1.0, abs=1e-12)
    assert pearson(stats.x, stats.per_row) < 0.99


def test_stats_table_has_one_row_per_group(stats):
    table = stats.rows_table()
    assert [row[:2] for row in table] == [["(10,)", "x[0]"], ["(10,)", "x[1]"], ["(10,)", "x[2]"],
                                          ["(3, 10)", "x"]]


@pytest.fixture(scope="module")
def affine():
    return load_snippet("normalization/gamma_beta.py")


@pytest.mark.parametrize("gamma", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("beta", [0.0, 2.0, 5.0])
def test_output_mean_is_beta_and_biased_std_is_gamma(affine, gamma, beta):
    stats = affine.output_stats(gamma, beta)
    assert stats["mean"] == pytest.approx(beta, abs=1e-5)
    assert stats["std_biased"] == pytest.approx(gamma, rel=1e-4)
    assert stats["std_unbiased"] / stats["std_biased"] == pytest.approx(math.sqrt(10 / 9), rel=1e-6)


@pytest.fixture(scope="module")
def numpy_ln():
    return load_snippet("normalization/numpy_layer_norm.py")


def test_numpy_layer_norm_matches_torch(numpy_ln):
    assert numpy_ln.max_difference_from_torch() < 1e-12


def test_sigma_plus_eps_variant_only_agrees_for_large_sigma(numpy_ln):
    assert numpy_ln.variant_gap(1.0) < 1e-4
    assert numpy_ln.variant_gap(1e-3) > 1.0
    ratios = numpy_ln.output_ratio(np.array(numpy_ln.SIGMAS))
    # far below sqrt(eps) PyTorch's output is much smaller; from sigma ~ 0.1 on they agree
    assert np.all(np.diff(ratios[:5]) > 0) and ratios[0] < 0.05
    assert np.allclose(ratios[3:], 1.0, atol=1e-3)


@pytest.fixture(scope="module")
def blocks():
    return load_snippet("normalization/pre_post_ln.py")


def test_post_ln_keeps_hidden_std_at_one_while_pre_ln_grows(blocks):
    post, pre = blocks.residual_stream_std(False), blocks.residual_stream_std(True)
    assert all(s == pytest.approx(1.0, abs=1e-3) for s in post)
    assert pre[-1] > pre[0] * 1.2


def test_last_layer_w2_gradient_is_larger_in_post_ln_and_the_gap_grows_with_depth(blocks):
    for seed in blocks.SEEDS:
        ratios = [blocks.last_layer_post_over_pre(depth, seed) for depth in blocks.DEPTHS]
        assert all(r > 1 for r in ratios)
        assert ratios == sorted(ratios), f"seed {seed}: the gap should grow with depth"
    shallow = max(blocks.last_layer_post_over_pre(blocks.DEPTHS[0], s) for s in blocks.SEEDS)
    deep = min(blocks.last_layer_post_over_pre(blocks.DEPTHS[-1], s) for s in blocks.SEEDS)
    assert deep > shallow


def test_post_ln_w2_gradients_do_not_consistently_shrink_towards_the_input(blocks):
    post = [blocks.first_over_last(blocks.ffn(False, blocks.DEPTH, s)) for s in blocks.SEEDS]
    pre = [blocks.first_over_last(blocks.ffn(True, blocks.DEPTH, s)) for s in blocks.SEEDS]
    assert max(post) > 1  # at least one seed where the first layer gets the larger gradient
    assert all(r > 1 for r in pre)  # pre-LN: earlier layers get larger W2 gradients than later ones


def test_the_measured_ratio_depends_on_which_parameters_are_counted(blocks):
    all_params = blocks.first_over_last(blocks.gradient_norms(False, params="all"))
    no_norm = blocks.first_over_last(blocks.gradient_norms(False, params="no_norm"))
    ffn = blocks.first_over_last(blocks.gradient_norms(False, params="ffn"))
    assert all_params < 0.6  # the last layer's LayerNorm gamma, beta sit right before the loss
    assert all_params < no_norm < ffn
    assert ffn == pytest.approx(blocks.first_over_last(blocks.ffn(False, blocks.DEPTH, 0)))
