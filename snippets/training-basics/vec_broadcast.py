"""Broadcasting bugs that a vectorized version can introduce, computed on the
diabetes data: a target of shape (n, 1) minus a prediction of shape (n,) gives
an (n, n) matrix, a wrong loss that still looks like a number, and a model
trained on it that learns nothing; a mean without keepdims that is silently
wrong when the matrix happens to be square. And how to catch both."""

import warnings

import numpy as np
import torch
from vec_data import diabetes

LR = 0.1
STEPS = 300

X, y = diabetes()  # X (442, 11), y (442,)
n = len(y)
w_fit, *_ = np.linalg.lstsq(X, y, rcond=None)  # least-squares weights: the right answer


# %% bug
# (n, 1): e.g. a target read as a one-column table, or a reshape for X.T @ y
y_col = y.reshape(-1, 1)
pred = X @ w_fit  # (n,)
residual = y_col - pred  # (n, 1) - (n,) -> (n, n): every target minus every prediction
loss_wrong = np.mean(residual**2)
loss_right = np.mean((y - pred) ** 2)

# %% catch
try:
    assert pred.shape == y_col.shape, f"shapes differ: {pred.shape} vs {y_col.shape}"
    assert_message = "no error"
except AssertionError as error:
    assert_message = str(error)
# or y_col.ravel(), y_col[:, 0], y_col.squeeze(1)
loss_fixed = np.mean((y_col.reshape(-1) - pred) ** 2)

# %% check
# the wrong loss pairs every target with every prediction:
# the order of the predictions no longer matters
shuffled = np.random.default_rng(0).permutation(pred)
loss_wrong_shuffled = np.mean((y_col - shuffled) ** 2)
# it equals var(y) + mean((pred - mean(y))^2): the error
# of predicting mean(y) for everyone, plus a constant
loss_wrong_formula = np.var(y) + np.mean((pred - y.mean()) ** 2)
pairs_in_wrong = residual.size
shape_wrong = residual.shape
nbytes_wrong = residual.nbytes
nbytes_right = (y - pred).nbytes

# gradient of the same mistake, written by hand: X^T (Xw - y) with y of shape (n, 1)
gradient_shape = (X.T @ (pred - y_col)).shape  # (d, n) instead of (d,)
try:
    _ = w_fit - LR * (X.T @ (pred - y_col)) * 2 / n
    update_error = "no error"
except ValueError as error:
    update_error = str(error)

# PyTorch warns, but only a warning, and still returns the wrong number
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch_loss = torch.nn.functional.mse_loss(torch.from_numpy(pred),
                                              torch.from_numpy(y_col)).item()
torch_warning = str(caught[0].message) if caught else "no warning"
torch_warning_category = caught[0].category.__name__ if caught else "none"
# in a training loop, Python's default warning filter
# shows it once: only the first call from a given line
with warnings.catch_warnings(record=True) as caught_in_loop:
    warnings.simplefilter("default")
    for _ in range(STEPS):
        torch.nn.functional.mse_loss(torch.from_numpy(pred), torch.from_numpy(y_col))
torch_warnings_in_loop = len(caught_in_loop)


# %% train
def train(target: torch.Tensor) -> np.ndarray:
    """Full-batch gradient descent on mean((target - Xw)^2) with autograd; returns w."""
    torch.manual_seed(0)
    x_t = torch.from_numpy(X)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    for _ in range(STEPS):
        loss = ((target - x_t @ w) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= LR * w.grad
            w.grad.zero_()
    return w.detach().numpy()


w_ok = train(torch.from_numpy(y))  # target (n,)
w_bug = train(torch.from_numpy(y_col))  # target (n, 1): the (n, n) loss


def r2(w: np.ndarray) -> float:
    return 1 - np.mean((y - X @ w) ** 2) / np.var(y)


mse_ok, mse_bug = np.mean((y - X @ w_ok) ** 2), np.mean((y - X @ w_bug) ** 2)
largest_feature_weight_bug = np.abs(w_bug[1:]).max()  # every weight but the intercept

# %% keepdims
rows = X[:10, 1:]  # 10 samples x 10 features: a square block, by chance
# (10, 10) - (10,): subtracts sample j's mean from column j
centered_wrong = rows - rows.mean(axis=1)
# (10, 10) - (10, 1): each row its own mean
centered_right = rows - rows.mean(axis=1, keepdims=True)
row_mean_wrong = np.abs(centered_wrong.mean(axis=1)).max()
row_mean_right = np.abs(centered_right.mean(axis=1)).max()
try:
    # (442, 10) - (442,): the same line, not square: an error
    _ = X[:, 1:] - X[:, 1:].mean(axis=1)
    rectangular_error = "no error"
except ValueError as error:
    rectangular_error = str(error)


# %% report
if __name__ == "__main__":
    print(f"y_col {y_col.shape} - pred {pred.shape} -> {shape_wrong}")
    print(f"loss with the bug:   {loss_wrong:.2f}")
    print(f"loss, right shapes:  {loss_right:.2f}")
    print(f"assert: {assert_message}")
    print(
        f"PyTorch mse_loss: {torch_loss:.2f}, {torch_warning_category}: {torch_warning}"
    )
    print(
        f"trained with the bug: R^2 = {r2(w_bug):.4f}, largest feature weight "
        f"{largest_feature_weight_bug:.2e}"
    )
    print(f"trained without it:   R^2 = {r2(w_ok):.4f}")
    print(
        f"keepdims: largest row mean after centering, wrong {row_mean_wrong:.3f}, "
        f"right {row_mean_right:.1e}"
    )
    print(f"not square: {rectangular_error}")
    VALUES = {"n": n, "d": X.shape[1], "lr": LR, "steps": STEPS,
              "y_col_shape": str(y_col.shape), "pred_shape": str(pred.shape),
              "shape_wrong": str(shape_wrong), "pairs_in_wrong": pairs_in_wrong,
              "nbytes_wrong_kb": nbytes_wrong / 1e3,
              "nbytes_right_kb": nbytes_right / 1e3, "loss_wrong": loss_wrong,
              "loss_right": loss_right, "loss_fixed": loss_fixed,
              "loss_ratio": loss_wrong / loss_right, "var_y": float(np.var(y)),
              "loss_wrong_shuffled_diff": abs(loss_wrong_shuffled - loss_wrong),
              "loss_wrong_formula_diff": abs(loss_wrong_formula - loss_wrong),
              "assert_message": assert_message, "gradient_shape": str(gradient_shape),
              "update_error": update_error, "torch_loss": torch_loss,
              "torch_warning": torch_warning,
              "torch_warning_category": torch_warning_category,
              "torch_warnings_in_loop": torch_warnings_in_loop, "r2_ok": r2(w_ok),
              "r2_bug": r2(w_bug), "r2_fit": r2(w_fit), "mse_ok": mse_ok,
              "mse_bug": mse_bug, "intercept_bug": w_bug[0], "mean_y": y.mean(),
              "largest_feature_weight_bug": largest_feature_weight_bug,
              "block_shape": str(rows.shape), "features_shape": str(X[:, 1:].shape),
              "row_mean_wrong": row_mean_wrong, "row_mean_right": row_mean_right,
              "rectangular_error": rectangular_error}
