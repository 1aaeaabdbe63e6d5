"""Does BN act as a regularizer here? The train-test
gap with and without BN, over several seeds.

Each seed changes the train/test split, the initial weights and
the order of the batches; with and without BN share all three.
One learning rate, trained until both fit the training set.
"""

import statistics

import torch
from digits import load, mlp, train
from torch import nn

WIDTHS = [64, 128, 128, 128, 10]
SEEDS = (0, 1, 2, 3, 4)
LR = 0.5
EPOCHS = 20


# %% gap
def loss_and_accuracy(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor
) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return nn.functional.cross_entropy(logits, y).item(), 100 * (
        logits.argmax(dim=1) == y
    ).float().mean().item()


def gaps(batch_norm: bool, seed: int) -> dict[str, float]:
    data = load(seed=seed)
    model = mlp(WIDTHS, batch_norm, seed=seed)
    train(model, data, lr=LR, epochs=EPOCHS, seed=seed)
    train_loss, train_acc = loss_and_accuracy(model, data.x_train, data.y_train)
    test_loss, test_acc = loss_and_accuracy(model, data.x_test, data.y_test)
    return {"train_acc": train_acc, "test_acc": test_acc,
            "acc_gap": train_acc - test_acc, "loss_gap": test_loss - train_loss}


runs = {(bn, seed): gaps(bn, seed) for bn in (False, True) for seed in SEEDS}

# %% summary
summary = {}
for bn in (False, True):
    for key in ("train_acc", "test_acc", "acc_gap", "loss_gap"):
        values = [runs[(bn, seed)][key] for seed in SEEDS]
        summary[(bn, key)] = (statistics.mean(values), statistics.stdev(values))
acc_gap_smaller_with_bn = sum(
    runs[(True, s)]["acc_gap"] < runs[(False, s)]["acc_gap"] for s in SEEDS
)
loss_gap_smaller_with_bn = sum(
    runs[(True, s)]["loss_gap"] < runs[(False, s)]["loss_gap"] for s in SEEDS
)
acc_gap_difference = summary[(False, "acc_gap")][0] - summary[(True, "acc_gap")][0]

# %% report
if __name__ == "__main__":
    for bn in (False, True):
        name = "MLP + BN" if bn else "MLP"
        print(f"{name:<8} gap per seed (points):",
              " ".join(f"{runs[(bn, s)]['acc_gap']:.2f}" for s in SEEDS))
        mean_sd = [
            f"{mean:.3f} ± {sd:.3f}"
            for mean, sd in (
                summary[(bn, key)]
                for key in ("train_acc", "test_acc", "acc_gap", "loss_gap")
            )
        ]
        print(
            f"{name:<8} train acc {mean_sd[0]} %, test acc {mean_sd[1]} %, gap "
            f"{mean_sd[2]} points,"
            f" test - train loss {mean_sd[3]}"
        )
    print(
        "seeds where the gap is smaller with BN: accuracy "
        f"{acc_gap_smaller_with_bn}/{len(SEEDS)},"
        f" loss {loss_gap_smaller_with_bn}/{len(SEEDS)}"
    )
    VALUES = {"seeds": len(SEEDS), "lr": LR, "epochs": EPOCHS,
              "acc_gap_difference": acc_gap_difference,
              "acc_gap_smaller_with_bn": acc_gap_smaller_with_bn,
              "loss_gap_smaller_with_bn": loss_gap_smaller_with_bn,
              "train_acc_bn_min": min(runs[(True, s)]["train_acc"] for s in SEEDS)}
    for (bn, key), (mean, sd) in summary.items():
        VALUES[f"{key}_{'bn' if bn else 'plain'}"] = mean
        VALUES[f"{key}_{'bn' if bn else 'plain'}_sd"] = sd
