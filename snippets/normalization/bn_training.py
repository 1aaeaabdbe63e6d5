"""The same MLP on the digits, trained with
and without BatchNorm at four learning rates.

Same seed, same initial weights of the Linear
layers, same batches; only BatchNorm1d differs.
"""

import math

from digits import load, mlp, plot_curves, train

WIDTHS = [64, 128, 128, 128, 10]
LEARNING_RATES = (0.05, 0.5, 2.0, 5.0)
EPOCHS = 20
BATCH_SIZE = 64
N_CLASSES = WIDTHS[-1]
# cross-entropy of a uniform guess over the 10 classes
CHANCE_LOSS = math.log(N_CLASSES)

# %% train
data = load()
histories = {
    (lr, batch_norm): train(mlp(WIDTHS, batch_norm), data, lr=lr, epochs=EPOCHS,
                            batch_size=BATCH_SIZE)
    for lr in LEARNING_RATES
    for batch_norm in (False, True)
}


def label(batch_norm: bool) -> str:
    return "MLP + BN" if batch_norm else "MLP"


# %% report
if __name__ == "__main__":
    plot_curves(
        "curves",
        LEARNING_RATES,  # dots: a run cut short by NaN stays visible
        [
            (
                lr,
                label(batch_norm),
                "C1.-" if batch_norm else "C0.-",
                histories[(lr, batch_norm)],
            )
            for lr in LEARNING_RATES
            for batch_norm in (False, True)
        ],
        chance_loss=CHANCE_LOSS,
        width=7,
        rates_in_rows=True,
    )

    rows = []
    for (lr, batch_norm), history in histories.items():
        accuracies = history["test_accuracy"]
        rows.append([lr, label(batch_norm), history["loss"][0], history["loss"][-1],
                     100 * accuracies[0], 100 * max(accuracies), 100 * accuracies[-1]])
        print(
            f"lr={lr:<4} {label(batch_norm):<8} loss {history['loss'][0]:.3f} -> "
            f"{history['loss'][-1]:.3f}"
            f"   test acc {100 * accuracies[0]:5.1f}% -> {100 * accuracies[-1]:5.1f}%"
            f" (best {100 * max(accuracies):5.1f}%)"
        )
    TABLES = {"runs": {"columns": ["lr", "model", "loss_epoch1", "loss_last",
                                   "acc_epoch1", "acc_best", "acc_last"], "rows": rows}}
    VALUES = {"epochs": EPOCHS, "n_train": len(data.x_train),
              "n_test": len(data.x_test), "chance_loss": CHANCE_LOSS,
              "n_classes": N_CLASSES, "batch_size": BATCH_SIZE,
              "image_side": math.isqrt(data.x_train.shape[1]),
              "widths": " → ".join(map(str, WIDTHS))}
    for name, lr in zip(("lr_small", "lr_mid", "lr_large", "lr_huge"), LEARNING_RATES,
                        strict=True):
        VALUES[name] = lr
    for (lr, batch_norm), history in histories.items():
        key = f"{'bn' if batch_norm else 'plain'}_lr{lr:g}"
        VALUES[f"acc_last_{key}"] = 100 * history["test_accuracy"][-1]
        VALUES[f"acc_best_{key}"] = 100 * max(history["test_accuracy"])
        VALUES[f"acc_epoch1_{key}"] = 100 * history["test_accuracy"][0]
        VALUES[f"loss_last_{key}"] = history["loss"][-1]
