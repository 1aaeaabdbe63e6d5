"""Normalizing test data with its own batch
statistics (a common mistake) vs training statistics.

Two models trained on the digits, each then evaluated
with five ways of normalizing the test data:
- "input": an MLP without BN whose *inputs* were standardized with the training set's
  mean/std; the mistake standardizes each test batch with that batch's own mean/std;
- "bn": an MLP with BatchNorm; the mistake is
  evaluating in train() mode ("forgot eval()").
"""

import numpy as np
import torch
from digits import accuracy, load, mlp, train

WIDTHS = [64, 128, 128, 10]
BATCH = 16
data = load()


# %% standardize
def standardize(
    x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor, eps: float = 1e-8
) -> torch.Tensor:
    return (x - mean) / torch.sqrt(std**2 + eps)


train_mean, train_std = data.x_train.mean(dim=0), data.x_train.std(
    dim=0, unbiased=False,
)


def own_statistics(x: torch.Tensor) -> torch.Tensor:
    """The mistake: every batch standardized with ITS OWN mean and std."""
    return standardize(x, x.mean(dim=0), x.std(dim=0, unbiased=False))


# %% batches
def chunks(index: torch.Tensor, size: int = BATCH) -> list[torch.Tensor]:
    """Nearly equal batches of at most ``size`` (never a leftover batch of one)."""
    return list(index.tensor_split(-(-len(index) // size)))


def batchings(y: torch.Tensor) -> dict[str, list[torch.Tensor]]:
    """Ways to cut the test set into batches (lists of indices)."""
    everything = torch.arange(len(y))
    shuffled = torch.randperm(len(y), generator=torch.Generator().manual_seed(1))
    return {
        "whole": [everything],
        "random": chunks(shuffled),
        "one_class": [batch for c in range(10) for batch in chunks(everything[y == c])],
        "single": list(everything.split(1)),
    }


def predict_in_batches(
    predict, x: torch.Tensor, batches: list[torch.Tensor]
) -> torch.Tensor:
    out = torch.empty(len(x), dtype=torch.long)
    with torch.no_grad():
        for index in batches:
            out[index] = predict(x[index]).argmax(dim=1)
    return out


# %% train
plain = mlp(WIDTHS, batch_norm=False)
standardized = type(data)(standardize(data.x_train, train_mean, train_std),
                          data.y_train, standardize(data.x_test, train_mean, train_std),
                          data.y_test)
train(plain, standardized, lr=0.1, epochs=20)
with_bn = mlp(WIDTHS, batch_norm=True)
train(with_bn, data, lr=0.5, epochs=20)

# %% evaluate
results: dict[str, float | str] = {
    "input_right": 100 * accuracy(plain, standardized.x_test, data.y_test),
    "bn_right": 100 * accuracy(with_bn, data.x_test, data.y_test),
}
right_input = predict_in_batches(plain, standardized.x_test,
                                 [torch.arange(len(data.y_test))])
changed: dict[str, float] = {}
for name, batches in batchings(data.y_test).items():
    plain.eval()
    wrong_input = predict_in_batches(lambda x: plain(own_statistics(x)), data.x_test,
                                     batches)
    results[f"input_{name}"] = 100 * float((wrong_input == data.y_test).float().mean())
    changed[name] = 100 * float((wrong_input != right_input).float().mean())
    with_bn.train()  # the "forgot eval()" mistake
    try:
        wrong_bn = predict_in_batches(with_bn, data.x_test, batches)
        results[f"bn_{name}"] = 100 * float((wrong_bn == data.y_test).float().mean())
    except ValueError:
        results[f"bn_{name}"] = "ValueError"
    with_bn.eval()

single_predictions = predict_in_batches(lambda x: plain(own_statistics(x)), data.x_test,
                                        batchings(data.y_test)["single"])
single_input_is_zero = bool(torch.all(own_statistics(data.x_test[:1]) == 0))

for name, value in results.items():
    print(f"{name:>22}: {value if isinstance(value, str) else f'{value:5.1f}%'}")
print("share of predictions that differ from the right way (input model):",
      {k: round(v, 1) for k, v in changed.items()})
print("one sample standardized alone is all zeros:", single_input_is_zero,
      "| distinct predictions:", sorted(set(single_predictions.tolist())))

# %% report
if __name__ == "__main__":
    VALUES = {f"acc_{k}": v for k, v in results.items()}
    VALUES.update({f"changed_{k}": v for k, v in changed.items()})
    VALUES.update(
        {
            "batch": BATCH,
            "n_test": len(data.y_test),
            "n_wrong_ways": len(changed),
            "single_distinct_predictions": len(set(single_predictions.tolist())),
            "single_class_share": 100
            * float(np.mean(data.y_test.numpy() == int(single_predictions[0]))),
        }
    )
