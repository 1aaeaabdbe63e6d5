"""GroupNorm written with NumPy and checked against
torch.nn.GroupNorm; its two special cases; and a picture of which
values share one mean/variance in BN, LN, GN and InstanceNorm."""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap
from torch import nn

torch.manual_seed(0)
DEFAULT_GROUPS = 32  # the default G of Wu & He (2018)
BAD_CHANNELS = 48  # a channel count that DEFAULT_GROUPS does not divide
MAP_N, MAP_C, MAP_G = 4, 6, 3  # images, channels and groups of the picture


# %% numpy
def group_norm(
    x: np.ndarray, groups: int, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """x: (N, C, *spatial). Statistics per sample and per group of C/groups channels."""
    n, c = x.shape[:2]
    grouped = x.reshape(n, groups, -1)  # (N, G, C/G * H * W)
    mean = grouped.mean(axis=2, keepdims=True)
    var = grouped.var(axis=2, keepdims=True)
    x_hat = ((grouped - mean) / np.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)  # gamma, beta: one per channel
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)


# %% check
x = torch.randn(4, 12, 5, 5) * 2 + 1
gn = nn.GroupNorm(num_groups=3, num_channels=12)
with torch.no_grad():
    gn.weight.copy_(torch.linspace(0.5, 1.5, 12))
    gn.bias.copy_(torch.linspace(-0.3, 0.3, 12))
ours = group_norm(x.numpy(), 3, gn.weight.detach().numpy(), gn.bias.detach().numpy())
max_diff = float(np.abs(ours - gn(x).detach().numpy()).max())
print(f"GroupNorm(3, 12) on {tuple(x.shape)}: max |NumPy - PyTorch| = {max_diff:.1e}")

# %% special
one_group = nn.GroupNorm(1, 12, affine=False)(x)
layer_norm = nn.LayerNorm(x.shape[1:], elementwise_affine=False)(x)
per_channel = nn.GroupNorm(12, 12, affine=False)(x)
instance_norm = nn.InstanceNorm2d(12)(x)
gap_layer = (one_group - layer_norm).abs().max().item()
gap_instance = (per_channel - instance_norm).abs().max().item()
print(f"G = 1  vs LayerNorm over (C, H, W): {gap_layer:.1e}")
print(f"G = C  vs InstanceNorm2d:           {gap_instance:.1e}")

# %% batch
alone = gn(x[:1]).detach()
in_batch = gn(x).detach()[:1]
batch_independence = (alone - in_batch).abs().max().item()
train_eval_gap = (gn.eval()(x) - gn.train()(x)).abs().max().item()
print(f"one image alone vs inside a batch of {x.shape[0]}: {batch_independence:.1e}")
print(f"eval() vs train() on the same input: {train_eval_gap:.1e}")

# %% groups
try:
    nn.GroupNorm(DEFAULT_GROUPS, BAD_CHANNELS)
    bad_groups_error = ""
except ValueError as exc:  # raised when the module is created, before any data
    bad_groups_error = f"{type(exc).__name__}: {exc}"
# largest divisor <= 32
fallback_groups = max(g for g in range(1, DEFAULT_GROUPS + 1) if BAD_CHANNELS % g == 0)
nn.GroupNorm(fallback_groups, BAD_CHANNELS)  # this one is created
print(f"GroupNorm({DEFAULT_GROUPS}, {BAD_CHANNELS}): {bad_groups_error or 'created'}")
print(f"GroupNorm({fallback_groups}, {BAD_CHANNELS}): created")

# %% channels
# scale each channel of every image by its own factor: G = C
# undoes it, fewer groups keep the ratios between channels
factors = torch.linspace(0.5, 4.0, x.shape[1]).reshape(1, -1, 1, 1)
with torch.no_grad():
    channel_scale_gap_in = (
        (per_channel - nn.GroupNorm(12, 12, affine=False)(x * factors))
        .abs()
        .max()
        .item()
    )
    # without eps, G = C undoes the scaling up to rounding
    exact = nn.GroupNorm(12, 12, eps=0.0, affine=False)
    channel_scale_gap_in_eps0 = (exact(x) - exact(x * factors)).abs().max().item()
    channel_scale_gap_gn = (gn(x) - gn(x * factors)).abs().max().item()
print(
    f"channels rescaled: output change G = C {channel_scale_gap_in:.1e} (eps = 0: "
    f"{channel_scale_gap_in_eps0:.1e}), "
    f"G = {gn.num_groups} {channel_scale_gap_gn:.2f}"
)


# %% picture
def sharing_map(
    kind: str, n: int = MAP_N, c: int = MAP_C, groups: int = MAP_G
) -> np.ndarray:
    """Label each (sample, channel) cell with the id of the statistics it is normalized
    with; the spatial axes H, W are always pooled, so they do not appear."""
    sample, channel = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    return {
        "BN": channel,
        "LN": sample,
        "GN": sample * groups + channel // (c // groups),
        "IN": sample * c + channel,
    }[kind]


# %% report
if __name__ == "__main__":
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(2, 2, figsize=(6, 5.6), num="sharing")
    palette = ListedColormap(
        plt.get_cmap("tab20").colors + plt.get_cmap("tab20b").colors
    )
    for ax, kind in zip(axes.flat, ("BN", "LN", "GN", "IN"), strict=True):
        ids = sharing_map(kind)
        ax.imshow(ids % palette.N, cmap=palette, vmin=0, vmax=palette.N - 1)
        ax.set_title(kind)
        ax.set_xlabel("C")
        ax.set_ylabel("N")
        ax.set_xticks(range(ids.shape[1]))
        ax.set_yticks(range(ids.shape[0]))
        ax.set_xticks(np.arange(-0.5, ids.shape[1]), minor=True)
        ax.set_yticks(np.arange(-0.5, ids.shape[0]), minor=True)
        ax.grid(which="minor", color="white", linewidth=2)
        ax.tick_params(which="minor", length=0)
    fig.tight_layout()
    VALUES = {"max_diff": max_diff, "gap_layer": gap_layer,
              "gap_instance": gap_instance, "batch_independence": batch_independence,
              "shape": str(tuple(x.shape)), "train_eval_gap": train_eval_gap,
              "bad_groups_error": bad_groups_error,
              "statistics_bn": len(np.unique(sharing_map("BN"))),
              "statistics_ln": len(np.unique(sharing_map("LN"))),
              "statistics_gn": len(np.unique(sharing_map("GN"))),
              "statistics_in": len(np.unique(sharing_map("IN"))), "map_n": MAP_N,
              "map_c": MAP_C, "map_g": MAP_G, "default_groups": DEFAULT_GROUPS,
              "bad_channels": BAD_CHANNELS, "fallback_groups": fallback_groups,
              "groups": gn.num_groups, "channels": gn.num_channels,
              "default_eps": nn.GroupNorm(1, 1).eps,
              "channel_scale_gap_in": channel_scale_gap_in,
              "channel_scale_gap_gn": channel_scale_gap_gn,
              "channel_scale_gap_in_eps0": channel_scale_gap_in_eps0}
