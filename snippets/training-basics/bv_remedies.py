"""What lowers bias and what lowers variance,
measured on the problem of bv_decomposition.py.

1. More data: learning curves (training error and expected test error
   against the number of points n) of a degree-1 polynomial (high bias)
   and a degree-15 one (high variance), averaged over training sets.
2. Regularization: ridge regression (weight decay) on the degree-15 polynomial with
   30 points, bias^2 and variance against the strength lam, over 200 training sets.
"""

import matplotlib.pyplot as plt
import numpy as np
from bv_common import (
    SIGMA,
    X_TEST,
    bias2_standard_error,
    decompose,
    f,
    fit,
    predict,
    training_sets,
)
from numpy.polynomial import legendre

truth = f(X_TEST)

# %% learning
SIZES = (20, 30, 50, 100, 200, 500, 1000)
CURVE_DEGREES = (1, 15)
CURVE_SETS = 100
curves, curve_parts = {}, {}
for degree in CURVE_DEGREES:
    train, test, parts = [], [], []
    for n in SIZES:
        x, y = training_sets(CURVE_SETS, n, seed=n)
        w = fit(x, y, degree)
        train.append(np.mean((predict(w, x) - y) ** 2))
        d = decompose(predict(w, X_TEST), truth)
        test.append(d["risk"].mean())
        parts.append([d["bias2"].mean(), d["variance"].mean()])
    curves[degree] = (np.array(train), np.array(test))
    curve_parts[degree] = np.array(parts)  # (len(SIZES), [bias^2, variance]) at each n

# the floor of the degree-1 curve: the best straight
# line's error on the test points (its bias^2), plus noise
nodes, weights = legendre.leggauss(64)
# L2 projection of f on degree <= 1
line = sum(
    (2 * k + 1)
    / 2
    * np.sum(weights * f(nodes) * legendre.legval(nodes, np.eye(2)[k]))
    * legendre.legval(X_TEST, np.eye(2)[k])
    for k in range(2)
)
floor_1 = np.mean((line - truth) ** 2) + SIGMA**2

# %% ridge
RIDGE_DEGREE = 15
RIDGE_SETS, RIDGE_POINTS = 200, 30
LAMBDAS = 10.0 ** np.arange(-6, 2.01, 0.5)
# the same sets as bv_decomposition.py
x, y = training_sets(RIDGE_SETS, RIDGE_POINTS, seed=0)
ridge_rows, ridge_bias2_se = [], []
for lam in LAMBDAS:
    w = fit(x, y, RIDGE_DEGREE, lam=lam)
    pred = predict(w, X_TEST)
    d = decompose(pred, truth)
    train = np.mean((predict(w, x) - y) ** 2)
    ridge_rows.append([lam, train, d["bias2"].mean(), d["variance"].mean(),
                       d["risk"].mean()])
    ridge_bias2_se.append(bias2_standard_error(pred, truth))
ridge = np.array(ridge_rows)
ridge_bias2_se = np.array(ridge_bias2_se)
best = int(np.argmin(ridge[:, 4]))
# up to which lambda is bias^2 zero within two bootstrap
# standard errors (for every smaller lambda too)?
zero = np.abs(ridge[:, 2]) <= 2 * ridge_bias2_se
lam_zero_upto = LAMBDAS[np.argmin(zero) - 1] if not zero.all() else LAMBDAS[-1]

# best degree without ridge, on the same sets
# (from the degree sweep of bv_decomposition.py)
no_ridge_risk = {
    deg: decompose(predict(fit(x, y, deg), X_TEST), truth)["risk"].mean()
    for deg in range(1, 16)
}
best_plain_degree = min(no_ridge_risk, key=no_ridge_risk.get)

c1_train, c1_test = curves[1]
c15_train, c15_test = curves[15]
VALUES = {"n_min": SIZES[0], "n_max": SIZES[-1], "n_ratio": SIZES[-1] // SIZES[0],
          "curve_sets": CURVE_SETS, "noise": SIGMA**2,
          "curve_degree_low": CURVE_DEGREES[0], "curve_degree_high": CURVE_DEGREES[-1],
          "d1_train_first": c1_train[0], "d1_test_first": c1_test[0],
          "d1_train_last": c1_train[-1], "d1_test_last": c1_test[-1],
          "d1_floor": floor_1, "d1_test_drop": c1_test[0] - c1_test[-1],
          "d15_train_first": c15_train[0], "d15_test_first": c15_test[0],
          "d15_train_last": c15_train[-1], "d15_test_last": c15_test[-1],
          "d15_test_ratio": c15_test[0] / c15_test[-1],
          "d1_bias2_first": curve_parts[1][0, 0],
          "d1_bias2_last": curve_parts[1][-1, 0], "d1_var_first": curve_parts[1][0, 1],
          "d1_var_last": curve_parts[1][-1, 1], "d15_var_first": curve_parts[15][0, 1],
          "d15_var_last": curve_parts[15][-1, 1], "ridge_degree": RIDGE_DEGREE,
          "ridge_sets": RIDGE_SETS, "ridge_points": RIDGE_POINTS, "lam_min": LAMBDAS[0],
          "lam_max": LAMBDAS[-1], "lam_best": LAMBDAS[best],
          "lam_min_log10": round(np.log10(LAMBDAS[0])),
          "lam_max_log10": round(np.log10(LAMBDAS[-1])), "ridge_var_first": ridge[0, 3],
          "ridge_var_last": ridge[-1, 3], "ridge_var_best": ridge[best, 3],
          "ridge_bias2_first": ridge[0, 2], "ridge_bias2_last": ridge[-1, 2],
          "ridge_bias2_best": ridge[best, 2], "ridge_risk_first": ridge[0, 4],
          "ridge_risk_best": ridge[best, 4], "ridge_risk_last": ridge[-1, 4],
          "ridge_train_first": ridge[0, 1], "ridge_train_best": ridge[best, 1],
          "lam_zero_upto": lam_zero_upto, "ridge_bias2_se_first": ridge_bias2_se[0],
          "best_plain_degree": best_plain_degree,
          "best_plain_risk": no_ridge_risk[best_plain_degree]}
TABLES = {
    "learning": {
        "columns": ["n", "d1_train", "d1_test", "d15_train", "d15_test"],
        "rows": [
            [n, c1_train[i], c1_test[i], c15_train[i], c15_test[i]]
            for i, n in enumerate(SIZES)
        ],
    },
    "ridge": {
        "columns": ["lambda", "train", "bias2", "variance", "risk"],
        # every other lambda: one per decade
        "rows": [list(map(float, r)) for r in ridge[::2]],
    },
}

if __name__ == "__main__":
    print("   n   d=1 train  d=1 test  d=15 train  d=15 test")
    for row in TABLES["learning"]["rows"]:
        print("{:4d}  {:.4f}     {:.4f}    {:.4f}      {:.4f}".format(*row))
    print(f"degree-1 floor: bias^2 of the best line + noise = {floor_1:.4f}")
    for degree in CURVE_DEGREES:
        print(
            f"d={degree}: bias^2 {curve_parts[degree][0, 0]:.4f} -> "
            f"{curve_parts[degree][-1, 0]:.4f}, variance "
            f"{curve_parts[degree][0, 1]:.4f} -> {curve_parts[degree][-1, 1]:.4f}"
        )
    print("  lambda    train   bias^2   variance  risk")
    for r in ridge_rows:
        print("{:8.0e}  {:.4f}  {:.5f}  {:.4f}   {:.4f}".format(*r))
    print(f"bias^2 zero within two standard errors up to lambda = {lam_zero_upto:g}")
    print(
        f"best lambda {LAMBDAS[best]:g}: risk {ridge[best, 4]:.4f}; best degree "
        "without ridge "
        f"{best_plain_degree}: risk {no_ridge_risk[best_plain_degree]:.4f}"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.2), num="learning")
    for ax, degree in zip(axes, CURVE_DEGREES, strict=True):
        train, test = curves[degree]
        ax.loglog(SIZES, test, "D-", color="C3", label=r"$R$")
        ax.loglog(SIZES, train, "^--", color="C2", label=r"$\hat{R}$")
        ax.axhline(SIGMA**2, color="k", ls=":", label=r"$\sigma^2$")
        if degree == 1:
            ax.axhline(floor_1, color="C0", ls="-.", label=r"$b^2_\infty + \sigma^2$")
        ax.set_title(f"$d = {degree}$")
        ax.set_xlabel("n")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()

    fig, ax = plt.subplots(figsize=(6.5, 4), num="ridge")
    ax.loglog(LAMBDAS, ridge[:, 2], "o-", label=r"$b^2$")
    ax.loglog(LAMBDAS, ridge[:, 3], "s-", label=r"$v$")
    ax.loglog(LAMBDAS, ridge[:, 4], "D-", color="C3", lw=2, label=r"$R$")
    ax.loglog(LAMBDAS, ridge[:, 1], "^--", color="C2", label=r"$\hat{R}$")
    ax.axhline(SIGMA**2, color="k", ls=":", label=r"$\sigma^2$")
    ax.axvline(LAMBDAS[best], color="gray", lw=0.8)
    ax.set_xlabel(r"$\lambda$")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(ncol=2)
    fig.tight_layout()
