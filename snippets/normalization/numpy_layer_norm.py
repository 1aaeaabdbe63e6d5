"""LayerNorm in NumPy, checked against torch.nn.LayerNorm;
and the (x - mu)/(sigma + eps) variant."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

EPS = 1e-5


# %% numpy
def layer_norm(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = EPS
) -> np.ndarray:
    """PyTorch's definition: (x - mean) / sqrt(var
    + eps) * gamma + beta over the last axis.

    var is the biased variance (divide by n, not n - 1).
    """
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def layer_norm_sigma_plus_eps(x: np.ndarray, eps: float = EPS) -> np.ndarray:
    """The variant often written in notes: (x - mean)
    / (std + eps). Not what PyTorch computes."""
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / (x.std(axis=-1, keepdims=True) + eps)


# %% check
def max_difference_from_torch(seed: int = 0) -> float:
    """Largest |numpy - torch| on a random (4,
    8, 16) batch with random gamma and beta."""
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, size=(4, 8, 16))
    gamma, beta = rng.normal(size=16), rng.normal(size=16)
    layer = nn.LayerNorm(16, eps=EPS).double()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(gamma))
        layer.bias.copy_(torch.from_numpy(beta))
        expected = layer(torch.from_numpy(x)).numpy()
    return float(np.abs(layer_norm(x, gamma, beta) - expected).max())


def variant_gap(sigma: float, seed: int = 0) -> float:
    """Largest |difference| between the two
    formulas on rows whose std is about sigma."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, sigma, size=(64, 512))
    ones, zeros = np.ones(512), np.zeros(512)
    return float(
        np.abs(layer_norm(x, ones, zeros) - layer_norm_sigma_plus_eps(x)).max()
    )


def output_ratio(sigma: np.ndarray, eps: float = EPS) -> np.ndarray:
    """(sigma + eps) / sqrt(sigma^2 + eps): how much
    smaller PyTorch's output is than the variant's."""
    return (sigma + eps) / np.sqrt(sigma**2 + eps)


# %% report
SIGMAS = (1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0)
SIGMA_SMALL, SIGMA_ONE = 1e-3, 1.0  # the two rows the card quotes

if __name__ == "__main__":
    print(f"max |numpy - torch| (float64): {max_difference_from_torch():.2e}")
    rows = []
    for sigma in SIGMAS:
        gap = variant_gap(sigma)
        ratio = float(output_ratio(np.array(sigma)))
        rows.append([sigma, gap, ratio])
        print(
            f"sigma={sigma:>7g}: max gap={gap:.3e}  output ratio "
            f"torch/variant={ratio:.4f}"
        )

    grid = np.logspace(-5, 1, 200)
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6, 3.5), num="ratio")
    ax.semilogx(grid, output_ratio(grid))
    ax.axvline(np.sqrt(EPS), color="gray", linestyle="--",
               label=r"$\sigma = \sqrt{\varepsilon}$")
    ax.set_xlabel(r"$\sigma$")
    ax.set_ylabel(r"$(\sigma+\varepsilon)\,/\,\sqrt{\sigma^2+\varepsilon}$")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()

    TABLES = {"variants": {"columns": ["sigma", "max_gap", "ratio"], "rows": rows}}
    VALUES = {
        "eps": EPS,
        "sqrt_eps": EPS**0.5,
        "max_diff_torch": max_difference_from_torch(),
        "sigma_small": SIGMA_SMALL,
        "sigma_one": SIGMA_ONE,
        "gap_sigma_1": variant_gap(SIGMA_ONE),
        "gap_sigma_1e-3": variant_gap(SIGMA_SMALL),
        "ratio_sigma_1e-3": float(output_ratio(np.array(SIGMA_SMALL))),
        "ratio_sigma_1": float(output_ratio(np.array(SIGMA_ONE))),
    }
