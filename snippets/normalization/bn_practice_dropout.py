"""Dropout before BN: the variance of BN's input differs
between train() and eval() (the "variance shift").

Features h = ReLU(Linear(64, 128)(x)) of the digits (a fixed random Linear), then
Dropout(p) -> BN. BN accumulates running statistics in train() (Dropout on); in eval()
Dropout is off and BN's input has a smaller variance than the running_var it divides by.
"""

import torch
from digits import load
from torch import nn

PROBABILITIES = (0.1, 0.3, 0.5)
WIDTH = 128
EPOCHS = 2
BATCH = 64

torch.manual_seed(0)
data = load()
with torch.no_grad():
    h = nn.ReLU()(nn.Linear(64, WIDTH)(data.x_train))
# units whose variance is far above BN's eps (1e-5); some are 0 on every image
VARIANCE_FLOOR = 1e-3
alive = h.var(dim=0) > VARIANCE_FLOOR
h = h[:, alive]


# %% shift
def variance_shift(p: float) -> dict:
    torch.manual_seed(1)
    # momentum=None: running statistics are the plain average over batches, so no
    # trace of the start value (mean 0, variance 1) is left to blur the comparison
    dropout, bn = nn.Dropout(p), nn.BatchNorm1d(h.shape[1], momentum=None)
    with torch.no_grad():
        dropout.train(), bn.train()
        for _ in range(EPOCHS):  # running statistics, as during training
            for start in range(0, len(h) - BATCH + 1, BATCH):
                bn(dropout(h[start:start + BATCH]))
        train_input = dropout(h)  # BN's input in train(): Dropout on
        var_train = train_input.var(dim=0)
        out_var_train = nn.functional.batch_norm(
            train_input, None, None, training=True
        ).var(dim=0)
        dropout.eval(), bn.eval()
        # BN's input in eval(): Dropout is the identity
        var_eval = dropout(h).var(dim=0)
        out_var_eval = bn(dropout(h)).var(dim=0)  # what BN passes on at test time
    # x * m / (1 - p), m ~ Bernoulli(1 - p): the mean stays, E[x^2] grows by 1 / (1 - p)
    mean, var = h.mean(dim=0), h.var(dim=0)
    theory = ((var + mean**2) / (1 - p) - mean**2) / var
    return {
        "ratio": (var_train / var_eval).mean().item(),
        "theory": theory.mean().item(),
        "running_ratio": (bn.running_var / var_eval).mean().item(),
        "out_var_train": out_var_train.mean().item(),
        "out_var_eval": out_var_eval.mean().item(),
    }


shifts = {p: variance_shift(p) for p in PROBABILITIES}


# %% recalibrate
def recalibrated_ratio(p: float) -> float:
    """After training, re-estimate BN's running statistics
    with Dropout off (BN in train(), Dropout in eval())."""
    torch.manual_seed(1)
    dropout, bn = (
        nn.Dropout(p).eval(),
        nn.BatchNorm1d(h.shape[1], momentum=None).train(),
    )
    with torch.no_grad():
        for start in range(0, len(h) - BATCH + 1, BATCH):
            bn(dropout(h[start:start + BATCH]))
    return (bn.running_var / h.var(dim=0)).mean().item()


recalibrated = recalibrated_ratio(0.5)

# %% report
if __name__ == "__main__":
    rows = []
    for p, s in shifts.items():
        rows.append([p, 1 / (1 - p), s["ratio"], s["theory"], s["running_ratio"],
                     s["out_var_train"], s["out_var_eval"]])
        print(
            f"p={p}: Var_train/Var_eval={s['ratio']:.3f} (theory {s['theory']:.3f})"
            f"  running_var/Var_eval={s['running_ratio']:.3f}  Var(BN "
            f"output): train() {s['out_var_train']:.3f},"
            f" eval() {s['out_var_eval']:.3f}"
        )
    print(
        "running_var re-estimated with Dropout off (p=0.5): "
        f"running_var/Var_eval={recalibrated:.3f}"
    )
    TABLES = {
        "shift": {
            "columns": [
                "p",
                "inverse_keep",
                "ratio",
                "theory",
                "running_ratio",
                "out_var_train",
                "out_var_eval",
            ],
            "rows": rows,
        }
    }
    VALUES = {"width": WIDTH, "units": int(alive.sum()), "floor": VARIANCE_FLOOR,
              "recalibrated": recalibrated, "p_low": min(PROBABILITIES),
              "p_high": max(PROBABILITIES)}
    for p, s in shifts.items():
        for key, value in s.items():
            VALUES[f"{key}_p{p:g}"] = value
