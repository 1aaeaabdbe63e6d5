"""Dying ReLU from a too-large learning rate: the digits MLP (act_common.py)
trained with plain SGD at a normal and at a too-large learning rate, with
ReLU and with Leaky ReLU, from the same initial weights (same seed) and the
same order of minibatches; several seeds. Counted after training: the share
of hidden units that are never active (z <= 0 on every training image).
"""

import statistics

import matplotlib.pyplot as plt
from act_common import BATCH, LEAK, WIDTHS, leaky, relu, train, x_test, x_train

LRS = (0.1, 1.0)
SEEDS = tuple(range(8))
EPOCHS = 6
ACTS = {"ReLU": relu, "Leaky ReLU": leaky()}

# %% sweep
runs = {
    (name, lr, seed): train(act, lr, seed, EPOCHS)
    for name, act in ACTS.items()
    for lr in LRS
    for seed in SEEDS
}


# %% summary
def summary(name, lr):
    rs = [runs[name, lr, s] for s in SEEDS]
    return {"dead1": statistics.mean(r.dead[-1][0] for r in rs),
            "dead2": statistics.mean(r.dead[-1][1] for r in rs),
            "dead1_init": statistics.mean(r.dead[0][0] for r in rs),
            "acc": statistics.mean(r.accuracy for r in rs),
            "acc_min": min(r.accuracy for r in rs),
            "acc_max": max(r.accuracy for r in rs)}


table = {(name, lr): summary(name, lr) for name in ACTS for lr in LRS}
low, high = LRS
# ReLU, layer 1: once a unit is never active, its weights get no
# gradient and its input (the pixels) is fixed, so it stays never
# active: the set of such units only grows, epoch after epoch
relu_monotone = all(
    bool((later | ~earlier).all())  # earlier dead => later dead
    for s in SEEDS
    for earlier, later in zip(
        runs["ReLU", high, s].first_dead_sets[:-1],
        runs["ReLU", high, s].first_dead_sets[1:],
        strict=True,
    )
)
leaky_revived = sum(
    bool((earlier & ~later).any())
    for s in SEEDS
    for earlier, later in zip(
        runs["Leaky ReLU", high, s].first_dead_sets[:-1],
        runs["Leaky ReLU", high, s].first_dead_sets[1:],
        strict=True,
    )
)
# ReLU, layer 2: its input (layer 1's output) changes as layer 1 trains,
# so a never-active unit CAN come back: a fall of the layer-2 share from
# one epoch to the next means at least one unit became active again
relu2_drops = {s: max([a[1] - b[1] for a, b in zip(runs["ReLU", high, s].dead[:-1],
                                                     runs["ReLU", high, s].dead[1:],
                                                     strict=True)] + [0.0])
               for s in SEEDS}
relu2_revived_seeds = sum(drop > 0 for drop in relu2_drops.values())
relu_dead_grad = max(runs["ReLU", lr, s].dead_grad_max for lr in LRS for s in SEEDS)
leaky_dead_grad_min = min(runs["Leaky ReLU", high, s].dead_grad_max for s in SEEDS)
better = sum(
    runs["Leaky ReLU", high, s].accuracy > runs["ReLU", high, s].accuracy for s in SEEDS
)

# %%
VALUES = {
    "batch": BATCH,
    "lr_low": low,
    "lr_high": high,
    "epochs": EPOCHS,
    "seeds": len(SEEDS),
    "leak": LEAK,
    "widths": " → ".join(map(str, WIDTHS)),
    "n_train": len(x_train),
    "n_test": len(x_test),
    "relu_dead_grad": relu_dead_grad,
    "leaky_dead_grad_min": leaky_dead_grad_min,
    "leaky_revived": leaky_revived,
    "leaky_better": better,
    "relu2_revived_seeds": relu2_revived_seeds,
    "relu2_max_drop": max(relu2_drops.values()),
    **{
        f"{k}_{'relu' if name == 'ReLU' else 'leaky'}"
        f"_{'low' if lr == low else 'high'}": v
        for (name, lr), row in table.items()
        for k, v in row.items()
    },
}
TABLES = {
    "dying_lr": {
        "columns": ["activation", "lr", "dead1", "dead2", "acc", "acc_min", "acc_max"],
        "rows": [
            [name, lr, r["dead1"], r["dead2"], r["acc"], r["acc_min"], r["acc_max"]]
            for (name, lr), r in table.items()
        ],
    }
}

if __name__ == "__main__":
    print(
        f"MLP {WIDTHS}, {len(x_train)} training / {len(x_test)} test images, SGD, "
        f"{EPOCHS} epochs, "
        f"seeds {SEEDS}"
    )
    for (name, lr), row in table.items():
        print(
            f"{name:10s} lr={lr:<4g} never active: layer 1 {row['dead1']:.3f}, "
            f"layer 2 {row['dead2']:.3f} "
            f"(init: {row['dead1_init']:.3f}); test accuracy "
            f"{row['acc']:.3f} [{row['acc_min']:.3f}, "
            f"{row['acc_max']:.3f}]"
        )
    for s in SEEDS:
        r, q = runs["ReLU", high, s], runs["Leaky ReLU", high, s]
        print(
            f"seed {s}, lr={high:g}: ReLU {r.dead[-1][0]:.3f}/{r.dead[-1][1]:.3f} "
            f"acc {r.accuracy:.3f};  "
            f"Leaky ReLU {q.dead[-1][0]:.3f}/{q.dead[-1][1]:.3f} acc "
            f"{q.accuracy:.3f}"
        )
    print(
        f"ReLU layer 1, lr={high:g}: the never-active set only grows: {relu_monotone}"
    )
    print(f"largest |grad| of a never-active ReLU unit's weights: {relu_dead_grad:g}")
    print(
        f"ReLU layer 2, lr={high:g}: seeds where the never-active share fell in "
        f"some epoch: {relu2_revived_seeds}; "
        f"largest fall {max(relu2_drops.values()):.3f}"
    )
    print(
        f"Leaky ReLU, lr={high:g}: epochs where a never-positive layer-1 unit "
        f"became active again: {leaky_revived}"
    )

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, axes = plt.subplots(1, 2, figsize=(7, 3), sharey=True, num="dying_lr")
    for ax, layer in zip(axes, (0, 1), strict=True):
        for color, name in zip(("C0", "C3"), ACTS, strict=True):
            for s in SEEDS:
                ax.plot([d[layer] for d in runs[name, high, s].dead], color=color,
                        alpha=0.6, label=name if s == SEEDS[0] else None)
        ax.set(xlabel="$t$", ylabel=f"$p_{layer + 1}$")
    axes[0].legend()
    fig.tight_layout()
