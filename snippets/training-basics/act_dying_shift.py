"""Dying ReLU from a negative bias shift: the first hidden layer's biases
of the digits MLP (act_common.py) are lowered by SHIFT at initialization,
so that most of its units are never active on the training data. Then the
same weights (same seed) are trained with ReLU and with Leaky ReLU.
"""

import statistics

from act_common import LEAK, leaky, relu, train

SHIFT = 0.7
LR = 0.1
EPOCHS = 20
SEEDS = (0, 1)
SLOPES = (LEAK, 0.1)   # Leaky ReLU's negative slope: the default, and ten times it
CONFIGS = {"ReLU": relu, **{f"Leaky ReLU ({s:g})": leaky(s) for s in SLOPES}}

# %% sweep
baseline = {s: train(relu, LR, s, EPOCHS) for s in SEEDS}                    # no shift
runs = {
    (name, s): train(act, LR, s, EPOCHS, shift=SHIFT)
    for name, act in CONFIGS.items()
    for s in SEEDS
}
# Linear -> BN -> ReLU
normed = {s: train(relu, LR, s, EPOCHS, shift=SHIFT, batch_norm=True) for s in SEEDS}


# %% summary
def mean(values):
    return statistics.mean(values)


rows = [["ReLU, 0", mean(r.dead[0][0] for r in baseline.values()),
         mean(r.dead[-1][0] for r in baseline.values()),
         mean(r.accuracy for r in baseline.values())]]
for name in CONFIGS:
    rs = [runs[name, s] for s in SEEDS]
    rows.append([f"{name}, −{SHIFT:g}", mean(r.dead[0][0] for r in rs),
                 mean(r.dead[-1][0] for r in rs), mean(r.accuracy for r in rs)])
rows.append([f"BN + ReLU, −{SHIFT:g}", mean(r.dead[0][0] for r in normed.values()),
             mean(r.dead[-1][0] for r in normed.values()),
             mean(r.accuracy for r in normed.values())])
summary = {row[0]: row[1:] for row in rows}
# ReLU: every layer-1 unit never active at
# initialization is still never active after training
relu_kept = all(
    bool(
        (
            runs["ReLU", s].first_dead_sets[-1] | ~runs["ReLU", s].first_dead_sets[0]
        ).all()
    )
    for s in SEEDS
)
leaky_kept = {
    name: all(
        bool(
            (
                runs[name, s].first_dead_sets[-1] | ~runs[name, s].first_dead_sets[0]
            ).all()
        )
        for s in SEEDS
    )
    for name in CONFIGS
}
# share of the units never active at initialization that are active at the end
revived = {
    name: mean(
        (runs[name, s].first_dead_sets[0] & ~runs[name, s].first_dead_sets[-1])
        .sum()
        .item()
        / runs[name, s].first_dead_sets[0].sum().item()
        for s in SEEDS
    )
    for name in CONFIGS
}
relu_dead_grad = max(runs["ReLU", s].dead_grad_max for s in SEEDS)
leaky_dead_grad = {
    name: min(runs[name, s].dead_grad_max for s in SEEDS)
    for name in CONFIGS
    if name != "ReLU"
}

# %%
VALUES = {
    "shift": SHIFT,
    "lr": LR,
    "epochs": EPOCHS,
    "seeds": len(SEEDS),
    "relu_dead_grad": relu_dead_grad,
    "slope_big": SLOPES[1],
    "leak": LEAK,
    "leak_factor": 1 / LEAK,
    "relu_alive": 1 - summary[f"ReLU, −{SHIFT:g}"][1],
    "revived_leaky_0": revived[f"Leaky ReLU ({SLOPES[0]:g})"],
    "revived_leaky_1": revived[f"Leaky ReLU ({SLOPES[1]:g})"],
    **{
        f"leaky_dead_grad_{i}": leaky_dead_grad[f"Leaky ReLU ({s:g})"]
        for i, s in enumerate(SLOPES)
    },
}
keys = ["base"] + ["relu"] + [f"leaky_{i}" for i in range(len(SLOPES))] + ["bn"]
for key, (init, end, acc) in zip(keys, summary.values(), strict=True):
    VALUES.update({f"{key}_init": init, f"{key}_end": end, f"{key}_acc": acc})
TABLES = {"dying_shift": {"columns": ["config", "dead_init", "dead_end", "accuracy"],
                          "rows": rows}}

if __name__ == "__main__":
    print(
        f"first hidden layer's biases - {SHIFT:g}; SGD lr={LR:g}, {EPOCHS} epochs, "
        f"seeds {SEEDS}"
    )
    for name, (init, end, acc) in summary.items():
        print(
            f"{name:22s} layer 1 never active: init {init:.3f} -> end {end:.3f}; "
            f"test accuracy {acc:.3f}"
        )
    print("every layer-1 unit never active at init is still never active at the end: "
          + ", ".join(f"{name} {kept}" for name, kept in leaky_kept.items()))
    print(
        "share of them active again at the end: "
        + ", ".join(f"{n} {v:.3f}" for n, v in revived.items())
    )
    print(f"largest |grad| of their incoming weights (ReLU): {relu_dead_grad:g}")
    for name, g in leaky_dead_grad.items():
        print(
            f"{name}: smallest (over seeds) largest |grad| of a never-positive "
            f"unit's weights: {g:.1e}"
        )
