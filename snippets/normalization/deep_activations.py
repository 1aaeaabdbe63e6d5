"""Why normalize: activation statistics layer by layer in a deep MLP, with and without BatchNorm.

Twenty Linear(256, 256) + ReLU layers with PyTorch's default initialization, fed 512 digits.
"""

import matplotlib.pyplot as plt
import torch
from digits import load
from torch import nn

DEPTH = 20
WIDTH = 256
SHOWN = (1, 2, 5, 10, 15, 20)


# %% network
def deep_mlp(batch_norm: bool) -> nn.ModuleList:
    """Each block: Linear -> (BatchNorm1d) -> ReLU; the first takes the 64 pixels."""
    torch.manual_seed(0)  # the same Linear weights with and without BN
    blocks = []
    for depth in range(DEPTH):
        layers = [nn.Linear(64 if depth == 0 else WIDTH, WIDTH)]
        if batch_norm:
            layers.append(nn.BatchNorm1d(WIDTH))
        layers.append(nn.ReLU())
        blocks.append(nn.Sequential(*layers))
    return nn.ModuleList(blocks)


def layer_statistics(blocks: nn.ModuleList, x: torch.Tensor) -> tuple[list[float], list[float], float]:
    """Mean and std of each block's output, and how much gradient reaches the first layer:
    ||grad W_1|| / ||grad W_20|| for the loss mean(h_20^2) (a ratio, so the loss's scale cancels)."""
    means, stds = [], []
    h = x
    for block in blocks:
        h = block(h)
        means.append(h.mean().item())
        stds.append(h.std().item())
    h.pow(2).mean().backward()
    return means, stds, (blocks[0][0].weight.grad.norm() / blocks[-1][0].weight.grad.norm()).item()


# %% measure
x = load().x_train[:512]
plain = layer_statistics(deep_mlp(batch_norm=False), x)
normed = layer_statistics(deep_mlp(batch_norm=True), x)

# %% report
if __name__ == "__main__":
    rows = [[d, plain[0][d - 1], plain[1][d - 1], normed[0][d - 1], normed[1][d - 1]] for d in SHOWN]
    for row in rows:
        print("layer {:2d}: without BN mean={:.2e} std={:.2e} | with BN mean={:.3f} std={:.3f}".format(*row))
    print(f"||grad W_1|| / ||grad W_{DEPTH}||: without BN {plain[2]:.2e}, with BN {normed[2]:.2e}")

    fig, ax = plt.subplots(figsize=(6.5, 4), num="depth")
    layers = range(1, DEPTH + 1)
    ax.semilogy(layers, plain[1], "o-", label="MLP")
    ax.semilogy(layers, normed[1], "s-", label="MLP + BN")
    ax.set_xlabel("l")
    ax.set_ylabel(r"$\mathrm{std}(h_l)$")
    ax.set_xticks([1, 5, 10, 15, 20])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()

    TABLES = {"depth": {"columns": ["layer", "plain_mean", "plain_std", "bn_mean", "bn_std"], "rows": rows}}
    VALUES = {"depth": DEPTH, "width": WIDTH,
              "plain_std_first": plain[1][0], "plain_std_last": plain[1][-1],
              "bn_std_first": normed[1][0], "bn_std_last": normed[1][-1],
              "bn_mean_min": min(normed[0]), "bn_mean_max": max(normed[0]),
              "plain_grad_ratio": plain[2], "bn_grad_ratio": normed[2]}
