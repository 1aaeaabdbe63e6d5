"""Saturation at initialization: in a deep MLP (DEPTH layers Linear(WIDTH,
WIDTH) + activation, inputs x ~ N(0, 1)), the share of (unit, sample) pairs in
the flat zone |f'(z)| < FLAT, layer by layer, for sigmoid and tanh and several
weight scales (PyTorch's default initialization times 1, 2, 4, 8; the biases
keep their default). ReLU alongside: its derivative is exactly 0 wherever z < 0.
"""

import math

import matplotlib.pyplot as plt
import torch
from torch import nn

DEPTH, WIDTH, N = 10, 256, 512
SCALES = (1, 2, 4, 8)
FLAT = 0.01
ACTS = {
    "sigmoid": (torch.sigmoid, lambda z: torch.sigmoid(z) * (1 - torch.sigmoid(z))),
    "tanh": (torch.tanh, lambda z: 1 - torch.tanh(z) ** 2),
    "ReLU": (torch.relu, lambda z: (z > 0).float()),
}

torch.manual_seed(0)
x = torch.randn(N, WIDTH)


def key(name):
    """The name as used in VALUES keys."""
    return name.lower()


# %% measure
def layer_by_layer(
    name: str, scale: float
) -> tuple[list[float], list[float], list[float]]:
    """Per layer: share of |f'(z)| < FLAT, mean f'(z), std of z. Same
    weights (seed 1) for every activation, multiplied by ``scale``."""
    f, df = ACTS[name]
    torch.manual_seed(1)
    flat, mean_slope, spread = [], [], []
    h = x
    with torch.no_grad():
        for _ in range(DEPTH):
            layer = nn.Linear(WIDTH, WIDTH)
            layer.weight *= scale
            z = layer(h)
            d = df(z)
            flat.append((d.abs() < FLAT).float().mean().item())
            mean_slope.append(d.mean().item())
            spread.append(z.std().item())
            h = f(z)
    return flat, mean_slope, spread


results = {(name, s): layer_by_layer(name, s) for name in ACTS for s in SCALES}
# PyTorch's default Linear weights: U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
# std 1/sqrt(3 fan_in); Xavier's std for a square layer is sqrt(2 / (2
# fan_in)) = 1/sqrt(fan_in): sqrt(3) times the default
xavier_over_default = math.sqrt(3)
he_over_default = math.sqrt(6)

# %%
rows = [[name, f"×{s}", flat[0], flat[-1], max(flat), sum(slope) / DEPTH]
        for (name, s), (flat, slope, _) in results.items()]
TABLES = {
    "saturation": {
        "columns": [
            "activation",
            "scale",
            "flat_first",
            "flat_last",
            "flat_max",
            "mean_slope",
        ],
        "rows": rows,
    }
}
VALUES = {
    "depth": DEPTH,
    "width": WIDTH,
    "n": N,
    "flat": FLAT,
    "scale_min": SCALES[0],
    "scale_mid": SCALES[-2],
    "scale_max": SCALES[-1],
    "scales": ", ".join(map(str, SCALES)),
    "xavier_over_default": xavier_over_default,
    "he_over_default": he_over_default,
    **{f"flat_{key(n)}_x{s}_max": max(results[n, s][0]) for n in ACTS for s in SCALES},
    **{f"flat_{key(n)}_x{s}_last": results[n, s][0][-1] for n in ACTS for s in SCALES},
    **{
        f"slope_{key(n)}_x{s}_mean": sum(results[n, s][1]) / DEPTH
        for n in ACTS
        for s in SCALES
    },
    **{
        f"spread_{key(n)}_x{s}_last": results[n, s][2][-1] for n in ACTS for s in SCALES
    },
}

if __name__ == "__main__":
    print(
        f"{DEPTH} layers Linear({WIDTH}, {WIDTH}), {N} samples x ~ N(0, 1); share "
        f"of |f'(z)| < {FLAT}"
    )
    for (name, s), (flat, slope, _) in results.items():
        print(f"{name:8s} x{s}: flat " + " ".join(f"{v:.3f}" for v in flat))
        print(f"{'':8s}     mean f' " + " ".join(f"{v:.3f}" for v in slope))
    print(
        f"Xavier / default weight std: {xavier_over_default:.3f}; He / default: "
        f"{he_over_default:.3f}"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 2, figsize=(7, 3), sharey=True, num="saturation")
    layers = range(1, DEPTH + 1)
    for ax, name in zip(axes, ("sigmoid", "tanh"), strict=True):
        for s in SCALES:
            ax.plot(layers, results[name, s][0], marker="o", ms=3, label=f"×{s}")
        ax.set(xlabel="l", ylabel=f"$P(|f'(z)| < {FLAT:g})$", title=name)
    axes[0].legend(title="$w$")
    fig.tight_layout()
