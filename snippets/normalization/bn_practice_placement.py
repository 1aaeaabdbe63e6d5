"""BN before or after the activation: Linear ->
BN -> ReLU vs Linear -> ReLU -> BN on the digits.

For each seed both networks get the same Linear weights (BN layers draw no
random numbers) and the same batches; plain SGD, a few epochs. A small
experiment: it says nothing about CNNs, large data sets or long schedules.
"""

import statistics

import torch
from digits import load, train
from torch import nn

WIDTHS = [64, 128, 128, 128, 10]
SEEDS = (0, 1, 2)
EPOCHS = 8
LR = 0.1
LABELS = {"bn_relu": "Linear → BN → ReLU", "relu_bn": "Linear → ReLU → BN"}


# %% placement
def mlp(order: str, seed: int) -> nn.Sequential:
    """order "bn_relu": Linear -> BN -> ReLU (Ioffe &
    Szegedy, 2015); "relu_bn": Linear -> ReLU -> BN."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(WIDTHS[:-2], WIDTHS[1:-1], strict=True):
        pair = [nn.BatchNorm1d(fan_out), nn.ReLU()]
        layers += [nn.Linear(fan_in, fan_out),
                   *(pair if order == "bn_relu" else pair[::-1])]
    layers.append(nn.Linear(WIDTHS[-2], WIDTHS[-1]))
    return nn.Sequential(*layers)


def test_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return nn.functional.cross_entropy(model(x), y).item()


data = load()
results = {}
for order in ("bn_relu", "relu_bn"):
    for seed in SEEDS:
        model = mlp(order, seed)
        history = train(model, data, lr=LR, epochs=EPOCHS, seed=seed)
        results[(order, seed)] = {
            "train_loss": history["loss"][-1],
            "test_accuracy": 100 * history["test_accuracy"][-1],
            "test_loss": test_loss(model, data.x_test, data.y_test),
        }

# %% summary
summary = {}
for order in ("bn_relu", "relu_bn"):
    runs = [results[(order, seed)] for seed in SEEDS]
    for key in ("train_loss", "test_loss", "test_accuracy"):
        values = [run[key] for run in runs]
        summary[(order, key)] = (statistics.mean(values), min(values), max(values))
same_init = all(torch.equal(a.weight, b.weight) for a, b in zip(
    (m for m in mlp("bn_relu", 0) if isinstance(m, nn.Linear)),
    (m for m in mlp("relu_bn", 0) if isinstance(m, nn.Linear)), strict=True))
accuracy_gap = summary[("bn_relu", "test_accuracy")][0] - summary[("relu_bn",
                                                                   "test_accuracy")][0]
# the seed-to-seed spread of each placement, to compare the gap with
accuracy_spread = max(
    summary[(order, "test_accuracy")][2] - summary[(order, "test_accuracy")][1]
    for order in ("bn_relu", "relu_bn")
)
# the same gap in test images (mean over seeds)
gap_images = accuracy_gap / 100 * len(data.x_test)
# test loss, seed by seed: the smallest gap
# (bn_relu - relu_bn) between the two placements
test_loss_gap_min = min(
    results[("bn_relu", s)]["test_loss"] - results[("relu_bn", s)]["test_loss"]
    for s in SEEDS
)

# %% report
if __name__ == "__main__":
    rows = []
    for (order, seed), run in results.items():
        rows.append([LABELS[order], seed, run["train_loss"], run["test_loss"],
                     run["test_accuracy"]])
        print(
            f"{order:<8} seed {seed}: train loss {run['train_loss']:.4f}  test "
            f"loss {run['test_loss']:.4f}"
            f"  test acc {run['test_accuracy']:.1f}%"
        )
    print(
        f"same initial Linear weights: {same_init}; mean accuracy gap "
        f"{accuracy_gap:+.2f} points,"
        f" largest seed spread {accuracy_spread:.2f} points"
    )
    TABLES = {"runs": {"columns": ["order", "seed", "train_loss", "test_loss",
                                   "test_accuracy"], "rows": rows}}
    VALUES = {"epochs": EPOCHS, "lr": LR, "seeds": len(SEEDS),
              "widths": " → ".join(map(str, WIDTHS)), "accuracy_gap": abs(accuracy_gap),
              "gap_images": abs(gap_images), "accuracy_spread": accuracy_spread,
              "n_test": len(data.x_test), "test_loss_gap_min": test_loss_gap_min}
    for (order, key), (mean, low, high) in summary.items():
        VALUES[f"{order}_{key}_mean"] = mean
        VALUES[f"{order}_{key}_min"] = low
        VALUES[f"{order}_{key}_max"] = high
