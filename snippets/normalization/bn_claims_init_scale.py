"""Does BN make training less sensitive to the
initialization? Scale the default initial weights by s.

Every Linear weight of the default initialization is multiplied by
s (biases untouched); with and without BN share the seed, the split
and the batches. Several seeds, one learning rate, few epochs.
"""

import math
import statistics

import torch
from digits import load, mlp, train
from torch import nn

WIDTHS = [64, 128, 128, 128, 10]
SCALES = (0.1, 1.0, 3.0, 10.0)
SEEDS = (0, 1, 2)
LR = 0.5
EPOCHS = 6


# %% scale
def scaled_mlp(batch_norm: bool, scale: float, seed: int) -> nn.Sequential:
    model = mlp(WIDTHS, batch_norm, seed=seed)
    with torch.no_grad():
        for layer in model:
            if isinstance(layer, nn.Linear):
                layer.weight.mul_(scale)
    return model


def final_run(batch_norm: bool, scale: float, seed: int) -> tuple[float, bool]:
    """Test accuracy (%) after the last epoch, and
    whether the loss became NaN or infinite."""
    history = train(scaled_mlp(batch_norm, scale, seed), load(seed=seed), lr=LR,
                    epochs=EPOCHS, seed=seed)
    return 100 * history["test_accuracy"][-1], not math.isfinite(history["loss"][-1])


runs = {
    (bn, scale, seed): final_run(bn, scale, seed)
    for bn in (False, True)
    for scale in SCALES
    for seed in SEEDS
}

# %% summary
rows = []
for scale in SCALES:
    row = [scale]
    for bn in (False, True):
        accuracies = [runs[(bn, scale, seed)][0] for seed in SEEDS]
        row += [statistics.mean(accuracies), min(accuracies), max(accuracies)]
    rows.append(row)
mean_plain, mean_bn = [r[1] for r in rows], [r[4] for r in rows]
diverged_plain = {
    scale: sum(runs[(False, scale, s)][1] for s in SEEDS) for scale in SCALES
}
diverged_bn = sum(runs[(True, scale, s)][1] for scale in SCALES for s in SEEDS)
# He std sqrt(2/fan_in) over the default std 1/sqrt(3 fan_in)
he_scale = math.sqrt(2) / math.sqrt(1 / 3)

# %% report
if __name__ == "__main__":
    for row in rows:
        print(
            "s={:<5g} MLP: {:5.1f}% (min {:5.1f}, max {:5.1f})   MLP + BN: "
            "{:5.1f}% (min {:5.1f}, max {:5.1f})".format(*row)
        )
    print("runs whose loss became NaN or infinite, MLP:", diverged_plain, " MLP + BN:",
          diverged_bn)
    TABLES = {"scales": {"columns": ["scale", "plain_mean", "plain_min", "plain_max",
                                     "bn_mean", "bn_min", "bn_max"], "rows": rows}}
    VALUES = {"seeds": len(SEEDS), "lr": LR, "epochs": EPOCHS, "he_scale": he_scale,
              "scale_min": SCALES[0], "scale_max": SCALES[-1],
              "plain_best": max(mean_plain), "plain_worst": min(mean_plain),
              "plain_best_scale": SCALES[mean_plain.index(max(mean_plain))],
              "bn_best": max(mean_bn), "bn_worst": min(mean_bn),
              "bn_spread": max(mean_bn) - min(mean_bn),
              "plain_spread": max(mean_plain) - min(mean_plain),
              "plain_diverged_max_scale": diverged_plain[SCALES[-1]],
              "bn_diverged": diverged_bn}
