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


x = 3.0 + 2.0 * torch.randn(3, 10)  # rows with mean about 3 and std about 2
per_row = normalize(x, x.shape[-1:])  # normalized_shape = (10,): each row on its own
whole = normalize(x, x.shape)  # normalized_shape = (3, 10): the whole tensor at once


# %% report
def rows_table() -> list[list]:
    """Per-row statistics before and after, for both choices of normalized_shape."""
    rows = []
    for name, y, dims in (("(10,)", per_row, (1,)), ("(3, 10)", whole, (0, 1))):
        mean_x, std_x = mean_std(x, dims)
        mean_y, std_y = mean_std(y, dims)
        groups = [f"x[{i}]" for i in range(3)] if dims == (1,) else ["x"]
        for i, group in enumerate(groups):
            rows.append([name, group, float(mean_x.flatten()[i]), float(std_x.flatten()[i]),
                         float(mean_y.flatten()[i]), float(std_y.flatten()[i])])
    return rows


if __name__ == "__main__":
    print("x =\n", x.numpy().round(2))
    for name, y in (("normalized_shape=(10,)", per_row), ("normalized_shape=(3, 10)", whole)):
        print(f"\n{name}")
        print("  mean of each row :", y.mean(dim=1).numpy().round(6))
        print("  std  of each row :", y.std(dim=1, unbiased=False).numpy().round(6))
        print("  mean of each col :", y.mean(dim=0).numpy().round(3))
        print(f"  Pearson r with x : {pearson(x, y):.6f}")

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
    }
