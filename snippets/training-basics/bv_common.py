"""Shared by the bias-variance snippets: a regression
problem with a known truth, and a classification one.

Regression: y = f(x) + noise, x in [-1, 1]. A training set has one point drawn
uniformly in each of n equal sub-intervals of [-1, 1] (so no set leaves a wide gap),
and the model is a polynomial written in Legendre polynomials (well conditioned on
[-1, 1]), fitted by least squares, or by ridge regression when lam > 0. Many
training sets are fitted at once: a stack of design matrices, one batched QR.

Classification: scikit-learn's two moons with Gaussian noise (generated, no
download), logistic regression on polynomial features, and the Bayes
classifier of that distribution (the lowest error any classifier can reach).
"""

import numpy as np
from numpy.polynomial import legendre
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

# ---- regression ----
SIGMA = 0.3                      # noise: y = f(x) + N(0, SIGMA^2)
# test points, where bias, variance and error are measured
X_TEST = np.linspace(-1, 1, 201)


def f(x):
    """The true function."""
    return np.sin(3 * x) + 0.5 * np.cos(5 * x)


def training_sets(n_sets: int, n: int, seed: int, uniform: bool = False):
    """n_sets training sets of n points: x (one point per
    sub-interval, or i.i.d. uniform), y = f(x) + noise."""
    rng = np.random.default_rng(seed)
    if uniform:
        x = rng.uniform(-1, 1, (n_sets, n))
    else:
        x = -1 + (np.arange(n) + rng.uniform(size=(n_sets, n))) * 2 / n
    return x, f(x) + SIGMA * rng.standard_normal((n_sets, n))


# %% fit
def fit(x, y, degree: int, lam: float = 0.0):
    """One least-squares fit per training set (row
    of x, y) on Legendre polynomials P_0..P_degree.

    lam > 0: ridge, minimizing sum (y - yhat)^2 + lam * sum_{k>=1} w_k^2 (the
    constant is not penalized). Returns the weights, shape (n_sets, degree + 1)."""
    design = legendre.legvander(x, degree)                   # (n_sets, n, degree + 1)
    target = y[..., None]
    if lam > 0:  # ridge = least squares on rows sqrt(lam) * e_k appended, with target 0
        extra = np.broadcast_to(np.sqrt(lam) * np.eye(degree + 1)[1:],
                                (len(x), degree, degree + 1))
        design = np.concatenate([design, extra], axis=1)
        target = np.concatenate([target, np.zeros((len(x), degree, 1))], axis=1)
    # batched over the training sets
    q, r = np.linalg.qr(design)
    return np.linalg.solve(r, q.transpose(0, 2, 1) @ target)[..., 0]


def predict(weights, x):
    """Predictions of every fitted model at the points x:
    shape (n_sets, len(x)), or (n_sets, n) for x per set."""
    degree = weights.shape[-1] - 1
    if x.ndim == 1:
        return weights @ legendre.legvander(x, degree).T
    return np.einsum("snp,sp->sn", legendre.legvander(x, degree), weights)


# %%


# %% decompose
def decompose(pred, truth, sigma=SIGMA):
    """Bias^2, variance and noise of predictions pred
    (training sets x test points) against truth.

    Per test point: the mean prediction over training sets; the variance is the
    spread of the predictions AROUND THAT MEAN (ddof=1); bias^2 = (mean -
    truth)^2 - variance / n_sets, which removes the part of (mean - truth)^2 due
    to averaging only n_sets sets. around_truth is the spread of the predictions
    around the TRUTH; risk is the expected squared error on a new noisy label,
    averaged over the training sets. Each is returned per test point."""
    n_sets = len(pred)
    variance = pred.var(axis=0, ddof=1)
    bias2 = (pred.mean(axis=0) - truth) ** 2 - variance / n_sets
    around_truth = ((pred - truth) ** 2).mean(axis=0)
    return {"bias2": bias2, "variance": variance,
            "noise": np.full_like(truth, sigma**2), "around_truth": around_truth,
            "risk": around_truth + sigma**2}


# %%


def bias2_standard_error(pred, truth, n_boot: int = 100, seed: int = 0):
    """Bootstrap standard error (resampling the training
    sets) of bias^2 averaged over the test points."""
    rng = np.random.default_rng(seed)
    estimates = [
        decompose(pred[rng.integers(0, len(pred), len(pred))], truth)["bias2"].mean()
        for _ in range(n_boot)
    ]
    return float(np.std(estimates, ddof=1))


# ---- classification ----
MOONS_NOISE = 0.3
# LogisticRegression's C = 1/(regularization strength): 1e5 is almost no regularization
C_WEAK = 1e5
# points along each arc; their spacing is far below MOONS_NOISE
_T = np.linspace(0, np.pi, 200)
# class 0 of make_moons before the noise
_UPPER = np.stack([np.cos(_T), np.sin(_T)], axis=1)
_LOWER = np.stack([1 - np.cos(_T), 0.5 - np.sin(_T)], axis=1)  # class 1


def moons(n: int, seed: int):
    return make_moons(n, noise=MOONS_NOISE, random_state=seed)


# %% classifier
def poly_logistic(degree: int, C: float = C_WEAK):
    """Logistic regression on all monomials of the inputs up to `degree`, standardized.

    With so little regularization the optimum is reached only with a tight
    tolerance: Newton-CG with tol=1e-8 converges (the default L-BFGS,
    tol=1e-4, stops early at high degrees and gives a smoother boundary)."""
    return make_pipeline(
        PolynomialFeatures(degree), StandardScaler(),
        LogisticRegression(C=C, solver="newton-cg", tol=1e-8, max_iter=1000),
    )


# %%


# %% bayes
def bayes_predict(x):
    """The Bayes classifier of the moons: the class
    whose density at x is larger (equal priors).

    A class's density is its arc (a half circle) blurred
    by N(0, MOONS_NOISE^2 I), averaged over the arc."""
    out = np.empty(len(x), dtype=int)
    for start in range(0, len(x), 4096):
        chunk = x[start:start + 4096, None, :]
        upper = np.exp(-((chunk - _UPPER) ** 2).sum(-1) / (2 * MOONS_NOISE**2)).mean(1)
        lower = np.exp(-((chunk - _LOWER) ** 2).sum(-1) / (2 * MOONS_NOISE**2)).mean(1)
        out[start:start + 4096] = lower > upper
    return out


# %%


def bayes_error(n: int = 20_000, seed: int = 12_345):
    """The Bayes error, estimated on n fresh points, with its standard error."""
    x, y = moons(n, seed)
    err = np.mean(bayes_predict(x) != y)
    return err, np.sqrt(err * (1 - err) / n)
