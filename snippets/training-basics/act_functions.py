"""Six activation functions: values and derivatives (autograd against the closed forms),
the maxima of the derivatives, the output ranges, and the mean output for x ~ N(0, 1).

Closed forms: sigma' = sigma (1 - sigma); tanh' = 1 - tanh^2; ReLU' = 1[x > 0];
Leaky ReLU' = 1 or alpha; GELU(x) = x Phi(x), GELU' = Phi(x) + x phi(x); SiLU(x)
= x sigma(x), SiLU' = sigma(x) (1 + x (1 - sigma(x))). Float64 throughout.
"""

import math

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

LEAK = 0.01                        # nn.LeakyReLU's default negative slope
X_LIM = 20.0                       # the checks, maxima and minima: x in [-X_LIM, X_LIM]
N_GRID = 400_001                   # grid step 1e-4
X_PLOT = 5.0                       # the figure: x in [-X_PLOT, X_PLOT]
QUAD_LIM, N_QUAD = 12.0, 240_001   # E[f(x)], x ~ N(0, 1), trapezoid rule on [-12, 12]
FLAT = 0.01                        # |f'| below this: the flat (saturated) zone
SEED_DEPTH = 20                    # the seed's example: (1/4)^20

# %% functions
ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "ReLU": torch.relu,
    "Leaky ReLU": lambda x: F.leaky_relu(x, LEAK),
    "GELU": F.gelu,                # exact: x * Phi(x)
    "SiLU": F.silu,                # x * sigmoid(x), also called Swish
}


def phi(x):  # standard normal density
    return torch.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def Phi(x):  # standard normal distribution function
    return 0.5 * (1 + torch.erf(x / math.sqrt(2)))


CLOSED_FORM = {  # the derivatives, written by hand
    "sigmoid": lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)),
    "tanh": lambda x: 1 - torch.tanh(x) ** 2,
    "ReLU": lambda x: (x > 0).double(),
    "Leaky ReLU": lambda x: torch.where(x > 0, torch.ones_like(x),
                                        torch.full_like(x, LEAK)),
    "GELU": lambda x: Phi(x) + x * phi(x),
    "SiLU": lambda x: torch.sigmoid(x) * (1 + x * (1 - torch.sigmoid(x))),
}


def derivative(f, x):
    """f'(x) elementwise, by autograd."""
    x = x.clone().requires_grad_(True)
    f(x).sum().backward()
    return x.grad


# %% check
grid = torch.linspace(-X_LIM, X_LIM, N_GRID, dtype=torch.float64)
values = {name: f(grid) for name, f in ACTIVATIONS.items()}
grads = {name: derivative(f, grid) for name, f in ACTIVATIONS.items()}
check = {
    name: (grads[name] - CLOSED_FORM[name](grid)).abs().max().item()
    for name in ACTIVATIONS
}
at_zero = {
    name: derivative(f, torch.zeros(1, dtype=torch.float64)).item()
    for name, f in ACTIVATIONS.items()
}


# %% table
def mean_normal(f):
    """E[f(x)] for x ~ N(0, 1)."""
    x = torch.linspace(-QUAD_LIM, QUAD_LIM, N_QUAD, dtype=torch.float64)
    mean = torch.trapezoid(f(x) * phi(x), x).item()
    # tanh: 0 up to rounding, shown without a sign
    return 0.0 if abs(mean) < 1e-12 else mean


def where_max(name):
    """The largest derivative on the grid and where it
    is reached: a point, or every grid point x > 0."""
    g = grads[name]
    best = g.max().item()
    at = grid[g == best]
    if len(at) == 1:
        return best, abs(at.item()) if abs(at.item()) < 1e-12 else at.item()
    assert bool((at > 0).all()) and len(at) == int((grid > 0).sum()), name
    return best, "x > 0"


def output_range(name):
    """The range of f on the real line: the grid minimum for GELU and
    SiLU (which dip below 0 and come back up), otherwise the limits, read
    from f at -1e6 and +1e6 (0 for ReLU: reached at every x <= 0)."""
    low, high = ACTIVATIONS[name](
        torch.tensor([-1e6, 1e6], dtype=torch.float64)
    ).tolist()
    if name in ("GELU", "SiLU"):
        lo = f"[{values[name].min().item():.3f}".replace("-", "−")
    elif name == "ReLU":
        lo = f"[{values[name].min().item():.0f}"
    else:
        lo = "(−∞" if low < -2 else f"({low:.0f}".replace("-", "−")
    hi = "∞)" if high > 2 else f"{high:.0f})"
    return f"{lo}, {hi}"


rows = []
for name in ACTIVATIONS:
    best, at = where_max(name)
    rows.append([name, best,
                 at if isinstance(at, str) else f"{at:.3f}".replace("-", "−"),
                 grads[name].min().item(), output_range(name),
                 mean_normal(ACTIVATIONS[name])])
means = {row[0]: row[5] for row in rows}

# the flat zone |f'| < FLAT of sigmoid and tanh starts at |x| = ...
# sigma(1-sigma) = FLAT
flat_sigmoid = math.log((1 + math.sqrt(1 - 4 * FLAT)) / (1 - math.sqrt(1 - 4 * FLAT)))
# 1 - tanh^2 = FLAT
flat_tanh = math.atanh(math.sqrt(1 - FLAT))

# %% relations
tanh_vs_sigmoid = (
    (torch.tanh(grid) - (2 * torch.sigmoid(2 * grid) - 1)).abs().max().item()
)
gelu_tanh_gap = (F.gelu(grid) - F.gelu(grid, approximate="tanh")).abs().max().item()
seed_product = 0.25 ** SEED_DEPTH
leaky_default = nn.LeakyReLU().negative_slope      # the installed PyTorch's defaults
gelu_default = nn.GELU().approximate

# %%
TABLES = {
    "properties": {
        "columns": [
            "function",
            "max_derivative",
            "at",
            "min_derivative",
            "range",
            "mean_normal",
        ],
        "rows": rows,
    }
}
VALUES = {
    "leak": LEAK,
    "leaky_default": leaky_default,
    "gelu_default": gelu_default,
    "x_lim": X_LIM,
    "x_plot": X_PLOT,
    "grid_step": 2 * X_LIM / (N_GRID - 1),
    "flat": FLAT,
    "seed_depth": SEED_DEPTH,
    "seed_product": seed_product,
    "check_max": max(check.values()),
    "flat_sigmoid": flat_sigmoid,
    "flat_tanh": flat_tanh,
    "tanh_vs_sigmoid": tanh_vs_sigmoid,
    "tanh_over_sigmoid_slope": rows[1][1] / rows[0][1],
    "gelu_tanh_gap": gelu_tanh_gap,
    "relu_grad_at_0": at_zero["ReLU"],
    "leaky_grad_at_0": at_zero["Leaky ReLU"],
    "gelu_grad_at_0": at_zero["GELU"],
    **{f"check_{k.lower().replace(' ', '_')}": v for k, v in check.items()},
    **{f"mean_{k.lower().replace(' ', '_')}": v for k, v in means.items()},
    **{f"max_{row[0].lower().replace(' ', '_')}": row[1] for row in rows},
    **{f"min_{row[0].lower().replace(' ', '_')}": row[3] for row in rows},
    "gelu_argmax": float(rows[4][2].replace("−", "-")),
    "silu_argmax": float(rows[5][2].replace("−", "-")),
    "gelu_min_value": values["GELU"].min().item(),
    "silu_min_value": values["SiLU"].min().item(),
}

if __name__ == "__main__":
    for name in ACTIVATIONS:
        print(
            f"{name:10s}  max |autograd - closed form| = {check[name]:.1e}   "
            f"autograd f'(0) = {at_zero[name]:g}"
        )
    for name, best, at, low, rng, mean in rows:
        print(
            f"{name:10s}  max f' = {best:.4f} at {at:>6s}, min f' = {low:+.4f}, "
            f"range {rng:15s} E[f] = {mean:.4f}"
        )
    print(
        f"|f'| < {FLAT}: sigmoid for |x| > {flat_sigmoid:.3f}, tanh for |x| > "
        f"{flat_tanh:.3f}"
    )
    print(f"max |tanh(x) - (2 sigmoid(2x) - 1)| = {tanh_vs_sigmoid:.1e}")
    print(f"max |GELU - GELU(tanh approximation)| = {gelu_tanh_gap:.1e}")
    print(f"(1/4)^{SEED_DEPTH} = {seed_product:.3e}")

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.2), num="functions")
    shown = grid.abs() <= X_PLOT
    for name in ACTIVATIONS:
        # on top of ReLU for x > 0
        style = {"ls": "--", "lw": 1.2} if name == "Leaky ReLU" else {"lw": 1.6}
        left.plot(grid[shown], values[name][shown], label=name, **style)
        right.plot(grid[shown], grads[name][shown], label=name, **style)
    left.set(xlabel="x", ylabel="f(x)", ylim=(-1.5, 3))
    right.set(xlabel="x", ylabel="f'(x)", ylim=(-0.2, 1.2))
    for ax in (left, right):
        ax.axhline(0, color="0.7", lw=0.6)
        ax.axvline(0, color="0.7", lw=0.6)
    fig.tight_layout()
    fig.legend(*left.get_legend_handles_labels(), ncols=3, loc="upper center",
               bbox_to_anchor=(0.5, 0), frameon=False)
