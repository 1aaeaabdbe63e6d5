"""Each claim of the BatchNorm vs LayerNorm card, asserted on the snippets' computed values."""

from __future__ import annotations

import pytest
from conftest import load_snippet


@pytest.fixture(scope="module")
def comparison():
    return load_snippet("normalization/norm_comparison.py")


@pytest.fixture(scope="module")
def transformer():
    return load_snippet("normalization/bnln_transformer.py")


@pytest.fixture(scope="module")
def channels():
    return load_snippet("normalization/bnln_channels.py")


@pytest.fixture(scope="module")
def profiled():
    return load_snippet("normalization/norm_profile.py")


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


def test_varied_lengths_make_batch_statistics_noisier(transformer):
    fixed, varied, masked = (transformer.spreads[k] for k in ("fixed", "varied", "varied_masked"))
    b, t = transformer.B, transformer.T
    assert fixed["fewest_tokens"] == fixed["most_tokens"] == b * t
    assert varied["fewest_tokens"] < varied["most_tokens"] < b * t
    assert masked["fewest_tokens"] < masked["most_tokens"] < b * t
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
    assert 0.35 < c["bn_order_kept"] < 0.65  # about half: chance


def test_batch_norm_in_eval_folds_into_the_convolution(channels):
    assert channels.fold_max_diff < 1e-5


# --- what the profiler records on the CPU

def test_profiler_operators(profiled):
    names = {kind: s["kernel_names"].split(", ") for kind, s in profiled.summary.items()}
    assert names["ln"] == ["native_layer_norm"]  # one operator does all the work
    assert len(names["rms"]) >= 5 and {"pow", "rsqrt", "mul"} <= set(names["rms"])
    assert names["bn_eval"] == ["native_batch_norm"]
    assert names["bn_train"] == ["add_", "native_batch_norm"]  # num_batches_tracked += 1
    assert all(s["calls"] >= s["kernels"] for s in profiled.summary.values())
