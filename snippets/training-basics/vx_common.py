"""Shared by the vanishing/exploding-gradient snippets:
the digits data, the initializations, a deep MLP.

Data: scikit-learn's bundled 8x8 digits (1797 images, no download), each pixel
standardized to mean 0 and standard deviation 1 (pixels that are constant get 0).
Network: DEPTH hidden layers Linear -> activation, then a Linear read-out to the
10 classes; the hidden layer l outputs A^(l) = phi(z^(l)), z^(l) = W^(l) A^(l-1).
"""

import math

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

SEED = 0
DEPTH = 20          # hidden layers
N_PIXELS = 64
N_CLASSES = 10
SMALL_STD = 0.01    # the "small random numbers" initialization, N(0, SMALL_STD²)


def digits(
    dtype: torch.dtype = torch.float32, seed: int = SEED
) -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits in a seeded order: standardized pixels, labels."""
    data = load_digits()
    x = data.data.astype(np.float64)
    std = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
    order = np.random.default_rng(seed).permutation(len(x))
    return torch.tensor(x[order], dtype=dtype), torch.tensor(data.target[order]).long()


# %% inits
def init_(linear: nn.Linear, name: str) -> None:
    """Re-initialize a Linear's weights; biases (if
    any) get 0, except with PyTorch's default."""
    w = linear.weight
    # left as nn.Linear made it: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    if name == "PyTorch":
        return
    if name == "N(0, 0.01²)":      # "small random numbers"
        nn.init.normal_(w, 0.0, SMALL_STD)
    # Glorot & Bengio (2010): Var = 2 / (fan_in + fan_out)
    elif name == "Xavier":
        nn.init.xavier_normal_(w)
    elif name == "He":             # He et al. (2015): Var = 2 / fan_in
        nn.init.kaiming_normal_(w, nonlinearity="relu")
    elif name == "N(0, 1)":        # randn weights, not scaled by the width
        nn.init.normal_(w, 0.0, 1.0)
    else:
        raise ValueError(name)
    if linear.bias is not None:
        nn.init.zeros_(linear.bias)


INITS = ("PyTorch", "N(0, 0.01²)", "Xavier", "He", "N(0, 1)")
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "ReLU": nn.ReLU}


def gain(fan_in: int, fan_out: int, name: str) -> float:
    """c = fan_in * Var(w): the factor one layer
    multiplies E[x^2] by (see the card's derivation)."""
    var = {"PyTorch": 1 / (3 * fan_in), "N(0, 0.01²)": SMALL_STD**2,
           "Xavier": 2 / (fan_in + fan_out), "He": 2 / fan_in, "N(0, 1)": 1.0}[name]
    return fan_in * var


# %% mlp
def deep_mlp(
    activation: str,
    init: str,
    width: int,
    depth: int = DEPTH,
    bias: bool = False,
    seed: int = SEED,
    dtype: torch.dtype = torch.float32,
) -> nn.Sequential:
    """depth x (Linear -> activation), then a Linear
    read-out with PyTorch's default initialization."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i in range(depth):
        linear = nn.Linear(N_PIXELS if i == 0 else width, width, bias=bias)
        init_(linear, init)
        layers += [linear, ACTIVATIONS[activation]()]
    layers.append(nn.Linear(width, N_CLASSES, bias=bias))
    return nn.Sequential(*layers).to(dtype)


def geometric_factor(ratio: float, steps: int) -> float:
    """The mean factor per layer of a ratio accumulated over `steps` layers."""
    return math.exp(math.log(ratio) / steps)
