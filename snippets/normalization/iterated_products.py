"""Iterated products A_k = s * A_{k-1} @ B_k:
when does the norm shrink, stay, or explode?

Two ways to draw the random n x n matrices B_k:
- "raw":    entries N(0, 1)     -> B_k stretches a vector by about sqrt(n) per step;
- "scaled": entries N(0, 1/n)   -> B_k keeps a vector's length
  on average. A third run, "ln", draws B_k as "raw" does but
  applies LayerNorm to each row of A_k after every product.
"""

import matplotlib.pyplot as plt
import numpy as np

N = 30
STEPS = 50
SCALES = (0.5, 1.0, 1.5, 2.0)
SEED = 42


# %% experiment
def layer_norm_rows(a: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm (gamma = 1, beta = 0) over the last
    axis: each row gets mean 0 and biased std ~1."""
    mean = a.mean(axis=-1, keepdims=True)
    return (a - mean) / np.sqrt(a.var(axis=-1, keepdims=True) + eps)


def frobenius_norms(scale: float, entry_std: float, n: int = N, steps: int = STEPS,
                    seed: int = SEED, layer_norm: bool = False) -> np.ndarray:
    """||A_k||_F for k = 0..steps, with A_0 and
    every B_k drawn with the given entry std.

    With layer_norm=True, A_k = LN(s * A_{k-1} @
    B_k): the same matrices, one LayerNorm per step.
    """
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 1.0, size=(n, n))
    norms = [np.linalg.norm(a)]
    for _ in range(steps):
        b = rng.normal(0.0, entry_std, size=(n, n))
        a = scale * a @ b
        if layer_norm:
            a = layer_norm_rows(a)
        norms.append(np.linalg.norm(a))
    return np.array(norms)


def factor_per_step(norms: np.ndarray) -> float:
    """Geometric mean of ||A_k|| / ||A_{k-1}||:
    above 1 the norm grows, below 1 it shrinks."""
    return float((norms[-1] / norms[0]) ** (1.0 / (len(norms) - 1)))


def trend(factor: float, tolerance: float = 0.05) -> str:
    """An arrow that reads the same in every language."""
    if factor > 1 + tolerance:
        return "↑"
    if factor < 1 - tolerance:
        return "↓"
    return "≈"


# %% run
runs = {
    "raw": {s: frobenius_norms(s, entry_std=1.0) for s in SCALES},
    "scaled": {s: frobenius_norms(s, entry_std=1.0 / np.sqrt(N)) for s in SCALES},
    "ln": {s: frobenius_norms(s, entry_std=1.0, layer_norm=True) for s in SCALES},
}
# after one LayerNorm each of the n rows has
# norm ~sqrt(n), so ||A_k||_F ~ sqrt(n * n) = n
ln_after_first = np.concatenate([norms[1:] for norms in runs["ln"].values()])

if __name__ == "__main__":
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 3, figsize=(7, 2.9), sharey=False, num="norms")
    titles = {
        "raw": r"$B_k \sim \mathcal{N}(0,\,1)$",
        "scaled": r"$B_k \sim \mathcal{N}(0,\,1/n)$",
        "ln": r"$\mathrm{LN}(s\,A_{k-1}B_k)$" "\n" r"$B_k \sim \mathcal{N}(0,\,1)$",
    }
    for ax, (kind, by_scale) in zip(axes, runs.items(), strict=True):
        for s, norms in by_scale.items():
            ax.semilogy(norms, label=f"s = {s}")
        ax.set_title(titles[kind])
        ax.set_xlabel("k")
        ax.set_ylabel(r"$\|A_k\|_F$")
        ax.grid(True, which="major", alpha=0.3)
    axes[2].legend()  # its curves stay low: the legend hides none of them
    axes[2].sharey(axes[0])  # same scale as the raw run: LayerNorm keeps the norm at n
    fig.tight_layout()

    print(f"n = {N}, steps = {STEPS}, sqrt(n) = {np.sqrt(N):.3f}")
    for kind, by_scale in runs.items():
        for s, norms in by_scale.items():
            f = factor_per_step(norms)
            print(
                f"{kind:>6}  s={s:<4} ||A_0||={norms[0]:9.3e}  "
                f"||A_{STEPS}||={norms[-1]:9.3e}"
                f"  factor/step={f:7.3f} {trend(f)}"
            )

    TABLES = {
        kind: {
            "columns": ["s", "final_norm", "factor_per_step", "trend"],
            "rows": [[s, float(n[-1]), factor_per_step(n), trend(factor_per_step(n))]
                     for s, n in by_scale.items()],
        }
        for kind, by_scale in runs.items()
    }
    VALUES = {
        "n": N,
        "steps": STEPS,
        "sqrt_n": float(np.sqrt(N)),
        "initial_norm": float(runs["raw"][1.0][0]),
        "raw_final_s05": float(runs["raw"][0.5][-1]),
        "raw_final_s1": float(runs["raw"][1.0][-1]),
        "raw_factor_s05": factor_per_step(runs["raw"][0.5]),
        "raw_factor_s1": factor_per_step(runs["raw"][1.0]),
        "scaled_final_s1": float(runs["scaled"][1.0][-1]),
        "scaled_factor_s1": factor_per_step(runs["scaled"][1.0]),
        "scaled_min_s1": float(runs["scaled"][1.0].min()),
        "scaled_max_s1": float(runs["scaled"][1.0].max()),
        "scaled_final_s05": float(runs["scaled"][0.5][-1]),
        "scaled_final_s2": float(runs["scaled"][2.0][-1]),
        "scale_low": SCALES[0],
        "scale_one": 1.0,
        "ln_min": float(ln_after_first.min()),
        "ln_max": float(ln_after_first.max()),
    }
