"""The same MLP on the digits, trained with and without BatchNorm at four learning rates.

Same seed, same initial weights of the Linear layers, same batches; only BatchNorm1d differs.
"""

import math

import matplotlib.pyplot as plt
from digits import load, mlp, train

WIDTHS = [64, 128, 128, 128, 10]
LEARNING_RATES = (0.05, 0.5, 2.0, 5.0)
EPOCHS = 20
CHANCE_LOSS = math.log(10)  # cross-entropy of a uniform guess over 10 classes

# %% train
data = load()
histories = {
    (lr, batch_norm): train(mlp(WIDTHS, batch_norm), data, lr=lr, epochs=EPOCHS)
    for lr in LEARNING_RATES
    for batch_norm in (False, True)
}


def label(batch_norm: bool) -> str:
    return "MLP + BN" if batch_norm else "MLP"


# %% report
if __name__ == "__main__":
    fig, axes = plt.subplots(2, len(LEARNING_RATES), figsize=(13, 5.5), sharex=True, num="curves")
    for column, lr in enumerate(LEARNING_RATES):
        for batch_norm, style in ((False, "C0.-"), (True, "C1.-")):  # dots: a run cut short by NaN stays visible
            history = histories[(lr, batch_norm)]
            epochs = range(1, len(history["loss"]) + 1)
            axes[0, column].semilogy(epochs, history["loss"], style, label=label(batch_norm))
            axes[1, column].plot(epochs, [100 * a for a in history["test_accuracy"]], style,
                                 label=label(batch_norm))
        axes[0, column].axhline(CHANCE_LOSS, color="gray", linestyle=":", linewidth=1)
        axes[0, column].set_title(rf"$\eta = {lr:g}$")
        axes[1, column].set_ylim(0, 100)
        axes[1, column].set_xlabel("epoch")
    axes[0, 0].set_ylabel(r"$\mathcal{L}_{\mathrm{train}}$")
    axes[1, 0].set_ylabel(r"$\mathrm{acc}_{\mathrm{test}}$ (%)")
    axes[1, 0].legend(loc="lower right")
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()

    rows = []
    for (lr, batch_norm), history in histories.items():
        accuracies = history["test_accuracy"]
        rows.append([lr, label(batch_norm), history["loss"][0], history["loss"][-1],
                     100 * accuracies[0], 100 * max(accuracies), 100 * accuracies[-1]])
        print(f"lr={lr:<4} {label(batch_norm):<8} loss {history['loss'][0]:.3f} -> {history['loss'][-1]:.3f}"
              f"   test acc {100 * accuracies[0]:5.1f}% -> {100 * accuracies[-1]:5.1f}%"
              f" (best {100 * max(accuracies):5.1f}%)")
    TABLES = {"runs": {"columns": ["lr", "model", "loss_epoch1", "loss_last", "acc_epoch1", "acc_best",
                                   "acc_last"], "rows": rows}}
    VALUES = {"epochs": EPOCHS, "n_train": len(data.x_train), "n_test": len(data.x_test),
              "chance_loss": CHANCE_LOSS, "widths": " → ".join(map(str, WIDTHS))}
    for (lr, batch_norm), history in histories.items():
        key = f"{'bn' if batch_norm else 'plain'}_lr{lr:g}"
        VALUES[f"acc_last_{key}"] = 100 * history["test_accuracy"][-1]
        VALUES[f"acc_best_{key}"] = 100 * max(history["test_accuracy"])
        VALUES[f"acc_epoch1_{key}"] = 100 * history["test_accuracy"][0]
        VALUES[f"loss_last_{key}"] = history["loss"][-1]
