""" "Use batch gradient descent below 2000 samples":
GD against MBGD (B=32) at N = 500, 2000, 8000.

A small MLP (8 -> 16 -> 1, tanh) learns a fixed random "teacher" network of the
same shape plus noise, from N training samples; the test loss is measured on
separate samples. Both methods start from the same weights with the same learning
rate. MBGD runs E epochs; GD runs as many updates as MBGD made (so E epochs of GD
are the first E of them). The losses are deterministic; the wall times (and what GD
reaches in MBGD's wall time) are measured on this CPU and change from run to run.
"""

import math
import sys
import time

import numpy as np
import torch
from torch import nn

SIZES = (500, 2000, 8000)
DIM, HIDDEN = 8, 16
LR = 0.3
EPOCHS = 10
BATCH = 32
N_TEST = 1000
NOISE_STD = 0.1
CHECK_EVERY = 10   # GD's test loss is recorded every 10 updates

# %% data
torch.manual_seed(123)
teacher = nn.Sequential(nn.Linear(DIM, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 1))
with torch.no_grad():
    # a sharper, more nonlinear target than a fresh network
    teacher[0].weight.mul_(4.0)
    teacher[2].weight.mul_(2.0)


def samples(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, DIM, generator=g)
    with torch.no_grad():
        y = teacher(x) + NOISE_STD * torch.randn(n, 1, generator=g)
    return x, y


x_test, y_test = samples(N_TEST, seed=999)


def student() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(DIM, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 1))


def test_loss(model: nn.Module) -> float:
    with torch.no_grad():
        return nn.functional.mse_loss(model(x_test), y_test).item()


# %% compare
def mbgd(x, y) -> tuple[float, float]:
    """E epochs of mini-batch GD; returns the test
    loss and the seconds spent in the updates."""
    model, g = student(), torch.Generator().manual_seed(1)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    seconds = 0.0
    for _ in range(EPOCHS):
        order = torch.randperm(len(x), generator=g)
        start = time.perf_counter()
        for i in range(0, len(x), BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad()
            nn.functional.mse_loss(model(x[idx]), y[idx]).backward()
            opt.step()
        seconds += time.perf_counter() - start
    return test_loss(model), seconds


def gd(x, y, updates: int) -> tuple[np.ndarray, float]:
    """`updates` full-batch updates; returns the test loss every
    CHECK_EVERY updates (and after E) and the seconds spent in
    the updates (the test evaluations are not timed)."""
    model = student()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    curve, seconds = {0: test_loss(model)}, 0.0
    for u in range(1, updates + 1):
        start = time.perf_counter()
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        seconds += time.perf_counter() - start
        if u % CHECK_EVERY == 0 or u == EPOCHS or u == updates:
            curve[u] = test_loss(model)
    return curve, seconds


results = {}
for n in SIZES:
    x, y = samples(n, seed=0)
    updates = EPOCHS * math.ceil(n / BATCH)
    mb_loss, mb_seconds = mbgd(x, y)
    gd_curve, gd_seconds = gd(x, y, updates)
    results[n] = {"updates": updates, "mbgd": mb_loss, "gd_epochs": gd_curve[EPOCHS],
                  "gd_updates": gd_curve[updates], "gd_curve": gd_curve,
                  "mb_seconds": mb_seconds, "gd_seconds": gd_seconds}

# %% report
if __name__ == "__main__":
    print(
        f"MLP {DIM} -> {HIDDEN} -> 1, lr {LR}, MBGD: B={BATCH}, {EPOCHS} epochs; "
        f"test set {N_TEST}"
    )
    rows, timing_rows = [], []
    for n, r in results.items():
        print(
            f"N={n:5d}: {r['updates']:5d} MBGD updates; test loss MBGD "
            f"{r['mbgd']:.4f}, "
            f"GD after {EPOCHS} epochs {r['gd_epochs']:.4f}, GD after "
            f"{r['updates']} updates {r['gd_updates']:.4f}"
        )
        rows.append([n, math.ceil(n / BATCH), r["updates"], r["mbgd"], r["gd_epochs"],
                     r["gd_updates"]])
        # what GD can do in the wall time MBGD took:
        # its updates cost gd_seconds / updates each
        per_update = r["gd_seconds"] / r["updates"]
        affordable = min(r["updates"], int(r["mb_seconds"] / per_update))
        checked = max(u for u in r["gd_curve"] if u <= max(affordable, 0))
        timing_rows.append([n, r["mb_seconds"] * 1000 / r["updates"], per_update * 1000,
                            affordable, r["gd_curve"][checked], r["mbgd"]])
    VALUES = {"dim": DIM, "hidden": HIDDEN, "lr": LR, "epochs": EPOCHS, "batch": BATCH,
              "n_test": N_TEST, "noise_var": NOISE_STD**2, "check_every": CHECK_EVERY,
              "sizes": ", ".join(str(n) for n in SIZES), "n_small": SIZES[0],
              "n_mid": SIZES[1], "n_large": SIZES[2],
              "initial_test_loss": results[SIZES[0]]["gd_curve"][0]}
    for n, r in results.items():
        VALUES[f"mbgd_{n}"] = r["mbgd"]
        VALUES[f"gd_epochs_{n}"] = r["gd_epochs"]
        VALUES[f"gd_updates_{n}"] = r["gd_updates"]
        VALUES[f"updates_{n}"] = r["updates"]
    for n, ms_mb_update, ms_update, affordable, gd_same_time, mb in timing_rows:
        VALUES[f"same_time_updates_{n}"] = affordable
        VALUES[f"same_time_gd_{n}"] = gd_same_time
        VALUES[f"same_time_winner_{n}"] = "GD" if gd_same_time < mb else "MBGD"
        VALUES[f"ms_gd_update_{n}"] = ms_update
        VALUES[f"ms_mbgd_update_{n}"] = ms_mb_update
        # time of a GD update / time of an MBGD update
        VALUES[f"ms_ratio_gd_mbgd_{n}"] = ms_update / ms_mb_update
        # samples of a GD update / of an MBGD update
        VALUES[f"n_over_batch_{n}"] = n / BATCH
    TABLES = {
        "same_epochs": {
            "columns": [
                "N",
                "updates_per_epoch",
                "updates",
                "mbgd",
                "gd_epochs",
                "gd_updates",
            ],
            "rows": rows,
        },
        "same_time": {
            "columns": [
                "N",
                "ms_mbgd_update",
                "ms_gd_update",
                "gd_updates_in_mbgd_time",
                "gd_loss",
                "mbgd_loss",
            ],
            "rows": timing_rows,
        },
    }
    TIMINGS = [name for name in VALUES if name.startswith(("same_time_", "ms_"))] + [
        "same_time"
    ]
    for name in TIMINGS:  # on stderr: the printed output must be the same on every run
        value = VALUES.get(name, "")
        print(
            f"{name}: {value:.4f}" if isinstance(value, float) else f"{name}: {value}",
            file=sys.stderr,
        )
