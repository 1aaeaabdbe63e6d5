"""How noisy are a batch's mean and variance?
Batch sizes 2 to 128, on a real activation.

The population is what a BatchNorm layer would see: one hidden unit's pre-activation
(a fixed random Linear layer) over all digits of the training set.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from digits import load
from torch import nn

BATCH_SIZES = (2, 4, 8, 32, 128)
DRAWS = 4000
EPS = 1e-5

# %% population
torch.manual_seed(0)
with torch.no_grad():
    population = nn.Linear(64, 1)(load().x_train).squeeze(1).double().numpy()
mu, sigma = population.mean(), population.std()
probe = population[0]  # one fixed sample whose normalized value we follow
true_normalized = (probe - mu) / np.sqrt(sigma**2 + EPS)

# %% estimate
rng = np.random.default_rng(0)
rows = []
spread_of_probe = {}
for size in BATCH_SIZES:
    # DRAWS random batches: how far are their mean
    # and (biased) variance from the population's?
    batches = rng.choice(population, size=(DRAWS, size), replace=True)
    means, variances = batches.mean(axis=1), batches.var(axis=1)
    # the probe with size-1 random companions: where does BN put it?
    with_probe = np.concatenate([np.full((DRAWS, 1), probe), batches[:, 1:]], axis=1)
    normalized = (probe - with_probe.mean(axis=1)) / np.sqrt(
        with_probe.var(axis=1) + EPS
    )
    spread_of_probe[size] = normalized
    rows.append(
        [
            size,
            means.std() / sigma,
            1 / np.sqrt(size),
            variances.mean() / sigma**2,
            (size - 1) / size,
            variances.std() / sigma**2,
            np.abs(normalized - true_normalized).mean(),
        ]
    )

# %% report
if __name__ == "__main__":
    for row in rows:
        print(
            "B={:4d}  sd(mean)/sigma={:.3f} (1/sqrt(B)={:.3f})  "
            "E[var]/sigma^2={:.3f} ((B-1)/B={:.3f})  "
            "sd(var)/sigma^2={:.3f}  mean|error of normalized probe|={:.3f}".format(
                *row
            )
        )
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.4), num="spread")
    sizes = np.array(BATCH_SIZES)
    left.loglog(sizes, [r[1] for r in rows], "o-", label=r"$\mathrm{sd}(\mu_B)/\sigma$")
    left.loglog(sizes, [r[5] for r in rows], "s-",
                label=r"$\mathrm{sd}(\sigma_B^2)/\sigma^2$")
    left.loglog(sizes, 1 / np.sqrt(sizes), "k:", label=r"$1/\sqrt{B}$")
    left.set_xlabel("B")
    left.set_xticks(sizes, [str(s) for s in sizes])
    left.legend()
    right.boxplot([spread_of_probe[s] for s in BATCH_SIZES], showfliers=False)
    right.set_xticks(range(1, len(sizes) + 1), [str(s) for s in sizes])
    right.axhline(true_normalized, color="C3", linestyle="--",
                  label=r"$(x-\mu)/\sqrt{\sigma^2+\varepsilon}$")
    right.set_xlabel("B")
    right.set_ylabel(r"$\hat{x}$")
    right.legend()
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    fig.tight_layout()

    TABLES = {
        "spread": {
            "columns": [
                "B",
                "sd_mean",
                "one_over_sqrt_b",
                "mean_var",
                "bias_factor",
                "sd_var",
                "probe_error",
            ],
            "rows": rows,
        }
    }
    VALUES = {"draws": DRAWS, "population": len(population),
              "true_normalized": true_normalized, "probe_error_b2": rows[0][6],
              "probe_error_b32": rows[3][6], "probe_error_b128": rows[4][6],
              "mean_var_b2": rows[0][3], "mean_var_b4": rows[1][3],
              "sd_mean_b2": rows[0][1], "sd_mean_b128": rows[4][1],
              "probe_abs_b2": float(np.abs(spread_of_probe[2]).mean()),
              "b_small": BATCH_SIZES[0], "b_mid": BATCH_SIZES[3],
              "b_large": BATCH_SIZES[4]}
