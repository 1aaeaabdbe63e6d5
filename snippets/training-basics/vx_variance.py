"""Where Xavier's and He's variance rules come from, checked by sampling;
then the activations of the 20-layer MLP (the one of vx_layers.py, the
same weights), layer by layer, under each initialization.

One layer: z = sum_j w_j x_j with weights w_j of mean 0, independent of
the inputs x_j, gives Var[z] = fan_in * Var[w] * E[x^2] -- the second
moment of x, not its variance. Backward, the gradient with respect to
x_j sums fan_out terms: Var[dl/dx] = fan_out * Var[w] * E[(dl/dz)^2].
"""

import math

import matplotlib.pyplot as plt
import torch
from vx_common import ACTIVATIONS, DEPTH, INITS, N_PIXELS, deep_mlp, digits, gain

FAN_IN = 256
DRAWS = 20_000          # independent (w, x) pairs for the one-layer check
WIDTH = 256             # the deep MLP, as in vx_layers.py
N_SAMPLES = 256
SHOWN = (1, 2, 5, 10, 20)
generator = torch.Generator().manual_seed(0)

# %% one-layer
var_w = 1.0 / FAN_IN
g = torch.randn(DRAWS, FAN_IN, generator=generator, dtype=torch.float64)
# inputs that come out of a ReLU: mean > 0
x_relu = torch.relu(g)
w = torch.randn(DRAWS, FAN_IN, generator=generator, dtype=torch.float64) * math.sqrt(
    var_w
)
z = (w * x_relu).sum(dim=1)                              # one output unit per draw
var_z = z.var().item()
# fan_in Var[w] E[x^2]
predicted_second_moment = FAN_IN * var_w * x_relu.pow(2).mean().item()
# the same with Var[x]: wrong
predicted_variance = FAN_IN * var_w * x_relu.var().item()
# E[ReLU(g)^2] / E[g^2] = 1/2
relu_half = x_relu.pow(2).mean().item() / g.pow(2).mean().item()

# %% two-directions
# a Linear(64 -> 256) layer with Xavier weights: what
# one pass multiplies the second moment by, each way
layer = torch.nn.Linear(N_PIXELS, WIDTH, bias=False, dtype=torch.float64)
torch.nn.init.xavier_normal_(layer.weight, generator=generator)
inputs = torch.randn(DRAWS // 10, N_PIXELS, generator=generator, dtype=torch.float64)
# dl/dz, variance 1
grads_out = torch.randn(DRAWS // 10, WIDTH, generator=generator, dtype=torch.float64)
forward_factor = layer(inputs).pow(2).mean().item() / inputs.pow(2).mean().item()
# dl/dx = W^T dl/dz
backward_factor = (grads_out @ layer.weight).pow(2).mean().item()
xavier_forward, xavier_backward = gain(N_PIXELS, WIDTH, "Xavier"), gain(WIDTH, N_PIXELS,
                                                                        "Xavier")

# %% deep
x, _ = digits(torch.float64)
x = x[:N_SAMPLES]
rms_z, rms_A, predicted = {}, {}, {}
with torch.no_grad():
    for activation in ACTIVATIONS:
        for init in INITS:
            # same seed: same weights
            model = deep_mlp(activation, init, WIDTH, dtype=torch.float64)
            h, zs, As, preds = x, [], [], []
            for linear, act in zip(model[:-1:2], model[1:-1:2], strict=True):
                # this layer's own fan_in Var[w]
                c = linear.in_features * linear.weight.var().item()
                # sqrt(fan_in Var[w] E[x^2])
                preds.append(math.sqrt(c * h.pow(2).mean().item()))
                h_z = linear(h)
                h = act(h_z)
                zs.append(h_z.pow(2).mean().sqrt().item())
                As.append(h.pow(2).mean().sqrt().item())
            (
                rms_z[activation, init],
                rms_A[activation, init],
                predicted[activation, init],
            ) = zs, As, preds


# %% analysis
def per_layer(values: list[float], first: int, last: int) -> float:
    """Mean factor per layer between layers `first` and `last` (1-based)."""
    return (values[last - 1] / values[first - 1]) ** (1 / (last - first))


worst_prediction = max(abs(m / p - 1) for key in rms_z for m, p in zip(rms_z[key],
                                                                       predicted[key],
                                                                       strict=True))
rows = []
for activation in ACTIVATIONS:
    for init in INITS:
        zs = rms_z[activation, init]
        rows.append([activation, init, *(zs[layer - 1] for layer in SHOWN),
                     per_layer(zs, DEPTH // 2, DEPTH)])

SHORT = {"sigmoid": "sig", "tanh": "tanh", "ReLU": "relu"}
INIT_SHORT = {"PyTorch": "default", "N(0, 0.01²)": "small", "Xavier": "xavier",
              "He": "he", "N(0, 1)": "large"}
VALUES = {"fan_in": FAN_IN, "draws": DRAWS, "var_z": var_z,
          "predicted_second_moment": predicted_second_moment,
          "predicted_variance": predicted_variance, "relu_half": relu_half,
          "relu_mean": x_relu.mean().item(), "relu_var": x_relu.var().item(),
          "relu_second": x_relu.pow(2).mean().item(), "forward_factor": forward_factor,
          "backward_factor": backward_factor, "xavier_forward": xavier_forward,
          "xavier_backward": xavier_backward, "fan_out": WIDTH, "n_pixels": N_PIXELS,
          "worst_prediction_pct": 100 * worst_prediction, "half_depth": DEPTH // 2,
          "depth": DEPTH}
for (activation, init), zs in rms_z.items():
    key = f"{SHORT[activation]}_{INIT_SHORT[init]}"
    VALUES[f"{key}_z1"] = zs[0]
    VALUES[f"{key}_z10"] = zs[DEPTH // 2 - 1]
    VALUES[f"{key}_z20"] = zs[-1]
    VALUES[f"{key}_zfactor"] = per_layer(zs, DEPTH // 2, DEPTH)
    VALUES[f"{key}_a20"] = rms_A[activation, init][-1]
TABLES = {
    "forward": {
        "columns": ["activation", "init", *(f"l={layer}" for layer in SHOWN), "factor"],
        "rows": rows,
    }
}

# %% report
if __name__ == "__main__":
    print(f"one layer, fan_in={FAN_IN}, Var[w]=1/fan_in, x = ReLU(N(0,1)):")
    print(
        f"  Var[z] = {var_z:.4f};  fan_in Var[w] E[x^2] = "
        f"{predicted_second_moment:.4f};"
        f"  fan_in Var[w] Var[x] = {predicted_variance:.4f};  "
        f"E[ReLU(g)^2]/E[g^2] = {relu_half:.4f}"
    )
    print(
        f"Xavier Linear({N_PIXELS}->{WIDTH}): forward x{forward_factor:.3f} (rule "
        f"{xavier_forward:.3f}),"
        f" backward x{backward_factor:.3f} (rule {xavier_backward:.3f})"
    )
    print(
        "deep MLP: sqrt(E[z^2]) per layer vs sqrt(fan_in Var[w] E[A^2]): worst "
        f"gap {100 * worst_prediction:.2f}%"
    )
    for row in rows:
        shown = " ".join(f"l={layer}: {v:9.3e}" for layer, v in zip(SHOWN, row[2:],
                                                                    strict=False))
        print(
            "{:8s} {:12s} ".format(*row[:2])
            + shown
            + f"  x{row[-1]:.3f} per layer (l={DEPTH // 2}..{DEPTH})"
        )

    colors = dict(zip(INITS, ("C0", "C1", "C2", "C3", "C4"), strict=True))
    layers = range(1, DEPTH + 1)
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 3, figsize=(7, 2.9), num="forward")
    for ax, activation in zip(axes, ACTIVATIONS, strict=True):
        for init in INITS:
            ax.semilogy(layers, rms_z[activation, init], "o-", ms=3, color=colors[init],
                        label=init)
        ax.set_title(activation)
        ax.set_xlabel("l")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"$\sqrt{\mathrm{E}[(z^{(l)})^2]}$")
    fig.tight_layout()
    fig.legend(*axes[0].get_legend_handles_labels(), ncols=3, loc="upper center",
               bbox_to_anchor=(0.5, 0), frameon=False)
