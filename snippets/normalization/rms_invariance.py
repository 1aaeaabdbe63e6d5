"""What RMSNorm and LayerNorm are invariant to (the properties listed
by Zhang & Sennrich, 2019), measured: re-scaling and re-centering of
their input a = x W^T, of the weight matrix W, and of the data x."""

import torch
from torch import nn

torch.manual_seed(0)
D_IN, D = 32, 64
EPS = 1e-5  # the same eps for both norms
SCALE = 10.0  # c in c * a and c * W
SHIFT = 1.0  # s in a + s
TINY = 1e-3  # a scale so small that c^2 * mean(a^2) falls below eps

# %% invariance
x = torch.randn(256, D_IN)
# the weight matrix before the norm: a = x W^T has mean square ~1
w = torch.randn(D, D_IN) / D_IN**0.5
# W + 1 delta^T adds the same number x . delta to every entry of a
delta = torch.randn(D_IN)
a = x @ w.T
changed = {  # each change of the summed inputs a, and what it becomes
    f"a → {SCALE:g}·a": SCALE * a,
    f"W → {SCALE:g}·W": x @ (SCALE * w).T,
    f"a → a + {SHIFT:g}": a + SHIFT,
    "W → W + 1δᵀ": x @ (w + delta).T,
    # shifting the data adds W 1, a different number to each entry of a
    f"x → x + {SHIFT:g}": (x + SHIFT) @ w.T,
    f"a → {TINY:g}·a": TINY * a,
}
norms = {"rms": nn.RMSNorm(D, eps=EPS),
         "ln": nn.LayerNorm(D, eps=EPS, elementwise_affine=False),
         "rms_eps0": nn.RMSNorm(D, eps=0.0),
         "ln_eps0": nn.LayerNorm(D, eps=0.0, elementwise_affine=False)}
with torch.no_grad():
    gaps = {
        name: {
            kind: (norm(b) - norm(a)).abs().max().item() for kind, norm in norms.items()
        }
        for name, b in changed.items()
    }
    # RMS of each output vector
    tiny_out = norms["rms"](TINY * a).double().pow(2).mean(dim=-1).sqrt()
tiny_ms = (TINY * a).double().pow(2).mean(dim=-1)  # mean square of each input vector
tiny_formula_gap = (tiny_out - torch.sqrt(tiny_ms / (tiny_ms + EPS))).abs().max().item()
tiny_out_rms, tiny_mean_square = tiny_out.mean().item(), tiny_ms.mean().item()
rows = [[name, *g.values()] for name, g in gaps.items()]
print(f"max |norm(changed a) - norm(a)|, eps = {EPS:g} and eps = 0:")
for row in rows:
    print(
        "{:>12}: RMSNorm {:.1e}  LayerNorm {:.1e}  |  eps = 0: RMSNorm {:.1e}  "
        "LayerNorm {:.1e}".format(*row)
    )
print(
    f"{TINY:g}·a: mean square {tiny_mean_square:.1e} (eps {EPS:g}), RMS of "
    f"RMSNorm's output {tiny_out_rms:.3f}, "
    f"max |RMS - sqrt(ms/(ms+eps))| = {tiny_formula_gap:.1e}"
)

# %% report
if __name__ == "__main__":
    TABLES = {"invariance": {"columns": ["change", *norms], "rows": rows}}
    VALUES = {"eps": EPS, "scale": SCALE, "shift": SHIFT, "tiny": TINY, "d": D,
              "d_in": D_IN, "vectors": a.shape[0], "tiny_mean_square": tiny_mean_square,
              "tiny_out_rms": tiny_out_rms, "tiny_formula_gap": tiny_formula_gap}
    for key, (name, g) in zip(
        (
            "scale_input",
            "scale_weight",
            "shift_input",
            "shift_weight",
            "shift_data",
            "tiny_input",
        ),
        gaps.items(),
        strict=True,
    ):
        VALUES[f"label_{key}"] = name
        for kind, gap in g.items():
            VALUES[f"{kind}_{key}"] = gap
