"""Gradients layer by layer in a 20-layer MLP: three
activations, five initializations, one batch of digits.

For each setting, in float64 (so that nothing underflows to 0): the per-sample
gradient of the cross-entropy with respect to each hidden layer's output A^(l)
(the seed's dJ/dA^(l)); the gradient of the mean loss with respect to each weight
matrix W^(l); and the product prod D^(i) W^(i) itself: its spectral norm over k
layers, next to the product of the largest derivatives alone. Nothing is trained.
"""

import matplotlib.pyplot as plt
import torch
from torch import nn
from vx_common import (
    ACTIVATIONS,
    DEPTH,
    INITS,
    N_PIXELS,
    SMALL_STD,
    deep_mlp,
    digits,
    gain,
    geometric_factor,
)

WIDTH = 256
N_SAMPLES = 256        # images for the gradients and the activation statistics
# images whose Jacobian product gets a spectral norm (median over them)
N_SPECTRAL = 8
POWER_STEPS = 30       # power-iteration steps for a spectral norm
SPANS = (5, 10, DEPTH - 1)  # k: number of factors D^(i) W^(i) in the product

x, y = digits(torch.float64)
x, y = x[:N_SAMPLES], y[:N_SAMPLES]

# the seed's number: 20 sigmoid derivatives, each at most 1/4
quarter_20 = 0.25**20
x_grid = torch.linspace(-10, 10, 200001, dtype=torch.float64)
sigmoid_slope_max = (torch.sigmoid(x_grid) * (1 - torch.sigmoid(x_grid))).max().item()


# %% backward
def derivative(act: nn.Module, z: torch.Tensor) -> torch.Tensor:
    """phi'(z), elementwise, by autograd: the diagonal of D^(l)."""
    z = z.clone().requires_grad_()
    act(z).sum().backward()
    return z.grad


def layer_gradients(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> dict:
    """Forward keeping every A^(l) and z^(l); backward of the summed
    cross-entropy, so that row b of dL/dA^(l) is sample b's own gradient.
    Returns per-layer norms and the derivatives D^(l) = phi'(z^(l))."""
    outputs, pre = [], []
    h = x
    for linear, act in zip(model[:-1:2], model[1:-1:2], strict=True):
        z = linear(h)
        h = act(z)
        h.retain_grad()
        pre.append(z.detach())
        outputs.append(h)
    loss = nn.functional.cross_entropy(model[-1](h), y, reduction="sum")
    loss.backward()
    return {
        # per-sample ||dl/dA^(l)||, root mean square over the samples
        "dA": [a.grad.norm(dim=1).pow(2).mean().sqrt().item() for a in outputs],
        # ||dJ/dW^(l)|| for the MEAN loss J (what SGD uses)
        "dW": [lin.weight.grad.norm().item() / len(x) for lin in model[:-1:2]],
        "D": [derivative(act, z) for z in pre],
        "W": [lin.weight.detach() for lin in model[:-1:2]],
    }


# %% product
def product_norms(
    D: list[torch.Tensor], W: list[torch.Tensor], k: int, samples: int
) -> torch.Tensor:
    """Spectral norm (largest singular value) of J = D^(L) W^(L) ...
    D^(L-k+1) W^(L-k+1), the map from A^(L-k) to A^(L), for each of the
    first `samples` images: power iteration on J^T J (J never formed)."""
    layers = range(len(W) - k, len(W))
    generator = torch.Generator().manual_seed(k)
    v = torch.randn(samples, W[layers[0]].shape[1], generator=generator,
                    dtype=torch.float64)
    sigma = torch.zeros(samples, dtype=torch.float64)
    for _ in range(POWER_STEPS):
        v = v / v.norm(dim=1, keepdim=True)
        u = v
        for i in layers:                      # u = J v   (one row per image)
            u = D[i][:samples] * (u @ W[i].T)
        sigma = u.norm(dim=1)
        for i in reversed(layers):            # v = J^T u
            u = (D[i][:samples] * u) @ W[i]
        v = u
    return sigma


def largest_derivatives(D: list[torch.Tensor], k: int, samples: int) -> torch.Tensor:
    """prod over the same k layers of max_j D^(i)_jj: the
    seed's 'product of derivatives', weights left out."""
    return torch.stack(
        [D[i][:samples].max(dim=1).values for i in range(len(D) - k, len(D))]
    ).prod(dim=0)


# %% measure
results = {}
for activation in ACTIVATIONS:
    for init in INITS:
        r = layer_gradients(
            deep_mlp(activation, init, WIDTH, dtype=torch.float64), x, y,
        )
        r["J"] = {
            k: product_norms(r["D"], r["W"], k, N_SPECTRAL).median().item()
            for k in SPANS
        }
        r["maxD"] = largest_derivatives(r["D"], DEPTH - 1, N_SPECTRAL).median().item()
        # largest weight entry, hidden layers
        r["max_w"] = max(w.abs().max().item() for w in r["W"][1:])
        del r["D"], r["W"]
        results[activation, init] = r

# the same gradients in float32: what underflows
f32, f32_entries = {}, {}
for activation, init in (("sigmoid", "PyTorch"), ("sigmoid", "N(0, 0.01²)"),
                         ("ReLU", "N(0, 0.01²)")):
    model = deep_mlp(activation, init, WIDTH, dtype=torch.float32)
    nn.functional.cross_entropy(model(x.float()), y).backward()
    f32[activation, init] = model[0].weight.grad.norm().item()
    f32_entries[activation, init] = model[0].weight.grad
# a norm of 0 need not mean zero entries: squares of entries
# below ~1e-23 underflow float32 (smallest ~1.4e-45)
tiny = f32_entries["sigmoid", "N(0, 0.01²)"]

# %% analysis
rows, product_rows = [], []
for (activation, init), r in results.items():
    ratio_A = r["dA"][0] / r["dA"][-1]
    ratio_W = r["dW"][0] / r["dW"][-1]
    r["ratio_A"], r["ratio_W"] = ratio_A, ratio_W
    r["factor"] = geometric_factor(ratio_A, DEPTH - 1)
    r["J_factor"] = geometric_factor(r["J"][DEPTH - 1], DEPTH - 1)
    c = gain(WIDTH, WIDTH, init)
    rows.append([activation, init, c, ratio_A, r["factor"], r["dW"][0], r["dW"][-1],
                 ratio_W])
    product_rows.append([activation, init, r["maxD"], *(r["J"][k] for k in SPANS),
                         r["J_factor"]])


def pick(activation: str, init: str, key: str):
    return results[activation, init][key]


VALUES = {"small_std": SMALL_STD, "small_var": SMALL_STD**2, "depth": DEPTH,
          "width": WIDTH, "n_samples": N_SAMPLES, "n_spectral": N_SPECTRAL,
          "power_steps": POWER_STEPS, "steps": DEPTH - 1, "quarter_20": quarter_20,
          "quarter_19": 0.25 ** (DEPTH - 1), "sigmoid_slope_max": sigmoid_slope_max,
          "c_default": gain(WIDTH, WIDTH, "PyTorch"),
          "c_small": gain(WIDTH, WIDTH, "N(0, 0.01²)"),
          "c_xavier": gain(WIDTH, WIDTH, "Xavier"), "c_he": gain(WIDTH, WIDTH, "He"),
          "c_large": gain(WIDTH, WIDTH, "N(0, 1)"),
          "f32_sigmoid_default": f32["sigmoid", "PyTorch"],
          "f32_sigmoid_small": f32["sigmoid", "N(0, 0.01²)"],
          "f32_relu_small": f32["ReLU", "N(0, 0.01²)"],
          "f32_sigmoid_small_max_abs": tiny.abs().max().item(),
          "f32_sigmoid_small_nonzero": (tiny != 0).double().mean().item(),
          "n_pixels": N_PIXELS,
          "f64_sigmoid_default_dW1": pick("sigmoid", "PyTorch", "dW")[0]}
SHORT = {"sigmoid": "sig", "tanh": "tanh", "ReLU": "relu"}
INIT_SHORT = {"PyTorch": "default", "N(0, 0.01²)": "small", "Xavier": "xavier",
              "He": "he", "N(0, 1)": "large"}
for (activation, init), r in results.items():
    key = f"{SHORT[activation]}_{INIT_SHORT[init]}"
    VALUES[f"{key}_ratio"] = r["ratio_A"]
    VALUES[f"{key}_factor"] = r["factor"]
    VALUES[f"{key}_ratio_w"] = r["ratio_W"]
    VALUES[f"{key}_dw_first"] = r["dW"][0]
    VALUES[f"{key}_dw_last"] = r["dW"][-1]
    VALUES[f"{key}_J"] = r["J"][DEPTH - 1]
    VALUES[f"{key}_J_factor"] = r["J_factor"]
    VALUES[f"{key}_maxD"] = r["maxD"]
    VALUES[f"{key}_max_w"] = r["max_w"]

TABLES = {
    "ratios": {
        "columns": [
            "activation",
            "init",
            "c",
            "dA1/dAL",
            "factor",
            "dW1",
            "dWL",
            "dW1/dWL",
        ],
        "rows": rows,
    },
    "product": {
        "columns": [
            "activation",
            "init",
            "prod max D",
            *(f"J_{k}" for k in SPANS),
            "factor",
        ],
        "rows": product_rows,
    },
}

# %% report
if __name__ == "__main__":
    print(f"(1/4)^20 = {quarter_20:.4e}; max of sigmoid' = {sigmoid_slope_max:.6f}")
    for row in rows:
        print(
            "{:8s} {:12s} c={:8.4f}  ||dl/dA1||/||dl/dAL|| = {:9.2e} (x{:.3f} per "
            "layer)  "
            "||dJ/dW1|| = {:9.2e}  ||dJ/dWL|| = {:9.2e}  ratio {:9.2e}".format(*row)
        )
    print(f"spectral norm of prod D W over k layers (median of {N_SPECTRAL} images)")
    for row in product_rows:
        print(
            "{:8s} {:12s} prod max D (k=19) {:9.2e} | k=5 {:9.2e} k=10 {:9.2e} "
            "k=19 {:9.2e}"
            " | x{:.3f} per layer".format(*row)
        )
    print("float32 ||dJ/dW1||:", {f"{a} {i}": v for (a, i), v in f32.items()})

    colors = dict(zip(INITS, ("C0", "C1", "C2", "C3", "C4"), strict=True))
    layers = range(1, DEPTH + 1)
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(2, 3, figsize=(7, 5), num="backward")
    for col, activation in enumerate(ACTIVATIONS):
        for init in INITS:
            r = results[activation, init]
            axes[0, col].semilogy(layers, r["dA"], "o-", ms=3, color=colors[init],
                                  label=init)
            axes[1, col].semilogy(layers, r["dW"], "o-", ms=3, color=colors[init],
                                  label=init)
        axes[0, col].set_title(activation)
        axes[1, col].set_xlabel("l")
    axes[0, 0].set_ylabel(r"$\Vert\partial \ell/\partial A^{(l)}\Vert$")
    axes[1, 0].set_ylabel(r"$\Vert\partial J/\partial W^{(l)}\Vert$")
    for ax in axes.flat:
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    fig.legend(*axes[0, 0].get_legend_handles_labels(), ncols=3, loc="upper center",
               bbox_to_anchor=(0.5, 0), frameon=False)
