"""Where NaN and inf come from in a LayerNorm:
eps = 0 on a constant row, and float16 overflow.

1. A constant row has mu = x and sigma = 0: (x -
   mu) / sqrt(0 + eps) is 0 / 0 = NaN when eps = 0.
2. float16's largest finite number is 65504: squaring activations
   of about 300 overflows to inf, and the one-pass variance
   mean(x^2) - mean(x)^2 becomes inf - inf = NaN, whatever eps is.
"""

import torch
from torch import nn

HIDDEN = 8
CONSTANT = 2.5
LARGE, SPREAD, WIDTH = 300.0, 10.0, 64


# %% eps
def layer_norm_two_pass(x: torch.Tensor, eps: float) -> torch.Tensor:
    """(x - mean) / sqrt(var + eps) over the last
    dim, var = mean((x - mean)^2) (biased)."""
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)


constant = torch.full((1, HIDDEN), CONSTANT)
manual_eps0 = layer_norm_two_pass(constant, eps=0.0)
torch_eps0 = nn.functional.layer_norm(constant, (HIDDEN,), eps=0.0)
default_layer = nn.LayerNorm(HIDDEN)  # eps = 1e-5 by default
with torch.no_grad():
    torch_default = default_layer(constant)
    # a NaN already in the input stays a NaN: the cause is upstream of the LayerNorm
    nan_in_nan_out = default_layer(torch.cat([torch.tensor([[float("nan")]]),
                                              constant[:, 1:]], dim=1))


# %% fp16
def layer_norm_one_pass(x: torch.Tensor, eps: float) -> torch.Tensor:
    """The same LayerNorm with var = mean(x^2) -
    mean(x)^2: needs x^2, which overflows in float16."""
    mean = x.mean(dim=-1, keepdim=True)
    var = (x**2).mean(dim=-1, keepdim=True) - mean**2
    return (x - mean) / torch.sqrt(var + eps)


torch.manual_seed(0)
# activations of about 300, stored in float16
large = (LARGE + SPREAD * torch.randn(1, WIDTH)).half()
squares = large**2
one_pass_var = squares.mean(dim=-1) - large.mean(dim=-1) ** 2
one_pass = layer_norm_one_pass(large, eps=1e-5)
two_pass = layer_norm_two_pass(large, eps=1e-5)
reference = nn.functional.layer_norm(large.float(), (WIDTH,))  # float32, for comparison
# PyTorch's own LayerNorm on the float16 tensor
torch_fp16 = nn.functional.layer_norm(large, (WIDTH,))


def describe(t: torch.Tensor) -> str:
    """'nan' / 'inf' if any entry is, else the largest
    |entry|, as text that reads the same in any language."""
    if torch.isnan(t).any():
        return "nan"
    if torch.isinf(t).any():
        return "inf"
    return f"{float(t.abs().max()):.3g}"


# %% report
if __name__ == "__main__":
    print(
        f"constant row {CONSTANT}, eps = 0, by hand      : "
        f"{manual_eps0.numpy().round(3)}"
    )
    print(
        f"constant row {CONSTANT}, eps = 0, F.layer_norm : "
        f"{torch_eps0.numpy().round(3)}"
    )
    print(
        f"constant row {CONSTANT}, nn.LayerNorm (eps={default_layer.eps:g}): "
        f"{torch_default.numpy().round(3)}"
    )
    print(
        "one NaN in the input row, nn.LayerNorm: "
        f"{int(torch.isnan(nan_in_nan_out).sum())} of {HIDDEN}"
        " outputs are NaN"
    )
    print(f"float16: max finite {torch.finfo(torch.float16).max:g}; x ~ {LARGE:g}: "
          f"{int(torch.isinf(squares).sum())} of {WIDTH} squares are inf")
    print(f"float16 one-pass variance: {describe(one_pass_var)}; "
          f"output: {describe(one_pass)}")
    print(
        "float16 two-pass output: max |. - float32| = "
        f"{float((two_pass.float() - reference).abs().max()):.2e}"
    )
    print(
        "float16 F.layer_norm: max |. - float32| = "
        f"{float((torch_fp16.float() - reference).abs().max()):.2e}"
    )

    VALUES = {
        "hidden": HIDDEN,
        "constant": CONSTANT,
        "manual_eps0": describe(manual_eps0),
        "torch_eps0": describe(torch_eps0),
        "default_eps": default_layer.eps,
        "default_out": describe(torch_default),
        "fp16_max": float(torch.finfo(torch.float16).max),
        "fp16_sqrt_max": float(torch.finfo(torch.float16).max) ** 0.5,
        "large": LARGE,
        "large_squared": LARGE**2,
        "width": WIDTH,
        "squares_inf": int(torch.isinf(squares).sum()),
        "one_pass_var": describe(one_pass_var),
        "one_pass_out": describe(one_pass),
        "two_pass_out": describe(two_pass),
        "two_pass_diff": float((two_pass.float() - reference).abs().max()),
        "torch_fp16_out": describe(torch_fp16),
        "torch_fp16_diff": float((torch_fp16.float() - reference).abs().max()),
        "torch_version": torch.__version__.split("+")[0],
        "nan_input_out": describe(nan_in_nan_out),
        "nan_input_nans": int(torch.isnan(nan_in_nan_out).sum()),
    }
