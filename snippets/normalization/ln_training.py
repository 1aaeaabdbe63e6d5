"""The same MLP on the digits, trained with and
without LayerNorm: how fast does the loss fall?

Same seed, same initial Linear weights, same batches; only the
LayerNorm after each hidden Linear differs. Plain SGD at two learning
rates, three seeds, a few epochs (digits.py's data and trainer).
"""

import math

from digits import WIDTHS, load, mlp, plot_curves, train

LEARNING_RATES = (0.05, 0.5)
SEEDS = (0, 1, 2)
EPOCHS = 10
SHOWN_EPOCHS = (1, 2, 3, 5, 10)  # rows of the per-epoch table


# %% train
data = load()
runs = {}
for lr in LEARNING_RATES:
    for seed in SEEDS:
        for layer_norm in (False, True):
            model = mlp(WIDTHS, seed=seed, layer_norm=layer_norm)
            history = train(model, data, lr=lr, epochs=EPOCHS, seed=seed)
            runs[(lr, seed, layer_norm)] = history


def label(layer_norm: bool) -> str:
    return "MLP + LN" if layer_norm else "MLP"


def ln_lower_loss(lr: float) -> tuple[int, int]:
    """In how many (seed, epoch) pairs the LN model's training
    loss is below the plain MLP's, out of how many."""
    pairs = [(runs[(lr, seed, True)]["loss"][e], runs[(lr, seed, False)]["loss"][e])
             for seed in SEEDS for e in range(EPOCHS)]
    return sum(ln < plain for ln, plain in pairs), len(pairs)


def max_accuracy_drop(lr: float) -> float:
    """The largest fall of test accuracy (percentage points)
    from one epoch to the next, over every run at lr."""
    drops = []
    for (rate, _, _), run in runs.items():
        if rate == lr:
            accuracy = run["test_accuracy"]
            drops += [100 * (before - after) for before, after in zip(accuracy,
                                                                      accuracy[1:],
                                                                      strict=False)]
    return max(drops)


# %% report
if __name__ == "__main__":
    plot_curves(
        "training",
        LEARNING_RATES,
        [
            (
                lr,
                label(layer_norm) if seed == SEEDS[0] else None,
                "C1" if layer_norm else "C0",
                run,
            )
            for (lr, seed, layer_norm), run in runs.items()
        ],
        chance_loss=math.log(10),
        width=7,
    )

    def over_seeds(lr: float, layer_norm: bool, get) -> list[float]:
        return [get(runs[(lr, seed, layer_norm)]) for seed in SEEDS]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    epoch_rows = []
    for lr in LEARNING_RATES:
        for epoch in SHOWN_EPOCHS:
            loss = {
                ln: over_seeds(lr, ln, lambda r, e=epoch: r["loss"][e - 1])
                for ln in (False, True)
            }
            acc = {
                ln: over_seeds(
                    lr, ln, lambda r, e=epoch: 100 * r["test_accuracy"][e - 1]
                )
                for ln in (False, True)
            }
            epoch_rows.append([lr, epoch, mean(loss[False]), mean(loss[True]),
                               mean(acc[False]), mean(acc[True])])
            print(
                f"lr={lr:<4} epoch {epoch:>2}: train loss {mean(loss[False]):.3f} "
                f"(MLP) vs {mean(loss[True]):.3f}"
                f" (MLP + LN); test acc {mean(acc[False]):.1f}% vs "
                f"{mean(acc[True]):.1f}%"
                f"  (mean of {len(SEEDS)} seeds)"
            )
    for lr in LEARNING_RATES:
        wins, total = ln_lower_loss(lr)
        print(
            f"lr={lr:<4} LN's training loss is the lower one in {wins} of {total} "
            "(seed, epoch) pairs"
        )

    TABLES = {
        "epochs": {
            "columns": ["lr", "epoch", "loss_plain", "loss_ln", "acc_plain", "acc_ln"],
            "rows": epoch_rows,
        }
    }
    low, high = LEARNING_RATES
    last_acc = {(lr, ln): over_seeds(lr, ln, lambda r: 100 * r["test_accuracy"][-1])
                for lr in LEARNING_RATES for ln in (False, True)}
    VALUES = {
        "epochs": EPOCHS,
        "seeds": len(SEEDS),
        "widths": " → ".join(map(str, WIDTHS)),
        "lr_low": low,
        "lr_high": high,
        "n_train": len(data.x_train),
        "n_test": len(data.x_test),
        "pairs": ln_lower_loss(low)[1],
        "low_wins": ln_lower_loss(low)[0],
        "high_wins": ln_lower_loss(high)[0],
        "low_epoch1_plain_min": min(over_seeds(low, False, lambda r: r["loss"][0])),
        "low_epoch1_ln_max": max(over_seeds(low, True, lambda r: r["loss"][0])),
        "low_last_acc_plain_min": min(last_acc[(low, False)]),
        "low_last_acc_plain_max": max(last_acc[(low, False)]),
        "low_last_acc_ln_min": min(last_acc[(low, True)]),
        "low_last_acc_ln_max": max(last_acc[(low, True)]),
        "high_epoch1_plain_max": max(over_seeds(high, False, lambda r: r["loss"][0])),
        "high_epoch1_ln_min": min(over_seeds(high, True, lambda r: r["loss"][0])),
        "high_last_acc_plain_min": min(last_acc[(high, False)]),
        "high_last_acc_plain_max": max(last_acc[(high, False)]),
        "high_last_acc_ln_min": min(last_acc[(high, True)]),
        "high_last_acc_ln_max": max(last_acc[(high, True)]),
        # cross-entropy of a uniform guess over the 10 digits
        "chance_loss": math.log(10),
        "low_last_loss_plain_min": min(over_seeds(low, False, lambda r: r["loss"][-1])),
        "low_last_loss_plain_max": max(over_seeds(low, False, lambda r: r["loss"][-1])),
        "high_max_acc_drop": max_accuracy_drop(high),
    }
