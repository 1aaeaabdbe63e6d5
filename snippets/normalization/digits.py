"""Shared by the Batch Normalization snippets:
the digits data set and a small MLP trainer.

The data is scikit-learn's bundled 8x8 handwritten digits (1797 images, read from the
installed package, no download). Pixels 0..16 are scaled to 0..1; the split is seeded.
"""

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

SEED = 0
# the digits MLP the cards train: 64 pixels in, 10 classes out
WIDTHS = [64, 128, 128, 128, 10]


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


# %% mlp
def mlp(
    widths: list[int],
    batch_norm: bool = False,
    seed: int = SEED,
    layer_norm: bool = False,
) -> nn.Sequential:
    """Linear -> (BatchNorm1d or LayerNorm) -> ReLU
    for every hidden width, then a Linear classifier.

    Normalization layers draw no random numbers: with the same
    seed, every variant gets the very same Linear weights."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(widths[:-2], widths[1:-1], strict=True):
        layers.append(nn.Linear(fan_in, fan_out))
        if batch_norm:
            layers.append(nn.BatchNorm1d(fan_out))
        if layer_norm:
            layers.append(nn.LayerNorm(fan_out))
        layers.append(nn.ReLU())
    layers.append(nn.Linear(widths[-2], widths[-1]))
    return nn.Sequential(*layers)


# %%
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
        # full batches only
        for start in range(0, len(order) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            loss = nn.functional.cross_entropy(model(data.x_train[batch]),
                                               data.y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history["loss"].append(float(np.mean(losses)))
        history["test_accuracy"].append(accuracy(model, data.x_test, data.y_test))
        if not np.isfinite(history["loss"][-1]):
            break
    return history


def plot_curves(num: str, learning_rates: list[float], curves, chance_loss: float,
                width: float, rates_in_rows: bool = False):
    """Training loss (log scale) and test accuracy in % per epoch: one column per
    learning rate, loss on top (``rates_in_rows``: one row per learning rate, loss on
    the left). ``curves`` gives (learning rate, legend label or None, matplotlib style,
    history) per run."""
    import matplotlib.pyplot as plt

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    shape = (len(learning_rates), 2) if rates_in_rows else (2, len(learning_rates))
    height = 2.2 * len(learning_rates) if rates_in_rows else 5.5
    fig, grid = plt.subplots(*shape, figsize=(width, height), sharex=True, num=num)
    axes = grid.T if rates_in_rows else grid  # axes[0, i]: loss, axes[1, i]: accuracy
    for lr, name, style, history in curves:
        column = learning_rates.index(lr)
        epochs = range(1, len(history["loss"]) + 1)
        axes[0, column].semilogy(epochs, history["loss"], style, alpha=0.8, label=name)
        axes[1, column].plot(epochs, [100 * a for a in history["test_accuracy"]], style,
                             alpha=0.8, label=name)
    loss = r"$\mathcal{L}_{\mathrm{train}}$"
    accuracy = r"$\mathrm{acc}_{\mathrm{test}}$ (%)"
    for column, lr in enumerate(learning_rates):
        axes[0, column].axhline(chance_loss, color="gray", linestyle=":", linewidth=1)
        axes[1, column].set_ylim(0, 100)
        rate = axes[0, column]
        (rate.set_ylabel if rates_in_rows else rate.set_title)(rf"$\eta = {lr:g}$")
    for ax in grid[-1]:
        ax.set_xlabel("epoch")
    for ax, quantity in zip(axes[:, 0], (loss, accuracy), strict=True):
        (ax.set_title if rates_in_rows else ax.set_ylabel)(quantity)
    axes[1, 0].legend(loc="lower right")
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
