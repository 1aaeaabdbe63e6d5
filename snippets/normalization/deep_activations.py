"""Why normalize: activation statistics layer by layer in a deep MLP, in three settings.

Twenty Linear(256, 256) + ReLU layers fed 512 digits: PyTorch's default initialization
without BN, He (Kaiming) initialization without BN, and the default initialization
with BatchNorm. Each layer's spread is measured two ways: over all its values pooled,
and per unit (over the batch, averaged over units). Then the same networks at several
depths: how large is the first layer's gradient compared with the last layer's?
"""

import math
import statistics

import matplotlib.pyplot as plt
import torch
from digits import load
from torch import nn

DEPTH = 20
WIDTH = 256
N_SAMPLES = 512
SHOWN = (1, 2, 5, 10, 15, 20)
DEPTHS = (5, 10, 20, 40)
# "stops falling": within 10% of the median of the deeper half of the layers
PLATEAU_TOLERANCE = 0.1
SETTINGS = {"MLP": (False, "default"), "MLP (He)": (False, "he"),
            "MLP + BN": (True, "default")}

x = load().x_train[:N_SAMPLES]
N_PIXELS = x.shape[1]


# %% network
def deep_mlp(depth: int, batch_norm: bool, init: str = "default") -> nn.ModuleList:
    """Each block: Linear -> (BatchNorm1d) -> ReLU; the first takes the pixels."""
    torch.manual_seed(0)  # the same default Linear weights with and without BN
    blocks = []
    for i in range(depth):
        # default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        linear = nn.Linear(N_PIXELS if i == 0 else WIDTH, WIDTH)
        if init == "he":  # He et al. (2015): N(0, 2/fan_in) weights, zero biases
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            nn.init.zeros_(linear.bias)
        layers = [linear, nn.BatchNorm1d(WIDTH), nn.ReLU()] if batch_norm else [
            linear, nn.ReLU(),
        ]
        blocks.append(nn.Sequential(*layers))
    return nn.ModuleList(blocks)


def layer_statistics(
    blocks: nn.ModuleList, x: torch.Tensor
) -> dict[str, list[float] | float]:
    """Per block output h_l (batch x units): mean, pooled std, mean
    per-unit std; and the ratio ||grad W_1|| / ||grad W_L|| for the
    loss mean(h_L^2) (a ratio, so the loss's scale cancels)."""
    means, pooled, per_unit = [], [], []
    h = x
    for block in blocks:
        h = block(h)
        means.append(h.mean().item())
        # spread of all values of the layer: across units AND samples
        pooled.append(h.std().item())
        # each unit's spread over the batch, averaged over units
        per_unit.append(h.std(dim=0).mean().item())
    h.pow(2).mean().backward()
    ratio = (blocks[0][0].weight.grad.norm() / blocks[-1][0].weight.grad.norm()).item()
    return {"mean": means, "pooled": pooled, "per_unit": per_unit, "grad_ratio": ratio}


# %% measure
stats = {
    name: layer_statistics(deep_mlp(DEPTH, bn, init), x)
    for name, (bn, init) in SETTINGS.items()
}
grad_ratio_by_depth = {
    name: [layer_statistics(deep_mlp(d, bn, init), x)["grad_ratio"] for d in DEPTHS]
    for name, (bn, init) in SETTINGS.items()
}

# %% analysis
plain, he, normed = stats["MLP"], stats["MLP (He)"], stats["MLP + BN"]
# where the plain network's pooled std stops falling:
# first layer within the tolerance of the plateau
plateau = statistics.median(plain["pooled"][DEPTH // 2:])
plateau_layer = next(layer for layer, s in enumerate(plain["pooled"], 1)
                     if abs(s - plateau) <= PLATEAU_TOLERANCE * plateau)
# per-unit spread: factor per layer over the
# deeper half, vs what the initialization predicts
half = DEPTH - DEPTH // 2
plain_unit_factor = (plain["per_unit"][-1] / plain["per_unit"][DEPTH // 2 - 1]) ** (
    1 / half
)
# the same, with He init
he_unit_factor = (he["per_unit"][-1] / he["per_unit"][DEPTH // 2 - 1]) ** (1 / half)
# fan_in * Var(w) of the default hidden layers: 1/3 in theory
default_gain = statistics.mean(
    b[0].weight.var().item() * WIDTH for b in deep_mlp(DEPTH, batch_norm=False)[1:])
# ReLU passes about half the variance
predicted_unit_factor = math.sqrt(default_gain / 2)
relu_mean = 1 / math.sqrt(2 * math.pi)  # ReLU of N(0, 1)
relu_std = math.sqrt(0.5 - 1 / (2 * math.pi))
bn_ratios = grad_ratio_by_depth["MLP + BN"]
bn_growth_per_layer = (bn_ratios[-1] / bn_ratios[-2]) ** (1 / (DEPTHS[-1] - DEPTHS[-2]))
# shallowest interval
bn_growth_per_layer_first = (bn_ratios[1] / bn_ratios[0]) ** (
    1 / (DEPTHS[1] - DEPTHS[0])
)

# %% report
if __name__ == "__main__":
    rows = [[d, plain["pooled"][d - 1], plain["per_unit"][d - 1], he["pooled"][d - 1],
             he["per_unit"][d - 1], normed["mean"][d - 1], normed["pooled"][d - 1],
             normed["per_unit"][d - 1]] for d in SHOWN]
    print("std pooled (s) and per unit (s-bar) after layer l")
    for row in rows:
        print("l={:2d}  MLP s={:.2e} s-bar={:.2e} | MLP (He) s={:.3f} s-bar={:.3f} | "
              "MLP + BN mean={:.3f} s={:.3f} s-bar={:.3f}".format(*row))
    print(
        f"MLP: pooled std within {PLATEAU_TOLERANCE:.0%} of its plateau "
        f"{plateau:.2e} from layer {plateau_layer};"
        f" per-unit std x{plain_unit_factor:.3f} per layer (predicted "
        f"{predicted_unit_factor:.3f})"
    )
    print(f"ReLU of N(0, 1): mean {relu_mean:.3f}, std {relu_std:.3f}")
    depth_rows = [
        [d, *(grad_ratio_by_depth[name][i] for name in SETTINGS)]
        for i, d in enumerate(DEPTHS)
    ]
    for row in depth_rows:
        print(
            "L={:2d}  ||grad W_1|| / ||grad W_L||: MLP {:.2e}  MLP (He) {:.3f}  "
            "MLP + BN {:.3f}".format(*row)
        )
    print(
        f"MLP + BN: x{bn_growth_per_layer_first:.3f} per added layer between "
        f"L={DEPTHS[0]} and L={DEPTHS[1]},"
        f" x{bn_growth_per_layer:.3f} between L={DEPTHS[-2]} and L={DEPTHS[-1]}"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 2, figsize=(7, 3.4), sharey=True, num="depth")
    layers = range(1, DEPTH + 1)
    for ax, key, ylabel in ((axes[0], "pooled", r"$s_l$"),
                            (axes[1], "per_unit", r"$\bar{s}_l$")):
        for (name, values), marker in zip(stats.items(), "o^s", strict=True):
            ax.semilogy(layers, values[key], marker + "-", markersize=4, label=name)
        ax.set_xlabel("l")
        ax.set_ylabel(ylabel)
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()

    TABLES = {
        "depth": {
            "columns": [
                "layer",
                "plain_pooled",
                "plain_per_unit",
                "he_pooled",
                "he_per_unit",
                "bn_mean",
                "bn_pooled",
                "bn_per_unit",
            ],
            "rows": rows,
        },
        "grad_depth": {"columns": ["depth", "plain", "he", "bn"], "rows": depth_rows},
    }
    VALUES = {"depth": DEPTH, "width": WIDTH, "n_samples": N_SAMPLES,
              "n_pixels": N_PIXELS, "plain_std_first": plain["pooled"][0],
              "plain_std_last": plain["pooled"][-1],
              "plain_unit_first": plain["per_unit"][0],
              "plain_unit_last": plain["per_unit"][-1], "plain_plateau": plateau,
              "plain_plateau_layer": plateau_layer,
              "plateau_tolerance": 100 * PLATEAU_TOLERANCE,
              "plain_unit_factor": plain_unit_factor,
              "predicted_unit_factor": predicted_unit_factor,
              "he_unit_factor": he_unit_factor, "default_gain": default_gain,
              "he_std_first": he["pooled"][0], "he_std_last": he["pooled"][-1],
              "he_unit_first": he["per_unit"][0], "he_unit_last": he["per_unit"][-1],
              "bn_std_first": normed["pooled"][0], "bn_std_last": normed["pooled"][-1],
              "bn_unit_min": min(normed["per_unit"]),
              "bn_unit_max": max(normed["per_unit"]),
              "bn_mean_min": min(normed["mean"]), "bn_mean_max": max(normed["mean"]),
              "relu_mean": relu_mean, "relu_std": relu_std,
              "plain_grad_ratio": plain["grad_ratio"],
              "he_grad_ratio": he["grad_ratio"], "bn_grad_ratio": normed["grad_ratio"],
              "he_grad_ratio_min": min(grad_ratio_by_depth["MLP (He)"]),
              "he_grad_ratio_max": max(grad_ratio_by_depth["MLP (He)"]),
              "bn_growth_per_layer": bn_growth_per_layer, "depth_min": DEPTHS[0],
              "depth_max": DEPTHS[-1], "depth_prev": DEPTHS[-2],
              "depth_second": DEPTHS[1],
              "bn_growth_per_layer_first": bn_growth_per_layer_first}
    for d, ratio in zip(DEPTHS, bn_ratios, strict=True):
        VALUES[f"bn_grad_ratio_l{d}"] = ratio
