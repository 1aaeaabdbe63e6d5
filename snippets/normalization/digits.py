"""Shared by the Batch Normalization snippets: the digits data set and a small MLP trainer.

The data is scikit-learn's bundled 8x8 handwritten digits (1797 images, read from the
installed package, no download). Pixels 0..16 are scaled to 0..1; the split is seeded.
"""

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

SEED = 0


@dataclass(frozen=True)
class Split:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def load(test_fraction: float = 0.25, seed: int = SEED) -> Split:
    """A seeded train/test split of the digits, as float32 tensors in [0, 1]."""
    digits = load_digits()
    x = torch.from_numpy(digits.data.astype(np.float32) / 16.0)
    y = torch.from_numpy(digits.target).long()
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(x)))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return Split(x[train], y[train], x[test], y[test])


def mlp(widths: list[int], batch_norm: bool, seed: int = SEED) -> nn.Sequential:
    """Linear -> (BatchNorm1d) -> ReLU for every hidden width, then a Linear classifier."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(widths[:-2], widths[1:-1], strict=True):
        layers.append(nn.Linear(fan_in, fan_out))
        if batch_norm:
            layers.append(nn.BatchNorm1d(fan_out))
        layers.append(nn.ReLU())
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Share of correct predictions, in eval() mode."""
    model.eval()
    with torch.no_grad():
        return float((model(x).argmax(dim=1) == y).float().mean())


def train(model: nn.Module, data: Split, lr: float, epochs: int, batch_size: int = 64,
          seed: int = SEED) -> dict[str, list[float]]:
    """Plain SGD on cross-entropy; per epoch: mean training loss and test accuracy.

    A loss that becomes NaN or infinite is recorded as such and training stops there.
    """
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"loss": [], "test_accuracy": []}
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(data.x_train), generator=generator)
        losses = []
        for start in range(0, len(order) - batch_size + 1, batch_size):  # full batches only
            batch = order[start:start + batch_size]
            loss = nn.functional.cross_entropy(model(data.x_train[batch]), data.y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history["loss"].append(float(np.mean(losses)))
        history["test_accuracy"].append(accuracy(model, data.x_test, data.y_test))
        if not np.isfinite(history["loss"][-1]):
            break
    return history
