"""Epochs, iterations and batches with PyTorch's
DataLoader, and a loop equal to Keras's fit(batch_size=32).

len(loader) is the number of updates per epoch: ceil(N / batch_size), or floor(N /
batch_size) with drop_last=True. Then the training loop the seed writes as Keras's
model.fit(..., batch_size=32, epochs=10), in PyTorch, on the card's linear
regression; and two pitfalls of the loader: a last batch of one sample (BatchNorm
refuses it) and data stored sorted by label with shuffle=False (the default).
"""

import inspect
import math

import numpy as np
import torch
from mbgd_common import THETA0, N, loss, make_data, optimum
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

CASES = [(1000, 32, False), (1000, 32, True), (1024, 32, False), (1024, 32, True),
         (1025, 32, False), (1025, 32, True), (60000, 32, False), (60000, 128, False)]
MNIST_TRAIN = 60000   # size of the MNIST training set, the seed's example
EPOCHS = 10
BATCH = 32
LR = 0.05
N_VAL = 200
SORTED_EPOCHS = 5
ODD_N = 1025          # 32 * 32 + 1
DIGITS_TEST = 450
DIGITS_LR = 0.5

# %% steps
rows = []
for n, batch_size, drop_last in CASES:
    loader = DataLoader(TensorDataset(torch.arange(n)), batch_size=batch_size,
                        drop_last=drop_last)
    # the index lists one epoch yields (no data copied)
    batches = list(loader.batch_sampler)
    rows.append([n, batch_size, str(drop_last), len(loader), len(batches),
                 len(batches[-1]), sum(len(b) for b in batches), EPOCHS * len(loader)])
    assert (
        len(loader)
        == (n // batch_size if drop_last else math.ceil(n / batch_size))
        == len(batches)
    )

defaults = inspect.signature(DataLoader.__init__).parameters
default_batch_size = defaults["batch_size"].default
default_drop_last = defaults["drop_last"].default
# SequentialSampler: no shuffling
default_sampler = type(DataLoader(TensorDataset(torch.arange(3))).sampler).__name__

# %% data
X_np, y_np = make_data()                      # the card's training set (N samples)
# a validation set from the same distribution
X_val_np, y_val_np = make_data(N_VAL, seed=1)
x_train, y_train = torch.tensor(X_np[:, :1], dtype=torch.float32), torch.tensor(
    y_np[:, None], dtype=torch.float32,
)
x_val, y_val = torch.tensor(X_val_np[:, :1], dtype=torch.float32), torch.tensor(
    y_val_np[:, None], dtype=torch.float32,
)


def start_model() -> nn.Linear:
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(THETA0[0])
        model.bias.fill_(THETA0[1])
    return model


# %% fit
# Keras: model.fit(x_train, y_train,
# validation_data=(x_val, y_val), batch_size=32, epochs=10)
torch.manual_seed(0)
model = start_model()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
loss_fn = nn.MSELoss()
# Keras shuffles by default
loader = DataLoader(TensorDataset(x_train, y_train), batch_size=BATCH, shuffle=True)
steps = 0
history = []
for epoch in range(EPOCHS):
    model.train()
    batch_losses = []
    # len(loader) = ceil(N / 32) iterations per epoch
    for xb, yb in loader:
        optimizer.zero_grad()
        batch_loss = loss_fn(model(xb), yb)
        batch_loss.backward()
        optimizer.step()                     # one update = one iteration
        batch_losses.append(batch_loss.item())
        steps += 1
    model.eval()
    with torch.no_grad():
        val_loss = loss_fn(model(x_val), y_val).item()
        train_loss_now = loss_fn(model(x_train), y_train).item()
    history.append((epoch + 1, steps, float(np.mean(batch_losses)), train_loss_now,
                    val_loss))
    print(
        f"epoch {epoch + 1}/{EPOCHS}  steps {steps}  loss "
        f"{np.mean(batch_losses):.4f}  val_loss {val_loss:.4f}"
    )

# %% last-batch
# N = 1025, batch 32: the last batch has 1 sample;
# BatchNorm1d in train() cannot normalize one value
net = nn.Sequential(
    nn.Linear(1, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 1)
).train()
odd = TensorDataset(torch.randn(ODD_N, 1), torch.randn(ODD_N, 1))
last_batch_error = "none"
try:
    for xb, _ in DataLoader(odd, batch_size=BATCH):
        net(xb)
except ValueError as error:
    last_batch_error = type(error).__name__
last_batch_size = ODD_N - BATCH * (ODD_N // BATCH)
for xb, _ in DataLoader(odd, batch_size=BATCH, drop_last=True):
    net(xb)                                  # no error: the 1-sample batch is dropped

# %% sorted
# the digits (scikit-learn, bundled) stored sorted
# by label; shuffle=False is DataLoader's default
digits = load_digits()
images = torch.tensor(digits.data / 16.0, dtype=torch.float32)
labels = torch.tensor(digits.target)
split = torch.from_numpy(np.random.default_rng(0).permutation(len(labels)))
test, train_idx = split[:DIGITS_TEST], split[DIGITS_TEST:]
# 0, 0, ..., 1, 1, ..., 9, 9
train_idx = train_idx[torch.argsort(labels[train_idx], stable=True)]
sorted_set = TensorDataset(images[train_idx], labels[train_idx])
sorted_accuracy, last_batch_labels = {}, {}
for shuffle in (False, True):
    torch.manual_seed(0)
    classifier = nn.Linear(64, 10)
    opt = torch.optim.SGD(classifier.parameters(), lr=DIGITS_LR)
    for _ in range(SORTED_EPOCHS):
        for xb, yb in DataLoader(sorted_set, batch_size=BATCH, shuffle=shuffle):
            opt.zero_grad()
            nn.functional.cross_entropy(classifier(xb), yb).backward()
            opt.step()
    last_batch_labels[shuffle] = sorted(set(yb.tolist()))
    with torch.no_grad():
        predictions = classifier(images[test]).argmax(dim=1)
    sorted_accuracy[shuffle] = float((predictions == labels[test]).float().mean() * 100)
    if not shuffle:
        predicted_last_class = float((predictions == 9).float().mean() * 100)

# %% report
theta_star = optimum(X_np, y_np)
loss_star = loss(theta_star, X_np, y_np)
if __name__ == "__main__":
    print(f"updates: {steps} = {EPOCHS} epochs x {len(loader)} steps per epoch")
    print(
        f"w = {model.weight.item():.3f}, b = {model.bias.item():.3f}  (least "
        f"squares: {theta_star[0]:.3f}, "
        f"{theta_star[1]:.3f})"
    )
    print(
        f"DataLoader defaults: batch_size={default_batch_size}, sampler "
        f"{default_sampler}, "
        f"drop_last={default_drop_last}"
    )
    print(
        f"N={ODD_N}, batch {BATCH}, BatchNorm1d in train(): {last_batch_error}; "
        "with drop_last=True: fine"
    )
    print(
        f"digits sorted by label, {SORTED_EPOCHS} epochs: test accuracy "
        f"{sorted_accuracy[False]:.1f}% "
        f"without shuffling ({predicted_last_class:.1f}% of test images called '9'), "
        f"{sorted_accuracy[True]:.1f}% with shuffling"
    )
    TABLES = {
        "steps": {
            "columns": [
                "N",
                "batch_size",
                "drop_last",
                "len_loader",
                "batches",
                "last_batch",
                "samples_seen",
                "updates",
            ],
            "rows": rows,
        },
        "history": {
            "columns": ["epoch", "steps", "reported_loss", "train_loss", "val_loss"],
            "rows": [list(h) for h in history],
        },
    }
    VALUES = {"epochs": EPOCHS, "batch": BATCH, "lr": LR, "n": N, "n_val": N_VAL,
              "steps": steps, "steps_per_epoch": len(loader),
              "mnist_train": MNIST_TRAIN, "mnist_steps": math.ceil(MNIST_TRAIN / BATCH),
              "mnist_updates": EPOCHS * math.ceil(MNIST_TRAIN / BATCH),
              "w_fit": model.weight.item(), "b_fit": model.bias.item(),
              "w_star": theta_star[0], "b_star": theta_star[1], "loss_star": loss_star,
              "reported_loss_epoch1": history[0][2], "train_loss_epoch1": history[0][3],
              "val_loss_last": history[-1][4], "train_loss_last": history[-1][3],
              "default_batch_size": default_batch_size,
              "default_sampler": default_sampler,
              "default_drop_last": str(default_drop_last),
              "last_batch_error": last_batch_error, "last_batch_size": last_batch_size,
              "odd_n": ODD_N, "last_batch_main": rows[0][5],
              "sorted_epochs": SORTED_EPOCHS, "digits_lr": DIGITS_LR,
              "digits_test": DIGITS_TEST, "digits_train": len(train_idx),
              "sorted_acc_no_shuffle": sorted_accuracy[False],
              "sorted_acc_shuffle": sorted_accuracy[True],
              "sorted_predicted_9": predicted_last_class}
