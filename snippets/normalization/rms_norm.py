"""RMSNorm written with NumPy and checked against torch.nn.RMSNorm; what dropping
the mean changes; the RMS of its output; what its default eps changes."""

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
D = 64
LN_EPS = nn.LayerNorm(D).eps  # LayerNorm's default eps, used for both in the comparison
# default of ModelArgs.norm_eps in meta-llama/llama, llama/model.py
LLAMA_NORM_EPS = 1e-5
SMALL = 0.01  # an input scale at which eps is no longer negligible against mean(x^2)


# %% numpy
def rms_norm(x: np.ndarray, gamma: np.ndarray, eps: float) -> np.ndarray:
    """Divide each vector (last axis) by its root
    mean square; no mean subtracted, no beta."""
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
print(
    f"RMSNorm({D}) on {tuple(x.shape)}: max |NumPy - PyTorch| = {max_diff:.1e}   "
    f"(eps = {eps:.2e})"
)

# %% compare
plain_rms = nn.RMSNorm(D, eps=LN_EPS)  # gamma = 1 and LayerNorm's eps,
# so that only the mean tells them apart
layer_norm = nn.LayerNorm(D, elementwise_affine=False)
# every vector centred exactly
inputs = {"x - mean(x)": x - x.mean(dim=-1, keepdim=True),
          0.0: x, 1.0: x + 1.0, 3.0: x + 3.0}  # random vectors, then shifted
rows, out_rms, predicted = [], [], []
for shift, shifted in inputs.items():
    y_rms, y_ln = plain_rms(shifted).detach(), layer_norm(shifted)
    rows.append([shift, y_rms.pow(2).mean(dim=-1).sqrt().mean().item(),
                 y_rms.mean(dim=-1).abs().mean().item(),
                 y_ln.mean(dim=-1).abs().mean().item(),
                 (y_rms - y_ln).abs().max().item()])
    print(
        "input {:>11}: RMS(out)={:.6f}  |mean(out)| RMSNorm={:.3f}  "
        "LayerNorm={:.1e}  "
        "max|RMSNorm-LN|={:.1e}".format(*rows[-1])
    )
    ms = shifted.double().pow(2).mean(dim=-1)  # mean square of each input vector
    out_rms.append(y_rms.double().pow(2).mean(dim=-1).sqrt())
    # RMS(y) = sqrt(ms / (ms + eps)) when gamma = 1
    predicted.append(torch.sqrt(ms / (ms + LN_EPS)))
out_rms, predicted = (
    torch.cat([r.flatten() for r in out_rms]),
    torch.cat([p.flatten() for p in predicted]),
)
rms_out_min, rms_out_max = out_rms.min().item(), out_rms.max().item()
rms_formula_gap = (out_rms - predicted).abs().max().item()
print(
    f"RMS(out) over all {out_rms.numel()} vectors: {rms_out_min:.7f} .. "
    f"{rms_out_max:.7f}; "
    f"max |RMS(out) - sqrt(ms/(ms+eps))| = {rms_formula_gap:.1e}"
)

params_rms = sum(p.numel() for p in nn.RMSNorm(D).parameters())
params_ln = sum(p.numel() for p in nn.LayerNorm(D).parameters())

# %% eps
# the same vectors through nn.RMSNorm's default eps and
# through eps = LLAMA_NORM_EPS, at two input scales
default_eps, llama_eps = nn.RMSNorm(D), nn.RMSNorm(D, eps=LLAMA_NORM_EPS)
eps_gap = {
    scale: (default_eps(scale * x) - llama_eps(scale * x)).abs().max().item()
    for scale in (1.0, SMALL)
}
x_rms = x.pow(2).mean().sqrt().item()  # the RMS of the unscaled inputs
print(
    f"eps {eps:.2e} vs {LLAMA_NORM_EPS:g}: max output difference "
    f"{eps_gap[1.0]:.1e} at scale 1, "
    f"{eps_gap[SMALL]:.1e} at scale {SMALL:g}"
)

# %% report
if __name__ == "__main__":
    TABLES = {"shift": {"columns": ["shift", "rms_out", "mean_rms", "mean_ln", "gap"],
                        "rows": rows}}
    VALUES = {"d": D, "max_diff": max_diff, "eps": eps, "params_rms": params_rms,
              "params_ln": params_ln, "gap_exactly_centred": rows[0][4],
              "gap_random": rows[1][4], "gap_shift3": rows[3][4],
              "mean_rms_shift3": rows[3][2], "mean_ln_shift3": rows[3][3],
              "shift_big": rows[3][0], "row_centred": rows[0][0],
              "row_random": rows[1][0], "ln_eps": LN_EPS, "rms_out_min": rms_out_min,
              "rms_out_max": rms_out_max, "rms_deficit_max": 1 - rms_out_min,
              "rms_formula_gap": rms_formula_gap, "vectors": out_rms.numel(),
              "llama_norm_eps": LLAMA_NORM_EPS, "small_scale": SMALL,
              "eps_gap_unit": eps_gap[1.0], "eps_gap_small": eps_gap[SMALL],
              "x_rms": x_rms}
