"""Past the interpolation threshold: minimum-norm least
squares with p = 1 .. 10 n features (n = 30 points).

Features on [-1, 1]: 1, cos(pi k x) / k^a, sin(pi k x) / k^a for k = 1, 2, ...
(the first p of them). For p > n there are infinitely many exact fits;
np.linalg.lstsq returns the one with the smallest norm of the weights, which,
with a = 1, is the fit with the smallest sum of k^2 * (coefficient)^2: the
smoothest. With a = 0, the same minimum-norm rule treats every frequency alike.
Same f, noise and kind of training set as bv_decomposition.py; one training set
per seed, averaged over 40 seeds. At p = n and p = 10 n the mean error over the
seeds is also split into bias^2 and variance, as in bv_decomposition.py.
"""

import matplotlib.pyplot as plt
import numpy as np
from bv_common import SIGMA, X_TEST, decompose, f, training_sets

N = 30
SEEDS = 40
PS = (1, 3, 5, 7, 9, 11, 15, 19, 23, 26, 28, 29, 30, 31, 32, 34, 37, 41, 45, 51, 61, 76,
      101, 151, 201, 300)
truth = f(X_TEST)


# %% features
def fourier(x, p, a):
    """The first p features: 1, cos(pi x), sin(pi x),
    cos(2 pi x), ... each frequency k divided by k^a."""
    index = np.arange(1, p)
    k = (index + 1) // 2
    angle = np.pi * np.outer(x, k)
    return np.hstack([np.ones((len(x), 1)),
                      np.where(index % 2 == 1, np.cos(angle), np.sin(angle)) / k**a])


def test_errors(a):
    """Predictions at the test points and expected test error
    R (noise included) for every p, one row per seed."""
    preds = np.empty((SEEDS, len(PS), len(X_TEST)))
    for seed in range(SEEDS):
        x, y = training_sets(1, N, seed=1000 + seed)
        phi, phi_test = fourier(x[0], PS[-1], a), fourier(X_TEST, PS[-1], a)
        for j, p in enumerate(PS):
            # p > n: the minimum-norm exact fit
            w = np.linalg.lstsq(phi[:, :p], y[0], rcond=None)[0]
            preds[seed, j] = phi_test[:, :p] @ w
    return preds, ((preds - truth) ** 2).mean(axis=-1) + SIGMA**2


# %% measure
(smooth_pred, smooth), (flat_pred, flat) = test_errors(a=1), test_errors(a=0)
ps = np.array(PS)
under, over = ps < N, ps > N
mean, median = smooth.mean(axis=0), np.median(smooth, axis=0)
j_n, j_10n = PS.index(N), PS.index(10 * N)
peak_p = int(ps[np.argmax(median)])
# best p below the threshold (mean over seeds)
classical = int(np.argmin(np.where(under, mean, np.inf)))
# per seed: is p = n a peak (above both neighbours), the worst p beyond
# the first few (p = 1, 3, 5 fit a constant or nearly so and can be
# worse), and is p = 10 n better than p = n, than the best p < n?
local_peak = np.mean(
    (smooth[:, j_n] > smooth[:, j_n - 1]) & (smooth[:, j_n] > smooth[:, j_n + 1])
)
worst_is_n = np.mean(ps[3 + np.argmax(smooth[:, 3:], axis=1)] == N)
second_descent = np.mean(smooth[:, j_10n] < smooth[:, j_n])
beats_classical = np.mean(smooth[:, j_10n] < smooth[:, under].min(axis=1))
# the decomposition of the mean R over the seeds
# (one training set each), as in bv_decomposition.py
split = {
    (a, j): decompose(pred[:, j], truth)
    for a, pred in ((1, smooth_pred), (0, flat_pred))
    for j in (j_n, j_10n)
}
split = {key: (d["bias2"].mean(), d["variance"].mean()) for key, d in split.items()}

VALUES = {"n": N, "seeds": SEEDS, "p_max": PS[-1], "peak_p": peak_p,
          "mean_at_n": mean[j_n], "median_at_n": median[j_n],
          "mean_at_10n": mean[j_10n], "median_at_10n": median[j_10n],
          "classical_p": PS[classical], "classical_mean": mean[classical],
          "classical_median": median[classical], "local_peak": 100 * local_peak,
          "worst_is_n": 100 * worst_is_n, "second_descent": 100 * second_descent,
          "beats_classical": 100 * beats_classical,
          "flat_mean_at_10n": flat.mean(axis=0)[j_10n],
          "flat_median_at_10n": np.median(flat, axis=0)[j_10n],
          "flat_best_over": float(np.median(flat, axis=0)[over].min()),
          "noise": SIGMA**2, "bias2_at_n": split[1, j_n][0],
          "var_at_n": split[1, j_n][1], "bias2_at_10n": split[1, j_10n][0],
          "var_at_10n": split[1, j_10n][1], "flat_bias2_at_10n": split[0, j_10n][0],
          "flat_var_at_10n": split[0, j_10n][1]}
TABLES = {
    "double_descent": {
        "columns": ["p", "mean", "median", "flat_median"],
        "rows": [
            [p, mean[j], median[j], float(np.median(flat[:, j]))]
            for j, p in enumerate(PS)
            if p in (1, 5, 15, 26, 29, 30, 31, 34, 51, 101, 300)
        ],
    }
}

if __name__ == "__main__":
    print("   p   mean R (a=1)  median R (a=1)  median R (a=0)")
    for row in TABLES["double_descent"]["rows"]:
        print("{:4d}  {:12.4g}  {:14.4g}  {:14.4g}".format(*row))
    print(
        f"median peaks at p = {peak_p}; p = n is above both neighbours in "
        f"{100 * local_peak:.0f}% of seeds,"
        f" the worst p >= {PS[3]} in {100 * worst_is_n:.0f}%"
    )
    print(
        f"R(10n) < R(n) in {100 * second_descent:.0f}% of seeds; R(10n) < best R(p "
        "< n) in "
        f"{100 * beats_classical:.0f}% of seeds"
    )
    for (a, j), (b2, v) in split.items():
        print(
            f"a = {a}, p = {PS[j]}: over the seeds, bias^2 {b2:.4f}, variance "
            f"{v:.4f}, noise {SIGMA**2:.2f}"
        )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6.5, 4), num="double_descent")
    ax.loglog(ps, mean, "D-", color="C3", label=r"$\overline{R},\ a = 1$")
    ax.loglog(ps, median, "o--", color="C3", ms=4, label=r"$\tilde{R},\ a = 1$")
    ax.loglog(ps, np.median(flat, axis=0), "s:", color="C0", ms=4,
              label=r"$\tilde{R},\ a = 0$")
    ax.axhline(SIGMA**2, color="k", ls=":", lw=0.8, label=r"$\sigma^2$")
    ax.axvline(N, color="gray", lw=0.8)
    ax.set_xlabel("p")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
