"""BatchNorm written with NumPy, checked against
PyTorch in training mode; BatchNorm2d's axes."""

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)


# %% numpy
def batch_norm(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    axes: tuple[int, ...],
    eps: float = 1e-5,
) -> np.ndarray:
    """Training-mode BatchNorm: statistics over
    ``axes`` (the batch and, for images, H and W)."""
    mean = x.mean(axis=axes, keepdims=True)
    # biased: divides by the number of values pooled
    var = x.var(axis=axes, keepdims=True)
    x_hat = (x - mean) / np.sqrt(var + eps)
    shape = [1] * x.ndim
    shape[1] = -1  # gamma and beta have one entry per feature / channel (axis 1)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape)


# %% check
x = torch.randn(16, 5) * 3 + 2  # 16 samples, 5 features
bn1d = nn.BatchNorm1d(5)
with torch.no_grad():  # non-trivial gamma and beta, so they are checked too
    bn1d.weight.copy_(torch.linspace(0.5, 2.0, 5))
    bn1d.bias.copy_(torch.linspace(-1.0, 1.0, 5))
bn1d.train()
ours = batch_norm(x.numpy(), bn1d.weight.detach().numpy(), bn1d.bias.detach().numpy(),
                  axes=(0,))
max_diff_1d = float(np.abs(ours - bn1d(x).detach().numpy()).max())
print(
    f"BatchNorm1d (N, C) = {tuple(x.shape)}: max |NumPy - PyTorch| = {max_diff_1d:.1e}"
)

# %% conv
images = torch.randn(8, 3, 4, 4) * torch.tensor([1.0, 5.0, 0.2]).view(1, 3, 1, 1)
bn2d = nn.BatchNorm2d(3).train()
out = bn2d(images).detach()
ours_2d = batch_norm(images.numpy(), np.ones(3), np.zeros(3), axes=(0, 2, 3))
max_diff_2d = float(np.abs(ours_2d - out.numpy()).max())
per_channel_mean = out.mean(dim=(0, 2, 3))
per_channel_std = out.std(dim=(0, 2, 3), unbiased=False)
# one image, one channel: NOT normalized alone
per_image_channel_mean = out.mean(dim=(2, 3))
print(
    f"BatchNorm2d (N, C, H, W) = {tuple(images.shape)}: max |NumPy - PyTorch| = "
    f"{max_diff_2d:.1e}"
)
print(
    f"statistics per channel over (N, H, W): {8 * 4 * 4} values each -> mean/var "
    "shape "
    f"{tuple(bn2d.running_mean.shape)}"
)
print("output mean per channel:", per_channel_mean.numpy().round(6))
print("output std  per channel:", per_channel_std.numpy().round(6))
print("output mean per (image, channel), first image:",
      per_image_channel_mean[0].numpy().round(3))

# %% report
if __name__ == "__main__":
    VALUES = {
        "max_diff_1d": max_diff_1d,
        "max_diff_2d": max_diff_2d,
        "values_per_channel": 8 * 4 * 4,
        "max_abs_channel_mean": float(per_channel_mean.abs().max()),
        "min_channel_std": float(per_channel_std.min()),
        "max_abs_image_channel_mean": float(per_image_channel_mean.abs().max()),
    }
