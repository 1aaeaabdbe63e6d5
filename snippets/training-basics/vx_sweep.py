"""The weight scale decides, not only the activation: the mean factor
per layer of the backward signal ||dl/dA^(l)|| in the 20-layer MLP of
vx_layers.py, for weights N(0, c / fan_in) over a range of c.

Next to it, what one layer's variance argument predicts: the backward pass
multiplies E[(dl/dA)^2] by fan_out * Var[w] * E[phi'(z)^2] = c * E[phi'(z)^2]
(square layers), so the factor on the norm is sqrt(c * E[phi'(z)^2]), with
E[phi'(z)^2] measured on the layer's own pre-activations.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from vx_common import ACTIVATIONS, DEPTH, N_PIXELS, digits

WIDTH = 256
N_SAMPLES = 64
GAINS = 10.0 ** np.arange(-2, 3.01, 0.25)     # c = fan_in * Var(w), from 0.01 to 1000
MARKED = {"PyTorch": 1 / 3, "Xavier": 1.0, "He": 2.0}

x, _ = digits(torch.float32)
x = x[:N_SAMPLES]
# dl/dA^(L), fixed
top = torch.randn(N_SAMPLES, WIDTH, generator=torch.Generator().manual_seed(1))


# %% sweep
def backward_factor(activation: str, c: float, seed: int = 0) -> tuple[float, float]:
    """Measured and predicted mean factor per layer
    of ||dl/dA^(l)||, from l = L down to l = 1."""
    generator = torch.Generator().manual_seed(seed)
    phi = ACTIVATIONS[activation]()
    weights, slopes = [], []
    h = x
    for i in range(DEPTH):
        fan_in = N_PIXELS if i == 0 else WIDTH
        w = torch.randn(WIDTH, fan_in, generator=generator) * math.sqrt(c / fan_in)
        z = (h @ w.T).requires_grad_()
        h = phi(z)
        slopes.append(torch.autograd.grad(h.sum(), z)[0])      # D^(l) = phi'(z^(l))
        h = h.detach()
        weights.append(w)
    g = top / top.norm(dim=1, keepdim=True)
    log_growth = torch.zeros(N_SAMPLES)
    # dl/dA^(i-1) = W^(i)T (D^(i) * dl/dA^(i))
    for i in range(DEPTH - 1, 0, -1):
        g = (slopes[i] * g) @ weights[i]
        norm = g.norm(dim=1, keepdim=True)
        # renormalize each layer: no under/overflow
        log_growth += norm.squeeze(1).log()
        g = g / norm
    measured = log_growth.mean().div(DEPTH - 1).exp().item()
    predicted = math.exp(
        np.mean([0.5 * math.log(c * s.pow(2).mean().item()) for s in slopes[1:]])
    )
    return measured, predicted


# %% measure
curves = {a: np.array([backward_factor(a, c) for c in GAINS]) for a in ACTIVATIONS}


def crossing(activation: str) -> float:
    """The c at which the measured factor passes 1
    (log-linear interpolation between grid points)."""
    f = np.log(curves[activation][:, 0])
    i = int(np.argmax(f > 0))
    t = -f[i - 1] / (f[i] - f[i - 1])
    return float(
        10
        ** (np.log10(GAINS[i - 1]) + t * (np.log10(GAINS[i]) - np.log10(GAINS[i - 1])))
    )


c_star = {a: crossing(a) for a in ACTIVATIONS}
worst_prediction = max(
    float(np.max(np.abs(v[:, 0] / v[:, 1] - 1))) for v in curves.values()
)
sigmoid_at = {
    c: curves["sigmoid"][int(np.argmin(np.abs(GAINS - c))), 0]
    for c in (1.0, 100.0, 1000.0)
}

VALUES = {"width": WIDTH, "n_samples": N_SAMPLES, "c_min": GAINS[0], "c_max": GAINS[-1],
          "points_per_decade": 4, "c_star_sigmoid": c_star["sigmoid"],
          "c_star_tanh": c_star["tanh"], "c_star_relu": c_star["ReLU"],
          "std_star_sigmoid": math.sqrt(c_star["sigmoid"]),
          "worst_prediction_pct": 100 * worst_prediction,
          "sigmoid_factor_c1": sigmoid_at[1.0],
          "sigmoid_factor_c100": sigmoid_at[100.0],
          "sigmoid_factor_c1000": sigmoid_at[1000.0], "c_one": 1.0, "c_hundred": 100.0,
          "c_thousand": 1000.0}
TABLES = {
    "sweep": {
        "columns": [
            "c",
            *(f"{a} measured" for a in ACTIVATIONS),
            *(f"{a} predicted" for a in ACTIVATIONS),
        ],
        "rows": [
            [
                c,
                *(curves[a][i, 0] for a in ACTIVATIONS),
                *(curves[a][i, 1] for a in ACTIVATIONS),
            ]
            for i, c in enumerate(GAINS)
        ],
    }
}

# %% report
if __name__ == "__main__":
    for row in TABLES["sweep"]["rows"]:
        print(
            "c={:9.3f}  measured: sigmoid {:.3f} tanh {:.3f} ReLU {:.3f} | "
            "predicted: {:.3f} {:.3f} {:.3f}".format(*row)
        )
    print("factor = 1 at c =", {a: round(v, 2) for a, v in c_star.items()},
          f"; worst |measured/predicted - 1| = {100 * worst_prediction:.1f}%")

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6.4, 4.2), num="sweep")
    for (activation, values), marker in zip(curves.items(), "o^s", strict=True):
        line, = ax.loglog(GAINS, values[:, 0], marker + "-", ms=4, label=activation)
        ax.loglog(GAINS, values[:, 1], ":", color=line.get_color())
    ax.axhline(1.0, color="k", lw=0.8)
    ax.axhline(0.25, color="C0", lw=0.8, ls="--")
    for name, c in MARKED.items():
        ax.axvline(c, color="0.6", lw=0.8, ls="--")
        ax.text(c, 0.02, name, rotation=90, ha="right", va="bottom",
                color="0.4")
    ax.set_xlabel(r"$c = \mathrm{fan\_in}\cdot\mathrm{Var}(w)$")
    ax.set_ylabel(
        r"$(\Vert\partial\ell/\partial A^{(1)}\Vert / \Vert\partial\ell/\partial "
        r"A^{(L)}\Vert)^{1/(L-1)}$"
    )
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
