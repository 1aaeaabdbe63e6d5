"""The gradient of the mean squared error of linear regression, L(w) =
mean((Xw - y)^2), written three ways: a loop over samples with NumPy rows,
a loop in pure Python, and one matrix expression 2/n X^T (Xw - y). Same
numbers (checked against PyTorch's autograd), very different times."""

import sys

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from vec_common import median_seconds
from vec_data import diabetes

SYNTHETIC = (20_000, 50)  # a larger made-up data set: n samples, d features
REPEATS = 5

rng = np.random.default_rng(0)


# %% gradient
def grad_rows(X, y, w):
    """Loop over samples; each step uses NumPy on one row."""
    n, d = X.shape
    g = np.zeros(d)
    for i in range(n):
        residual = X[i] @ w - y[i]
        g += residual * X[i]
    return g * 2 / n


def grad_python(rows, y, w):
    """Loop over samples and features, Python floats only (rows: a list of lists)."""
    n, d = len(rows), len(w)
    g = [0.0] * d
    for x_i, y_i in zip(rows, y, strict=True):
        residual = sum(x_ij * w_j for x_ij, w_j in zip(x_i, w, strict=True)) - y_i
        for j in range(d):
            g[j] += residual * x_i[j]
    return [g_j * 2 / n for g_j in g]


def grad_matrix(X, y, w):
    """The whole data set in one expression."""
    return X.T @ (X @ w - y) * 2 / len(y)


# %% autograd
def grad_autograd(X, y, w):
    """What PyTorch's autograd gives for the same loss."""
    w_t = torch.tensor(w, requires_grad=True)
    loss = ((torch.from_numpy(X) @ w_t - torch.from_numpy(y)) ** 2).mean()
    loss.backward()
    return w_t.grad.numpy()


def datasets():
    X, y = diabetes()
    n, d = SYNTHETIC
    X_big = np.hstack([np.ones((n, 1)), rng.standard_normal((n, d - 1))])
    y_big = X_big @ rng.standard_normal(d) + rng.standard_normal(n)
    return {"diabetes": (X, y), "synthetic": (X_big, y_big)}


DATA = datasets()
WEIGHTS = {
    name: np.random.default_rng(1).standard_normal(X.shape[1])
    for name, (X, _) in DATA.items()
}


def compare(name):
    """Largest absolute difference of each version
    from the matrix one, and the gradient's size."""
    X, y = DATA[name]
    w = WEIGHTS[name]
    reference = grad_matrix(X, y, w)
    others = {"rows": grad_rows(X, y, w),
              "python": np.array(grad_python(X.tolist(), y.tolist(), w.tolist())),
              "autograd": grad_autograd(X, y, w)}
    return {k: float(np.abs(v - reference).max()) for k, v in others.items()}, float(
        np.abs(reference).max()
    )


differences = {name: compare(name) for name in DATA}


# %% timing


def measure(names=tuple(DATA), repeats=REPEATS):
    seconds = {}
    for name in names:
        X, y = DATA[name]
        w = WEIGHTS[name]
        seconds[name] = {
            "rows": median_seconds(grad_rows, X, y, w, repeats=repeats),
            "python": median_seconds(
                grad_python, X.tolist(), y.tolist(), w.tolist(), repeats=repeats
            ),
            "matrix": median_seconds(grad_matrix, X, y, w, repeats=repeats),
        }
    return seconds


# %% report
if __name__ == "__main__":
    threadpool_limits(1)  # one BLAS thread, as in the build
    for name, (diff, size) in differences.items():
        X, _ = DATA[name]
        print(
            f"{name}: X {X.shape}, largest |gradient| {size:.4g}, largest "
            "difference from the matrix version: "
            + ", ".join(f"{k} {v:.1e}" for k, v in diff.items())
        )
    seconds = measure()
    TABLES = {
        "gradient": {
            "columns": [
                "data",
                "n",
                "d",
                "rows (s)",
                "python (s)",
                "matrix (s)",
                "rows/matrix",
                "python/matrix",
            ],
            "rows": [
                [
                    name,
                    *DATA[name][0].shape,
                    t["rows"],
                    t["python"],
                    t["matrix"],
                    t["rows"] / t["matrix"],
                    t["python"] / t["matrix"],
                ]
                for name, t in seconds.items()
            ],
        }
    }
    VALUES = {"n_diabetes": DATA["diabetes"][0].shape[0],
              "d_diabetes": DATA["diabetes"][0].shape[1],
              "features_diabetes": DATA["diabetes"][0].shape[1] - 1,
              "n_synthetic": SYNTHETIC[0], "d_synthetic": SYNTHETIC[1],
              "repeats": REPEATS}
    for name, (diff, size) in differences.items():
        VALUES[f"grad_max_{name}"] = size
        for k, v in diff.items():
            VALUES[f"diff_{k}_{name}"] = v
        VALUES[f"rel_diff_{name}"] = max(diff.values()) / size
        for k, v in seconds[name].items():
            VALUES[f"t_{k}_{name}"] = v
        VALUES[f"speedup_rows_{name}"] = seconds[name]["rows"] / seconds[name]["matrix"]
        VALUES[f"speedup_python_{name}"] = (
            seconds[name]["python"] / seconds[name]["matrix"]
        )
        VALUES[f"us_per_sample_rows_{name}"] = (
            seconds[name]["rows"] / DATA[name][0].shape[0] * 1e6
        )
        VALUES[f"us_per_sample_python_{name}"] = (
            seconds[name]["python"] / DATA[name][0].shape[0] * 1e6
        )
        for k, v in seconds[name].items():
            VALUES[f"ms_{k}_{name}"] = v * 1e3
        # which loop was faster, as a symbol both languages can quote: "<" means faster
        VALUES[f"rows_vs_python_{name}"] = (
            "<" if seconds[name]["rows"] < seconds[name]["python"] else ">"
        )
    TIMINGS = ["gradient"] + [k for k in VALUES if k.startswith(("t_", "speedup_",
                                                                 "us_", "ms_",
                                                                 "rows_vs_"))]
    for name in TIMINGS:
        print(f"{name}: {VALUES.get(name, TABLES.get(name))}", file=sys.stderr)
