"""Post-LN vs pre-LN Transformer blocks (nn.TransformerEncoderLayer's norm_first).

Post-LN (the 2017 Transformer):  x = LayerNorm(x + Sublayer(x))
Pre-LN  (GPT-2 and most LLMs):   x = x + Sublayer(LayerNorm(x)), plus one final LayerNorm
"""

import torch
from torch import nn

D_MODEL, HEADS, DEPTH, SEQ, BATCH = 64, 4, 12, 16, 8


# %% blocks
def encoder(norm_first: bool, depth: int = DEPTH, seed: int = 0) -> nn.ModuleList:
    """A stack of identical-at-init encoder layers; norm_first=True is pre-LN."""
    torch.manual_seed(seed)
    return nn.ModuleList(
        nn.TransformerEncoderLayer(D_MODEL, HEADS, dim_feedforward=4 * D_MODEL, dropout=0.0,
                                   batch_first=True, norm_first=norm_first)
        for _ in range(depth)
    )


# %% measure
def residual_stream_std(norm_first: bool) -> list[float]:
    """Std of the hidden states after each layer, at initialization."""
    layers = encoder(norm_first)
    torch.manual_seed(1)
    h = torch.randn(BATCH, SEQ, D_MODEL)
    stds = []
    with torch.no_grad():
        for layer in layers:
            h = layer(h)
            stds.append(float(h.std()))
    return stds


def gradient_norms(norm_first: bool) -> list[float]:
    """Gradient norm of each layer's parameters for a simple loss, at initialization."""
    layers = encoder(norm_first)
    torch.manual_seed(1)
    h = torch.randn(BATCH, SEQ, D_MODEL)
    for layer in layers:
        h = layer(h)
    if norm_first:  # pre-LN stacks end with a final LayerNorm (GPT-2's ln_f)
        h = nn.functional.layer_norm(h, (D_MODEL,))
    torch.manual_seed(2)
    target = torch.randn_like(h)
    nn.functional.mse_loss(h, target).backward()
    return [float(torch.cat([p.grad.flatten() for p in layer.parameters()]).norm())
            for layer in layers]


# %% report
if __name__ == "__main__":
    results = {}
    for label, norm_first in (("post-LN", False), ("pre-LN", True)):
        stds, grads = residual_stream_std(norm_first), gradient_norms(norm_first)
        results[label] = (stds, grads)
        print(f"{label}: hidden std after layers 1, 6, 12 = "
              f"{stds[0]:.2f}, {stds[5]:.2f}, {stds[-1]:.2f}; "
              f"grad norm layer 1 / layer 12 = {grads[0] / grads[-1]:.2f}")

    rows = [[layer + 1, results["post-LN"][0][layer], results["pre-LN"][0][layer],
             results["post-LN"][1][layer], results["pre-LN"][1][layer]]
            for layer in (0, 2, 5, 8, 11)]
    TABLES = {"depth": {"columns": ["layer", "std_post", "std_pre", "grad_post", "grad_pre"],
                        "rows": rows}}
    VALUES = {
        "depth": DEPTH,
        "std_pre_last": results["pre-LN"][0][-1],
        "std_post_last": results["post-LN"][0][-1],
        "grad_ratio_post": results["post-LN"][1][0] / results["post-LN"][1][-1],
        "grad_ratio_pre": results["pre-LN"][1][0] / results["pre-LN"][1][-1],
    }
