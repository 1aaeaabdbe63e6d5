"""How far is a mini-batch's gradient (or mean)
from the full-batch value? Batch sizes 1 to N.

Two populations of N values: the N per-sample gradients of the regression loss
at the start point (and at the minimum), and N synthetic exam scores (the seed's
analogy). For each batch size B we draw many batches WITHOUT replacement (as one
epoch of a shuffled DataLoader does) and measure the spread of the batch mean
around the mean of all N. Theory for sampling without replacement: sd(batch
mean) = sigma / sqrt(B) * sqrt((N - B) / (N - 1)), which is 0 at B = N.
"""

import matplotlib.pyplot as plt
import numpy as np
from mbgd_common import THETA0, N, make_data, optimum

BATCH_SIZES = (1, 8, 32, 128, N)
DRAWS = 4000
# the seed's analogy: a school's mean exam score is 24; all of this year's students
# give about 24.5, 32 students chosen at random about 22, a single student 18 or 29
(
    SEED_SCHOOL_MEAN,
    SEED_ALL_MEAN,
    SEED_BATCH,
    SEED_B32_MEAN,
    SEED_B1_LOW,
    SEED_B1_HIGH,
) = 24.0, 24.5, 32, 22.0, 18.0, 29.0
SEED_B32_GAP = SEED_SCHOOL_MEAN - SEED_B32_MEAN   # 2 points off with 32 students
SEED_B1_GAP = SEED_SCHOOL_MEAN - SEED_B1_LOW      # 6 points off with one student
# synthetic exam scores out of 30 (assumed spread)
SCORE_MEAN, SCORE_SD, SCORE_MAX = SEED_SCHOOL_MEAN, 3.0, 30.0

# %% population
X, y = make_data()
theta_star = optimum(X, y)


def per_sample_gradients(theta: np.ndarray) -> np.ndarray:
    """(N, 2): the gradient of (w*x_i + b - y_i)^2 for
    each sample; their mean is the full-batch gradient."""
    return 2.0 * (X @ theta - y)[:, None] * X


rng = np.random.default_rng(0)
scores = np.clip(rng.normal(SCORE_MEAN, SCORE_SD, N), 0.0, SCORE_MAX)
populations = {"score": scores[:, None], "grad_start": per_sample_gradients(THETA0),
               "grad_min": per_sample_gradients(theta_star)}

# %% spread
# one random order of the N samples per draw; a batch
# of size B is its first B indices (no repeats)
orders = rng.random((DRAWS, N)).argsort(axis=1)


def spread(values: np.ndarray, size: int) -> float:
    """sqrt(E ||batch mean - full mean||^2) / sqrt(E ||value
    - full mean||^2): the spread relative to B = 1."""
    full = values.mean(axis=0)
    means = values[orders[:, :size]].mean(axis=1)                  # (DRAWS, d)
    # population sd (divide by N)
    sigma = np.sqrt(np.mean(np.sum((values - full) ** 2, axis=1)))
    return float(np.sqrt(np.mean(np.sum((means - full) ** 2, axis=1))) / sigma)


def predicted(size: int, n: int = N) -> float:
    return float(np.sqrt((n - size) / (n - 1)) / np.sqrt(size))


rows = []
for size in BATCH_SIZES:
    measured = {name: spread(values, size) for name, values in populations.items()}
    rows.append(
        [
            size,
            measured["score"],
            measured["grad_start"],
            measured["grad_min"],
            1 / np.sqrt(size),
            predicted(size),
            measured["grad_start"] / predicted(size) if size < N else float("nan"),
        ]
    )

# %% report
full_gradient_start = populations["grad_start"].mean(axis=0)
full_gradient_min = populations["grad_min"].mean(axis=0)
score_sd = float(scores.std())
b32 = BATCH_SIZES.index(32)
score_means_b32 = scores[orders[:, :32]].mean(axis=1)
if __name__ == "__main__":
    print(f"N = {N}, {DRAWS} batches per size, drawn without replacement")
    print(f"exam scores: mean {scores.mean():.2f}, sd {score_sd:.2f}")
    print(
        f"full-batch gradient at theta0: {np.round(full_gradient_start, 3)}, at "
        "theta*: "
        f"{np.round(full_gradient_min, 12) + 0.0}"
    )
    for row in rows:
        print(
            "B={:5d}  scores {:.3f}  gradient at theta0 {:.3f}  at theta* {:.3f}  "
            "1/sqrt(B) {:.3f}  "
            "with sqrt((N-B)/(N-1)) {:.3f}".format(*row[:6])
        )
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6, 4), num="spread")
    sizes = np.array(BATCH_SIZES[:-1])
    ax.loglog(sizes, [r[2] for r in rows[:-1]], "o", ms=7,
              label=r"$\nabla L_\mathcal{B}(\theta_0)$")
    ax.loglog(sizes, [r[3] for r in rows[:-1]], "s", ms=5, mfc="none",
              label=r"$\nabla L_\mathcal{B}(\theta^*)$")
    ax.loglog(sizes, [r[1] for r in rows[:-1]], "^", ms=5,
              label=r"$\bar{s}_\mathcal{B}$")
    grid = np.arange(1, N)
    ax.loglog(grid, 1 / np.sqrt(grid), "k:", label=r"$1/\sqrt{B}$")
    ax.loglog(grid, np.sqrt((N - grid) / (N - 1)) / np.sqrt(grid), "k-", lw=0.8,
              label=r"$\sqrt{(N-B)/(N-1)}\,/\sqrt{B}$")
    ax.set_xticks(list(BATCH_SIZES[:-1]) + [N],
                  [str(s) for s in BATCH_SIZES[:-1]] + ["N"])
    ax.set_xlabel("B")
    ax.set_ylabel(r"$\mathrm{sd}/\sigma$")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()

    TABLES = {
        "spread": {
            "columns": [
                "B",
                "score",
                "grad_start",
                "grad_min",
                "one_over_sqrt_b",
                "predicted",
            ],
            "rows": [r[:6] for r in rows],
        }
    }
    VALUES = {
        "n": N,
        "draws": DRAWS,
        "b_last_small": BATCH_SIZES[-2],
        "score_mean": float(scores.mean()),
        "score_sd": score_sd,
        "score_sd_assumed": SCORE_SD,
        "score_max": SCORE_MAX,
        "score_sd_b32": float(score_means_b32.std()),
        "seed_school_mean": SEED_SCHOOL_MEAN,
        "seed_all_mean": SEED_ALL_MEAN,
        "seed_all_gap": SEED_ALL_MEAN - SEED_SCHOOL_MEAN,
        "seed_batch": SEED_BATCH,
        "seed_b32_mean": SEED_B32_MEAN,
        "seed_b1_low": SEED_B1_LOW,
        "seed_b1_high": SEED_B1_HIGH,
        "seed_b32_gap": SEED_B32_GAP,
        "seed_b1_gap": SEED_B1_GAP,
        "seed_implied_ratio": SEED_B1_GAP / SEED_B32_GAP,
        "sqrt_32": np.sqrt(SEED_BATCH),
        "seed_b1_gap_over_sqrt32": SEED_B1_GAP / np.sqrt(SEED_BATCH),
        "ratio_min": min(r[6] for r in rows[:-1]),
        "ratio_max": max(r[6] for r in rows[:-1]),
        "spread_b1": rows[0][2],
        "spread_b8": rows[1][2],
        "spread_b32": rows[2][2],
        "spread_b128": rows[-2][2],
        "plain_b128": rows[-2][4],
        "predicted_b128": rows[-2][5],
        "fpc_b128": float(np.sqrt((N - 128) / (N - 1))),
        "spread_full": rows[-1][2],
        "spread_full_score": rows[-1][1],
        "grad_norm_start": float(np.linalg.norm(full_gradient_start)),
        "grad_norm_min": float(np.linalg.norm(full_gradient_min)),
        "grad_sigma_start": float(
            np.sqrt(
                np.mean(
                    np.sum(
                        (populations["grad_start"] - full_gradient_start) ** 2, axis=1
                    )
                )
            )
        ),
        "grad_sigma_min": float(
            np.sqrt(
                np.mean(
                    np.sum((populations["grad_min"] - full_gradient_min) ** 2, axis=1)
                )
            )
        ),
    }
