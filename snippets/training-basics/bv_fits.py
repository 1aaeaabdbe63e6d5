"""Underfitting, a good fit and overfitting (the seed's figure 12.3), on two moons.

Logistic regression on polynomial features of degree d (almost no
regularization: C = 1e5), trained on 100 noisy points, judged on 2000 more
from the same distribution. The degree sweep is averaged over 20 draws of
the data; the figure shows the first draw. Errors are 1 - accuracy.
"""

import matplotlib.pyplot as plt
import numpy as np
from bv_common import (
    C_WEAK,
    MOONS_NOISE,
    bayes_error,
    bayes_predict,
    moons,
    poly_logistic,
)

N_TRAIN, N_VAL = 100, 2000
DEGREES = (1, 2, 3, 4, 6, 10, 15)
LOW, HIGH = DEGREES[0], DEGREES[-1]
DRAWS = 20


def split(seed):
    # shuffled: the first N_TRAIN points are a random subset
    x, y = moons(N_TRAIN + N_VAL, seed)
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


# %% sweep
# (draw, degree, [train, validation])
errors = np.empty((DRAWS, len(DEGREES), 2))
for seed in range(DRAWS):
    x_tr, y_tr, x_val, y_val = split(seed)
    for j, degree in enumerate(DEGREES):
        model = poly_logistic(degree).fit(x_tr, y_tr)
        errors[seed, j] = 1 - model.score(x_tr, y_tr), 1 - model.score(x_val, y_val)
mean_errors = errors.mean(axis=0)
best_degree = DEGREES[int(np.argmin(mean_errors[:, 1]))]
bayes, bayes_se = bayes_error()

# %% panels
SHOWN = (LOW, best_degree, HIGH)
x_tr, y_tr, x_val, y_val = split(0)
panels = {}
for degree in SHOWN:
    model = poly_logistic(degree).fit(x_tr, y_tr)
    panels[degree] = (model, 1 - model.score(x_tr, y_tr), 1 - model.score(x_val, y_val),
                      int(np.sum(model.predict(x_tr) != y_tr)))

j_best = DEGREES.index(best_degree)
VALUES = {
    "moons_noise": MOONS_NOISE,
    "c_weak": C_WEAK,
    "c_weak_log10": round(np.log10(C_WEAK)),
    "n_train": N_TRAIN,
    "n_val": N_VAL,
    "draws": DRAWS,
    "degree_low": LOW,
    "degree_high": HIGH,
    "best_degree": best_degree,
    "bayes": bayes,
    "bayes_se": bayes_se,
    "train_low": mean_errors[0, 0],
    "val_low": mean_errors[0, 1],
    "train_best": mean_errors[j_best, 0],
    "val_best": mean_errors[j_best, 1],
    "train_high": mean_errors[-1, 0],
    "val_high": mean_errors[-1, 1],
    # draws where d = 15 is worse
    "val_high_worse": int(np.sum(errors[:, -1, 1] > errors[:, j_best, 1])),
    "val_low_worse": int(np.sum(errors[:, 0, 1] > errors[:, j_best, 1])),
}
for key, degree in zip(("low", "best", "high"), SHOWN, strict=True):
    _, train, val, wrong = panels[degree]
    VALUES.update({f"panel_train_{key}": train, f"panel_val_{key}": val,
                   f"panel_wrong_{key}": wrong})
TABLES = {
    "sweep": {
        "columns": ["degree", "train", "val", "val_sd"],
        "rows": [
            [d, mean_errors[j, 0], mean_errors[j, 1], errors[:, j, 1].std(ddof=1)]
            for j, d in enumerate(DEGREES)
        ],
    }
}

if __name__ == "__main__":
    print(f"Bayes error {bayes:.4f} +- {bayes_se:.4f}")
    print(" d   train   val    (mean of", DRAWS, "draws)")
    for row in TABLES["sweep"]["rows"]:
        print("{:2d}  {:.3f}  {:.3f} (sd {:.3f})".format(*row))
    for degree in SHOWN:
        _, train, val, wrong = panels[degree]
        print(
            f"draw 0, d={degree}: train {train:.3f} ({wrong} of {N_TRAIN} wrong), "
            f"validation {val:.3f}"
        )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(
        1, 3, figsize=(7, 2.9), sharex=True, sharey=True, num="fits",
    )
    g1, g2 = np.meshgrid(np.linspace(-1.6, 2.6, 210), np.linspace(-1.3, 1.8, 155))
    grid = np.c_[g1.ravel(), g2.ravel()]
    bayes_grid = bayes_predict(grid).reshape(g1.shape)
    for ax, degree in zip(axes, SHOWN, strict=True):
        model = panels[degree][0]
        z = model.decision_function(grid).reshape(g1.shape)
        ax.contourf(g1, g2, z > 0, levels=[-0.5, 0.5, 1.5],
                    colors=["#dbe8f6", "#fbe3d6"])
        ax.contour(g1, g2, z, levels=[0], colors="k", linewidths=1.5)
        ax.contour(g1, g2, bayes_grid, levels=[0.5], colors="gray", linewidths=1,
                   linestyles="--")
        for label, marker, color in ((0, "o", "C0"), (1, "^", "C1")):
            ax.scatter(*x_tr[y_tr == label].T, marker=marker, c=color, edgecolors="k",
                       s=28, linewidths=0.5)
        ax.set_title(f"$d = {degree}$")
        ax.set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    fig.tight_layout()
