"""Setting LayerNorm's weight (gamma) and bias
(beta) by hand moves the output's std and mean."""

import itertools

import torch
from describe import mean_std
from torch import nn

torch.manual_seed(0)
GAMMAS = (1.0, 2.0, 3.0)
BETAS = (0.0, 2.0, 5.0)
x = 3.0 + 2.0 * torch.randn(3, 10)


# %% affine
def layer_norm_with(gamma: float, beta: float) -> torch.Tensor:
    """LayerNorm over the last dim with every
    weight set to gamma and every bias to beta."""
    layer = nn.LayerNorm(x.shape[-1])
    with torch.no_grad():
        layer.weight.fill_(gamma)
        layer.bias.fill_(beta)
        return layer(x)


def output_stats(gamma: float, beta: float) -> dict:
    """Mean, biased std (what LayerNorm uses) and
    torch.std's default unbiased std, per row."""
    y = layer_norm_with(gamma, beta)
    mean, std_biased = mean_std(y, (1,))
    return {
        "mean": float(mean.mean()),
        "std_biased": float(std_biased.mean()),
        # torch.std divides by n - 1 by default
        "std_unbiased": float(y.std(dim=1).mean()),
    }


# %% report
if __name__ == "__main__":
    rows = []
    for gamma, beta in itertools.product(GAMMAS, BETAS):
        stats = output_stats(gamma, beta)
        rows.append([gamma, beta, stats["mean"], stats["std_biased"],
                     stats["std_unbiased"]])
        print(
            f"gamma={gamma} beta={beta}: mean={stats['mean']:.4f} "
            f"std(biased)={stats['std_biased']:.4f} "
            f"std(unbiased)={stats['std_unbiased']:.4f}"
        )

    n = x.shape[-1]
    gamma_last, beta_last = GAMMAS[-1], BETAS[-1]
    last = output_stats(gamma_last, beta_last)
    TABLES = {
        "affine": {
            "columns": ["gamma", "beta", "mean", "std_biased", "std_unbiased"],
            "rows": rows,
        }
    }
    VALUES = {
        "n": n,
        "gamma_last": gamma_last,
        "beta_last": beta_last,
        "bessel": (n / (n - 1)) ** 0.5,
        "mean_g3_b5": last["mean"],
        "std_biased_g3_b5": last["std_biased"],
        "std_unbiased_g3_b5": last["std_unbiased"],
    }
