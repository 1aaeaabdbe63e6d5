"""Each claim the card "BatchNorm in practice" makes, asserted on the bn_practice_* snippets' values."""

from __future__ import annotations

import inspect
import math

import pytest
import torch
from conftest import load_snippet


def test_eval_switches_bn_and_dropout_no_grad_only_stops_the_graph():
    m = load_snippet("normalization/bn_practice_modes.py").modes
    # no_grad(): BN still in train mode -- batch statistics, running stats updated, Dropout random
    assert m["no_grad"]["running_mean_change"] > 1e-3
    assert m["no_grad"]["running_mean_change"] == m["train"]["running_mean_change"]
    assert m["no_grad"]["dropout_spread"] > 0.5
    assert (m["no_grad"]["output"] - m["train"]["output"]).abs().max() == 0  # the same numbers as train()
    assert not m["no_grad"]["requires_grad"]
    # eval(): running statistics used and left alone, Dropout off, but the graph is still built
    assert m["eval"]["running_mean_change"] == 0 and m["eval"]["dropout_spread"] == 0
    assert m["eval"]["requires_grad"]
    assert (m["eval"]["output"] - m["train"]["output"]).abs().max() > 0.5
    # both together: the inference recipe
    assert m["eval_no_grad"]["running_mean_change"] == 0 and not m["eval_no_grad"]["requires_grad"]
    assert (m["eval_no_grad"]["output"] - m["eval"]["output"]).abs().max() == 0
    assert m["train"]["requires_grad"]


def test_bn_placement_small_experiment():
    p = load_snippet("normalization/bn_practice_placement.py")
    assert p.same_init
    assert len(p.SEEDS) >= 2
    for run in p.results.values():
        assert run["test_accuracy"] > 97  # both placements learn the digits
    # the clearest difference in these runs: a lower final training loss for Linear -> ReLU -> BN
    assert max(p.results[("relu_bn", s)]["train_loss"] for s in p.SEEDS) < \
        min(p.results[("bn_relu", s)]["train_loss"] for s in p.SEEDS)
    # the mean test-accuracy gap is a few test images at most, smaller than the seed-to-seed spread of
    # each placement (the card shows the larger spread, "up to")
    assert abs(p.gap_images) < 5
    for order in ("bn_relu", "relu_bn"):
        _, low, high = p.summary[(order, "test_accuracy")]
        assert abs(p.accuracy_gap) < high - low
    assert max(high - low for _, low, high in (p.summary[(o, "test_accuracy")] for o in ("bn_relu", "relu_bn"))) \
        == p.accuracy_spread
    # the lower training loss does not come with a higher test accuracy
    assert p.summary[("relu_bn", "test_accuracy")][0] <= p.summary[("bn_relu", "test_accuracy")][0]
    # mean test loss slightly lower for Linear -> ReLU -> BN, by less than 0.02 ...
    mean_gap = p.summary[("bn_relu", "test_loss")][0] - p.summary[("relu_bn", "test_loss")][0]
    assert 0 < mean_gap < 0.02
    # ... but at one seed the two are nearly equal
    assert abs(p.test_loss_gap_min) < 0.1 * mean_gap


def test_dropout_before_bn_shifts_the_variance_between_train_and_eval():
    d = load_snippet("normalization/bn_practice_dropout.py")
    previous = 1.0
    for p, s in d.shifts.items():
        assert s["ratio"] == pytest.approx(s["theory"], rel=0.02)  # Var_train / Var_eval matches the formula
        assert s["ratio"] > 1 / (1 - p)  # more than 1/(1-p): the ReLU features have a non-zero mean
        assert s["running_ratio"] == pytest.approx(s["ratio"], rel=0.02)  # running_var learned the train variance
        assert s["out_var_train"] == pytest.approx(1, abs=0.01)
        assert s["out_var_eval"] < 0.85 and s["out_var_eval"] < previous  # smaller at test time, more so as p grows
        previous = s["out_var_eval"]
    assert d.shifts[0.5]["out_var_eval"] < 0.4
    assert d.recalibrated == pytest.approx(1, abs=0.01)


def test_folding_bn_into_the_conv_gives_the_same_output_in_eval():
    f = load_snippet("normalization/bn_practice_fold.py")
    assert f.max_diff < 1e-5 < 1 < f.output_scale
    # "float32 rounding": within a few float32 ulps of the largest output
    assert f.max_diff < 10 * torch.finfo(torch.float32).eps * f.output_scale
    assert f.train_diff > 0.5  # the folded conv is the eval() computation only


def test_syncbn_arithmetic_and_the_single_process_fallback():
    s = load_snippet("normalization/bn_practice_sync.py")
    assert s.sync_vs_whole < 1e-5  # combined per-device statistics = BN over the union
    assert s.local_vs_whole > 0.5  # per-device BN differs
    assert s.module_gap == 0  # nn.SyncBatchNorm without a process group is plain BN
    # the card describes SyncBatchNorm.forward of the installed PyTorch: sync only in train() with an initialized
    # process group of more than one process; the device check comes before the world-size check
    source = inspect.getsource(torch.nn.SyncBatchNorm.forward)
    assert "self.training" in source and "is_initialized()" in source and "world_size > 1" in source
    assert source.index("device.type") < source.index("world_size > 1")


def test_frozen_bn_keeps_statistics_and_ignores_the_batch():
    r = load_snippet("normalization/bn_practice_frozen.py")
    frozen, free, mistake = r.runs["frozen"], r.runs["not_frozen"], r.runs["frozen_then_train"]
    assert frozen["running_change"] == 0 and frozen["affine_change"] == 0
    assert frozen["linear_change"] > 0.01  # the rest of the model trains
    assert frozen["batch_dependence"] < 1e-6
    assert frozen["trainable"] < r.total_parameters == free["trainable"]
    assert free["running_change"] > 0.01 and free["affine_change"] > 0 and free["batch_dependence"] > 0.5
    # model.train() after freezing puts BN back in train mode: statistics move, gamma/beta stay frozen
    assert mistake["running_change"] > 0.01 and mistake["affine_change"] == 0
    assert mistake["batch_dependence"] > 0.5


def test_zero_gamma_makes_each_residual_block_the_identity_at_init():
    z = load_snippet("normalization/bn_practice_zero_gamma.py")
    zero, one = z.results[True], z.results[False]
    assert zero["block_train"] == 0 and zero["block_eval"] == 0 and zero["stack_gap"] == 0
    assert zero["std_ratio"] == pytest.approx(1, abs=1e-6)
    assert one["block_train"] > 1 and one["stack_gap"] > 1 and one["std_ratio"] > 2
    assert z.grad_branch == 0 < z.grad_gamma  # gamma2 learns, the branch before it waits one step
    assert z.after_step_gap > 0.01


def test_weight_decay_pulls_gamma_toward_zero():
    w = load_snippet("normalization/bn_practice_weight_decay.py")
    decay, exclude, none = w.runs["decay_all"], w.runs["exclude_bn"], w.runs["no_decay"]
    for layer in range(len(decay["gamma_mean"])):
        assert decay["gamma_mean"][layer] < exclude["gamma_mean"][layer] - 0.1
        assert exclude["gamma_mean"][layer] == pytest.approx(none["gamma_mean"][layer], abs=0.01)
        assert 0.99 < exclude["gamma_mean"][layer] < 1.1  # "around 1" without decay on gamma
    # the first BN's gamma ends close to what decay alone leaves: the gradient barely moves it
    assert decay["gamma_mean"][0] == pytest.approx(w.pure_decay, abs=0.02)
    assert decay["logit_std"] < exclude["logit_std"] < none["logit_std"]
    for run in (decay, exclude, none):
        assert run["test_accuracy"] > 97
    accuracies = [run["test_accuracy"] for run in (decay, exclude, none)]
    assert max(accuracies) - min(accuracies) < 1.5  # a few test images: one run says nothing about accuracy


def test_bn_is_scale_invariant_and_its_gradient_scales_by_one_over_c():
    s = load_snippet("normalization/bn_practice_scale.py")
    rows = {row[0]: row for row in s.rows}
    for c in (0.5, 2.0, 10.0, 100.0):
        assert rows[c][1] < 1e-3  # output unchanged, up to the eps in BN's square root
        assert rows[c][2] == pytest.approx(1 / c, rel=1e-3)
    assert rows[0.01][1] > 0.1 and rows[0.01][2] < 0.9 / 0.01  # c^2 Var(Wx) near eps: the invariance breaks
    assert 0.1 * s.BN_EPS < min(s.SCALES) ** 2 * s.pre_bn_var < 10 * s.BN_EPS  # comparable with eps
    assert s.exact_diff < 1e-12 and s.exact_ratio_error < 1e-12  # exact with a negligible eps in float64
    assert abs(s.cosine) < 1e-4  # the gradient is orthogonal to W
    assert math.isclose(rows[2.0][3], 0.5)
