"""Shared by the two dying-ReLU snippets of the Activation
functions card: the digits data and a small MLP whose hidden
units are counted as "never active" on the training data.

Data: scikit-learn's bundled 8x8 digits (1797 images, read from the installed
package, no download), pixels scaled to [0, 1], a seeded split. Model: 64 ->
128 -> 128 -> 10, the activation after each hidden Linear layer, PyTorch's
default initialization; plain SGD (no momentum, no weight decay).
"""

from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F

WIDTHS = (64, 128, 128, 10)
N_TEST = 397                     # 1797 images: 1400 for training, 397 for testing
BATCH = 64
LEAK = 0.01                      # nn.LeakyReLU's default negative slope

digits = load_digits()
_x = torch.from_numpy(digits.data.astype(np.float32) / 16.0)
_y = torch.from_numpy(digits.target).long()
_order = torch.from_numpy(np.random.default_rng(0).permutation(len(_x)))
x_train, y_train = _x[_order[N_TEST:]], _y[_order[N_TEST:]]
x_test, y_test = _x[_order[:N_TEST]], _y[_order[:N_TEST]]


def relu(z):
    """ReLU."""
    return torch.relu(z)


def leaky(slope=LEAK):
    """Leaky ReLU with this negative slope."""
    return lambda z: F.leaky_relu(z, slope)


# %% model
def make_layers(
    seed: int, shift: float = 0.0, batch_norm: bool = False
) -> list[nn.Module]:
    """The Linear layers (each hidden one followed by a BatchNorm1d
    when ``batch_norm``); the same seed gives the same Linear weights
    whatever the activation (BatchNorm draws no random numbers).
    ``shift`` is subtracted from the first hidden layer's biases."""
    torch.manual_seed(seed)
    layers = []
    for i, (a, b) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:], strict=True)):
        linear = nn.Linear(a, b)
        last = i == len(WIDTHS) - 2
        layers.append(
            nn.Sequential(linear, nn.BatchNorm1d(b))
            if batch_norm and not last
            else linear
        )
    with torch.no_grad():
        first = layers[0][0] if batch_norm else layers[0]
        first.bias -= shift
    return layers


def linear_of(layer: nn.Module) -> nn.Linear:
    """The Linear layer of a (Linear, BatchNorm1d) pair, or the layer itself."""
    return layer[0] if isinstance(layer, nn.Sequential) else layer


def forward(layers, act, x, pre=None, batch_stats=False):
    """The MLP; the hidden pre-activations z (after BatchNorm, if any) are
    appended to ``pre`` when given. ``batch_stats``: BatchNorm normalizes
    with the statistics of ``x`` itself and updates nothing."""
    h = x
    for i, layer in enumerate(layers):
        if isinstance(layer, nn.Sequential) and batch_stats:
            linear, bn = layer
            h = F.batch_norm(linear(h), None, None, bn.weight, bn.bias, training=True,
                             eps=bn.eps)
        else:
            h = layer(h)
        if i < len(layers) - 1:
            if pre is not None:
                pre.append(h)
            h = act(h)
    return h


# %% never_active
def never_active(layers, act) -> list[torch.Tensor]:
    """Per hidden layer, a boolean per unit: z <= 0 on EVERY training image (a
    ReLU unit that outputs 0, and passes no gradient, for the whole training
    set). BatchNorm, if any, normalizes with the statistics of the whole
    training set, as it does with those of each minibatch in training."""
    pre = []
    with torch.no_grad():
        forward(layers, act, x_train, pre, batch_stats=True)
    return [(z <= 0).all(dim=0) for z in pre]


# %% train
def sgd_step(params, loss, lr: float) -> None:
    """Plain SGD, w <- w - lr * dL/dw (what torch.optim.SGD
    does without momentum or weight decay)."""
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)


@dataclass
class Run:
    # per epoch (0 = init), per hidden layer: fraction
    dead: list[list[float]] = field(default_factory=list)
    # layer 1's boolean mask, per epoch
    first_dead_sets: list[torch.Tensor] = field(default_factory=list)
    accuracy: float = 0.0
    train_loss: float = 0.0
    # at the end: largest |gradient| of a never-active unit's incoming weights
    dead_grad_max: float = 0.0


def train(
    act, lr: float, seed: int, epochs: int, shift: float = 0.0, batch_norm: bool = False
) -> Run:
    layers = make_layers(seed, shift, batch_norm)
    params = [p for layer in layers for p in layer.parameters()]
    order_gen = torch.Generator().manual_seed(seed + 1000)
    run = Run()

    def record():
        masks = never_active(layers, act)
        run.dead.append([m.float().mean().item() for m in masks])
        run.first_dead_sets.append(masks[0])

    record()
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=order_gen)
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            loss = F.cross_entropy(forward(layers, act, x_train[idx]), y_train[idx])
            sgd_step(params, loss, lr)
        record()
    # gradient of the whole training loss with respect
    # to the never-active units' incoming weights
    for layer in layers:
        layer.eval()
    for p in params:
        p.grad = None
    logits = forward(layers, act, x_train)
    loss = F.cross_entropy(logits, y_train)
    loss.backward()
    masks = never_active(layers, act)
    grads = [
        linear_of(layers[i]).weight.grad[m] for i, m in enumerate(masks) if m.any()
    ]
    run.dead_grad_max = max((g.abs().max().item() for g in grads), default=0.0)
    run.train_loss = loss.item() if np.isfinite(loss.item()) else float("inf")
    with torch.no_grad():
        run.accuracy = (
            (forward(layers, act, x_test).argmax(1) == y_test).float().mean().item()
        )
    return run
