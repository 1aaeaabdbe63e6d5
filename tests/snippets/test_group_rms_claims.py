"""Each claim of the GroupNorm / RMSNorm card (group-rms-norm), asserted on the snippets' computed values."""

from __future__ import annotations

import inspect
import math

import pytest
from conftest import load_snippet, snippet_fixture
from torch import nn

gn = snippet_fixture("normalization/group_norm.py")


rms = snippet_fixture("normalization/rms_norm.py")


inv = snippet_fixture("normalization/rms_invariance.py")


prof = snippet_fixture("normalization/norm_profile.py")


# --- Syntax: the signatures in the code block ---------------------------------------------------------

def test_signature_defaults_in_the_syntax_block(rms):
    gn_defaults = inspect.signature(nn.GroupNorm).parameters
    assert gn_defaults["eps"].default == 1e-5 and gn_defaults["affine"].default is True
    rms_defaults = inspect.signature(nn.RMSNorm).parameters
    assert rms_defaults["eps"].default is None and rms_defaults["elementwise_affine"].default is True
    assert not hasattr(nn.RMSNorm(4), "bias") or nn.RMSNorm(4).bias is None  # "only weight"
    assert rms.eps == pytest.approx(1.1920929e-07)  # torch.finfo(float32).eps
    assert rms.LN_EPS == nn.LayerNorm(4).eps == 1e-5 and rms.eps != rms.LN_EPS


# --- GroupNorm -----------------------------------------------------------------------------------------

def test_picture_counts_come_from_the_map_constants(gn):
    n, c, g = gn.MAP_N, gn.MAP_C, gn.MAP_G
    counts = {k: len(set(gn.sharing_map(k).flatten())) for k in ("BN", "LN", "GN", "IN")}
    assert counts == {"BN": c, "LN": n, "GN": n * g, "IN": n * c}


def test_group_norm_matches_and_its_special_cases(gn):
    assert gn.max_diff < 1e-5
    assert gn.gap_layer < 1e-5 and gn.gap_instance < 1e-5
    assert gn.batch_independence == 0 and gn.train_eval_gap == 0  # "đúng cùng" / "完全相同"


def test_groups_that_do_not_divide_the_channels_and_the_fallback(gn):
    assert gn.DEFAULT_GROUPS == 32 and gn.BAD_CHANNELS % gn.DEFAULT_GROUPS != 0
    assert gn.bad_groups_error.startswith("ValueError")
    assert str(gn.BAD_CHANNELS) in gn.bad_groups_error and str(gn.DEFAULT_GROUPS) in gn.bad_groups_error
    assert gn.BAD_CHANNELS % gn.fallback_groups == 0 and gn.fallback_groups <= gn.DEFAULT_GROUPS
    assert all(gn.BAD_CHANNELS % g for g in range(gn.fallback_groups + 1, gn.DEFAULT_GROUPS + 1))  # the largest


def test_instance_norm_forgets_the_relative_size_of_channels(gn):
    assert gn.channel_scale_gap_in < 1e-4  # G = C: rescaling channels barely changes the output...
    assert gn.channel_scale_gap_in_eps0 < 1e-5 < gn.channel_scale_gap_in  # ... and what changes is eps
    assert gn.channel_scale_gap_gn > 0.5  # G < C keeps the ratios between channels
    assert gn.gn.num_groups < gn.gn.num_channels


# --- RMSNorm: formula, output RMS, mean ------------------------------------------------------------------

def test_rms_norm_matches_and_equals_layer_norm_only_on_centred_vectors(rms):
    assert rms.max_diff < 1e-5
    assert rms.rows[0][0] == "x - mean(x)" and rms.rows[0][4] < 1e-5
    assert rms.rows[1][0] == 0.0 and rms.rows[1][4] > 0.1  # sample mean not exactly 0: they differ
    assert rms.params_rms * 2 == rms.params_ln == 2 * rms.D  # no beta


def test_output_rms_is_sqrt_ms_over_ms_plus_eps_not_exactly_one(rms):
    assert rms.rms_formula_gap < 1e-6  # the formula holds to float32 rounding
    assert rms.rms_formula_gap < 1 - rms.rms_out_min  # ... and explains the output RMS better than "exactly 1"
    assert rms.rms_out_max < 1  # always below 1 ...
    assert 1e-7 < 1 - rms.rms_out_min < 1e-4  # ... by an amount of the order of eps / (2 ms)
    assert all(row[1] == pytest.approx(1.0, abs=1e-4) for row in rms.rows)  # the table's column, .6f


def test_rms_norm_keeps_the_mean_layer_norm_removes_it(rms):
    means = [row[2] for row in rms.rows]
    assert means == sorted(means)
    shift = rms.rows[3][0]
    assert shift == 3.0
    assert rms.rows[3][2] == pytest.approx(shift / math.sqrt(1 + shift**2), abs=0.01)  # mu / sqrt(sigma^2 + mu^2)
    assert all(row[3] < 1e-6 for row in rms.rows)


def test_the_comparison_table(rms):
    """The comparison table: its shifted row (norm_comparison's SHIFT), and the statistics' shapes with G."""
    comparison = load_snippet("normalization/norm_comparison.py")
    shift = comparison.SHIFT
    assert comparison.cnn["rms"]["output_mean_of_shifted"] == pytest.approx(shift / math.sqrt(1 + shift**2),
                                                                              abs=0.02)
    assert all(abs(comparison.cnn[k]["output_mean_of_shifted"]) < 1e-5 for k in ("bn", "ln", "gn"))
    n, c = comparison.CNN_SHAPE[:2]
    assert comparison.cnn["bn"]["stats_shape"] == (c,) and comparison.cnn["ln"]["stats_shape"] == (n,)
    assert comparison.cnn["gn"]["stats_shape"] == (n, comparison.GROUPS)
    assert comparison.cnn["rms"]["stats_shape"] == (n,)
    assert comparison.cnn["bn"]["batch_dependence"] > 1  # only BN's first sample changes with the others
    assert all(comparison.cnn[k]["batch_dependence"] == 0 for k in ("ln", "gn", "rms"))


def test_eps_matters_only_when_the_input_is_small(rms):
    assert rms.LLAMA_NORM_EPS != rms.eps
    assert rms.x_rms == pytest.approx(1.0, abs=0.05)
    assert rms.eps_gap[1.0] < 1e-4  # RMS ~1: the two eps hardly differ
    assert rms.eps_gap[rms.SMALL] > 0.1  # scaled down: they do


# --- RMSNorm: invariance -----------------------------------------------------------------------------------

def test_both_are_invariant_to_rescaling_up_to_eps(inv):
    for name in (f"a → {inv.SCALE:g}·a", f"W → {inv.SCALE:g}·W"):
        g = inv.gaps[name]
        assert g["rms"] < 1e-4 and g["ln"] < 1e-4  # almost unchanged with eps > 0
        assert g["rms_eps0"] < 1e-5 and g["ln_eps0"] < 1e-5  # float32 rounding with eps = 0
        assert g["rms_eps0"] < g["rms"]  # what remains with eps > 0 is due to eps


def test_only_layer_norm_is_invariant_to_recentering(inv):
    for name in (f"a → a + {inv.SHIFT:g}", "W → W + 1δᵀ"):
        g = inv.gaps[name]
        assert g["ln"] < 1e-5 and g["ln_eps0"] < 1e-5
        assert g["rms"] > 1 and g["rms_eps0"] > 1  # RMSNorm changes, with or without eps


def test_shifting_the_data_changes_both(inv):
    """x -> x + s adds W 1 to a: a different number to each entry, so neither norm is invariant."""
    g = inv.gaps[f"x → x + {inv.SHIFT:g}"]
    assert g["rms"] > 1 and g["ln"] > 1 and g["rms_eps0"] > 1 and g["ln_eps0"] > 1
    row_sums = inv.w.sum(dim=1)
    assert row_sums.std() > 0.5  # W 1 is far from a constant vector


def test_scale_invariance_breaks_when_the_mean_square_falls_below_eps(inv):
    g = inv.gaps[f"a → {inv.TINY:g}·a"]
    assert inv.tiny_mean_square < inv.EPS
    assert g["rms"] > 1 and g["ln"] > 1
    assert g["rms_eps0"] < 1e-5 and g["ln_eps0"] < 1e-5  # the break is eps alone
    assert inv.tiny_out_rms < 0.5 and inv.tiny_formula_gap < 1e-6


# --- RMSNorm: profiler -------------------------------------------------------------------------------------

def test_layer_norm_is_one_kernel_rms_norm_several_on_this_cpu(prof):
    ln, rms = prof.summary["ln"], prof.summary["rms"]
    assert ln["entry"] == "aten::layer_norm → aten::native_layer_norm"
    assert ln["kernels"] == 1 and ln["kernel_names"] == "native_layer_norm" and ln["full_reads"] == 1
    assert rms["entry"].startswith("aten::rms_norm")
    assert rms["kernels"] > ln["kernels"] and rms["full_reads"] > ln["full_reads"]  # "not fewer kernels"
    assert rms["entry"] == "aten::rms_norm → aten::_fused_rms_norm"  # the "fused" op named on the card
    assert rms["calls"] > ln["calls"]
    assert len(rms["kernel_names"].split(", ")) == rms["kernels"]
    # LayerNorm's kernel calls nothing but allocations and views
    native = next(e for e in prof.calls["ln"] if e.name == "aten::native_layer_norm")
    assert {c.name for c in native.cpu_children} <= {"aten::empty", "aten::view"}
