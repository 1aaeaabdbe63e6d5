"""Shared by the mini-batch gradient descent snippets:
one linear-regression problem and its trainer.

y = w*x + b + noise with two parameters (w, b), so that a path of the
parameters can be drawn on the loss contours. The loss is the mean
squared error (PyTorch's nn.MSELoss default): L(w, b) = mean((w*x_i +
b - y_i)^2), whose Hessian 2 X^T X / N is the same everywhere.
"""

from dataclasses import dataclass

import numpy as np

SEED = 0
N = 1000                      # training samples
# x ~ N(1, 1): x is not centred, so w and b are coupled (elongated contours)
X_MEAN, X_STD = 1.0, 1.0
W_TRUE, B_TRUE = 2.0, 1.0     # y = 2x + 1 + noise
NOISE_STD = 1.0
THETA0 = np.array([-2.0, -3.0])  # every method starts here: (w, b)


# %% data
def make_data(n: int = N, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """X has the columns [x, 1] (the 1 multiplies b); y is the target."""
    rng = np.random.default_rng(seed)
    x = rng.normal(X_MEAN, X_STD, n)
    y = W_TRUE * x + B_TRUE + rng.normal(0.0, NOISE_STD, n)
    return np.stack([x, np.ones(n)], axis=1), y


def loss(theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error for one theta (shape (2,)) or for k of them (shape (k, 2))."""
    residual = X @ np.atleast_2d(theta).T - y[:, None]
    return (
        np.mean(residual**2, axis=0)
        if np.ndim(theta) == 2
        else float(np.mean(residual**2))
    )


def hessian(X: np.ndarray) -> np.ndarray:
    return 2.0 * X.T @ X / len(X)


def optimum(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(X, y, rcond=None)[0]


# %% train
@dataclass
class Run:
    # (updates + 1, k, 2): theta after each update, starting at theta0
    path: np.ndarray
    # (updates, k): loss on the batch used by each update (before the update)
    batch_loss: np.ndarray
    # (epochs + 1, k): loss on the whole training set at the end of each epoch
    epoch_loss: np.ndarray


def train(X, y, batch_size, lr, epochs, theta0=THETA0, seed=1) -> Run:
    """Mini-batch gradient descent, as
    DataLoader(shuffle=True, drop_last=False) would feed it.

    Each epoch draws a new random order of the N samples and cuts it into
    ceil(N / batch_size) batches (the last one smaller when batch_size
    does not divide N). batch_size = N is batch gradient descent (one
    update per epoch, the exact gradient), batch_size = 1 is SGD. `lr` may
    be an array: k runs with k learning rates, fed the very same batches.
    """
    rng = np.random.default_rng(seed)
    lr = np.atleast_1d(np.asarray(lr, dtype=float))
    theta = np.tile(np.asarray(theta0, dtype=float), (len(lr), 1))
    n = len(X)
    path, batch_loss, epoch_loss = [theta.copy()], [], [loss(theta, X, y)]
    # divergent runs overflow to inf / nan, on purpose
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                residual = X[idx] @ theta.T - y[idx, None]                 # (b, k)
                batch_loss.append(np.mean(residual**2, axis=0))
                gradient = 2.0 * X[idx].T @ residual / len(idx)            # (2, k)
                theta = theta - lr[:, None] * gradient.T
                path.append(theta.copy())
            epoch_loss.append(loss(theta, X, y))
    return Run(np.array(path), np.array(batch_loss), np.array(epoch_loss))
