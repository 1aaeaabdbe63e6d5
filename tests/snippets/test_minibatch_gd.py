"""Each claim the mini-batch gradient descent card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import load_snippet, snippet_fixture
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

paths = snippet_fixture("training-basics/mbgd_paths.py")


noise = snippet_fixture("training-basics/mbgd_noise.py")


loader = snippet_fixture("training-basics/mbgd_loader.py")


sizes = snippet_fixture("training-basics/mbgd_dataset_size.py")


lr = snippet_fixture("training-basics/mbgd_lr.py")


# --- the common problem --------------------------------------------------------------------------

def test_the_quadratic_shortcut_is_the_loss_and_the_optimum_has_zero_gradient(paths):
    rng = np.random.default_rng(5)
    thetas = rng.normal(size=(7, 2)) * 3
    direct = paths.loss(thetas, paths.X, paths.y)
    assert np.allclose(paths.excess(thetas) + paths.loss_star, direct, rtol=1e-10)
    gradient = 2 * paths.X.T @ (paths.X @ paths.theta_star - paths.y) / len(paths.y)
    assert np.abs(gradient).max() < 1e-10


def test_the_trainer_makes_ceil_n_over_b_updates_per_epoch_and_b_n_is_gd(paths):
    n, e = paths.N, paths.EPOCHS
    assert paths.updates_per_epoch == {"GD": 1, f"MBGD (B={paths.BATCH})": math.ceil(n / paths.BATCH), "SGD": n}
    for name, run in paths.runs.items():
        assert len(run.batch_loss) == e * paths.updates_per_epoch[name]
        assert run.path.shape == (len(run.batch_loss) + 1, 1, 2)
        assert run.epoch_loss.shape == (e + 1, 1)
    gd = paths.runs["GD"]
    # GD's "batch" is the whole set: the loss of its batch is the full loss before the update
    assert np.allclose(gd.batch_loss[:, 0], gd.epoch_loss[:-1, 0])


# --- (a) GD, MBGD, SGD from the same start ------------------------------------------------------

def test_per_epoch_gd_descends_smoothly_but_slowest(paths):
    e = paths.epoch_excess
    mb, sgd, gd = e[f"MBGD (B={paths.BATCH})"], e["SGD"], e["GD"]
    assert paths.rises["GD"] == 0 and np.all(np.diff(gd) < 0)        # GD: every epoch lower
    assert paths.rises[f"MBGD (B={paths.BATCH})"] > 0 and paths.rises["SGD"] > 0  # the others go up at times
    assert mb[1] < 0.01 * gd[1] and sgd[1] < 0.01 * gd[1]            # after one epoch, far ahead of GD
    assert gd[-1] > mb[-1]                                           # after all epochs GD is still behind MBGD
    assert sgd[-paths.TAIL_EPOCHS:].max() > gd[-1] > sgd[-paths.TAIL_EPOCHS:].min()  # SGD's floor straddles GD
    assert paths.gd_long.epoch_loss[-1, 0] - paths.loss_star < 1e-8   # GD, run longer, gets to the minimum


def test_per_update_the_batch_loss_is_noisy_and_sgd_hovers_at_a_distance(paths):
    mb, sgd = paths.runs[f"MBGD (B={paths.BATCH})"], paths.runs["SGD"]
    assert paths.batch_spread(sgd) > 3 * paths.batch_spread(mb) > 0
    assert paths.tail_distance(sgd) > 5 * paths.tail_distance(mb)
    # constant lr: SGD does not settle; a 4x smaller lr brings it about 2x closer (spread ~ sqrt(lr))
    ratio = paths.tail_distance(sgd) / paths.tail_distance(paths.sgd_small_lr)
    assert 1.5 < ratio < 3.0


def test_gd_path_is_smooth_but_not_a_straight_line(paths):
    assert paths.path_ratio > 1.03                # longer than the straight segment
    assert paths.first_step_angle > 5             # first step not aimed at the minimum (degrees)
    assert paths.eigenvalues[-1] / paths.eigenvalues[0] > 3  # elongated contours


def test_the_loss_a_loop_prints_for_an_epoch_is_not_the_loss_at_its_end(paths):
    mb, gd = paths.runs[f"MBGD (B={paths.BATCH})"], paths.runs["GD"]
    assert paths.reported_epoch_loss(mb)[0] > 3 * mb.epoch_loss[1, 0]
    assert paths.reported_epoch_loss(gd)[0] > gd.epoch_loss[1, 0]


# --- (b) the noise of a mini-batch: 1/sqrt(B) and the finite-population factor ------------------

def test_spread_follows_one_over_sqrt_b_with_the_finite_population_factor(noise):
    for row in noise.rows[:-1]:
        size, score, g0, gstar, plain, predicted, ratio = row
        for measured in (score, g0, gstar):
            assert measured / predicted == pytest.approx(1.0, abs=0.05)
    size, score, g0, gstar, plain, predicted, _ = noise.rows[-1]
    assert size == noise.N and predicted == 0
    assert max(score, g0, gstar) < 1e-12 < plain   # B = N: exactly the full-batch value
    row128 = noise.rows[noise.BATCH_SIZES.index(128)]
    assert abs(row128[2] - row128[5]) < abs(row128[2] - row128[4])  # the factor matters at B = 128 of N = 1000


def test_at_the_minimum_the_full_gradient_is_zero_but_a_batch_gradient_is_not(noise):
    assert np.linalg.norm(noise.full_gradient_min) < 1e-10
    per_sample = noise.populations["grad_min"]
    assert np.sqrt(np.mean(np.sum(per_sample**2, axis=1))) > 1.0


def test_the_seeds_exam_numbers_shrink_less_than_sqrt_32(noise):
    assert noise.SEED_B1_GAP / noise.SEED_B32_GAP < math.sqrt(32)
    assert noise.SEED_B1_GAP / math.sqrt(32) < noise.SEED_B32_GAP


# --- (c) DataLoader counts, the Keras-like loop, loader pitfalls ---------------------------------

def test_len_loader_is_ceil_or_floor_and_counts_every_update(loader):
    for n, batch, drop_last, length, batches, last, seen, updates in loader.rows:
        expected = n // batch if drop_last == "True" else math.ceil(n / batch)
        assert length == batches == expected
        assert updates == loader.EPOCHS * length
        assert seen == (n if drop_last == "False" else batch * (n // batch))
        assert last == (n - batch * (n // batch) or batch if drop_last == "False" else batch)
    by_case = {(r[0], r[1], r[2]): r for r in loader.rows}
    assert by_case[(1025, 32, "False")][5] == 1 and by_case[(1025, 32, "False")][3] == 33
    assert by_case[(60000, 32, "False")][3] == 1875 and by_case[(60000, 32, "False")][7] == 18750


def test_the_keras_like_loop_makes_epochs_times_len_loader_updates(loader):
    assert loader.steps == loader.EPOCHS * len(loader.loader) == 320
    assert [h[1] for h in loader.history] == [32 * (i + 1) for i in range(loader.EPOCHS)]
    assert abs(loader.model.weight.item() - loader.theta_star[0]) < 0.1
    assert abs(loader.model.bias.item() - loader.theta_star[1]) < 0.1
    assert loader.history[0][2] > 3 * loader.history[0][3]   # printed epoch-1 loss vs loss at its end


def test_dataloader_defaults_and_the_last_batch_of_one(loader):
    assert loader.default_batch_size == 1 and loader.default_drop_last is False
    assert loader.default_sampler == "SequentialSampler"
    assert loader.last_batch_error == "ValueError" and loader.last_batch_size == 1
    net = nn.Sequential(nn.Linear(1, 4), nn.BatchNorm1d(4)).train()
    with pytest.raises(ValueError):
        net(torch.randn(1, 1))
    assert len(DataLoader(TensorDataset(torch.zeros(1025)), batch_size=32, drop_last=True)) == 32


def test_sorted_data_without_shuffling_collapses_toward_the_last_class(loader):
    assert loader.sorted_accuracy[True] > loader.sorted_accuracy[False] + 30
    assert loader.predicted_last_class > 40
    assert loader.last_batch_labels[False] == [9]   # the last batch of an epoch holds only nines


# --- (d) dataset size: GD against MBGD ----------------------------------------------------------

def test_mbgd_wins_at_equal_epochs_gd_is_slightly_ahead_at_equal_updates(sizes):
    for n, r in sizes.results.items():
        assert r["updates"] == sizes.EPOCHS * math.ceil(n / sizes.BATCH)
        assert r["mbgd"] < r["gd_epochs"]                 # same number of epochs
        assert r["gd_updates"] <= r["mbgd"]               # same number of updates
    for key in ("mbgd", "gd_updates"):
        losses = [r[key] for r in sizes.results.values()]
        assert losses == sorted(losses, reverse=True)      # more data, lower test loss
    # after E updates GD has only gone from the initial test loss to about the same value at every N
    after_e = [r["gd_epochs"] for r in sizes.results.values()]
    initial = sizes.results[sizes.SIZES[0]]["gd_curve"][0]
    assert max(after_e) / min(after_e) < 1.05 and max(after_e) < initial / 4


# --- (d) timing snippet: structure only --------------------------------------------------------

def test_timing_batch_sizes_surround_each_power_of_two_and_none_divides_n():
    timing = load_snippet("training-basics/mbgd_timing.py")
    for p in timing.POWERS:
        assert {p - 1, p, p + 1} <= set(timing.BATCH_SIZES)
        assert all(timing.N % b for b in (p - 1, p, p + 1))   # every one has a partial last batch
    assert timing.steps_per_epoch[32] == math.ceil(timing.N / 32)
    assert timing.epoch(50, samples=200) == 4


# --- (e) learning rate and batch size -----------------------------------------------------------

def test_gd_is_stable_exactly_below_two_over_lambda_max(lr):
    assert lr.lr_max == pytest.approx(2 / np.linalg.eigvalsh(lr.H)[-1])
    assert lr.gd_check[0.99] < 1e-10
    assert lr.gd_check[1.01] > 1e6 * lr.initial_excess
    full = lr.sweep[lr.N]
    assert full["stable"] < 1 < full["divergent"]
    assert full["predicted"] == pytest.approx(1.0, abs=1e-9)


def test_smaller_batches_diverge_at_smaller_learning_rates_as_the_mean_square_limit_says(lr):
    step = 2 ** (1 / 8)
    divergent = [lr.sweep[b]["divergent"] for b in lr.BATCH_SIZES]
    predicted = [lr.sweep[b]["predicted"] for b in lr.BATCH_SIZES]
    assert divergent == sorted(divergent) and predicted == sorted(predicted)
    assert lr.sweep[1]["divergent"] < 0.7
    for b in lr.BATCH_SIZES[1:]:
        s = lr.sweep[b]
        assert s["stable"] / step <= s["predicted"] <= s["divergent"] * step
    assert lr.sweep[1]["predicted"] <= lr.sweep[1]["stable"]   # B = 1: the one run outlived the mean-square limit
    for s in lr.sweep.values():
        assert s["all_above_diverge"]
    assert lr.sweep[1]["overflow"].any()   # divergence is kept and shown (inf / nan), not dropped
    assert lr.sweep[32]["overflow"].any()
    assert not lr.sweep[128]["overflow"].any() and not lr.sweep[lr.N]["overflow"].any()  # rising, still finite
    assert lr.sweep[128]["diverged"].any() and lr.sweep[lr.N]["diverged"].any()


def test_the_best_learning_rate_grows_with_the_batch_size(lr):
    best = [lr.sweep[b]["best"] for b in lr.BATCH_SIZES]
    assert best == sorted(best) and len(set(best)) == len(best)
    assert 50 < lr.sweep[128]["best"] / lr.sweep[1]["best"] < 200
    assert lr.sweep[lr.N]["best"] < 1   # GD's best lies below its limit
    # GD's best lr makes B = 1 diverge; B = 1's best lr leaves GD almost where it started
    assert lr.sweep[lr.N]["best"] > lr.sweep[1]["divergent"]
    assert lr.gd_at_best_1 > 0.9
    assert lr.GRID[0] < lr.sweep[1]["best"]   # not at the edge of the grid
    # with the same number of epochs, the best lr times the number of updates is nearly the same for every B
    products = [s["best"] * s["updates"] for s in lr.sweep.values()]
    assert max(products) / min(products) < 1.3


def test_gd_path_is_straight_only_when_it_starts_on_an_axis_of_the_ellipse(paths):
    _, vectors = np.linalg.eigh(paths.H)
    for k in range(2):
        start = paths.theta_star + 3.0 * vectors[:, k]
        run = paths.train(paths.X, paths.y, paths.N, paths.LR, 5, theta0=start)
        steps = np.diff(run.path[:, 0], axis=0)
        cross = steps[:, 0] * vectors[1, k] - steps[:, 1] * vectors[0, k]
        assert np.abs(cross).max() < 1e-9 * np.abs(steps).max()   # every step along the same axis


def test_drop_last_with_shuffling_drops_different_samples_each_epoch():
    torch.manual_seed(0)
    loader = DataLoader(TensorDataset(torch.arange(1025)), batch_size=32, shuffle=True, drop_last=True)
    dropped = []
    for _ in range(3):
        seen = torch.cat([b[0] for b in loader])
        assert len(seen) == 1024
        dropped.append(set(range(1025)) - set(seen.tolist()))
    assert len({frozenset(d) for d in dropped}) > 1


def test_the_mean_square_limit_is_the_spectral_radius_of_the_average_update(lr):
    # B = 1: E[A (x) A] averaged directly over the N samples gives the radius the snippet computes
    for factor in (0.3, lr.sweep[1]["predicted"], 0.8):
        step = factor * lr.lr_max
        A = np.eye(2)[None] - step * lr.S
        direct = np.einsum("nij,nkl->ikjl", A, A).reshape(4, 4) / lr.N
        assert np.max(np.abs(np.linalg.eigvals(direct))) == pytest.approx(lr.mean_square_radius(step, 1), rel=1e-9)
    assert lr.mean_square_radius(lr.sweep[1]["predicted"] * lr.lr_max, 1) == pytest.approx(1.0, abs=1e-6)


def test_b1_outlives_the_mean_square_limit_but_not_the_typical_growth_limit(lr):
    step = 2 ** (1 / 8)
    for s in lr.sweep.values():
        assert s["typical"] >= s["predicted"]                  # Jensen: the typical limit is never below it
        assert s["typical_below"] * step == pytest.approx(s["typical"])
    s = lr.sweep[1]
    below = lr.GRID < s["typical"]
    assert (s["growth"][below] < 0).all() and (s["growth"][~below] > 0).all()   # one sign change on the grid
    assert s["predicted"] < s["stable"] < s["divergent"] < s["typical"]
    overflow_from = lr.GRID[np.argmax(s["overflow"])]
    assert overflow_from >= s["typical"]                        # inf / nan only where a typical run grows
    assert np.isfinite(s["final"][below]).all()
    # between the two limits the loss of the noisy run is not a steady rise: it peaks and falls back,
    # and its level (median over the epochs) grows with the learning rate
    band = np.where((lr.GRID >= s["stable"]) & (lr.GRID <= s["typical_below"]))[0]
    assert len(band) >= 3
    assert np.all(np.diff(s["median"][band]) > 0)
    for i in band:
        losses = s["epoch_loss"][1:, i] - lr.loss_star
        assert np.max(losses[:-1] / np.minimum.accumulate(losses[::-1])[::-1][1:]) > 10   # a later epoch far lower


def test_the_batch_loss_fluctuates_far_more_than_the_whole_set_loss(paths):
    for name in (f"MBGD (B={paths.BATCH})", "SGD"):
        run = paths.runs[name]
        assert paths.batch_spread(run) > 5 * paths.whole_spread(run)
    gd = paths.runs["GD"]
    assert paths.batch_spread(gd) == pytest.approx(paths.whole_spread(gd))   # GD's batch is the whole set


def test_at_equal_updates_mbgd_is_close_to_gd_only_at_the_largest_n(sizes):
    big = sizes.results[sizes.SIZES[-1]]
    assert big["gd_updates"] <= big["mbgd"] < 1.1 * big["gd_updates"]


def test_the_seeds_exam_numbers_are_the_ones_quoted(noise):
    assert noise.SCORE_MEAN == noise.SEED_SCHOOL_MEAN
    assert noise.SEED_B1_GAP == noise.SEED_SCHOOL_MEAN - noise.SEED_B1_LOW
    assert noise.SEED_B32_GAP == noise.SEED_SCHOOL_MEAN - noise.SEED_B32_MEAN
    assert noise.SEED_B1_LOW < noise.SEED_B32_MEAN < noise.SEED_SCHOOL_MEAN < noise.SEED_ALL_MEAN < noise.SEED_B1_HIGH
