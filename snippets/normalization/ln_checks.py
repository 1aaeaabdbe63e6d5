"""Two one-line checks of what LayerNorm's statistics are.

1. Per sample, over the feature dims -- not the
   batch statistics mu_B, sigma_B of BatchNorm.
2. normalized_shape=(D,) normalizes each token alone;
   (L, D) mixes in the whole sequence, padding included.
"""

import torch
from torch import nn

BATCH, FEATURES = 4, 6
TOKENS, PAD, D = 5, 3, 8
EPS = 1e-5

torch.manual_seed(0)
x = 1.0 + 2.0 * torch.randn(BATCH, FEATURES)


# %% mu_B
def normalize_over(x: torch.Tensor, dim: int) -> torch.Tensor:
    """(x - mean) / sqrt(biased var + eps), with
    the mean and variance taken over dim."""
    mean = x.mean(dim=dim, keepdim=True)
    return (x - mean) / torch.sqrt(x.var(dim=dim, unbiased=False, keepdim=True) + EPS)


# what nn.LayerNorm computes
layer_norm = nn.functional.layer_norm(x, (FEATURES,), eps=EPS)
per_sample = normalize_over(x, dim=-1)  # mu, sigma of each sample over its features
# mu_B, sigma_B of each feature over the batch: BatchNorm's formula
with_mu_b = normalize_over(x, dim=0)


# %% padding
tokens = torch.randn(1, TOKENS, D)
# the same sequence with PAD padding tokens
padded = torch.cat([tokens, torch.zeros(1, PAD, D)], dim=1)


def first_token_change(normalized_dims: int) -> float:
    """max |change| of token 0's output when padding is
    appended, normalizing the last normalized_dims dims."""
    short = nn.functional.layer_norm(tokens, tokens.shape[-normalized_dims:])
    long = nn.functional.layer_norm(padded, padded.shape[-normalized_dims:])
    return float((short[0, 0] - long[0, 0]).abs().max())


# %% report
if __name__ == "__main__":
    print(
        "max |layer_norm - per-sample formula| = "
        f"{float((layer_norm - per_sample).abs().max()):.1e}"
    )
    print(
        "max |layer_norm - formula with mu_B|   = "
        f"{float((layer_norm - with_mu_b).abs().max()):.3f}"
    )
    print(
        f"token 0 after appending {PAD} padding tokens: normalized_shape=(D,) "
        "changes by "
        f"{first_token_change(1):.1e}, normalized_shape=(L, D) by "
        f"{first_token_change(2):.3f}"
    )
    VALUES = {
        "batch": BATCH,
        "features": FEATURES,
        "diff_per_sample": float((layer_norm - per_sample).abs().max()),
        "diff_mu_b": float((layer_norm - with_mu_b).abs().max()),
        "tokens": TOKENS,
        "pad": PAD,
        "change_d": first_token_change(1),
        "change_ld": first_token_change(2),
    }
