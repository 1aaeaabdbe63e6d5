"""The bias-variance decomposition, measured:
polynomials of degree 1..15 fitted on 200 training sets.

Each training set: 30 points of y = f(x) + N(0, 0.3^2) (bv_common.py). For each
degree, the 200 fitted polynomials are evaluated at 201 test points; bias^2,
variance and noise are averaged over the test points and compared with the
expected test error. Then: the seed's "spread of the predictions around the true
value", a Monte Carlo check with fresh noisy labels, and what i.i.d. uniform x
does to the variance of degree 15 (on this group of sets and on a few more).
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

N_SETS = 200
N_POINTS = 30
DEGREES = range(1, 16)
SEED = 0
truth = f(X_TEST)

# %% measure
x, y = training_sets(N_SETS, N_POINTS, SEED)
rows, parts, bias2_se = [], {}, []
for degree in DEGREES:
    w = fit(x, y, degree)                                  # 200 fits, one batched call
    pred = predict(w, X_TEST)                              # (200 sets, 201 test points)
    # mean squared error on each set's own points
    train_error = np.mean((predict(w, x) - y) ** 2)
    parts[degree] = d = decompose(pred, truth)
    rows.append([degree, train_error, d["bias2"].mean(), d["variance"].mean(), SIGMA**2,
                 d["risk"].mean()])
    bias2_se.append(bias2_standard_error(pred, truth))

# %% check
# 1) the decomposition adds up, at every test point and
# degree: bias^2 + variance + noise = expected error
sum_gap = max(
    np.max(np.abs(d["bias2"] + d["variance"] + d["noise"] - d["risk"]) / d["risk"])
    for d in parts.values()
)
# 2) the seed's "spread of the predictions around the
# true value" is bias^2 + variance, not the variance
around_gap = max(
    np.max(np.abs(d["around_truth"] - (d["bias2"] + d["variance"])))
    for d in parts.values()
)
# 3) Monte Carlo: fresh noisy labels at the test points, one per (set, point), against
# the predictions. The fitted models are those of R, so only the fresh labels can move
# it away from R: its standard error is taken from the per-set differences with R.
rng = np.random.default_rng(SEED + 1)
mc = {}
for degree in DEGREES:
    pred = predict(fit(x, y, degree), X_TEST)
    per_set = ((truth + SIGMA * rng.standard_normal(pred.shape) - pred) ** 2).mean(
        axis=1
    )
    gap = per_set - (((pred - truth) ** 2).mean(axis=1) + SIGMA**2)
    # estimate, its standard error
    mc[degree] = (per_set.mean(), gap.std(ddof=1) / np.sqrt(N_SETS))

# %%

table = np.array(rows)
train_error, bias2, variance, risk = table[:, 1], table[:, 2], table[:, 3], table[:, 5]
best = int(np.argmin(risk))
best_degree = DEGREES[best]
bias2_se = np.array(bias2_se)
# from which degree on is bias^2 zero within two
# bootstrap standard errors (at every higher degree too)?
zero_from = next(
    DEGREES[j]
    for j in range(len(DEGREES))
    if np.all(np.abs(bias2[j:]) <= 2 * bias2_se[j:])
)
# gaps in standard errors
mc_z = [abs(mc[d][0] - r) / mc[d][1] for d, r in zip(DEGREES, risk, strict=True)]
mc_rel = [abs(mc[d][0] - r) / r for d, r in zip(DEGREES, risk, strict=True)]
first, last = parts[DEGREES[0]], parts[DEGREES[-1]]
# the raw (mean - truth)^2, without removing variance
# / n_sets: it grows with the variance at high degree
naive_bias2 = np.array(
    [np.mean((predict(fit(x, y, d), X_TEST).mean(0) - truth) ** 2) for d in DEGREES]
)
naive_bias2_last = float(naive_bias2[-1])

# %% iid
# the same degree-15 fit when x is i.i.d. uniform: some
# sets leave a gap, and the polynomial swings there
x_iid, y_iid = training_sets(N_SETS, N_POINTS, SEED, uniform=True)
per_set_iid = ((predict(fit(x_iid, y_iid, DEGREES[-1]), X_TEST) - truth) ** 2).mean(
    axis=1
)
per_set_grid = ((predict(fit(x, y, DEGREES[-1]), X_TEST) - truth) ** 2).mean(axis=1)
iid_variance = decompose(predict(fit(x_iid, y_iid, DEGREES[-1]), X_TEST), truth)[
    "variance"
].mean()
# share of the two worst sets
iid_top_share = np.sort(per_set_iid)[-2:].sum() / per_set_iid.sum()
# the same measurement repeated on other groups of N_SETS
# sets: with i.i.d. x it changes by orders of magnitude
REPEATS = 5
# uniform (i.i.d. x) or not: the degree-15 variance of each repeat
repeat_variance = {True: [], False: []}
for uniform in (True, False):
    for r in range(REPEATS):
        x_r, y_r = training_sets(N_SETS, N_POINTS, 100 + r, uniform=uniform)
        pred_r = predict(fit(x_r, y_r, DEGREES[-1]), X_TEST)
        repeat_variance[uniform].append(decompose(pred_r, truth)["variance"].mean())

VALUES = {
    "n_sets": N_SETS,
    "n_points": N_POINTS,
    "sigma": SIGMA,
    "noise": SIGMA**2,
    "n_test": len(X_TEST),
    "degree_min": DEGREES[0],
    "degree_max": DEGREES[-1],
    "best_degree": best_degree,
    "best_risk": risk[best],
    "best_bias2": bias2[best],
    "best_variance": variance[best],
    "bias2_zero_from": zero_from,
    "bias2_max_after": float(np.abs(bias2[DEGREES.index(zero_from) :]).max()),
    "bias2_se_last": bias2_se[-1],
    "risk_first": risk[0],
    "risk_last": risk[-1],
    "bias2_first": bias2[0],
    "bias2_last": bias2[-1],
    "variance_first": variance[0],
    "variance_last": variance[-1],
    "train_first": train_error[0],
    "train_last": train_error[-1],
    "variance_growth": variance[-1] / variance[0],
    "sum_gap": sum_gap,
    "around_gap": around_gap,
    "mc_max_z": max(mc_z),
    "mc_max_rel": 100 * max(mc_rel),
    "around_first": first["around_truth"].mean(),
    "around_best": parts[best_degree]["around_truth"].mean(),
    "around_ratio_first": first["around_truth"].mean() / first["variance"].mean(),
    "naive_bias2_last": naive_bias2_last,
    "naive_bias2_best": float(naive_bias2[best]),
    # = variance / n_sets at the highest degree
    "naive_excess": naive_bias2_last - bias2[-1],
    "iid_variance": iid_variance,
    "iid_mean_error": per_set_iid.mean(),
    "iid_median_error": np.median(per_set_iid),
    "grid_mean_error": per_set_grid.mean(),
    "grid_median_error": np.median(per_set_grid),
    "iid_top_share": 100 * iid_top_share,
    "repeats": REPEATS,
    "iid_variance_min": min(repeat_variance[True]),
    "iid_variance_max": max(repeat_variance[True]),
    "grid_variance_min": min(repeat_variance[False]),
    "grid_variance_max": max(repeat_variance[False]),
}
TABLES = {
    "degrees": {
        "columns": [
            "degree",
            "train",
            "bias2",
            "bias2_se",
            "variance",
            "noise",
            "risk",
        ],
        "rows": [
            [int(r[0]), float(r[1]), float(r[2]), float(se), *map(float, r[3:])]
            for r, se in zip(rows, bias2_se, strict=True)
        ],
    }
}

if __name__ == "__main__":
    print(" d   train    bias^2 (se)          variance  noise  risk=b^2+v+s^2")
    for r in TABLES["degrees"]["rows"]:
        print("{:2d}  {:.4f}  {:8.5f} ({:.5f})  {:8.4f}  {:.3f}  {:.4f}".format(*r))
    print(f"bias^2 is zero within two standard errors from d = {zero_from} on")
    print(f"best degree {best_degree}; max relative gap of the sum {sum_gap:.1e};"
          f" around-truth minus (bias^2 + variance): {around_gap:.1e}")
    print(
        f"Monte Carlo with fresh labels: max gap {max(mc_z):.2f} standard errors "
        f"({100 * max(mc_rel):.2f}%)"
    )
    print(
        f"degree 1: spread around the truth {first['around_truth'].mean():.4f}, "
        "variance "
        f"{first['variance'].mean():.4f}"
    )
    print(
        f"degree {DEGREES[-1]}: naive bias^2 {naive_bias2_last:.4f}, corrected "
        f"{bias2[-1]:.4f}"
    )
    print(
        f"degree {DEGREES[-1]}, x i.i.d.: variance {iid_variance:.1f}, per-set "
        "error mean "
        f"{per_set_iid.mean():.2f} median {np.median(per_set_iid):.3f}; two "
        "worst sets "
        f"{100 * iid_top_share:.0f}% of the total"
    )
    print(
        f"degree {DEGREES[-1]}, {REPEATS} more groups of {N_SETS} sets: variance "
        "from "
        f"{min(repeat_variance[True]):.1e} to "
        f"{max(repeat_variance[True]):.1e} (x i.i.d.), from "
        f"{min(repeat_variance[False]):.3f} to "
        f"{max(repeat_variance[False]):.3f} (one x per sub-interval)"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6.5, 4), num="decomposition")
    degrees = list(DEGREES)
    # only where b^2 is clearly above zero
    shown = np.where(bias2 > 2 * bias2_se, bias2, np.nan)
    ax.semilogy(degrees, shown, "o-", label=r"$b^2$")
    ax.semilogy(degrees, variance, "s-", label=r"$v$")
    ax.semilogy(degrees, [SIGMA**2] * len(degrees), "k:", label=r"$\sigma^2$")
    ax.semilogy(
        degrees, risk, "D-", color="C3", lw=2, label=r"$R = b^2 + v + \sigma^2$",
    )
    ax.semilogy(degrees, train_error, "^--", color="C2", label=r"$\hat{R}$")
    ax.axvline(best_degree, color="gray", lw=0.8)
    ax.set_xlabel("d")
    ax.set_xticks(degrees)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(ncol=2)
    fig.tight_layout()
