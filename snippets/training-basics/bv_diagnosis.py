"""The diagnosis table, each row a computed example on the two moons of bv_fits.py.

Four models, each trained on 20 draws of the data and judged on 2000 validation
points; errors are 1 - accuracy, averaged over the draws. "High" is measured against
the Bayes error (the best any classifier can do on this distribution): train - Bayes
is the bias part the model could still remove, val - train is the generalization gap.
"""

import numpy as np
from bv_common import bayes_error, moons, poly_logistic

N_VAL = 2000
DRAWS = 20
GAP = 0.03  # a gap larger than 0.03 (3 points of error rate) is called "large"

# %% cases
CASES = {  # name: (input columns the model sees, polynomial degree, training points)
    "bias": ((0, 1), 1, 1000),       # a straight boundary, plenty of data
    # degree 15, 100 points (the right panel of bv_fits.py)
    "variance": ((0, 1), 15, 100),
    # sees only x1 (cannot separate the moons), degree 15, 30 points
    "both": ((0,), 15, 30),
    "good": ((0, 1), 3, 1000),       # degree 3, plenty of data
}


def run(columns, degree, n_train):
    errors = []
    for seed in range(DRAWS):
        x, y = moons(n_train + N_VAL, seed)
        x = x[:, list(columns)]
        model = poly_logistic(degree).fit(x[:n_train], y[:n_train])
        errors.append((1 - model.score(x[:n_train], y[:n_train]),
                       1 - model.score(x[n_train:], y[n_train:])))
    return np.mean(errors, axis=0)


bayes, bayes_se = bayes_error()
results = {}
for name, (columns, degree, n_train) in CASES.items():
    train, val = run(columns, degree, n_train)
    results[name] = {"train": train, "val": val, "bias_gap": train - bayes,
                     "variance_gap": val - train, "high_bias": train - bayes > GAP,
                     "high_variance": val - train > GAP}

# %%

VALUES = {"draws": DRAWS, "n_val": N_VAL, "gap": GAP, "bayes": bayes}
for name, r in results.items():
    columns, degree, n_train = CASES[name]
    VALUES.update({f"{name}_train": r["train"], f"{name}_val": r["val"],
                   f"{name}_bias_gap": r["bias_gap"],
                   f"{name}_variance_gap": r["variance_gap"], f"{name}_degree": degree,
                   f"{name}_n": n_train})

if __name__ == "__main__":
    print(f"Bayes error {bayes:.3f}; 'high' = a gap above {GAP:.2f}")
    print("case       train   val    train-Bayes  val-train  high bias  high variance")
    for name, r in results.items():
        print(
            f"{name:9s}  {r['train']:.3f}  {r['val']:.3f}  "
            f"{r['bias_gap']:+.3f}       {r['variance_gap']:+.3f}"
            f"     {r['high_bias']!s:5s}      {r['high_variance']}"
        )
