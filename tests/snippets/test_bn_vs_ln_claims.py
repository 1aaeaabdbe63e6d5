"""Each claim of the BatchNorm vs LayerNorm card, asserted on the snippets' computed values."""

from __future__ import annotations

import pytest
import torch
from conftest import snippet_fixture
from torch import nn

comparison = snippet_fixture("normalization/norm_comparison.py")


transformer = snippet_fixture("normalization/bnln_transformer.py")


channels = snippet_fixture("normalization/bnln_channels.py")


profiled = snippet_fixture("normalization/norm_profile.py")


# --- the comparison table: one token and one sample, in train() and in eval()

def test_one_token_fails_only_in_train_mode(comparison):
    assert comparison.seq["bn"]["one_token"] == "ValueError"  # train(): one value per channel
    assert comparison.seq["bn"]["one_token_eval"] == 0  # eval(): accepted, same as inside the batch
    for kind in ("ln", "gn", "rms"):
        assert comparison.seq[kind]["one_token"] == 0 and comparison.seq[kind]["one_token_eval"] == 0


def test_one_sample_alone_differs_only_in_train_mode(comparison):
    for rows in (comparison.cnn, comparison.seq):
        assert rows["bn"]["batch_of_one"] > 0.1
        assert all(row["batch_of_one_eval"] == 0 for row in rows.values())


def test_rms_norm_output_has_rms_one_and_keeps_the_shifted_mean(comparison):
    assert comparison.SHIFT == 3.0
    rms = comparison.seq["rms"]
    assert rms["output_rms_of_shifted"] == pytest.approx(1.0, abs=1e-3)
    assert rms["output_mean_of_shifted"] > 0.5
    # not removed, only scaled with the rest: x + 3 (x ~ N(0, 1)) has RMS sqrt(1 + 3^2)
    shift = comparison.SHIFT
    assert rms["output_mean_of_shifted"] == pytest.approx(shift / (1 + shift**2) ** 0.5, abs=0.01)


def test_only_batch_norm_depends_on_the_batch_and_on_the_mode_the_others_exactly_zero(comparison):
    for rows in (comparison.cnn, comparison.seq):
        assert rows["bn"]["batch_dependence"] > 0.1 and rows["bn"]["train_eval_gap"] > 0.01
        for kind in ("ln", "gn", "rms"):
            assert rows[kind]["batch_dependence"] == 0 and rows[kind]["train_eval_gap"] == 0


def test_layer_norm_over_chw_has_per_element_parameters_and_a_fixed_image_size(comparison):
    n, c, h, w = comparison.CNN_SHAPE
    assert comparison.cnn["ln"]["parameters"] == 2 * c * h * w
    assert comparison.cnn["bn"]["parameters"] == 2 * c
    with pytest.raises(RuntimeError):  # the same module on another image size
        nn.LayerNorm([c, h, w])(torch.randn(n, c, 2 * h, 2 * w))


# --- the pitfall "BatchNorm1d(D) directly on (B, T, D)"

def test_batch_norm_1d_on_b_t_d_takes_t_as_the_channels():
    b, t, d = 4, 6, 5
    with pytest.raises((ValueError, RuntimeError)):  # T != D: an error
        nn.BatchNorm1d(d)(torch.randn(b, t, d))
    x = torch.randn(b, d, d) * torch.arange(1.0, d + 1).view(1, 1, d)  # T = D: runs, wrong axis
    with torch.no_grad():
        y = nn.BatchNorm1d(d)(x)
    per_position = (x - x.mean(dim=(0, 2), keepdim=True)) / torch.sqrt(x.var(dim=(0, 2), unbiased=False, keepdim=True)
                                                                        + 1e-5)
    assert (y - per_position).abs().max() < 1e-5  # one pair of statistics per position t
    per_feature = (x - x.mean(dim=(0, 1))) / torch.sqrt(x.var(dim=(0, 1), unbiased=False) + 1e-5)
    assert (y - per_feature).abs().max() > 0.1  # not what a per-feature BatchNorm would give


# --- why Transformers avoid BatchNorm: the tiny causal model

def test_batch_norm_in_train_mode_leaks_from_the_future_and_from_other_sequences(transformer):
    bn = transformer.results["bn"]
    assert bn["future"] > 1e-3 and bn["other_sequence"] > 1e-2
    assert bn["other_sequence"] > bn["future"]  # a whole sequence moves the statistics more than one token
    for kind in ("ln", "rms", "bn_eval"):  # exactly zero, not "small"
        assert transformer.results[kind]["future"] == 0
        assert transformer.results[kind]["other_sequence"] == 0


def test_padding_changes_the_real_tokens_only_under_batch_norm_in_train_mode(transformer):
    assert transformer.T_PADDED > transformer.T
    assert transformer.results["bn"]["padding"] > 0.1
    for kind in ("ln", "rms", "bn_eval"):
        assert transformer.results[kind]["padding"] == 0


def test_train_and_eval_outputs_differ_for_batch_norm(transformer):
    gap = transformer.train_eval
    assert gap["max"] > 0.1 and gap["mean"] > 0.01
    assert 0.02 < gap["mean"] / gap["output_scale"] < 0.5  # a few percent to tens of percent of the output
    assert gap["output_scale"] > 0  # the reference the card quotes: eval() outputs of that batch


def test_varied_lengths_make_batch_statistics_noisier(transformer):
    fixed, varied, masked = (transformer.spreads[k] for k in ("fixed", "varied", "varied_masked"))
    b, t = transformer.B, transformer.T
    assert fixed["fewest_tokens"] == fixed["most_tokens"] == b * t
    assert varied["fewest_tokens"] < varied["most_tokens"] < b * t
    assert masked["fewest_tokens"] < masked["most_tokens"] < b * t
    # varied lengths also mean fewer real tokens: the measurement cannot separate the two
    assert varied["most_tokens"] < fixed["fewest_tokens"] and masked["most_tokens"] < fixed["fewest_tokens"]
    # the normalized value of the same token varies more from batch to batch, padding counted or not
    assert varied["sd_probe"] > 1.5 * fixed["sd_probe"] and masked["sd_probe"] > 1.2 * fixed["sd_probe"]
    assert varied["sd_var"] > fixed["sd_var"] and masked["sd_var"] > fixed["sd_var"]
    assert masked["sd_mean"] > fixed["sd_mean"]
    # counted padding (zero vectors) pulls every batch mean toward 0: that mean varies less
    assert varied["sd_mean"] < fixed["sd_mean"]


# --- channel differences (N, C, H, W) and folding BN into a convolution

def test_layer_norm_keeps_an_images_channel_differences_batch_norm_removes_the_channel_means(channels):
    c = channels.channels
    assert c["ln_ratio_error"] < 1e-4  # every difference m_a - m_b of an image scaled by one factor
    assert c["ln_order_kept"] == 1.0
    assert c["bn_channel_mean_max"] < 1e-6 and c["spread_bn"] < 1e-6
    assert c["bn_channel_std"] == pytest.approx(1.0, abs=1e-3)
    assert c["spread_input"] > 1 and c["spread_ln"] > 0.5  # LN: channels still apart
    assert 0.4 < c["bn_order_kept"] < 0.6  # about half: chance


def test_batch_norm_in_eval_folds_into_the_convolution(channels):
    assert channels.fold_max_diff < 1e-5


# --- what the profiler records on the CPU

def test_profiler_operators(profiled):
    names = {kind: s["kernel_names"].split(", ") for kind, s in profiled.summary.items()}
    assert names["ln"] == ["native_layer_norm"]  # one operator does all the work
    assert len(names["rms"]) >= 5 and {"pow", "rsqrt", "mul"} <= set(names["rms"])
    assert names["bn_eval"] == ["native_batch_norm"]
    assert names["bn_train"] == ["add_", "native_batch_norm"]  # num_batches_tracked += 1
    add = next(e for e in profiled.calls["bn_train"] if e.name == "aten::add_")
    assert add.input_shapes[0] == []  # a 0-dim tensor: the counter, not the activations
    assert profiled.modules["bn_train"][0].num_batches_tracked.dim() == 0
    assert all(s["calls"] >= s["kernels"] for s in profiled.summary.values())
