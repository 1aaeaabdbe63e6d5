"""Small statistics shared by the normalization snippets."""

import torch


def mean_std(
    x: torch.Tensor, dims: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and *biased* std over ``dims`` -- the statistics LayerNorm itself uses."""
    return x.mean(dim=dims), x.std(dim=dims, unbiased=False)


def pearson(a: torch.Tensor, b: torch.Tensor) -> float:
    """Pearson correlation between all entries of two tensors of the same shape."""
    a, b = a.flatten().double(), b.flatten().double()
    a, b = a - a.mean(), b - b.mean()
    return float((a @ b) / (a.norm() * b.norm()))
