"""Does LayerNorm act as a regulariser? The
train/test gap of the same MLP with and without it.

A small training set (a seeded subset of digits.py's training split) so that both
models can fit it completely; the test set is digits.py's whole test split. Same
seed, same initial Linear weights, same batches; only the LayerNorm after each
hidden Linear differs. The learning rate is one at which both models reach (nearly)
100 % training accuracy in every seed, so that the gaps compare like with like.
"""

import torch
from digits import WIDTHS, Split, accuracy, load, mlp, train
from torch import nn

N_TRAIN = 300
LR = 0.3
EPOCHS = 60
SEEDS = (0, 1, 2, 3, 4)


# %% gap
def subset(data: Split, n: int, seed: int = 0) -> Split:
    """The first n of a seeded permutation of the
    training split; the test split is kept whole."""
    order = torch.randperm(len(data.x_train),
                           generator=torch.Generator().manual_seed(seed))[:n]
    return Split(data.x_train[order], data.y_train[order], data.x_test, data.y_test)


def fit(layer_norm: bool, seed: int, data: Split) -> dict[str, float]:
    """Train, then accuracy (%) and cross-entropy on the training and the test set."""
    model = mlp(WIDTHS, seed=seed, layer_norm=layer_norm)
    train(model, data, lr=LR, epochs=EPOCHS, seed=seed)
    model.eval()
    with torch.no_grad():
        losses = {
            split: float(nn.functional.cross_entropy(model(x), y))
            for split, x, y in (
                ("train", data.x_train, data.y_train),
                ("test", data.x_test, data.y_test),
            )
        }
    train_acc = 100 * accuracy(model, data.x_train, data.y_train)
    test_acc = 100 * accuracy(model, data.x_test, data.y_test)
    return {"train_acc": train_acc, "test_acc": test_acc, "gap": train_acc - test_acc,
            "train_loss": losses["train"], "test_loss": losses["test"]}


small = subset(load(), N_TRAIN)
runs = {
    (seed, layer_norm): fit(layer_norm, seed, small)
    for seed in SEEDS
    for layer_norm in (False, True)
}


# %% report
if __name__ == "__main__":
    rows = []
    for seed in SEEDS:
        plain, ln = runs[(seed, False)], runs[(seed, True)]
        rows.append([seed, plain["train_acc"], ln["train_acc"], plain["test_acc"],
                     ln["test_acc"], plain["gap"], ln["gap"]])
        print(
            f"seed {seed}: train acc {plain['train_acc']:.1f}% / "
            f"{ln['train_acc']:.1f}%,"
            f" test acc {plain['test_acc']:.1f}% / {ln['test_acc']:.1f}%,"
            f" gap {plain['gap']:.1f} / {ln['gap']:.1f} points  (MLP / MLP + LN)"
        )
    gap_diff = [
        runs[(seed, False)]["gap"] - runs[(seed, True)]["gap"] for seed in SEEDS
    ]
    train_loss_ratio = [
        runs[(seed, False)]["train_loss"] / runs[(seed, True)]["train_loss"]
        for seed in SEEDS
    ]

    TABLES = {"gap": {"columns": ["seed", "train_plain", "train_ln", "test_plain",
                                  "test_ln", "gap_plain", "gap_ln"], "rows": rows}}
    VALUES = {
        "n_train": N_TRAIN,
        "n_test": len(small.x_test),
        "lr": LR,
        "epochs": EPOCHS,
        "seeds": len(SEEDS),
        "train_acc_min": min(run["train_acc"] for run in runs.values()),
        "smaller_gap_with_ln": sum(d > 0 for d in gap_diff),
        "gap_diff_min": min(gap_diff),
        "gap_diff_max": max(gap_diff),
        "train_loss_ratio_min": min(train_loss_ratio),
        "train_loss_ratio_max": max(train_loss_ratio),
        "one_image_pp": 100 / len(small.x_test),  # one test image, in percentage points
    }
