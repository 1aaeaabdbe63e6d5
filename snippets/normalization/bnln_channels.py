"""What BatchNorm and LayerNorm do to the differences between channels of an (N,
C, H, W) tensor, and BatchNorm in eval() folded into the convolution before it.
"""

import itertools

import torch
from torch import nn

torch.manual_seed(0)
N, C, H, W = 16, 8, 8, 8


# %% channels
def images() -> torch.Tensor:
    """Channel c has its own level and spread (as after a convolution), and each
    image its own brightness and contrast: x[n, c] = a_n * (mu_c + s_c * z) + b_n."""
    mu = torch.linspace(-3.0, 3.0, C).view(1, C, 1, 1)
    s = torch.linspace(0.5, 2.0, C).view(1, C, 1, 1)
    a = torch.empty(N, 1, 1, 1).uniform_(0.5, 2.0)
    b = torch.randn(N, 1, 1, 1)
    return a * (mu + s * torch.randn(N, C, H, W)) + b


def channel_means(y: torch.Tensor) -> torch.Tensor:
    """(N, C): each image's mean of each channel."""
    return y.mean(dim=(2, 3))


def order_kept(before: torch.Tensor, after: torch.Tensor) -> float:
    """Share of the channel pairs (a, b) of the same
    image whose order (which mean is larger) survives."""
    kept = [
        ((before[:, i] > before[:, j]) == (after[:, i] > after[:, j]))
        .float()
        .mean()
        .item()
        for i, j in itertools.combinations(range(C), 2)
    ]
    return sum(kept) / len(kept)


def difference_ratio_error(before: torch.Tensor, after: torch.Tensor) -> float:
    """LN maps an image's channel means by one shift and one scale:
    every difference m_a - m_b of an image then shrinks by the same
    factor. Largest relative deviation from that common factor."""
    worst = 0.0
    for n in range(before.shape[0]):
        ratios = torch.stack(
            [
                (after[n, i] - after[n, j]) / (before[n, i] - before[n, j])
                for i, j in itertools.combinations(range(C), 2)
            ]
        )
        worst = max(worst,
                    ((ratios - ratios.mean()).abs() / ratios.mean().abs()).max().item())
    return worst


x = images()
bn, ln = nn.BatchNorm2d(C).train(), nn.LayerNorm([C, H, W], elementwise_affine=False)
with torch.no_grad():
    y_bn, y_ln = bn(x), ln(x)
m, m_bn, m_ln = channel_means(x), channel_means(y_bn), channel_means(y_ln)
channels = {
    # how far apart the channels are: spread over c
    # of each channel's mean over the whole batch
    "spread_input": m.mean(0).std().item(), "spread_bn": m_bn.mean(0).std().item(),
    "spread_ln": m_ln.mean(0).std().item(),
    # each channel's batch mean after BN
    "bn_channel_mean_max": m_bn.mean(0).abs().max().item(),
    "bn_channel_std": y_bn.std(dim=(0, 2, 3), unbiased=False).mean().item(),
    "ln_order_kept": order_kept(m, m_ln), "bn_order_kept": order_kept(m, m_bn),
    "ln_ratio_error": difference_ratio_error(m, m_ln),
}

# %% fold
conv = nn.Conv2d(3, C, 3, padding=1)
norm = nn.BatchNorm2d(C)
with torch.no_grad():
    for _ in range(20):  # training passes: running statistics that are not 0 and 1
        norm(conv(torch.randn(N, 3, H, W) * 2 + 1))
    norm.weight.uniform_(0.5, 1.5)
    norm.bias.uniform_(-0.5, 0.5)
    norm.eval()
    scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)  # per output channel
    folded = nn.Conv2d(3, C, 3, padding=1)
    folded.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
    folded.bias.copy_((conv.bias - norm.running_mean) * scale + norm.bias)
    probe = torch.randn(N, 3, H, W) * 2 + 1
    fold_max_diff = (norm(conv(probe)) - folded(probe)).abs().max().item()

# %% report
if __name__ == "__main__":
    for name, value in channels.items():
        print(f"{name}: {value:.3g}")
    print(f"max |BN(conv(x)) - folded conv(x)| in eval(): {fold_max_diff:.1e}")
    VALUES = {"shape": str((N, C, H, W)), **channels, "fold_max_diff": fold_max_diff}
