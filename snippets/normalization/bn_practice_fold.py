"""Folding an eval() BatchNorm2d into the Conv2d
before it: one convolution, the same output."""

import copy

import torch
from torch import nn

torch.manual_seed(0)
C_IN, C_OUT, KERNEL = 3, 8, 3

conv = nn.Conv2d(C_IN, C_OUT, KERNEL, padding=1)
bn = nn.BatchNorm2d(C_OUT)
# a trained-looking BN: running statistics and gamma/beta far from their start
with torch.no_grad():
    conv.train(), bn.train()
    for _ in range(50):
        bn(conv(torch.randn(16, C_IN, 12, 12) * 2 + 1))
    bn.weight.uniform_(0.5, 2.0)
    bn.bias.uniform_(-1.0, 1.0)
conv.eval(), bn.eval()


# %% fold
def fold(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    """W' = gamma * W / sqrt(var + eps) per output channel;
    b' = gamma * (b - mean) / sqrt(var + eps) + beta."""
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)  # shape (C_out,)
    bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
    fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                      conv.stride, conv.padding, conv.dilation, conv.groups, bias=True)
    with torch.no_grad():
        fused.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1))
        fused.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
    return fused


# %% check
x = torch.randn(4, C_IN, 12, 12)
with torch.no_grad():
    reference = bn(conv(x))  # two modules, eval()
    fused_out = fold(conv, bn)(x)  # one convolution
max_diff = (reference - fused_out).abs().max().item()
output_scale = reference.abs().max().item()

# the fold uses the running statistics: it is
# the eval() computation, not the train() one
with torch.no_grad():
    # a copy: bn keeps its statistics
    train_diff = (copy.deepcopy(bn).train()(conv(x)) - fused_out).abs().max().item()

# %% report
if __name__ == "__main__":
    print(
        f"eval(): max |BN(conv(x)) - fused(x)| = {max_diff:.1e}  (outputs up to "
        f"{output_scale:.2f})"
    )
    print(f"train(): max |BN(conv(x)) - fused(x)| = {train_diff:.3f}")
    VALUES = {"max_diff": max_diff, "output_scale": output_scale,
              "train_diff": train_diff}
