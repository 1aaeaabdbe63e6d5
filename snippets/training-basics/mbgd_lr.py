"""Learning rate and batch size together: which
learning rates are stable for B = 1, 8, 32, 128, N?

On the card's linear regression the loss is quadratic with Hessian H = 2 X^T X /
N, so full-batch GD is stable exactly when lr < 2 / lambda_max(H). For
mini-batches, the mean-square stability limit is computed from the second moment
of the update matrix A = I - lr * H_B (H_B: the Hessian of one batch); then every
(B, lr) of a grid is run for the same number of epochs, and divergence is marked.
"""

import matplotlib.pyplot as plt
import numpy as np
from mbgd_common import THETA0, N, hessian, loss, make_data, optimum, train

BATCH_SIZES = (1, 8, 32, 128, N)
EPOCHS = 20
# lr / (2 / lambda_max), 8 per octave, never exactly 1
GRID = 2.0 ** ((np.arange(-112, 16) + 0.5) / 8)
# "diverged": the final loss is non-finite or 10x above the lowest end-of-epoch loss
RISE = 10.0
TAIL = 5             # quality of a stable run: its mean loss over the last 5 epochs
GD_CHECK_STEPS = 2000
GD_CHECK = (0.99, 1.01)
# the typical growth rate of a run is averaged over the updates of 10 epochs
TYPICAL_EPOCHS = 10

# %% limit
X, y = make_data()
H = hessian(X)
lambda_min, lambda_max = np.linalg.eigvalsh(H)
lr_max = 2.0 / lambda_max
theta_star = optimum(X, y)
loss_star = loss(theta_star, X, y)

# per-sample Hessians S_i = 2 x_i x_i^T; a batch's
# Hessian H_B is their mean over the batch
S = 2.0 * np.einsum("ni,nj->nij", X, X)
# Cov of S, as 4x4 below
second_moment = np.einsum("nij,nkl->ikjl", S, S) / N - np.einsum("ij,kl->ikjl", H, H)


def mean_square_radius(lr: float, size: int) -> float:
    """Spectral radius of E[A (x) A], A = I - lr H_B, for
    a batch of `size` samples drawn without replacement.

    E||theta_t - theta*||^2 shrinks (without noise) iff
    this is < 1: Cov(H_B) = Cov(S) / B * (N-B)/(N-1)."""
    A = np.eye(2) - lr * H
    M = (
        np.einsum("ij,kl->ikjl", A, A)
        + lr**2 / size * (N - size) / (N - 1) * second_moment
    )
    return float(np.max(np.abs(np.linalg.eigvals(M.reshape(4, 4)))))


def mean_square_limit(size: int) -> float:
    lo, hi = 1e-9, 2.0 * lr_max
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean_square_radius(mid, size) < 1 else (lo, mid)
    return lo


# %% sweep
lrs = lr_max * GRID
sweep = {}
for size in BATCH_SIZES:
    run = train(X, y, size, lrs, EPOCHS)           # every lr sees the very same batches
    final, lowest = run.epoch_loss[-1], np.nanmin(
        np.where(np.isfinite(run.epoch_loss), run.epoch_loss, np.nan), 0,
    )
    overflow = ~np.isfinite(final)
    diverged = overflow | (final > RISE * lowest)
    # the smallest divergent lr of the grid
    first = int(np.argmax(diverged))
    with np.errstate(invalid="ignore", over="ignore"):
        tail = run.epoch_loss[-TAIL:].mean(axis=0)
        # the typical end-of-epoch excess loss
        median = np.median(run.epoch_loss[1:], axis=0) - loss_star
    usable = np.where(diverged, np.inf, tail)
    best = int(np.argmin(usable))
    sweep[size] = {"final": final, "tail": tail,
                   "updates": EPOCHS * int(np.ceil(N / size)), "overflow": overflow,
                   "diverged": diverged, "first": first, "median": median,
                   "epoch_loss": run.epoch_loss, "stable": GRID[first - 1],
                   "divergent": GRID[first],
                   "all_above_diverge": bool(diverged[first:].all()),
                   "predicted": mean_square_limit(size) / lr_max, "best": GRID[best],
                   "best_excess": float(usable.min() - loss_star)}
    sweep[size]["best_times_updates"] = sweep[size]["best"] * sweep[size]["updates"]

# GD run with the best lr of B = 1: what fraction of
# the initial excess loss is left after the last epoch
initial_excess = float(loss(THETA0, X, y) - loss_star)
gd_at_best_1 = float(
    (sweep[N]["final"][list(GRID).index(sweep[1]["best"])] - loss_star) / initial_excess
)

# full-batch GD just below and just above 2 / lambda_max, for many steps
gd_check = {
    f: float(train(X, y, N, f * lr_max, GD_CHECK_STEPS).epoch_loss[-1, 0] - loss_star)
    for f in GD_CHECK
}


# %% typical
def typical_growth(
    size: int, lrs: np.ndarray, epochs: int = TYPICAL_EPOCHS, seed: int = 1
) -> np.ndarray:
    """Mean of log(||e_t+1|| / ||e_t||) per update, e_t+1 = (I - lr H_B) e_t:
    theta_t - theta* without the data noise, on the batches train() draws
    with the same seed. Below 0, a typical run shrinks toward theta*."""
    rng = np.random.default_rng(seed)
    e = np.tile(np.array([1.0, 1.0]) / np.sqrt(2.0), (len(lrs), 1))
    total, steps = np.zeros(len(lrs)), 0
    for _ in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, size):
            idx = order[start:start + size]
            # H_B is symmetric
            e = e - lrs[:, None] * (e @ (2.0 * X[idx].T @ X[idx] / len(idx)))
            norm = np.linalg.norm(e, axis=1)
            # add log growth, rescale
            total, e, steps = total + np.log(norm), e / norm[:, None], steps + 1
    return total / steps


for size in BATCH_SIZES:
    sweep[size]["growth"] = typical_growth(size, lrs)
    # the smallest lr of the grid where it grows
    first_growing = int(np.argmax(sweep[size]["growth"] > 0))
    sweep[size]["typical"], sweep[size]["typical_below"] = (
        GRID[first_growing],
        GRID[first_growing - 1],
    )

# %% report
if __name__ == "__main__":
    print(
        f"lambda_max = {lambda_max:.4f}, lambda_min = {lambda_min:.4f}, "
        f"2/lambda_max = {lr_max:.4f}"
    )
    for f, excess in gd_check.items():
        print(
            f"GD, lr = {f} x 2/lambda_max, {GD_CHECK_STEPS} steps: L - L* = "
            f"{excess:.3g}"
        )
    for size, s in sweep.items():
        print(
            f"B={size:5d}: mean-square limit {s['predicted']:.3f}, stable up to "
            f"{s['stable']:.3f}, diverges from "
            f"{s['divergent']:.3f} (x 2/lambda_max); best lr "
            f"{s['best']:.4f}; a typical run (no noise) shrinks up "
            f"to {s['typical_below']:.3f} and grows from {s['typical']:.3f}"
        )
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(7, 4.2), num="lr_sweep")
    top = 1e3
    for i, (size, s) in enumerate(sweep.items()):
        color = f"C{i}"
        label = f"B={size}" if size < N else "B=N"
        shown = np.where(s["diverged"], np.nan, s["tail"] - loss_star)
        ax.loglog(GRID, shown, "-", color=color, lw=1.2, label=label)
        rising = s["diverged"] & ~s["overflow"]
        ax.plot(GRID[rising], np.full(rising.sum(), top * 1.6 ** i), "^", color=color,
                ms=4)
        ax.plot(GRID[s["overflow"]], np.full(s["overflow"].sum(), top * 1.6 ** i), "x",
                color=color, ms=5)
        ax.axvline(s["predicted"], color=color, ls=":", lw=0.8)
    ax.axvline(1.0, color="k", ls="--", lw=0.8)
    ax.set_xlabel(r"$\eta\,\lambda_{\max}/2$")
    ax.set_ylabel(r"$\bar{L} - L^*$")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower left")
    fig.tight_layout()

    TABLES = {
        "limits": {
            "columns": [
                "B",
                "predicted",
                "stable",
                "divergent",
                "updates",
                "best",
                "best_times_updates",
            ],
            "rows": [
                [
                    size if size < N else "N",
                    s["predicted"],
                    s["stable"],
                    s["divergent"],
                    s["updates"],
                    s["best"],
                    s["best_times_updates"],
                ]
                for size, s in sweep.items()
            ],
        }
    }
    VALUES = {
        "n": N, "epochs": EPOCHS, "rise": RISE, "lambda_max": lambda_max,
        "lambda_min": lambda_min, "lr_max": lr_max, "tail": TAIL,
        "grid_step": 2 ** (1 / 8), "grid_min": GRID[0], "grid_max": GRID[-1],
        "gd_check_steps": GD_CHECK_STEPS, "gd_below": GD_CHECK[0],
        "gd_above": GD_CHECK[1], "gd_below_excess": gd_check[GD_CHECK[0]],
        "gd_above_excess": gd_check[GD_CHECK[1]], "initial_excess": initial_excess,
    }
    for size, s in sweep.items():
        key = size if size < N else "n"
        VALUES.update(
            {
                f"predicted_{key}": s["predicted"],
                f"stable_{key}": s["stable"],
                f"divergent_{key}": s["divergent"],
                f"best_{key}": s["best"],
                f"stable_lr_{key}": s["stable"] * lr_max,
                f"best_lr_{key}": s["best"] * lr_max,
                f"divergent_lr_{key}": s["divergent"] * lr_max,
                f"overflow_from_{key}": float(GRID[np.argmax(s["overflow"])])
                if s["overflow"].any()
                else "—",
            }
        )
    VALUES["best_ratio_1_32"] = sweep[32]["best"] / sweep[1]["best"]
    VALUES["best_ratio_32_128"] = sweep[128]["best"] / sweep[32]["best"]
    VALUES["best_ratio_1_128"] = sweep[128]["best"] / sweep[1]["best"]
    VALUES["best_ratio_128_n"] = sweep[N]["best"] / sweep[128]["best"]
    VALUES["n_over_128"] = N / 128
    VALUES["b_min"], VALUES["b_ref"], VALUES["b_max_small"] = (
        BATCH_SIZES[0],
        32,
        BATCH_SIZES[-2],
    )
    VALUES["sizes_list"] = ", ".join(str(b) for b in BATCH_SIZES[:-1]) + ", N"
    VALUES["gd_at_best_1"] = gd_at_best_1
    VALUES["typical_epochs"] = TYPICAL_EPOCHS
    VALUES["typical_1"], VALUES["typical_below_1"] = (
        sweep[1]["typical"],
        sweep[1]["typical_below"],
    )
    VALUES["median_stable_1"] = float(sweep[1]["median"][sweep[1]["first"] - 1])
    VALUES["median_typical_below_1"] = float(
        sweep[1]["median"][list(GRID).index(sweep[1]["typical_below"])]
    )
    VALUES["best_times_updates_min"] = min(
        s["best_times_updates"] for s in sweep.values()
    )
    VALUES["best_times_updates_max"] = max(
        s["best_times_updates"] for s in sweep.values()
    )
