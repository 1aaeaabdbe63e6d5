"""Pre-LN's residual stream x_{l+1} = x_l + F(LN(x_l))
grows with depth; the final LayerNorm undoes it.

A stack of freshly initialised pre-LN encoder layers
(the same blocks as pre_post_ln.py), no training.
"""

import matplotlib.pyplot as plt
import torch
from pre_post_ln import BATCH, D_MODEL, SEEDS, SEQ, encoder
from torch import nn

BLOCKS = 24
# table rows: the stream before any block, then every sixth block
SHOWN = (0, 6, 12, 18, 24)


# %% stream
def token_norm(h: torch.Tensor) -> float:
    """Mean over tokens of the L2 norm of each token's vector."""
    return float(h.norm(dim=-1).mean())


def residual_stream(seed: int, blocks: int = BLOCKS) -> dict[str, list[float]]:
    """||x_l|| for l = 0..blocks, ||x_l - x_{l-1}|| /
    ||x_{l-1}||, and ||ln_f(x_l)||, at initialisation."""
    layers = encoder(norm_first=True, depth=blocks, seed=seed)
    # GPT-2's final LayerNorm: gamma = 1, beta = 0 at initialisation
    ln_f = nn.LayerNorm(D_MODEL)
    torch.manual_seed(1)
    h = torch.randn(BATCH, SEQ, D_MODEL)
    with torch.no_grad():
        norms, updates, final = [token_norm(h)], [float("nan")], [token_norm(ln_f(h))]
        for layer in layers:
            new = layer(h)  # x + F(LN(x))
            updates.append(token_norm(new - h) / token_norm(h))
            h = new
            norms.append(token_norm(h))
            final.append(token_norm(ln_f(h)))
    return {"norm": norms, "update": updates, "ln_f": final}


runs = {seed: residual_stream(seed) for seed in SEEDS}


# %% report
if __name__ == "__main__":
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6, 3.5), num="residual")
    for seed, run in runs.items():
        ax.plot(run["norm"], "C0", alpha=0.4 + 0.2 * seed,
                label=r"$\|x_l\|$" if seed == SEEDS[0] else None)
        ax.plot(run["ln_f"], "C1--",
                label=r"$\|\mathrm{LN}_f(x_l)\|$" if seed == SEEDS[0] else None)
    ax.axhline(D_MODEL**0.5, color="gray", linestyle=":", linewidth=1,
               label=r"$\sqrt{d}$")
    ax.set_xlabel("l")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    rows = []
    for layer in SHOWN:
        norms = [run["norm"][layer] for run in runs.values()]
        growth = [run["norm"][layer] / run["norm"][0] for run in runs.values()]
        update = [run["update"][layer] for run in runs.values()]
        after_ln_f = [run["ln_f"][layer] for run in runs.values()]
        rows.append([layer, mean(norms), min(growth), max(growth),
                     mean(update) if layer else "—", mean(after_ln_f)])
        print(f"l={layer:>2}: ||x_l|| = {', '.join(f'{n:.2f}' for n in norms)}"
              f"  (x {', '.join(f'{g:.2f}' for g in growth)} of ||x_0||)"
              f"  ||ln_f(x_l)|| = {', '.join(f'{n:.3f}' for n in after_ln_f)}")

    growth_last = [run["norm"][-1] / run["norm"][0] for run in runs.values()]
    ln_f_all = [value for run in runs.values() for value in run["ln_f"]]
    TABLES = {
        "stream": {
            "columns": [
                "l",
                "norm_mean",
                "growth_min",
                "growth_max",
                "update_mean",
                "ln_f_norm",
            ],
            "rows": rows,
        }
    }
    VALUES = {
        "blocks": BLOCKS,
        "d_model": D_MODEL,
        "seeds": len(SEEDS),
        "sqrt_d": D_MODEL**0.5,
        "norm_first": mean([run["norm"][0] for run in runs.values()]),
        "norm_last_min": min(run["norm"][-1] for run in runs.values()),
        "norm_last_max": max(run["norm"][-1] for run in runs.values()),
        "growth_last_min": min(growth_last),
        "growth_last_max": max(growth_last),
        "update_first": mean([run["update"][1] for run in runs.values()]),
        "update_last": mean([run["update"][-1] for run in runs.values()]),
        "ln_f_min": min(ln_f_all),
        "ln_f_max": max(ln_f_all),
    }
