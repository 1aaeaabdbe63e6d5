"""Exploding gradients in a recurrent network, and gradient clipping.

1. The repeated matrix: ||W^k x|| for a random 64x64
   W scaled to spectral radius rho = 0.9, 1.0, 1.1.
2. A ReLU RNN (hidden 32, W_hh = I at the start, as in Le et al., 2015) learns
   a running sum: the target is the sum of T = 30 inputs x_t ~ N(0, 1), divided
   by sqrt(T). Plain SGD, lr 0.01, 200 steps of 64 sequences, three seeds; once
   without clipping, once with torch.nn.utils.clip_grad_norm_(max_norm=1), and
   once without clipping at a 10 times smaller learning rate. A run whose loss
   becomes inf or NaN stops there and is marked.
3. What clipping does to the gradient's direction:
   by norm (kept) and by value (changed).
"""

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

N = 64
RADII = (0.9, 1.0, 1.1)
POWERS = 100
T, HIDDEN, BATCH = 30, 32, 64
LR, STEPS, MAX_NORM = 0.01, 200, 1.0
SMALL_LR = 0.001
SETTINGS = {"plain": (LR, None), "clip": (LR, MAX_NORM), "small lr": (SMALL_LR, None)}
SEEDS = (0, 1, 2)
TAIL = 50            # final loss: mean over the last 50 steps
VALUE_CLIP = 0.01    # for the direction check with clip_grad_value_

# %% powers
generator = torch.Generator().manual_seed(0)
A = torch.randn(N, N, generator=generator, dtype=torch.float64)
A /= torch.linalg.eigvals(A).abs().max()                        # spectral radius 1
x0 = torch.randn(N, generator=generator, dtype=torch.float64)
x0 /= x0.norm()
powers, spectral_norms = {}, {}
for rho in RADII:
    W = rho * A
    v, norms = x0, [1.0]
    for _ in range(POWERS):
        v = W @ v
        norms.append(v.norm().item())
    # ||W^k x|| / ||x||, k = 0..POWERS
    powers[rho] = np.array(norms)
    spectral_norms[rho] = torch.linalg.matrix_norm(W, ord=2).item()
# the rate over the second half, per step: the spectral radius shows through
tail_rate = {
    rho: (p[-1] / p[POWERS // 2]) ** (1 / (POWERS - POWERS // 2))
    for rho, p in powers.items()
}


# %% rnn
class RunningSum(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, HIDDEN, nonlinearity="relu", batch_first=True)
        self.out = nn.Linear(HIDDEN, 1)
        with torch.no_grad():
            # h_t = ReLU(h_{t-1} + W_ih x_t)
            self.rnn.weight_hh_l0.copy_(torch.eye(HIDDEN))
            self.rnn.bias_hh_l0.zero_()
            self.rnn.bias_ih_l0.zero_()

    def forward(self, x):
        return self.out(self.rnn(x)[0][:, -1])


def batch(generator):
    x = torch.randn(BATCH, T, 1, generator=generator)
    return x, x.sum(dim=1) / math.sqrt(T)


def sgd_step(params: list[torch.Tensor], lr: float) -> None:
    """torch.optim.SGD(params, lr).step(), written out: w <-
    w - lr g. (Creating a torch.optim optimizer imports the
    compiler, about a second, which this snippet saves.)"""
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)


def train(seed: int, lr: float, max_norm: float | None) -> dict:
    torch.manual_seed(seed)
    model = RunningSum()
    generator = torch.Generator().manual_seed(100 + seed)
    params = list(model.parameters())
    loss_curve, grad_norms, radius = [], [], []
    for _ in range(STEPS):
        x, y = batch(generator)
        loss = nn.functional.mse_loss(model(x), y)
        loss_curve.append(loss.item())
        if not math.isfinite(loss.item()):
            break                                               # diverged: inf or NaN
        model.zero_grad()
        loss.backward()
        # the total norm BEFORE clipping is returned;
        # max_norm=inf measures it without clipping
        total = nn.utils.clip_grad_norm_(params, max_norm if max_norm else math.inf)
        grad_norms.append(total.item())
        sgd_step(params, lr)
        w_hh = model.rnn.weight_hh_l0.detach()
        # eigvals of a matrix with inf/NaN would crash
        finite = bool(torch.isfinite(w_hh).all())
        radius.append(
            torch.linalg.eigvals(w_hh).abs().max().item() if finite else math.inf
        )
    return {"loss": loss_curve, "grad": grad_norms, "radius": radius}


# %% runs
runs = {
    (seed, name): train(seed, lr, clip)
    for name, (lr, clip) in SETTINGS.items()
    for seed in SEEDS
}


# the loss of always predicting 0: the target's second moment (1 by construction)
target_second_moment = float(
    np.mean(
        [
            batch(torch.Generator().manual_seed(1000 + i))[1].pow(2).mean().item()
            for i in range(20)
        ]
    )
)

# %% direction
def flat_grad(model):
    return torch.cat([p.grad.flatten() for p in model.parameters()])


torch.manual_seed(0)
probe = RunningSum()
xb, yb = batch(torch.Generator().manual_seed(7))
nn.functional.mse_loss(probe(xb), yb).backward()
raw = flat_grad(probe).clone()
nn.utils.clip_grad_norm_(probe.parameters(), MAX_NORM)
by_norm = flat_grad(probe).clone()
for p, g in zip(probe.parameters(), raw.split([p.numel() for p in probe.parameters()]),
                strict=True):
    p.grad.copy_(g.view_as(p))
nn.utils.clip_grad_value_(probe.parameters(), VALUE_CLIP)
by_value = flat_grad(probe).clone()
cos_norm = nn.functional.cosine_similarity(raw, by_norm, dim=0).item()
cos_value = nn.functional.cosine_similarity(raw, by_value, dim=0).item()

# %% analysis
def diverged(run: dict) -> bool:
    return not math.isfinite(run["loss"][-1])


def final(run: dict) -> float:
    return math.nan if diverged(run) else float(np.mean(run["loss"][-TAIL:]))


def clipped_share(run: dict) -> float:
    return float(np.mean(np.array(run["grad"]) > MAX_NORM))


rows = []
for name, (lr, clip) in SETTINGS.items():
    for seed in SEEDS:
        r = runs[seed, name]
        rows.append(
            [
                seed,
                lr,
                "∞" if clip is None else clip,
                len(r["loss"]) - 1 if diverged(r) else "—",
                r["loss"][0],
                final(r),
                max(r["grad"]),
                max(r["radius"]),
                clipped_share(r) if clip else "—",
            ]
        )
plain = [runs[s, "plain"] for s in SEEDS]
clipped = [runs[s, "clip"] for s in SEEDS]
small = [runs[s, "small lr"] for s in SEEDS]
plain_diverged = [s for s in SEEDS if diverged(runs[s, "plain"])]
survivor = [s for s in SEEDS if s not in plain_diverged]

VALUES = {
    "n": N,
    "powers": POWERS,
    "rho_low": RADII[0],
    "rho_one": RADII[1],
    "rho_high": RADII[2],
    "norm_rho_low": spectral_norms[RADII[0]],
    "norm_rho_one": spectral_norms[RADII[1]],
    "norm_rho_high": spectral_norms[RADII[2]],
    "final_rho_low": powers[RADII[0]][-1],
    "final_rho_one": powers[RADII[1]][-1],
    "final_rho_high": powers[RADII[2]][-1],
    "max_rho_one": powers[RADII[1]].max(),
    "min_rho_one": powers[RADII[1]].min(),
    "rate_rho_low": tail_rate[RADII[0]],
    "rate_rho_high": tail_rate[RADII[2]],
    "t": T,
    "hidden": HIDDEN,
    "batch": BATCH,
    "lr": LR,
    "small_lr": SMALL_LR,
    "steps": STEPS,
    "max_norm": MAX_NORM,
    "seeds": len(SEEDS),
    "tail": TAIL,
    "max_step": LR * MAX_NORM,
    "n_diverged": len(plain_diverged),
    "n_clip_diverged": sum(diverged(r) for r in clipped),
    "n_small_diverged": sum(diverged(r) for r in small),
    "first_divergence": min(len(runs[s, "plain"]["loss"]) - 1 for s in plain_diverged)
    if plain_diverged
    else "—",
    "last_divergence": max(len(runs[s, "plain"]["loss"]) - 1 for s in plain_diverged)
    if plain_diverged
    else "—",
    "clip_final_min": min(final(r) for r in clipped),
    "clip_final_max": max(final(r) for r in clipped),
    "small_final_min": min(final(r) for r in small),
    "small_final_max": max(final(r) for r in small),
    "clip_grad_median": float(np.median(np.concatenate([r["grad"] for r in clipped]))),
    "clip_max_grad": max(max(r["grad"]) for r in clipped),
    "clip_share_min": min(clipped_share(r) for r in clipped),
    "clip_max_radius": max(max(r["radius"]) for r in clipped),
    "small_max_radius": max(max(r["radius"]) for r in small),
    "small_max_grad": max(max(r["grad"]) for r in small),
    "initial_loss_min": min(r["loss"][0] for r in clipped),
    "initial_loss_max": max(r["loss"][0] for r in clipped),
    "target_second_moment": target_second_moment,
    "cos_norm": cos_norm,
    "cos_value": cos_value,
    "value_clip": VALUE_CLIP,
    "raw_norm": raw.norm().item(),
    "by_norm_norm": by_norm.norm().item(),
}
if survivor:
    s0 = runs[survivor[0], "plain"]
    VALUES.update(survivor_seed=survivor[0], survivor_final=final(s0),
                  survivor_max_radius=max(s0["radius"]),
                  survivor_max_grad=max(s0["grad"]),
                  survivor_grad_median=float(np.median(s0["grad"][TAIL:])))
TABLES = {"runs": {"columns": ["seed", "lr", "max_norm", "diverged at step",
                               "loss at step 0", "final loss", "max ||g||",
                               "max rho(W_hh)", "share clipped"], "rows": rows}}

# %% report
if __name__ == "__main__":
    for rho in RADII:
        print(
            f"rho={rho}: ||W||_2={spectral_norms[rho]:.3f}; ||W^k x||: k=10 "
            f"{powers[rho][10]:.3g},"
            f" k={POWERS} {powers[rho][-1]:.3g}; x{tail_rate[rho]:.4f} per "
            "step over the second half"
        )
    for row in rows:
        print(
            "seed {} lr {} max_norm {} diverged at {!s:>3}  loss0 {:.3f}  final "
            "{:.4f}  max||g|| {:.3g}"
            "  max rho {:.3f}  clipped {!s}".format(*row)
        )
    print(f"cosine with the raw gradient: clip_grad_norm_ {cos_norm:.6f},"
          f" clip_grad_value_({VALUE_CLIP}) {cos_value:.4f}")

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(5.6, 3.8), num="powers")
    k = np.arange(POWERS + 1)
    for rho, marker in zip(RADII, "v.^", strict=True):
        line, = ax.semilogy(k, powers[rho], marker + "-", ms=3, markevery=5,
                            label=rf"$\rho = {rho}$")
        ax.semilogy(k, rho**k, ":", color=line.get_color())
    ax.set_xlabel("k")
    ax.set_ylabel(r"$\Vert W^k x\Vert / \Vert x\Vert$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()

    fig, axes = plt.subplots(1, 2, figsize=(7, 3), num="clipping")
    styles = {"plain": ("C3", r"$\eta = 0.01,\ \tau = \infty$"),
              "clip": ("C0", r"$\eta = 0.01,\ \tau = 1$"),
              "small lr": ("C2", r"$\eta = 0.001,\ \tau = \infty$")}
    for name, (color, label) in styles.items():
        for seed in SEEDS:
            r = runs[seed, name]
            losses = np.array(r["loss"])
            finite = np.isfinite(losses)
            axes[0].semilogy(np.arange(len(losses))[finite], losses[finite], "-",
                             color=color, lw=1,
                             label=label if seed == SEEDS[0] else None)
            # divergence: marked, not hidden
            if not finite[-1]:
                axes[0].semilogy([len(losses) - 1], [1e3], "x", color=color, ms=9,
                                 mew=2)
            axes[1].semilogy(r["grad"], "-", color=color, lw=0.8)
    axes[1].axhline(MAX_NORM, color="k", lw=0.8, ls="--")
    axes[0].set_ylim(1e-2, 3e3)
    for ax in axes:
        ax.set_xlabel("t")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"$J$")
    axes[1].set_ylabel(r"$\Vert g\Vert$")
    fig.tight_layout()
    fig.legend(*axes[0].get_legend_handles_labels(), ncols=3, loc="upper center",
               bbox_to_anchor=(0.5, 0), frameon=False)
