"""RMSNorm written with NumPy and checked against torch.nn.RMSNorm; what dropping the mean changes."""

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
D = 64


# %% numpy
def rms_norm(x: np.ndarray, gamma: np.ndarray, eps: float) -> np.ndarray:
    """Divide each vector (last axis) by its root mean square; no mean subtracted, no beta."""
    rms = np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)
    return gamma * x / rms


# %% check
x = torch.randn(4, 10, D)
rms = nn.RMSNorm(D)  # eps=None: PyTorch then uses torch.finfo(x.dtype).eps
with torch.no_grad():
    rms.weight.copy_(torch.linspace(0.5, 1.5, D))
eps = torch.finfo(x.dtype).eps
ours = rms_norm(x.numpy(), rms.weight.detach().numpy(), eps)
max_diff = float(np.abs(ours - rms(x).detach().numpy()).max())
print(f"RMSNorm({D}) on {tuple(x.shape)}: max |NumPy - PyTorch| = {max_diff:.1e}   (eps = {eps:.2e})")

# %% compare
plain_rms = nn.RMSNorm(D, eps=1e-5)  # gamma = 1 (the output's RMS is then 1) and LayerNorm's eps,
layer_norm = nn.LayerNorm(D, elementwise_affine=False)  # so that only the mean tells them apart
inputs = {"x - mean(x)": x - x.mean(dim=-1, keepdim=True),  # every vector centred exactly
          0.0: x, 1.0: x + 1.0, 3.0: x + 3.0}  # random vectors, then shifted
rows = []
for shift, shifted in inputs.items():
    y_rms, y_ln = plain_rms(shifted).detach(), layer_norm(shifted)
    rows.append([shift, y_rms.pow(2).mean(dim=-1).sqrt().mean().item(), y_rms.mean(dim=-1).abs().mean().item(),
                 y_ln.mean(dim=-1).abs().mean().item(), (y_rms - y_ln).abs().max().item()])
    print("input {:>11}: RMS(out)={:.4f}  |mean(out)| RMSNorm={:.3f}  LayerNorm={:.1e}  "
          "max|RMSNorm-LN|={:.1e}".format(*rows[-1]))

params_rms = sum(p.numel() for p in nn.RMSNorm(D).parameters())
params_ln = sum(p.numel() for p in nn.LayerNorm(D).parameters())

# %% report
if __name__ == "__main__":
    TABLES = {"shift": {"columns": ["shift", "rms_out", "mean_rms", "mean_ln", "gap"], "rows": rows}}
    VALUES = {"d": D, "max_diff": max_diff, "eps": eps, "params_rms": params_rms, "params_ln": params_ln,
              "gap_exactly_centred": rows[0][4], "gap_random": rows[1][4], "gap_shift3": rows[3][4],
              "mean_rms_shift3": rows[3][2]}
