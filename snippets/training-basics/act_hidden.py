"""Which activation in the hidden layers: the digits (act_common.py) with a
deeper MLP, six hidden Linear(64, 64) layers, trained the same way with each
activation: plain SGD, the same learning rate, the same minibatch order, two
seeds; once with PyTorch's default initialization, once with the initialization
meant for the activation (Xavier for sigmoid and tanh, He for the ReLU family).
"""

import math
import statistics

import torch
from act_common import BATCH, sgd_step, x_test, x_train, y_test, y_train
from torch import nn
from torch.nn import functional as F

DEPTH, WIDTH = 6, 64
LR, EPOCHS = 0.1, 10
SEEDS = (0, 1)
ACTS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "ReLU": torch.relu,
        "Leaky ReLU": lambda z: F.leaky_relu(z, 0.01), "GELU": F.gelu, "SiLU": F.silu}
MATCHED = {"sigmoid": "xavier", "tanh": "xavier"}  # the others: "he"
CHANCE = math.log(10)  # cross-entropy of a uniform guess over 10 classes


# %% train
def run(act_name: str, init: str, seed: int) -> tuple[float, float]:
    """Training loss (whole training set) and test accuracy after EPOCHS epochs."""
    torch.manual_seed(seed)
    widths = [x_train.shape[1]] + [WIDTH] * DEPTH + [10]
    layers = [nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:], strict=True)]
    for layer in layers[:-1]:
        # Glorot and Bengio (2010): Var(w) = 2 / (fan_in + fan_out)
        if init == "xavier":
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
        elif init == "he":     # He et al. (2015): Var(w) = 2 / fan_in
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    act = ACTS[act_name]

    def forward(x):
        for layer in layers[:-1]:
            x = act(layer(x))
        return layers[-1](x)

    params = [p for layer in layers for p in layer.parameters()]
    order_gen = torch.Generator().manual_seed(seed)
    for _ in range(EPOCHS):
        order = torch.randperm(len(x_train), generator=order_gen)
        for start in range(0, len(order), BATCH):
            idx = order[start:start + BATCH]
            loss = F.cross_entropy(forward(x_train[idx]), y_train[idx])
            sgd_step(params, loss, LR)   # w <- w - LR * dL/dw (act_common.py)
    with torch.no_grad():
        return (F.cross_entropy(forward(x_train), y_train).item(),
                (forward(x_test).argmax(1) == y_test).float().mean().item())


results = {(name, init): [run(name, init, s) for s in SEEDS]
           for name in ACTS for init in ("default", MATCHED.get(name, "he"))}

# %% summary
rows = []
for name in ACTS:
    default = results[name, "default"]
    matched = results[name, MATCHED.get(name, "he")]
    rows.append(
        [
            name,
            statistics.mean(r[0] for r in default),
            statistics.mean(r[1] for r in default),
            MATCHED.get(name, "he").replace("xavier", "Xavier").replace("he", "He"),
            statistics.mean(r[0] for r in matched),
            statistics.mean(r[1] for r in matched),
        ]
    )
loss = {(row[0], "default"): row[1] for row in rows} | {
    (row[0], "matched"): row[4] for row in rows
}
acc = {(row[0], "default"): row[2] for row in rows} | {
    (row[0], "matched"): row[5] for row in rows
}

# %%
TABLES = {"hidden": {"columns": ["activation", "loss_default", "acc_default", "init",
                                 "loss_matched", "acc_matched"], "rows": rows}}
VALUES = {
    "depth": DEPTH,
    "width": WIDTH,
    "lr": LR,
    "epochs": EPOCHS,
    "seeds": len(SEEDS),
    "chance": CHANCE,
    **{f"loss_{n.lower().replace(' ', '_')}_{k}": v for (n, k), v in loss.items()},
    **{f"acc_{n.lower().replace(' ', '_')}_{k}": v for (n, k), v in acc.items()},
}

if __name__ == "__main__":
    print(
        f"MLP 64 → {DEPTH} × {WIDTH} → 10, SGD lr={LR:g}, {EPOCHS} epochs, seeds "
        f"{SEEDS}; "
        f"chance-level loss ln 10 = {CHANCE:.3f}"
    )
    for name, l_def, a_def, init, l_m, a_m in rows:
        print(
            f"{name:10s} default init: loss {l_def:.3f}, accuracy {a_def:.3f}   "
            f"{init:6s}: loss {l_m:.3f}, "
            f"accuracy {a_m:.3f}"
        )
