"""Each claim the Vanishing and exploding gradients card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import snippet_fixture
from torch import nn


def _snippet(name: str):
    return snippet_fixture(f"training-basics/{name}", warnings_are_errors=True)


common = _snippet("vx_common.py")
layers = _snippet("vx_layers.py")
sweep = _snippet("vx_sweep.py")
variance = _snippet("vx_variance.py")
rnn = _snippet("vx_rnn.py")
remedies = _snippet("vx_remedies.py")

ACTS = ("sig", "tanh", "relu")
INITS = ("default", "small", "xavier", "he", "large")


# ---- the setting ----

def test_the_initializations_have_the_variances_the_card_gives(common):
    width = 256
    rules = (("PyTorch", 1 / 3), ("N(0, 0.01²)", width * 1e-4), ("Xavier", 1.0), ("He", 2.0), ("N(0, 1)", width))
    for name, c in rules:
        assert common.gain(width, width, name) == pytest.approx(c)
        linear = nn.Linear(width, width, bias=False)
        torch.manual_seed(0)
        common.init_(linear, name)
        assert width * linear.weight.var().item() == pytest.approx(c, rel=0.02)  # the draw agrees with the rule


def test_the_deep_mlp_is_depth_linear_activation_pairs_then_a_readout(common):
    model = common.deep_mlp("tanh", "Xavier", 16, depth=5)
    assert len(model) == 2 * 5 + 1
    assert all(isinstance(m, nn.Linear) and m.bias is None for m in model[::2])
    assert all(isinstance(m, nn.Tanh) for m in model[1:-1:2])
    x, y = common.digits()
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert x.mean(dim=0).abs().max() < 1e-5  # standardized pixels


# ---- 2a: (1/4)^20 and the measured gradients layer by layer ----

def test_the_seeds_number_and_the_sigmoid_slope_bound(layers):
    v = layers.VALUES
    assert v["quarter_20"] == 0.25**20
    assert v["quarter_20"] == pytest.approx(9.09e-13, rel=1e-3)
    assert v["sigmoid_slope_max"] == pytest.approx(0.25, abs=1e-9)  # the maximum, at z = 0
    assert v["quarter_19"] == 0.25 ** (v["depth"] - 1)


def test_sigmoid_vanishes_with_default_xavier_he_and_small_init_but_not_with_n01(layers):
    v = layers.VALUES
    for init in ("default", "small", "xavier", "he"):
        assert v[f"sig_{init}_ratio"] < 1e-9, init  # first/last ratio of dl/dA
        assert v[f"sig_{init}_ratio_w"] < 1e-9, init  # and of dJ/dW
        assert v[f"sig_{init}_factor"] < 0.35, init
    # N(0, 1) weights: the same sigmoid, and the gradient GROWS toward the first layer
    assert v["sig_large_ratio"] > 1 and v["sig_large_factor"] > 1
    assert v["sig_large_ratio_w"] > 1
    # more weight scale, less vanishing: the factor rises with c
    factors = [v[f"sig_{init}_factor"] for init in ("small", "default", "xavier", "he", "large")]
    assert factors == sorted(factors)


def test_the_seeds_bound_is_far_from_the_measured_sigmoid_ratio(layers):
    v = layers.VALUES
    # with the default init the measured ratio is below (1/4)^19, with N(0, 1) it is above 1: the bound says neither
    assert v["sig_default_ratio"] < v["quarter_19"]
    assert v["sig_large_ratio"] > 1 > v["quarter_19"]


def test_relu_vanishes_when_too_small_explodes_with_n01_and_stays_flat_with_he(layers):
    v = layers.VALUES
    assert v["relu_small_ratio"] < 1e-15
    assert v["relu_default_ratio"] < 1e-5  # PyTorch's default init, c = 1/3: vanishes too
    assert v["relu_xavier_ratio"] < 1e-2  # c = 1 for ReLU: half of what it needs
    assert v["relu_large_ratio"] > 1e15
    assert v["relu_he_factor"] == pytest.approx(1.0, abs=0.02)
    assert 0.5 < v["relu_he_ratio"] < 2


def test_tanh_with_xavier_is_roughly_flat(layers):
    v = layers.VALUES
    assert v["tanh_xavier_factor"] == pytest.approx(1.0, abs=0.06)
    assert v["tanh_default_factor"] < 0.6 and v["tanh_large_factor"] > 2


def test_relu_weight_gradient_ratio_can_hide_vanishing(layers):
    """ReLU without biases is homogeneous: the forward signal shrinks as fast as the backward one, so the ratio of
    the weight gradients stays near 1 while every weight gradient is tiny."""
    v = layers.VALUES
    for init in ("default", "small"):
        assert 0.3 < v[f"relu_{init}_ratio_w"] < 3
        assert v[f"relu_{init}_dw_first"] < 1e-7 and v[f"relu_{init}_ratio"] < 1e-6


def test_the_ratios_table_matches_the_values(layers):
    rows = {(r[0], r[1]): r for r in layers.TABLES["ratios"]["rows"]}
    assert len(rows) == 15
    assert rows["sigmoid", "PyTorch"][3] == layers.VALUES["sig_default_ratio"]
    assert rows["ReLU", "He"][7] == layers.VALUES["relu_he_ratio_w"]


def test_float32_norm_underflows_although_the_entries_do_not(layers):
    v = layers.VALUES
    assert v["f32_sigmoid_small"] == 0.0  # the norm in float32
    assert v["f32_sigmoid_small_max_abs"] > 0 and v["f32_sigmoid_small_nonzero"] > 0.5  # entries are not 0
    assert v["f32_sigmoid_small_max_abs"] ** 2 < 1.4e-45  # their squares are below float32's smallest number
    assert v["f32_sigmoid_default"] == pytest.approx(v["f64_sigmoid_default_dW1"], rel=1e-3)


# ---- 2b: the product prod D W ----

def test_the_product_of_largest_derivatives_is_the_seeds_bound_for_sigmoid(layers):
    v = layers.VALUES
    for init in INITS:
        assert v[f"sig_{init}_maxD"] <= v["quarter_19"] * (1 + 1e-9)
        assert v[f"relu_{init}_maxD"] == 1.0  # ReLU's derivative is 0 or 1
    # the product with the weights decides: the same derivatives bound, opposite outcomes
    assert v["sig_default_J"] < 1e-12 and v["sig_large_J"] > 100


def test_the_spectral_norm_of_the_product_follows_the_init_scale(layers):
    v = layers.VALUES
    for act in ACTS:
        js = [v[f"{act}_{init}_J"] for init in ("small", "default", "xavier", "he", "large")]
        assert js == sorted(js), act  # larger weights, larger product
        for init in INITS:
            factor = v[f"{act}_{init}_factor"]
            if factor < 0.9:
                assert v[f"{act}_{init}_J_factor"] < 1, (act, init)
            if factor > 1.1:
                assert v[f"{act}_{init}_J_factor"] > 1, (act, init)
    assert v["relu_large_J"] > 1e15 and v["relu_small_J"] < 1e-15
    assert 1 < v["relu_he_J"] < 20  # order 1 over 19 layers
    assert v["relu_he_J_factor"] == pytest.approx(1.0, abs=0.15)


def test_the_product_is_the_backward_map(layers):
    """The product the snippet powers is the Jacobian dA^(L)/dA^(L-k): checked against autograd on a small net."""
    torch.manual_seed(3)
    ws = [torch.randn(6, 6, dtype=torch.float64) for _ in range(3)]
    a0 = torch.randn(6, dtype=torch.float64)
    zs, a = [], a0
    for w in ws:
        zs.append(w @ a)
        a = torch.tanh(zs[-1])

    def net(a):
        for w in ws:
            a = torch.tanh(w @ a)
        return a

    jac = torch.autograd.functional.jacobian(net, a0)
    D = [1 - torch.tanh(z).pow(2) for z in zs]
    sigma = layers.product_norms([d.unsqueeze(0) for d in D], ws, 3, 1)
    assert sigma.item() == pytest.approx(torch.linalg.matrix_norm(jac, ord=2).item(), rel=1e-6)


# ---- the weight scale decides (sweep) ----

def test_the_backward_factor_crosses_one_at_the_matching_scale(sweep):
    v = sweep.VALUES
    assert 1.8 < v["c_star_relu"] < 2.3  # He's c = 2
    assert 1 < v["c_star_tanh"] < 2  # Xavier's c = 1 is just below
    assert v["c_star_sigmoid"] > 16  # sigma' <= 1/4: c must be at least 16, and is much more
    assert v["std_star_sigmoid"] == pytest.approx(math.sqrt(v["c_star_sigmoid"]))
    assert v["sigmoid_factor_c1"] < 0.3 and v["sigmoid_factor_c1000"] > 1
    assert v["c_one"] == 1.0 and v["c_hundred"] == 100.0 and v["c_thousand"] == 1000.0
    assert v["worst_prediction_pct"] < 15  # sqrt(c E[phi'^2]) predicts the measured factor


def test_the_sweep_is_monotone_in_c(sweep):
    for curve in sweep.curves.values():
        measured = curve[:, 0]
        assert all(measured[1:] > measured[:-1])


# ---- 2c: one layer's variance, Xavier and He ----

def test_one_layers_variance_uses_the_second_moment_not_the_variance(variance):
    v = variance.VALUES
    assert v["var_z"] == pytest.approx(v["predicted_second_moment"], rel=0.02)
    assert abs(v["predicted_variance"] / v["var_z"] - 1) > 0.25  # Var[x] instead of E[x^2]: wrong by a third
    assert v["relu_half"] == pytest.approx(0.5, abs=0.01)  # E[ReLU(g)^2] = E[g^2] / 2: where He's 2 comes from
    assert v["relu_second"] == pytest.approx(v["relu_var"] + v["relu_mean"] ** 2, rel=1e-3)


def test_xavier_compromises_between_forward_and_backward(variance):
    v = variance.VALUES
    assert v["forward_factor"] == pytest.approx(v["xavier_forward"], rel=0.03)
    assert v["backward_factor"] == pytest.approx(v["xavier_backward"], rel=0.03)
    assert v["xavier_forward"] < 1 < v["xavier_backward"]  # fan_in != fan_out: neither direction is exactly 1
    assert v["xavier_forward"] * v["xavier_backward"] == pytest.approx(
        4 * v["n_pixels"] * v["fan_out"] / (v["n_pixels"] + v["fan_out"]) ** 2)


def test_activation_scale_is_flat_across_depth_only_under_the_matching_rule_for_relu(variance):
    v = variance.VALUES
    flat = [init for init in INITS if 0.9 < v[f"relu_{init}_zfactor"] < 1.1]
    assert flat == ["he"]
    assert v["relu_default_zfactor"] < 0.5 and v["relu_large_zfactor"] > 10


def test_tanh_forward_scale_shrinks_below_c_1_and_is_flat_from_xavier_up(variance):
    v = variance.VALUES
    assert v["tanh_default_zfactor"] < 0.6 and v["tanh_small_zfactor"] < 0.2
    for init in ("xavier", "he", "large"):  # tanh saturates: above c = 1 the forward scale settles
        assert 0.9 < v[f"tanh_{init}_zfactor"] < 1.1, init


def test_sigmoid_forward_scale_does_not_vanish_whatever_the_init(variance):
    """The sigmoid's outputs have mean about 1/2, so z = W A keeps a scale even when the gradient vanishes."""
    v = variance.VALUES
    for init in INITS:
        assert 0.9 < v[f"sig_{init}_zfactor"] < 1.1, init


def test_the_one_layer_rule_predicts_the_deep_networks_layers(variance):
    assert variance.VALUES["worst_prediction_pct"] < 15


# ---- 2d: repeated matrices, an RNN, clipping ----

def test_powers_of_a_matrix_follow_its_spectral_radius(rnn):
    v = rnn.VALUES
    assert v["rate_rho_high"] == pytest.approx(v["rho_high"], rel=0.01)
    assert v["rate_rho_low"] == pytest.approx(v["rho_low"], rel=0.01)
    assert v["final_rho_high"] > 1e3 and v["final_rho_low"] < 1e-4
    assert 0.1 < v["min_rho_one"] and v["max_rho_one"] < 10  # rho = 1: neither
    # the spectral norm (largest singular value) is larger than the radius; the long run follows the radius
    for key in ("low", "one", "high"):
        assert v[f"norm_rho_{key}"] > v[f"rho_{key}"]
    assert v["norm_rho_low"] > 1 > v["rate_rho_low"]


def test_the_rnn_diverges_without_clipping_for_some_seeds_and_converges_with_it(rnn):
    v = rnn.VALUES
    assert v["n_diverged"] >= 1  # some seeds: the loss becomes inf or NaN
    assert v["n_clip_diverged"] == 0 and v["n_small_diverged"] == 0
    assert v["clip_final_max"] < 0.2 * v["initial_loss_min"]
    assert v["clip_final_max"] < 0.1 * v["target_second_moment"]
    assert v["clip_max_radius"] < 1.1  # W_hh stays near the identity
    assert v["clip_max_grad"] > v["max_norm"]  # clipping had something to clip
    for s in range(v["seeds"]):
        assert rnn.runs[s, "clip"]["loss"][-1] < rnn.runs[s, "clip"]["loss"][0]


def test_clipping_by_norm_keeps_the_direction_by_value_does_not(rnn):
    v = rnn.VALUES
    assert v["cos_norm"] == pytest.approx(1.0, abs=1e-6)
    assert v["cos_value"] < 0.9
    assert v["by_norm_norm"] == pytest.approx(v["max_norm"], rel=1e-5) and v["raw_norm"] > v["max_norm"]
    assert v["max_step"] == v["lr"] * v["max_norm"]


def test_the_hand_written_sgd_step_is_torchs(rnn):
    torch.manual_seed(0)
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    optimizer = torch.optim.SGD(b.parameters(), lr=0.1)
    x = torch.randn(5, 3)
    for _ in range(3):
        for model in (a, b):
            model.zero_grad()
            model(x).pow(2).sum().backward()
        rnn.sgd_step(list(a.parameters()), 0.1)
        optimizer.step()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


# ---- 2e: the remedies on one network ----

def test_the_remedies_setting(remedies):
    v = remedies.VALUES
    assert v["depth"] == 20 and v["n_train"] == len(remedies.x)
    assert set(remedies.SETTINGS) == set(remedies.KEYS)
    net = remedies.DeepNet("sigmoid", "PyTorch", "BN", residual=True, depth=3)
    assert isinstance(net.norms[0], nn.BatchNorm1d) and net.linears[0].bias is None
    assert v["loss_uniform"] == pytest.approx(math.log(10))


def test_the_hand_written_momentum_step_is_torchs(remedies):
    torch.manual_seed(0)
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    b.load_state_dict(a.state_dict())
    optimizer = torch.optim.SGD(b.parameters(), lr=remedies.LR, momentum=remedies.MOMENTUM)
    velocity = [torch.zeros_like(p) for p in a.parameters()]
    x = torch.randn(5, 3)
    for _ in range(4):
        for model in (a, b):
            model.zero_grad()
            model(x).pow(2).sum().backward()
        remedies.sgd_momentum_step(list(a.parameters()), velocity)
        optimizer.step()
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def test_the_baseline_vanishes_and_only_its_readout_learns(remedies):
    v = remedies.VALUES
    assert v["sig_ratio"] < 1e-12 and v["sig_ratio_a"] < 1e-12 and v["sig_dw1"] < 1e-15
    assert v["sig_spread"] < 1e-6  # the last hidden layer gives (nearly) the same output for every image
    assert v["sig_steps"] == "—"
    assert v["sig_final"] == pytest.approx(v["loss_prior"], abs=1e-4)  # the class frequencies, nothing more


def test_clipping_cannot_cure_vanishing(remedies):
    v = remedies.VALUES
    assert v["sig_clip_acted"] == 0 and v["sig_max_grad"] < v["max_norm"]
    assert v["sig_clip_same"] == 0.0  # the very same run
    assert v["sig_clip_steps"] == "—"


def test_relu_alone_does_not_train_with_the_default_init(remedies):
    v = remedies.VALUES
    assert v["relu_steps"] == "—" and v["relu_max_grad"] < 1e-6
    assert v["relu_final"] == pytest.approx(v["loss_uniform"], abs=1e-3)
    assert v["relu_ratio_a"] < 1e-6 and 0.3 < v["relu_ratio"] < 3  # the weight ratio hides it (see above)


def test_matching_activation_and_init_remove_the_vanishing(remedies):
    v = remedies.VALUES
    for key in ("relu_he", "tanh_xavier"):
        assert v[f"{key}_ratio_a"] > 0.1 and v[f"{key}_dw1"] > 0.1, key
    assert v["tanh_xavier_steps"] != "—" and v["tanh_xavier_final"] < 0.1
    assert v["tanh_xavier_max_rise"] < 0.05  # smooth


def test_relu_he_is_unstable_and_clipping_helps_it(remedies):
    v = remedies.VALUES
    assert v["seeds"] == len(remedies.SEEDS) >= 3
    assert v["relu_he_reached"] == 0  # no seed reaches the target without clipping
    assert v["relu_he_min_rise"] > 0.1  # every seed's loss jumps up at some step
    assert v["relu_he_clip_lower"] == v["seeds"]  # clipping ends lower in every seed
    assert 1 <= v["relu_he_clip_reached"] <= v["seeds"]
    assert v["relu_he_clip_final_max"] > v["target"] or v["relu_he_clip_reached"] == v["seeds"]
    assert v["relu_he_clip_share_min"] > 0.5  # it acted at most steps: a cap on the step length
    assert v["relu_he_clip_final_min"] < v["relu_he_final_min"]


def test_batchnorm_and_residual_rescue_the_sigmoid_network_layernorm_does_not(remedies):
    v = remedies.VALUES
    for key in ("sig_bn", "sig_res"):
        assert v[f"{key}_steps"] != "—" and v[f"{key}_final"] < v["target"], key
        assert v[f"{key}_ratio_a"] > 0.5 and v[f"{key}_dw1"] > 0.1, key
    assert v["sig_ln_steps"] == "—" and v["sig_ln_ratio_a"] < 1e-5
    assert v["sig_ln_final"] == pytest.approx(v["loss_prior"], abs=1e-3)
    # why: the part of z that depends on the image is ~1e-7 of what LayerNorm divides by
    assert v["sig_ln_z_over_images"] < 1e-6 * v["sig_ln_z_over_units"]
    assert v["sig_bn_z_over_images"] > 0.1 * v["sig_bn_z_over_units"]
    # the residual net starts with a higher loss and a spike before it falls
    assert v["sig_res_loss0"] > 2 * v["loss_uniform"] and v["sig_res_max_loss"] > v["sig_res_loss0"]


def test_the_order_of_the_settings_that_reach_the_target(remedies):
    v = remedies.VALUES
    reached = {k: v[f"{k}_steps"] for k in remedies.KEYS.values() if v[f"{k}_steps"] != "—"}
    assert set(reached) == {"tanh_xavier", "sig_bn", "sig_res", "relu_he_clip"}
    assert v["tanh_xavier_steps"] < v["sig_bn_steps"] < v["sig_res_steps"]


def test_batchnorms_own_gradient_ratio_grows_with_depth_for_relu(remedies):
    v = remedies.VALUES
    relu = [v[f"relu_bn_ratio_l{d}"] for d in remedies.BN_DEPTHS]
    assert relu == sorted(relu) and relu[0] > 1 and relu[-1] > 100
    sig = [v[f"sig_bn_ratio_l{d}"] for d in remedies.BN_DEPTHS]
    assert max(sig) < 5  # with the sigmoid the same ratio stays small up to L = 40
    assert v["sig_bn_ratio"] == v["sig_bn_ratio_l20"]


def test_the_tables_match_the_values(remedies):
    rows = {r[0]: r for r in remedies.TABLES["remedies"]["rows"]}
    for name, key in remedies.KEYS.items():
        assert rows[name][2] == remedies.VALUES[f"{key}_ratio"] and rows[name][7] == remedies.VALUES[f"{key}_steps"]
    assert len(remedies.TABLES["relu_he_seeds"]["rows"]) == remedies.VALUES["seeds"]


# ---- further claims the card's text makes ----

def test_card_claims_on_the_layer_table(layers):
    v = layers.VALUES
    assert v["sig_default_factor"] < 0.25  # worse than the derivative bound alone: the weights shrink it too
    assert max(v[f"sig_{init}_factor"] for init in ("default", "small", "xavier", "he")) == v["sig_he_factor"] < 1
    assert v["tanh_default_ratio_w"] == pytest.approx(1.0, abs=0.5)  # looks normal ...
    assert v["tanh_default_dw_first"] < 1e-4 and v["tanh_default_dw_last"] < 1e-4  # ... but every layer is tiny
    assert v["tanh_xavier_dw_first"] > 1e3 * v["tanh_default_dw_first"]
    assert v["relu_default_dw_first"] < 1e-7 and v["relu_default_dw_last"] < 1e-7
    assert 0.9 < v["tanh_he_factor"] < 1.1 and v["tanh_he_ratio"] > 1  # He with tanh: acceptable, slightly growing


def test_card_claims_on_the_product_table(layers):
    v = layers.VALUES
    for init in INITS:  # the largest derivatives multiply to about (1/4)^19 whatever the init
        assert v[f"sig_{init}_maxD"] == pytest.approx(v["quarter_19"], rel=0.05)
    assert v["sig_large_J_factor"] > 1  # every D <= 1/4, and still the product grows
    assert v["relu_he_max_w"] < 1 and v["relu_he_J"] > 1  # every |w| < 1, D <= 1, and the norm exceeds 1
    # the spectral norm is the worst direction: the measured gradient ratio is smaller
    assert v["relu_he_J"] > v["relu_he_ratio"] and v["tanh_xavier_J"] > v["tanh_xavier_ratio"]


def test_card_claims_on_the_variance_section(variance):
    v = variance.VALUES
    assert (v["xavier_forward"] + v["xavier_backward"]) / 2 == pytest.approx(1.0)  # the rule's mean is exactly 1
    assert (v["forward_factor"] + v["backward_factor"]) / 2 == pytest.approx(1.0, rel=0.03)
    for init, c in (("xavier", 1.0), ("default", 1 / 3), ("large", 256.0)):  # ReLU: about sqrt(c/2) per layer
        assert v[f"relu_{init}_zfactor"] == pytest.approx(math.sqrt(c / 2), rel=0.05), init
    assert v["tanh_xavier_zfactor"] < 1 and v["tanh_xavier_z20"] < v["tanh_xavier_z1"]  # Xavier: slowly down
    assert v["tanh_he_zfactor"] == pytest.approx(1.0, abs=0.01)
    assert v["tanh_default_z20"] < 1e-4 and v["tanh_large_z20"] > 10
    sig = [v[f"sig_{init}_zfactor"] for init in INITS]
    assert min(sig) == v["sig_small_zfactor"] and max(sig) == v["sig_large_zfactor"]
    rows = {(r[0], r[1]): r for r in variance.TABLES["forward"]["rows"]}
    for init in ("PyTorch", "N(0, 0.01²)", "Xavier", "He", "N(0, 1)"):  # sigmoid: flat from layer 2 on
        z2, z20 = rows["sigmoid", init][3], rows["sigmoid", init][6]
        assert 0.8 < z20 / z2 < 1.2, init


def test_card_claims_on_the_sweep(sweep):
    v = sweep.VALUES
    assert v["sigmoid_factor_c1"] == pytest.approx(0.25, abs=0.02)  # c = 1: about 1/4
    assert v["sigmoid_factor_c100"] < 1 < v["sigmoid_factor_c1000"]
    for curve in sweep.curves.values():  # within the range: vanishing below a threshold, exploding above
        assert curve[0, 0] < 1 < curve[-1, 0]


def test_card_claims_on_the_rnn(rnn):
    v = rnn.VALUES
    assert v["n_diverged"] == v["seeds"] - 1  # "the remaining run": exactly one survivor
    assert v["first_divergence"] <= v["last_divergence"]
    assert v["survivor_final"] == pytest.approx(v["target_second_moment"], rel=0.05)  # like predicting 0
    assert v["survivor_max_radius"] > 2 and v["survivor_max_grad"] > 100
    assert v["clip_share_min"] == 1.0 and v["clip_grad_median"] > v["max_norm"]  # every step clipped
    assert v["small_final_max"] < 0.1 and v["small_final_max"] < 2 * v["clip_final_max"]
    assert v["max_rho_one"] == 1.0 and v["min_rho_one"] > 0.1  # rho = 1: never above its start
    assert v["min_rho_one"] <= v["final_rho_one"] < 1


def test_clip_grad_norm_scales_by_min_1_tau_over_norm():
    p = torch.zeros(4, requires_grad=True)
    for raw, tau in ((torch.tensor([3.0, 4.0, 0.0, 0.0]), 1.0), (torch.tensor([0.3, 0.4, 0.0, 0.0]), 1.0)):
        p.grad = raw.clone()
        total = nn.utils.clip_grad_norm_([p], tau)
        assert total.item() == pytest.approx(raw.norm().item())  # returns the norm before clipping
        assert torch.allclose(p.grad, raw * min(1.0, tau / raw.norm().item()), rtol=1e-5)


def test_the_float32_gradient_has_a_norm_in_float64(layers):
    assert layers.tiny.double().norm().item() == pytest.approx(layers.VALUES["sig_small_dw_first"], rel=0.05)


def test_card_claims_on_the_remedies(remedies):
    v = remedies.VALUES
    reached = [k for k in remedies.KEYS.values() if v[f"{k}_steps"] != "—"]
    assert min(reached, key=lambda k: v[f"{k}_steps"]) == "tanh_xavier"  # fastest ...
    assert min(remedies.KEYS.values(), key=lambda k: v[f"{k}_final"]) == "tanh_xavier"  # ... and lowest
    assert v["tanh_xavier_max_rise"] < 0  # J never rose
    assert v["relu_he_ratio_a"] > 0.5 and v["relu_he_max_rise"] > 0.5 and v["relu_he_final"] > v["target"]
    assert v["sig_bn_max_rise"] > 0  # BN reaches the target although J rose at some step
    assert v["sig_ln_final"] == pytest.approx(v["sig_final"], abs=1e-3)
    sig_bn = [v[f"sig_bn_ratio_l{d}"] for d in remedies.BN_DEPTHS]
    assert min(sig_bn) == v["sig_bn_ratio_l5"] and max(sig_bn) == v["sig_bn_ratio_l40"]
    assert v["relu_bn_ratio_l5"] > 1  # grows from there
    assert v["sig_ratio_a"] < 1e-15 and v["sig_res_ratio_a"] > 0.5  # the skip connection: from 1e-16 to order 1
    assert v["sig_res_max_step"] > 0 and v["sig_res_max_loss"] > 5 * v["loss_uniform"]


# ---- claims added by the second reader ----

def test_the_mean_factor_per_layer_is_the_ratios_root(layers):
    """The definition: factor = r ** (1 / (L - 1)), for r_A and for the product's spectral norm."""
    v = layers.VALUES
    for act in ACTS:
        for init in INITS:
            key = f"{act}_{init}"
            assert v[f"{key}_factor"] == pytest.approx(v[f"{key}_ratio"] ** (1 / v["steps"]), rel=1e-6), key
            assert v[f"{key}_J_factor"] == pytest.approx(v[f"{key}_J"] ** (1 / v["steps"]), rel=1e-6), key


def test_only_he_keeps_relus_gradient_nearly_constant_and_tanh_default_vanishes(layers):
    v = layers.VALUES
    assert [init for init in INITS if 0.9 < v[f"relu_{init}_factor"] < 1.1] == ["he"]
    assert v["tanh_default_ratio"] < 1e-3  # tanh with the default init: vanishing (2.8e-05)


def test_layernorm_changes_the_gradient_at_init_but_it_still_vanishes(remedies):
    v = remedies.VALUES
    assert v["sig_ln_ratio_a"] > 1e3 * v["sig_ratio_a"]  # many orders of magnitude above the baseline ...
    assert v["sig_ln_ratio_a"] < 1e-5 and v["sig_ln_dw1"] < 1e-5  # ... and still vanishing
    assert v["sig_ln_final"] == pytest.approx(v["loss_prior"], abs=1e-3)  # it learned nothing more than the baseline


def test_predicting_zero_in_the_rnn_task_costs_about_one(rnn):
    v = rnn.VALUES
    assert v["target_second_moment"] == pytest.approx(1.0, abs=0.05)  # sum of T N(0, 1) inputs over sqrt(T)
    assert v["clip_final_max"] < v["target_second_moment"] / 10
