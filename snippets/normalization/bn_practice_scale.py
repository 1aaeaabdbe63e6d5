"""Scale invariance: BN(c W x) = BN(W x) for c > 0,
and the gradient with respect to W scales by 1/c.

Linear(64, 32, bias=False) -> BatchNorm1d (train mode) -> a fixed random readout,
on 64 digits standardized per pixel. The eps inside BN's square root makes the
invariance approximate once c^2 Var(W x) comes near it: the smallest c shows that.
"""

import torch
from digits import load
from torch import nn

SCALES = (0.01, 0.1, 0.5, 2.0, 10.0, 100.0)
C_OK = 0.5  # from this c up, c^2 Var(W x) is far above eps
BN_EPS = nn.BatchNorm1d(1).eps  # PyTorch's default
# PyTorch requires eps > 0 in training; this one is negligible in float64
EXACT_EPS = 1e-30

torch.manual_seed(0)
pixels = load().x_train
# standardized with training statistics
x = ((pixels - pixels.mean(dim=0)) / (pixels.std(dim=0) + 1e-3))[:64]
linear = nn.Linear(64, 32, bias=False)
readout = torch.randn(32, 10)
target = torch.randint(0, 10, (64,))


# %% scale
def forward_backward(
    c: float, eps: float = BN_EPS, dtype=torch.float32
) -> tuple[torch.Tensor, torch.Tensor]:
    """Output of BN(c W x) and the gradient of the
    loss with respect to the scaled weights c W."""
    weight = (c * linear.weight.detach().to(dtype)).requires_grad_(True)
    # BN, train mode
    out = nn.functional.batch_norm(x.to(dtype) @ weight.T, None, None, training=True,
                                   eps=eps)
    nn.functional.cross_entropy(out @ readout.to(dtype), target).backward()
    return out.detach(), weight.grad


reference_out, reference_grad = forward_backward(1.0)
rows = []
for c in SCALES:
    out, grad = forward_backward(c)
    rows.append([c, (out - reference_out).abs().max().item(),
                 (grad.norm() / reference_grad.norm()).item(), 1 / c])

# the same with a negligible eps, in float64: the invariance is exact, up to rounding
exact_out, exact_grad = forward_backward(1.0, eps=EXACT_EPS, dtype=torch.float64)
exact_diff, exact_ratio_error = 0.0, 0.0
for c in SCALES:
    out, grad = forward_backward(c, eps=EXACT_EPS, dtype=torch.float64)
    exact_diff = max(exact_diff, (out - exact_out).abs().max().item())
    exact_ratio_error = max(exact_ratio_error,
                            abs((grad.norm() / exact_grad.norm()).item() * c - 1))

large = [row for row in rows if row[0] >= C_OK]
large_c_max_diff = max(row[1] for row in large)
# |ratio / (1/c) - 1|
large_c_ratio_error = max(abs(row[2] * row[0] - 1) for row in large)

# %% orthogonal
# the gradient is orthogonal to W: <W, dL/dW> = 0 (cosine
# measured), so a plain SGD step can only lengthen W
weight = linear.weight.detach()
cosine = (
    torch.sum(weight * reference_grad) / (weight.norm() * reference_grad.norm())
).item()

# smallest Var(W x) over the 32 units
pre_bn_var = (x @ weight.T).var(dim=0, unbiased=False).min().item()

# %% report
if __name__ == "__main__":
    for c, diff, ratio, inverse in rows:
        print(
            f"c={c:<5} max|BN(cWx) - BN(Wx)| = {diff:.1e}   ||grad(cW)|| / "
            f"||grad(W)|| = {ratio:.4f}"
            f"   1/c = {inverse:.4f}"
        )
    print(
        f"eps={EXACT_EPS:g}, float64: max|BN(cWx) - BN(Wx)| = {exact_diff:.1e}, "
        "max|c ||grad(cW)||/||grad(W)|| - 1|"
        f" = {exact_ratio_error:.1e}"
    )
    print(f"cos(W, grad W) = {cosine:.1e}")
    print(f"smallest Var(Wx) over units: {pre_bn_var:.3f}; BN eps = {BN_EPS:g}")
    TABLES = {"scale": {"columns": ["c", "output_diff", "grad_ratio", "inverse_c"],
                        "rows": rows}}
    VALUES = {"cosine": cosine, "pre_bn_var": pre_bn_var, "exact_diff": exact_diff,
              "bn_eps": BN_EPS, "smallest_c": min(SCALES), "c_ok": C_OK,
              "large_c_max_diff": large_c_max_diff,
              "large_c_ratio_error": large_c_ratio_error,
              "smallest_c_var": min(SCALES) ** 2 * pre_bn_var,
              "exact_ratio_error": exact_ratio_error, "exact_eps": EXACT_EPS}
    for c, diff, ratio, _ in rows:
        VALUES[f"output_diff_c{c:g}"] = diff
        VALUES[f"grad_ratio_c{c:g}"] = ratio
