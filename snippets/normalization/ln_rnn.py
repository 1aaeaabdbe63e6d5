"""LayerNorm in a recurrent cell (Ba et al., 2016):
normalize the summed input at every time step.

    a_t = W_hh h_{t-1} + W_xh x_t          (the pre-activation, or "summed
    input") h_t = relu(a_t)            without LN h_t = relu(LN(a_t))
    with LN: mean and std of a_t over the hidden units, at each step t

A ReLU cell, so that a recurrent weight that is too large shows up as growth of ||h_t||.
Random weights, no training: only the forward dynamics over the time steps.
"""

import matplotlib.pyplot as plt
import torch
from torch import nn

HIDDEN, INPUTS, STEPS, BATCH = 64, 8, 50, 16
GAINS = (1.0, 2.0)  # W_hh has entries N(0, gain^2 / HIDDEN)
SEED = 0


# %% cell
def hidden_norms(gain: float, layer_norm: bool, seed: int = SEED) -> list[float]:
    """Mean over the batch of ||h_t|| for t = 1..STEPS."""
    torch.manual_seed(seed)
    w_hh = torch.randn(HIDDEN, HIDDEN) * gain / HIDDEN**0.5
    w_xh = torch.randn(HIDDEN, INPUTS) / INPUTS**0.5
    x = torch.randn(STEPS, BATCH, INPUTS)
    h = torch.zeros(BATCH, HIDDEN)
    norms = []
    for t in range(STEPS):
        a = h @ w_hh.T + x[t] @ w_xh.T
        if layer_norm:
            # statistics of this step, this sample
            a = nn.functional.layer_norm(a, (HIDDEN,))
        h = torch.relu(a)
        norms.append(float(h.norm(dim=1).mean()))
    return norms


def factor_per_step(norms: list[float]) -> float:
    """Geometric mean growth of ||h_t|| over the second half of the sequence."""
    half = len(norms) // 2
    return (norms[-1] / norms[half]) ** (1.0 / (len(norms) - 1 - half))


runs = {
    (gain, layer_norm): hidden_norms(gain, layer_norm)
    for gain in GAINS
    for layer_norm in (False, True)
}


# %% report
if __name__ == "__main__":
    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6, 3.5), num="rnn")
    steps = range(1, STEPS + 1)
    for (gain, layer_norm), norms in runs.items():
        style = "--" if layer_norm else "-"
        color = f"C{GAINS.index(gain)}"
        ax.semilogy(steps, norms, style, color=color,
                    label=f"g = {gain:g}" + (", LN" if layer_norm else ""))
    ax.set_xlabel("t")
    ax.set_ylabel(r"$\|h_t\|$")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()

    rows = []
    for (gain, layer_norm), norms in runs.items():
        rows.append([gain, "LN" if layer_norm else "—", norms[0], norms[STEPS // 2 - 1],
                     norms[-1], factor_per_step(norms)])
        print(
            f"gain={gain:g} {'LN ' if layer_norm else 'raw'}: ||h_1||={norms[0]:.3g}"
            f"  ||h_{STEPS}||={norms[-1]:.3g}  "
            f"factor/step={factor_per_step(norms):.3f}"
        )
    ln_all = [
        n for (gain, layer_norm), norms in runs.items() if layer_norm for n in norms
    ]
    TABLES = {
        "rnn": {
            "columns": [
                "gain",
                "norm",
                "h_first",
                "h_middle",
                "h_last",
                "factor_per_step",
            ],
            "rows": rows,
        }
    }
    VALUES = {
        "hidden": HIDDEN,
        "steps": STEPS,
        "middle": STEPS // 2,
        "gain_low": GAINS[0],
        "gain_high": GAINS[-1],
        "sqrt_half_hidden": (HIDDEN / 2) ** 0.5,
        "raw_high_last": runs[(GAINS[-1], False)][-1],
        "raw_high_factor": factor_per_step(runs[(GAINS[-1], False)]),
        "raw_low_last": runs[(GAINS[0], False)][-1],
        "ln_min": min(ln_all),
        "ln_max": max(ln_all),
    }
