"""Each claim the Bias and variance card makes, asserted on the snippets' computed values."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import snippet_fixture
from numpy.polynomial import legendre


def _snippet(name: str):
    return snippet_fixture(f"training-basics/{name}", warnings_are_errors=True)  # no ConvergenceWarning


common = _snippet("bv_common.py")
dec = _snippet("bv_decomposition.py")
fits = _snippet("bv_fits.py")
diag = _snippet("bv_diagnosis.py")
rem = _snippet("bv_remedies.py")
dd = _snippet("bv_double_descent.py")


# ---- the setting the card describes ----

def test_the_true_function_and_the_training_sets_are_as_written(common):
    x = np.linspace(-1, 1, 101)
    assert np.allclose(common.f(x), np.sin(3 * x) + 0.5 * np.cos(5 * x))  # f(x) = sin 3x + 1/2 cos 5x
    xs, ys = common.training_sets(50, 30, seed=3)
    bins = np.floor((xs + 1) * 30 / 2).astype(int)
    assert np.array_equal(bins, np.broadcast_to(np.arange(30), xs.shape))  # one point in each sub-interval
    assert 0.25 < np.std(ys - common.f(xs)) < 0.35  # noise sigma = 0.3


def test_the_batched_fit_is_least_squares_and_ridge_leaves_the_constant_free(common):
    xs, ys = common.training_sets(4, 30, seed=1)
    w = common.fit(xs, ys, 12)
    for s in range(4):
        ref = np.linalg.lstsq(legendre.legvander(xs[s], 12), ys[s], rcond=None)[0]
        assert np.allclose(w[s], ref, atol=1e-10)
    lam = 0.3
    w = common.fit(xs, ys, 12, lam=lam)
    v = legendre.legvander(xs[0], 12)
    penalty = lam * np.diag([0.0] + [1.0] * 12)
    assert np.allclose(w[0], np.linalg.solve(v.T @ v + penalty, v.T @ ys[0]), atol=1e-9)


def test_ridge_is_what_gradient_descent_with_weight_decay_converges_to(common):
    xs, ys = common.training_sets(1, 30, seed=2)
    v, y, lam = legendre.legvander(xs[0], 5), ys[0], 0.5
    decay = np.array([0.0] + [1.0] * 5)
    w = np.zeros(6)
    step = 1 / np.linalg.eigvalsh(v.T @ v + lam * np.diag(decay)).max()
    for _ in range(20_000):
        w -= step * (v.T @ (v @ w - y) + lam * decay * w)  # the gradient step plus the weight-decay term
    assert np.allclose(w, common.fit(xs, ys, 5, lam=lam)[0], atol=1e-6)


# ---- the decomposition, measured ----

def test_the_decomposition_adds_up_and_agrees_with_a_monte_carlo_test_error(dec):
    assert dec.sum_gap < 1e-10  # bias^2 + variance + noise = expected error, relative, every point and degree
    assert max(dec.mc_z) < 3 and dec.VALUES["mc_max_z"] == max(dec.mc_z)  # fresh noisy labels agree with R
    assert max(dec.mc_rel) < 0.05
    # the standard error is that of the fresh labels alone: far below the spread of the error across sets
    assert dec.mc[dec.DEGREES[-1]][1] < 0.1 * dec.parts[dec.DEGREES[-1]]["risk"].mean()


def test_the_syntax_block_adds_up(common):
    rng = np.random.default_rng(0)
    pred, truth, sigma = rng.standard_normal((7, 5)), rng.standard_normal(5), 0.3
    mean = pred.mean(axis=0)
    variance = pred.var(axis=0, ddof=1)
    bias2 = (mean - truth) ** 2 - variance / len(pred)
    risk = ((pred - truth) ** 2).mean(axis=0) + sigma**2
    assert np.allclose(risk, bias2 + variance + sigma**2)
    d = common.decompose(pred, truth, sigma)
    assert np.allclose(d["bias2"], bias2) and np.allclose(d["variance"], variance) and np.allclose(d["risk"], risk)


def test_training_error_falls_and_variance_rises_at_every_degree(dec):
    assert np.all(np.diff(dec.train_error) < 0)
    assert np.all(np.diff(dec.variance) > 0)
    assert dec.VALUES["variance_growth"] == pytest.approx(dec.variance[-1] / dec.variance[0])
    assert dec.train_error[-1] < dec.SIGMA**2  # the degree-15 training error is below the noise


def test_bias_falls_then_is_zero_within_two_standard_errors(dec):
    k = list(dec.DEGREES).index(dec.zero_from)
    assert np.all(np.diff(dec.bias2[:k + 1]) < 0)  # falls up to that degree
    assert np.all(np.abs(dec.bias2[k:]) <= 2 * dec.bias2_se[k:])  # then zero within 2 SE
    assert dec.bias2[k - 1] > 2 * dec.bias2_se[k - 1]  # and not before
    assert dec.VALUES["bias2_max_after"] == pytest.approx(np.abs(dec.bias2[k:]).max())


def test_the_expected_error_is_u_shaped_bias_on_the_left_variance_on_the_right(dec):
    best = dec.best
    assert 0 < best < len(dec.risk) - 1
    assert dec.risk[0] > dec.risk[best] < dec.risk[-1]
    assert dec.bias2[0] > 0.5 * (dec.risk[0] - dec.SIGMA**2)  # "mostly bias" at d = 1
    assert dec.variance[-1] > 0.5 * dec.risk[-1]  # "mostly variance" at d = 15
    assert dec.variance[0] < dec.bias2[0] and dec.variance[-1] > 100 * abs(dec.bias2[-1])


def test_the_seeds_spread_around_the_truth_is_bias2_plus_variance(dec):
    assert dec.around_gap < 1e-10
    first = dec.parts[1]
    assert first["around_truth"].mean() > 10 * first["variance"].mean()  # the line would be called high-variance
    assert dec.VALUES["around_first"] > 10 * dec.VALUES["around_best"]  # ... far more than the best degree
    assert dec.VALUES["around_best"] == pytest.approx(dec.parts[dec.best_degree]["around_truth"].mean())
    assert dec.VALUES["around_ratio_first"] == pytest.approx(first["around_truth"].mean() / first["variance"].mean())


def test_the_raw_bias_estimate_carries_variance_over_the_number_of_sets(dec):
    assert dec.VALUES["naive_excess"] == pytest.approx(dec.variance[-1] / dec.N_SETS, rel=1e-9)
    assert dec.VALUES["naive_bias2_last"] > 5 * dec.VALUES["naive_bias2_best"]  # it seems to rise with degree
    assert dec.VALUES["naive_excess"] > dec.VALUES["bias2_max_after"]


def test_iid_x_makes_the_degree_15_variance_huge_and_driven_by_a_few_sets(dec):
    v = dec.VALUES
    assert v["iid_variance"] > 1e4 * dec.variance[-1]
    assert v["iid_mean_error"] > 100 * v["iid_median_error"]
    assert v["iid_top_share"] > 50
    assert v["iid_median_error"] > 100 * v["grid_median_error"]
    # repeated on other groups of sets: i.i.d. x moves the variance by orders of magnitude, one x per interval not
    assert v["iid_variance_max"] > 100 * v["iid_variance_min"] and v["iid_variance_min"] > 1e4 * v["grid_variance_max"]
    assert v["grid_variance_max"] < 2 * v["grid_variance_min"]


# ---- classification: three fits and the diagnosis table ----

def test_the_bayes_error_is_a_floor_for_every_model(fits):
    assert 0.07 < fits.bayes < 0.10 and fits.bayes_se < 0.005
    assert np.all(fits.mean_errors[:, 1] > fits.bayes - 2 * fits.bayes_se)


def test_underfit_good_fit_and_overfit(fits):
    e = fits.mean_errors
    assert np.all(np.diff(e[:, 0]) < 0)  # training error falls with the degree
    low, best, high = e[0], e[fits.DEGREES.index(fits.best_degree)], e[-1]
    assert fits.best_degree == fits.DEGREES[int(np.argmin(e[:, 1]))] and fits.best_degree not in (1, 15)
    assert abs(low[1] - low[0]) < 0.03 and low[0] > fits.bayes + 0.03  # d = 1: close, both well above Bayes
    assert high[0] < fits.bayes and high[1] > best[1] + 0.03  # d = 15: below Bayes on training, worse on val
    assert fits.VALUES["val_high_worse"] >= 0.75 * fits.DRAWS
    assert fits.SHOWN == (1, fits.best_degree, 15)
    assert fits.VALUES["panel_wrong_high"] <= 2  # "almost all" training points right in the figure's draw


def test_each_diagnosis_row_is_what_its_label_says(diag, fits):
    expected = {"bias": (True, False), "variance": (False, True), "both": (True, True), "good": (False, False)}
    for name, (high_bias, high_variance) in expected.items():
        r = diag.results[name]
        assert (r["high_bias"], r["high_variance"]) == (high_bias, high_variance), name
    assert diag.results["variance"]["train"] < diag.bayes  # "too good" a training error
    # the high-variance row is the right panel's model, on the same draws
    assert diag.results["variance"]["train"] == pytest.approx(fits.mean_errors[-1, 0], abs=1e-12)
    assert diag.results["variance"]["val"] == pytest.approx(fits.mean_errors[-1, 1], abs=1e-12)
    assert diag.bayes == fits.bayes


# ---- what lowers bias, what lowers variance ----

def test_more_data_does_not_fix_bias_but_fixes_variance(rem, dec):
    d1_train, d1_test = rem.curves[1]
    d15_train, d15_test = rem.curves[15]
    assert d1_test[0] - d1_test[-1] < 0.02  # the line hardly improves
    assert abs(d1_test[-1] - rem.floor_1) < 0.002 and abs(d1_train[-1] - rem.floor_1) < 0.01  # meet at the floor
    assert np.all(np.diff(d15_test) < 0) and np.all(np.diff(d15_train) > 0)
    assert abs(d15_test[-1] - rem.SIGMA**2) < 0.005 and abs(d15_train[-1] - rem.SIGMA**2) < 0.005
    assert rem.VALUES["d15_test_ratio"] > 100
    assert d15_test[-1] < d1_test[-1]  # with enough data the big model wins
    assert rem.CURVE_DEGREES == (dec.DEGREES[0], dec.DEGREES[-1])
    assert rem.VALUES["n_ratio"] == rem.SIZES[-1] / rem.SIZES[0]
    # what the extra data removes is variance: the line's bias^2 stays, the degree-15 variance falls
    line, poly = rem.curve_parts[1], rem.curve_parts[15]
    assert np.ptp(line[:, 0]) < 0.001 and np.all(line[:, 1] < 0.01)
    assert np.all(np.diff(line[:, 1]) < 0) and np.all(np.diff(poly[:, 1]) < 0)
    assert poly[0, 1] - poly[-1, 1] > 0.95 * (d15_test[0] - d15_test[-1])
    assert rem.VALUES["d1_var_first"] == line[0, 1] and rem.VALUES["d15_var_last"] == poly[-1, 1]


def test_the_floor_is_the_best_lines_bias_plus_noise(rem, common):
    x = np.linspace(-1, 1, 200_001)
    line = np.polyval(np.polyfit(x, common.f(x), 1), common.X_TEST)  # L2 projection on a dense grid
    assert rem.floor_1 == pytest.approx(np.mean((line - common.f(common.X_TEST)) ** 2) + common.SIGMA**2, abs=1e-6)


def test_ridge_trades_a_little_bias_for_much_less_variance(rem, dec):
    lam, bias2, variance, risk = rem.ridge[:, 0], rem.ridge[:, 2], rem.ridge[:, 3], rem.ridge[:, 4]
    assert np.all(np.diff(variance) < 0)  # every step up in lambda lowers the variance
    k = int(np.searchsorted(lam, rem.lam_zero_upto))
    assert np.all(np.abs(bias2[:k + 1]) <= 2 * rem.ridge_bias2_se[:k + 1])  # zero within 2 SE up to there
    assert np.all(np.diff(bias2[k + 1:]) > 0) and bias2[k + 1] > 2 * rem.ridge_bias2_se[k + 1]  # then rises
    assert bias2[-1] > 100 * abs(bias2[0])
    best = rem.best
    assert risk[best] < risk[0] and 0 < best < len(lam) - 1
    assert bias2[best] - bias2[0] < 0.05 * (variance[0] - variance[best])
    assert rem.RIDGE_DEGREE == dec.DEGREES[-1] and rem.RIDGE_POINTS == dec.N_POINTS and rem.RIDGE_SETS == dec.N_SETS
    assert risk[0] == pytest.approx(dec.risk[-1], rel=1e-3)  # the same sets as the degree sweep
    assert rem.best_plain_degree == dec.best_degree
    assert rem.VALUES["best_plain_risk"] == pytest.approx(dec.risk[dec.best])
    assert rem.VALUES["best_plain_risk"] < risk[best]  # choosing the degree beat regularizing degree 15, here
    assert [row[0] for row in rem.TABLES["ridge"]["rows"]] == pytest.approx(10.0 ** np.arange(-6, 3))


def test_a_bigger_model_lowers_bias_a_smaller_one_lowers_variance(dec):
    assert dec.bias2[dec.best] < 0.01 * dec.bias2[0] and dec.variance[dec.best] < 5 * dec.variance[0]
    assert dec.variance[dec.best] < 0.05 * dec.variance[-1]


# ---- double descent ----

def test_the_test_error_peaks_at_p_equals_n_and_falls_again(dd):
    v = dd.VALUES
    assert v["p_max"] == 10 * dd.N
    assert dd.peak_p == dd.N and v["local_peak"] == 100
    assert v["second_descent"] == 100 and v["mean_at_10n"] < v["mean_at_n"] and v["median_at_10n"] < v["median_at_n"]
    assert v["beats_classical"] == 0 and v["mean_at_10n"] > v["classical_mean"]  # not below the classical best here
    assert v["mean_at_n"] > 10 * v["median_at_n"]  # a few seeds pull the mean up
    assert dd.PS[dd.classical] == v["classical_p"] < dd.N
    after = dd.ps > dd.N
    assert np.all(np.diff(dd.mean[after]) < 0) and np.all(np.diff(dd.median[after]) < 0)  # falls at every p > n


def test_the_peak_is_variance_from_a_few_ill_conditioned_seeds(dd):
    v = dd.VALUES
    assert v["var_at_n"] > 0.99 * (v["mean_at_n"] - v["noise"])  # the peak of the mean is variance
    r = dd.smooth[:, dd.j_n]
    assert np.sort(r)[-3:].sum() > 0.9 * r.sum()  # a few seeds make the mean
    cond = []
    for seed in range(dd.SEEDS):
        x, _ = dd.training_sets(1, dd.N, seed=1000 + seed)
        cond.append(np.linalg.cond(dd.fourier(x[0], dd.N, 1)))
    assert set(np.argsort(r)[-2:]) == set(np.argsort(cond)[-2:])  # the worst seeds: the worst-conditioned matrices


def test_at_10n_the_scaling_changes_the_bias_not_the_variance(dd):
    v = dd.VALUES
    assert v["var_at_10n"] > 10 * abs(v["bias2_at_10n"])  # a = 1: what is left above the noise is variance
    assert v["flat_bias2_at_10n"] > 5 * v["flat_var_at_10n"]  # a = 0: mostly bias
    assert 0.8 < v["flat_var_at_10n"] / v["var_at_10n"] < 1.25  # about the same variance


def test_without_the_1_over_k_scaling_the_second_descent_does_not_last(dd):
    v = dd.VALUES
    under = dd.ps <= dd.N
    assert np.allclose(dd.smooth[:, under], dd.flat[:, under])  # below the threshold the scaling changes nothing
    assert v["flat_best_over"] < v["median_at_n"]  # it falls just after the peak
    assert v["flat_median_at_10n"] > v["flat_best_over"]  # then rises again
    flat_median = np.median(dd.flat, axis=0)
    k = int(np.argmin(np.where(dd.ps > dd.N, flat_median, np.inf)))
    assert flat_median[k] == v["flat_best_over"] and np.all(np.diff(flat_median[k:]) > 0)  # at every p after
    assert v["flat_median_at_10n"] > 3 * v["median_at_10n"]


def test_with_1_over_k_the_weight_norm_is_the_mean_squared_slope(dd):
    x = np.linspace(-1, 1, 200_001)
    w = np.random.default_rng(0).standard_normal(21)
    g = dd.fourier(x, 21, 1) @ w
    slope2 = np.trapezoid(np.gradient(g, x) ** 2, x)
    assert slope2 / np.pi**2 == pytest.approx(np.sum(w[1:] ** 2), rel=1e-6)  # sum_k k^2 c_k^2 = int g'^2 / pi^2


def test_lstsq_returns_the_minimum_norm_solution_past_the_threshold(dd):
    x, y = dd.training_sets(1, dd.N, seed=1000)
    phi = dd.fourier(x[0], 3 * dd.N, 1)
    w = np.linalg.lstsq(phi, y[0], rcond=None)[0]
    assert np.allclose(phi @ w, y[0], atol=1e-8)  # an exact fit
    assert np.allclose(w, np.linalg.pinv(phi) @ y[0], atol=1e-8)  # the minimum-norm one
