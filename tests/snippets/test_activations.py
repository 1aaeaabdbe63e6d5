"""Each claim the Activation functions card makes, asserted on the act_* snippets' computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import snippet_fixture
from torch import nn


def _snippet(name: str):
    return snippet_fixture(f"training-basics/{name}", warnings_are_errors=True)


lin = _snippet("act_linear.py")
fun = _snippet("act_functions.py")
sat = _snippet("act_saturation.py")
out = _snippet("act_outputs.py")
tim = _snippet("act_timing.py")
shift = _snippet("act_dying_shift.py")
lr = _snippet("act_dying_lr.py")
hid = _snippet("act_hidden.py")
common = _snippet("act_common.py")

NAMES = ["sigmoid", "tanh", "ReLU", "Leaky ReLU", "GELU", "SiLU"]


# ---- why non-linear: the seed's 1-2-1 network ----

def test_the_linear_1_2_1_network_is_exactly_the_line_a_x_plus_b(lin):
    v = lin.VALUES
    w11, w12, v11, v21 = v["w11"], v["w12"], v["v11"], v["v21"]
    b11, b12, b21 = v["b11"], v["b12"], v["b21"]
    # the card's expansion with f(z) = 2z + 3
    assert v["a"] == pytest.approx(4 * (w11 * v11 + w12 * v21), abs=1e-12)
    assert v["b"] == pytest.approx(2 * (b21 + (2 * b11 + 3) * v11 + (2 * b12 + 3) * v21) + 3, abs=1e-12)
    assert (v["slope"], v["intercept"]) == (2.0, 3.0)
    # the network applies f after the hidden AND the output layer, and equals a x + b within rounding
    f = lin.f_linear
    y = np.array([f(f(b11 + x * w11) * v11 + f(b12 + x * w12) * v21 + b21) for x in lin.x])
    assert np.allclose(lin.network(lin.x, f), y, atol=1e-12)
    assert v["linear_gap"] < 1e-12
    slope, intercept, residual = lin.best_line(lin.x, lin.network(lin.x, f))  # least squares finds the same line
    assert slope == pytest.approx(v["a"]) and intercept == pytest.approx(v["b"]) and np.abs(residual).max() < 1e-12
    assert v["n_x"] == len(lin.x) and lin.x[0] == v["x_min"] and lin.x[-1] == v["x_max"]


def test_every_random_weight_draw_is_a_line_and_so_is_the_deeper_linear_network(lin):
    v = lin.VALUES
    assert v["draws"] == len(lin.draw_gaps) and v["draw_gap_max"] < 1e-12
    assert v["deep_linear_rms"] < 1e-12 and v["deep_widths"] == "1-8-8-1"


def test_tanh_bends_the_same_network_and_the_best_line_leaves_a_residual(lin):
    v = lin.VALUES
    assert v["tanh_rms"] > 0.1 and v["tanh_max"] > v["tanh_rms"]
    assert v["tanh_unexplained_pct"] == pytest.approx(100 * lin.tanh_residual.var() / lin.y_tanh.var())
    assert 10 < v["tanh_unexplained_pct"] < 100
    # how non-linear depends on the weights: the median draw is far from a line, the closest one almost a line
    assert v["draw_unexplained_min"] < 1e-3 < 1 < v["draw_unexplained_median_pct"]
    assert v["deep_tanh_rms"] > 0.05


# ---- values and derivatives ----

def test_autograd_matches_the_closed_form_derivatives(fun):
    assert set(fun.check) == set(NAMES)
    assert fun.VALUES["check_max"] < 1e-12 and all(v < 1e-12 for v in fun.check.values())
    assert fun.VALUES["grid_step"] == pytest.approx(1e-4)
    assert float(fun.grid[1] - fun.grid[0]) == pytest.approx(1e-4) and fun.grid.dtype == torch.float64
    assert fun.VALUES["x_lim"] == -float(fun.grid[0]) == float(fun.grid[-1])


def test_the_conventions_at_zero_and_the_installed_defaults(fun):
    v = fun.VALUES
    assert v["relu_grad_at_0"] == 0 and v["leaky_grad_at_0"] == v["leak"] == 0.01
    assert v["gelu_grad_at_0"] == 0.5  # GELU is smooth: Phi(0) + 0 = 1/2
    assert v["leaky_default"] == nn.LeakyReLU().negative_slope == v["leak"]
    assert v["gelu_default"] == "none"


def test_sigmoid_slope_at_most_a_quarter_and_the_seeds_product(fun):
    v = fun.VALUES
    assert v["max_sigmoid"] == pytest.approx(0.25, abs=1e-12) and float(fun.grads["sigmoid"].max()) <= 0.25
    assert fun.rows[0][2] == "0.000"  # reached at x = 0
    assert v["seed_depth"] == 20 and v["seed_product"] == pytest.approx(9.095e-13, rel=1e-3)
    assert v["mean_sigmoid"] == pytest.approx(0.5, abs=1e-9)  # not zero-centred


def test_tanh_is_a_rescaled_sigmoid_with_four_times_the_slope(fun):
    v = fun.VALUES
    assert v["tanh_vs_sigmoid"] < 1e-12
    assert v["max_tanh"] == pytest.approx(1.0, abs=1e-12) and v["tanh_over_sigmoid_slope"] == pytest.approx(4.0)
    assert v["mean_tanh"] == 0.0


def test_relu_slope_is_one_or_zero_and_its_mean_output(fun):
    g, x = fun.grads["ReLU"], fun.grid
    assert bool((g[x > 0] == 1).all()) and bool((g[x < 0] == 0).all())
    assert fun.VALUES["mean_relu"] == pytest.approx(1 / math.sqrt(2 * math.pi), abs=1e-9)
    # the quadrature behind the E[f(x)] column, against closed forms: E[x Phi(x)] = E[phi(x)] = 1 / (2 sqrt(pi))
    assert fun.VALUES["mean_leaky_relu"] == pytest.approx((1 - fun.LEAK) / math.sqrt(2 * math.pi), abs=1e-9)
    assert fun.VALUES["mean_gelu"] == pytest.approx(1 / (2 * math.sqrt(math.pi)), abs=1e-9)
    assert fun.rows[2][2] == "x > 0" and fun.rows[3][2] == "x > 0"
    leaky = fun.values["Leaky ReLU"]
    assert bool((leaky[x > 0] == fun.values["ReLU"][x > 0]).all())  # the dashed curve lies on ReLU for x > 0
    assert fun.VALUES["min_leaky_relu"] == pytest.approx(0.01)


def test_gelu_and_silu_dip_below_zero_and_their_slope_exceeds_one(fun):
    v = fun.VALUES
    for name, key in (("GELU", "gelu"), ("SiLU", "silu")):
        f, g, x = fun.values[name], fun.grads[name], fun.grid
        assert v[f"{key}_min_value"] < 0 and v[f"min_{key}"] < 0 < v[f"{key}_argmax"]
        assert 1 < v[f"max_{key}"] < 1.2
        k = int(f.argmin())
        assert float(x[k]) < 0 and bool((torch.diff(f[k:]) >= 0).all())  # falls to its minimum, then rises
        assert bool((g[x < x[k]] < 0).all()) and bool((g[x > x[k]] > 0).all())  # f' < 0 on the interval x < x_min
    assert v["gelu_min_value"] == pytest.approx(-0.170, abs=1e-3)
    assert v["silu_min_value"] == pytest.approx(-0.278, abs=1e-3)
    # the ranges in the table
    ranges = {row[0]: row[4] for row in fun.rows}
    assert ranges == {"sigmoid": "(0, 1)", "tanh": "(−1, 1)", "ReLU": "[0, ∞)", "Leaky ReLU": "(−∞, ∞)",
                      "GELU": "[−0.170, ∞)", "SiLU": "[−0.278, ∞)"}
    assert 1e-5 < v["gelu_tanh_gap"] < 1e-3


def test_sigmoids_largest_slope_is_far_below_the_others(fun):
    v = fun.VALUES
    others = [v[f"max_{n.lower().replace(' ', '_')}"] for n in NAMES[1:]]
    assert v["max_sigmoid"] < 0.3 * min(others)
    assert [row[0] for row in fun.TABLES["properties"]["rows"]] == NAMES


def test_the_flat_zone_thresholds(fun):
    v = fun.VALUES
    s = 1 / (1 + math.exp(-v["flat_sigmoid"]))
    assert s * (1 - s) == pytest.approx(v["flat"]) and 1 - math.tanh(v["flat_tanh"]) ** 2 == pytest.approx(v["flat"])
    assert v["flat_sigmoid"] > v["flat_tanh"]  # sigmoid's flat zone starts farther out


# ---- saturation at initialization ----

def test_no_unit_saturates_at_the_default_initialization(sat):
    v = sat.VALUES
    assert v["flat_sigmoid_x1_max"] == 0 and v["flat_tanh_x1_max"] == 0
    assert v["scale_min"] == 1 and v["scale_mid"] == 4 and v["scale_max"] == 8 and v["scales"] == "1, 2, 4, 8"


def test_larger_weights_saturate_tanh_more_than_sigmoid(sat):
    v = sat.VALUES
    assert v["flat_tanh_x2_last"] < 0.01 and 0.05 < v["flat_tanh_x4_last"] < v["flat_tanh_x8_last"]
    for s in (4, 8):
        assert v[f"flat_sigmoid_x{s}_last"] < v[f"flat_tanh_x{s}_last"]
        assert max(sat.results["sigmoid", s][0]) < max(sat.results["tanh", s][0])
    assert len(sat.TABLES["saturation"]["rows"]) == 12


def test_sigmoid_slope_is_small_without_saturation_and_tanh_slope_near_one(sat):
    v = sat.VALUES
    assert 0.23 < v["slope_sigmoid_x1_mean"] < 0.25  # near the ceiling 1/4
    assert v["slope_tanh_x1_mean"] > 0.9 and v["spread_tanh_x1_last"] < 0.1  # tanh sees small z: nearly linear
    # "the signal shrinks across the layers" (mainly through the weights: tanh is almost the identity there)
    spread = sat.results["tanh", 1][2]
    assert spread[0] > 10 * spread[-1] and spread[0] == max(spread)
    assert sum(b < a for a, b in zip(spread[:-1], spread[1:], strict=True)) >= len(spread) - 3  # falls nearly always


def test_sigmoid_saturates_no_more_than_tanh_at_every_scale_and_layer(sat):
    for s in sat.SCALES:
        assert all(a <= b for a, b in zip(sat.results["sigmoid", s][0], sat.results["tanh", s][0], strict=True))
    assert sat.VALUES["flat_tanh_x2_last"] == 0  # x2: nothing flat in tanh's last layer yet


def test_about_half_of_relu_pairs_have_zero_slope_at_every_scale(sat):
    for s in sat.SCALES:
        flat = sat.results["ReLU", s][0]
        assert all(0.4 < f < 0.6 for f in flat) and abs(flat[0] - 0.5) < 0.01
    # the scale only matters through the (unscaled) biases: x4 and x8 give almost the same pattern
    assert np.abs(np.subtract(sat.results["ReLU", 4][0], sat.results["ReLU", 8][0])).max() < 0.01


def test_xavier_and_he_over_pytorchs_default(sat):
    torch.manual_seed(0)
    default = nn.Linear(sat.WIDTH, sat.WIDTH).weight.std().item()
    xavier = nn.init.xavier_normal_(torch.empty(sat.WIDTH, sat.WIDTH)).std().item()
    he = nn.init.kaiming_normal_(torch.empty(sat.WIDTH, sat.WIDTH), nonlinearity="relu").std().item()
    assert xavier / default == pytest.approx(sat.VALUES["xavier_over_default"], rel=0.02)
    assert he / default == pytest.approx(sat.VALUES["he_over_default"], rel=0.02)
    assert 1 < sat.VALUES["xavier_over_default"] < sat.VALUES["he_over_default"] < 4  # between x1 and x4


# ---- output layers and their losses ----

def test_bce_with_logits_is_right_where_sigmoid_then_bceloss_is_clamped(out):
    for z, s, logits_loss, logits_grad, bce_loss, bce_grad, hand_loss, hand_grad in out.bce_rows:
        assert s == 1.0  # float32 sigmoid rounds to exactly 1
        assert logits_loss == z and logits_grad == 1.0
        assert bce_loss == 100.0 and bce_grad == 0.0
        assert math.isinf(hand_loss) and math.isnan(hand_grad)
    assert out.VALUES["bce_clamp"] == 100.0 and out.VALUES["z_max"] == out.LOGITS[-1]
    one = out.VALUES["sigmoid_is_one"]
    assert torch.sigmoid(torch.tensor(one)).item() == 1.0
    assert torch.sigmoid(torch.tensor(one - 0.001)).item() < 1.0
    assert 16 < one < 17


def test_squared_error_on_a_sigmoid_output_has_a_vanishing_gradient(out):
    for _, s, ce_grad, mse_grad in out.mse_rows:
        assert ce_grad == pytest.approx(s - 1, abs=1e-6)  # sigma(z) - y
        assert mse_grad == pytest.approx(2 * (s - 1) * s * (1 - s), rel=1e-4)
        assert abs(mse_grad) < abs(ce_grad)
    # the more wrong, the closer the BCE gradient gets to -1 (rows: z = -2, -5, -10)
    zs, ce = [row[0] for row in out.mse_rows], [row[2] for row in out.mse_rows]
    assert zs == sorted(zs, reverse=True) and ce == sorted(ce, reverse=True) and ce[-1] >= -1
    v = out.VALUES
    assert v["ce_grad_worst"] == pytest.approx(-1.0, abs=1e-4)
    assert v["grad_ratio_worst"] > 1000 and v["wrong_worst"] == -10.0


def test_softmax_twice_cannot_reach_zero_loss(out):
    v = out.VALUES
    assert v["double_floor_2"] == pytest.approx(math.log(1 + 1 / math.e), abs=1e-5)
    assert v["double_floor_10"] == pytest.approx(math.log(1 + 9 / math.e), abs=1e-5)
    assert (v["classes_few"], v["classes_many"]) == (2, 10) and v["right_loss"] == 0.0


def test_hand_written_softmax_overflows_and_cross_entropy_does_not(out):
    v = out.VALUES
    assert math.exp(v["float32_exp_max"]) == pytest.approx(torch.finfo(torch.float32).max, rel=1e-6)
    assert math.isinf(torch.exp(torch.tensor(v["float32_exp_max"] + 0.1)).item())
    (z0, p0, log0, ce0), (z1, p1, log1, ce1), (z2, p2, log2, ce2) = out.softmax_rows
    assert p0 == 1.0 and math.isnan(p1) and math.isnan(p2)
    assert log0 == z0 and abs(log1 - z1) > 1e-3 and math.isinf(log2)  # accuracy lost, then inf
    assert (ce0, ce1, ce2) == (z0, z1, z2)


def test_float32_sigmoid_derivative_is_exactly_zero_far_out(out):
    assert out.VALUES["sigmoid_grad_z"] == 20.0 and out.VALUES["sigmoid_grad_20"] == 0.0


def test_two_class_softmax_is_the_sigmoid(out):
    assert out.VALUES["two_class_gap"] < 1e-6


# ---- cost per element (timed: structure only) ----

def test_the_cost_table_has_every_function_and_positive_times(tim):
    rows = tim.TABLES["cost"]["rows"]
    assert [row[0] for row in rows] == [*NAMES[:5], "GELU (tanh)", "SiLU"]
    for _, forward, both, vs_relu, share in rows:
        assert 0 < forward < math.inf and 0 < both < math.inf and vs_relu > 0 and 0 < share < 100
    v = tim.VALUES
    assert v["slowest"] in tim.ACTIVATIONS and v["slowest_vs_relu"] >= 1
    assert 0 < v["share_min"] <= v["share_relu"] <= v["share_max"] < 100 and v["relu_ns"] > 0 and v["add_ns"] > 0
    assert set(tim.TIMINGS) == {k for k in v if k not in tim.FIXED} | {"cost"}
    from scripts.engine.machine import machine_name
    assert machine_name().strip()


# ---- dying ReLU: a negative bias shift ----

def test_relu_units_dead_at_initialization_stay_dead(shift):
    v = shift.VALUES
    assert shift.relu_kept and shift.revived["ReLU"] == 0 and v["relu_dead_grad"] == 0
    assert v["relu_init"] > 0.5 and v["base_init"] < 0.1
    assert v["relu_alive"] == pytest.approx(1 - v["relu_end"]) and v["relu_acc"] < v["base_acc"] - 0.1
    # the same seed gives the same initial weights whatever the activation
    assert v["relu_init"] == v["leaky_0_init"] == v["leaky_1_init"]


def test_leaky_relu_revives_only_a_few_units(shift):
    v = shift.VALUES
    assert v["leak_factor"] == pytest.approx(100) and v["leak"] == 0.01 and v["slope_big"] == 0.1
    assert 0 < v["revived_leaky_0"] < 0.02 and v["revived_leaky_0"] < v["revived_leaky_1"] < 0.1
    assert 0 < v["leaky_dead_grad_0"] < v["leaky_dead_grad_1"]  # a gradient, small, larger with the slope
    assert v["leaky_0_end"] > 0.5 and v["leaky_1_end"] > 0.5


def test_batch_norm_before_relu_removes_the_dead_units(shift):
    v = shift.VALUES
    assert v["bn_init"] == 0 and v["bn_end"] == 0 and v["bn_acc"] > v["relu_acc"]
    assert [row[0] for row in shift.TABLES["dying_shift"]["rows"]] == [
        "ReLU, 0", "ReLU, −0.7", "Leaky ReLU (0.01), −0.7", "Leaky ReLU (0.1), −0.7", "BN + ReLU, −0.7"]


def test_never_active_counts_units_with_z_at_most_zero_on_every_image(common):
    layers = common.make_layers(0, shift=50.0)  # every first-layer unit pushed far below zero
    masks = common.never_active(layers, common.relu)
    assert bool(masks[0].all()) and len(masks) == 2 and masks[1].shape == (common.WIDTHS[2],)
    assert not bool(common.never_active(common.make_layers(0, shift=-50.0), common.relu)[0].any())


def test_sgd_step_is_torch_optim_sgd_without_momentum(common):
    torch.manual_seed(0)
    a, b = nn.Linear(4, 3), nn.Linear(4, 3)
    b.load_state_dict(a.state_dict())
    x = torch.randn(8, 4)
    common.sgd_step(list(a.parameters()), a(x).square().mean(), 0.1)
    optimizer = torch.optim.SGD(b.parameters(), lr=0.1)
    b(x).square().mean().backward()
    optimizer.step()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


# ---- dying ReLU: a too-large learning rate ----

def test_a_too_large_learning_rate_kills_units_a_normal_one_does_not(lr):
    v = lr.VALUES
    assert abs(v["dead1_relu_low"] - v["dead1_init_relu_low"]) < 0.01
    assert v["dead1_relu_high"] > 5 * v["dead1_init_relu_high"] and v["dead1_relu_high"] > 0.3
    assert v["lr_low"] < v["lr_high"] and v["acc_relu_low"] > v["acc_relu_high"]
    assert v["acc_max_relu_low"] - v["acc_min_relu_low"] < 0.15  # at the low rate, every seed trains
    assert (v["widths"], v["n_train"], v["n_test"], v["batch"]) == ("64 → 128 → 128 → 10", 1400, 397, 64)


def test_relu_layer_1_never_revives_but_layer_2_can(lr):
    assert lr.relu_monotone and lr.VALUES["relu_dead_grad"] == 0
    assert lr.VALUES["relu2_revived_seeds"] > 0 and lr.VALUES["relu2_max_drop"] > 0.05
    assert lr.VALUES["leaky_revived"] > 0  # with Leaky ReLU, layer-1 units do come back


def test_leaky_relu_is_not_consistently_better_at_the_large_rate(lr):
    v = lr.VALUES
    assert 0 < v["leaky_better"] < v["seeds"]
    for key in ("relu", "leaky"):
        assert v[f"acc_max_{key}_high"] - v[f"acc_min_{key}_high"] > 0.3  # both swing strongly across seeds
    assert abs(v["dead1_leaky_high"] - v["dead1_relu_high"]) < 0.1  # about as many never-positive units
    for s in lr.SEEDS:  # same seed: same initial weights, hence the same layer-1 count at initialization
        assert lr.runs["ReLU", v["lr_high"], s].dead[0][0] == lr.runs["Leaky ReLU", v["lr_high"], s].dead[0][0]


# ---- which activation in the hidden layers ----

def test_sigmoid_stays_at_chance_with_both_initializations(hid):
    v = hid.VALUES
    assert v["chance"] == pytest.approx(math.log(10))
    for init in ("default", "matched"):
        assert abs(v[f"loss_sigmoid_{init}"] - v["chance"]) < 0.05 and v[f"acc_sigmoid_{init}"] < 0.2


def test_with_the_default_initialization_only_tanh_learns_a_little(hid):
    v = hid.VALUES
    for key in ("relu", "leaky_relu", "gelu", "silu"):
        assert abs(v[f"loss_{key}_default"] - v["chance"]) < 0.05
    assert v["loss_tanh_matched"] + 0.5 < v["loss_tanh_default"] < v["chance"] - 0.3


def test_with_the_matched_initialization_the_relu_family_and_tanh_learn(hid):
    v = hid.VALUES
    matched = {k: v[f"loss_{k}_matched"] for k in ("tanh", "relu", "leaky_relu", "gelu", "silu")}
    assert max(matched.values()) < 0.35  # every function but sigmoid learns
    # in this run, ReLU and Leaky ReLU end lowest; tanh, SiLU and GELU higher
    assert max(matched["relu"], matched["leaky_relu"]) < min(matched["tanh"], matched["gelu"], matched["silu"])
    assert v["loss_relu_matched"] < v["loss_relu_default"]
    assert [row[3] for row in hid.rows] == ["Xavier", "Xavier", "He", "He", "He", "He"]


def test_the_card_uses_one_leak_everywhere(fun, common, shift, hid):
    assert fun.LEAK == common.LEAK == shift.LEAK == 0.01
    z = torch.tensor([-1.0])
    assert hid.ACTS["Leaky ReLU"](z).item() == pytest.approx(-fun.LEAK)
