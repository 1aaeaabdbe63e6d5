"""nn.LayerNorm on a 3x10 matrix: what gets normalized, and what stays correlated."""

import torch
from describe import mean_std, pearson
from torch import nn

torch.manual_seed(0)


# %% normalize
def normalize(x: torch.Tensor, normalized_shape) -> torch.Tensor:
    """A fresh nn.LayerNorm (gamma = 1, beta = 0) applied to x."""
    layer = nn.LayerNorm(normalized_shape, eps=1e-5)
    with torch.no_grad():
        return layer(x)


ROWS, COLS = 3, 10
x = 3.0 + 2.0 * torch.randn(ROWS, COLS)  # rows with mean about 3 and std about 2
per_row = normalize(x, x.shape[-1:])  # normalized_shape = (10,): each row on its own
whole = normalize(x, x.shape)  # normalized_shape = (3, 10): the whole tensor at once


# %% unbiased
def unbiased_std_after(y: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
    """torch.std's default (unbiased, divides by n - 1) over dims of a LayerNorm output.

    LayerNorm makes the *biased* std sigma / sqrt(sigma^2 +
    eps), just below 1; the unbiased estimate of the same n
    numbers is sqrt(n / (n - 1)) times larger, so just above 1.
    """
    return y.std(dim=dims)


n_row, n_whole = COLS, ROWS * COLS
row_unbiased = unbiased_std_after(per_row, (1,))  # n = 10 entries per row
whole_unbiased = unbiased_std_after(whole, (0, 1))  # n = 30 entries in the whole tensor


# %% report
def rows_table() -> list[list]:
    """Per-row statistics before and after, for both choices of normalized_shape."""
    rows = []
    choices = ((str(tuple(per_row.shape[-1:])), per_row, (1,)),
               (str(tuple(whole.shape)), whole, (0, 1)))
    for name, y, dims in choices:
        mean_x, std_x = mean_std(x, dims)
        mean_y, std_y = mean_std(y, dims)
        groups = [f"x[{i}]" for i in range(ROWS)] if dims == (1,) else ["x"]
        for i, group in enumerate(groups):
            rows.append([name, group, float(mean_x.flatten()[i]),
                         float(std_x.flatten()[i]), float(mean_y.flatten()[i]),
                         float(std_y.flatten()[i])])
    return rows


if __name__ == "__main__":
    print("x =\n", x.numpy().round(2))
    shapes = {"per_row": tuple(per_row.shape[-1:]), "whole": tuple(whole.shape)}
    for shape, y in zip(shapes.values(), (per_row, whole), strict=True):
        print(f"\nnormalized_shape={shape}")
        print("  mean of each row :", y.mean(dim=1).numpy().round(6))
        print("  std  of each row :", y.std(dim=1, unbiased=False).numpy().round(6))
        print("  mean of each col :", y.mean(dim=0).numpy().round(3))
        print(f"  Pearson r with x : {pearson(x, y):.6f}")
    print(
        f"\ntorch.std default (n - 1), rows of the {shapes['per_row']} output: "
        f"{row_unbiased.numpy().round(4)}"
        f"  vs sqrt({n_row}/{n_row - 1}) = {(n_row / (n_row - 1)) ** 0.5:.4f}"
    )
    print(
        f"torch.std default (n - 1), whole {shapes['whole']} output: "
        f"{float(whole_unbiased):.4f}"
        f"  vs sqrt({n_whole}/{n_whole - 1}) = "
        f"{(n_whole / (n_whole - 1)) ** 0.5:.4f}"
    )

    column_means = per_row.mean(dim=0)
    TABLES = {
        "stats": {
            "columns": ["normalized_shape", "group", "mean_before", "std_before",
                        "mean_after", "std_after"],
            "rows": rows_table(),
        }
    }
    VALUES = {
        "corr_per_row": pearson(x, per_row),
        "corr_whole": pearson(x, whole),
        "max_abs_row_mean_after": float(per_row.mean(dim=1).abs().max()),
        "max_abs_col_mean_after": float(column_means.abs().max()),
        "min_std_after": float(per_row.std(dim=1, unbiased=False).min()),
        "mean_before": float(x.mean()),
        "std_before": float(x.std(unbiased=False)),
        "rows": ROWS,
        "cols": COLS,
        "per_row_shape": str(shapes["per_row"]),
        "whole_shape": str(shapes["whole"]),
        "n_row": n_row,
        "n_whole": n_whole,
        "bessel_row": (n_row / (n_row - 1)) ** 0.5,
        "bessel_whole": (n_whole / (n_whole - 1)) ** 0.5,
        "std_unbiased_row_min": float(row_unbiased.min()),
        "std_unbiased_row_max": float(row_unbiased.max()),
        "std_unbiased_whole": float(whole_unbiased),
        "std_biased_whole": float(whole.std(unbiased=False)),
    }
