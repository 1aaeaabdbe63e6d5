"""Frozen BN: BN layers kept in eval() with gamma/beta
not trained, while the rest of the model trains.

A digits MLP with BN is trained briefly ("pre-trained"), then takes one
fine-tuning step on a batch of 4 images, with BN frozen, with BN left as it
is, and with BN frozen and then (by mistake) switched back by model.train().
"""

import copy

import torch
from digits import load, mlp, train
from torch import nn

FINE_TUNE_BATCH = 4

data = load()
pretrained = mlp([64, 64, 64, 10], batch_norm=True)
train(pretrained, data, lr=0.1, epochs=3)


# %% freeze
def freeze_bn(model: nn.Module) -> None:
    """BN uses its running statistics and stops
    updating them; gamma and beta stop learning."""
    for module in model.modules():
        # BatchNorm1d/2d/3d, SyncBatchNorm
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()
            for parameter in module.parameters():
                parameter.requires_grad_(False)


# %% step
def fine_tune_step(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> None:
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                lr=0.1)
    loss = nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def bn_state(model: nn.Module, names: tuple[str, ...]) -> torch.Tensor:
    """The BN tensors called `names` (running_mean,
    running_var or weight, bias), in one vector."""
    return torch.cat([getattr(m, name).detach().flatten() for m in model.modules()
                      if isinstance(m, nn.BatchNorm1d) for name in names])


# weight, bias = gamma, beta
RUNNING, AFFINE = ("running_mean", "running_var"), ("weight", "bias")


def run(mode: str) -> dict:
    model = copy.deepcopy(pretrained)
    model.train()
    if mode in ("frozen", "frozen_then_train"):
        freeze_bn(model)
    if mode == "frozen_then_train":
        model.train()  # e.g. at the start of an epoch: puts BN back in training mode
    x, y = data.x_train[:FINE_TUNE_BATCH], data.y_train[:FINE_TUNE_BATCH]
    # sample 0 with two different batch mates, before the step
    with torch.no_grad():
        # a copy, so that this probe leaves the statistics alone
        probe = copy.deepcopy(model)
        first = probe(data.x_train[:FINE_TUNE_BATCH])[0]
        second = probe(
            torch.cat([data.x_train[:1], data.x_test[: FINE_TUNE_BATCH - 1]])
        )[0]
    running_before, affine_before = bn_state(model, RUNNING), bn_state(model, AFFINE)
    linear_before = model[0].weight.detach().clone()
    fine_tune_step(model, x, y)
    return {
        "running_change": (bn_state(model, RUNNING) - running_before)
        .abs()
        .max()
        .item(),
        "affine_change": (bn_state(model, AFFINE) - affine_before).abs().max().item(),
        "linear_change": (model[0].weight - linear_before).abs().max().item(),
        "batch_dependence": (first - second).abs().max().item(),
        "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
    }


runs = {mode: run(mode) for mode in ("frozen", "not_frozen", "frozen_then_train")}
total_parameters = sum(p.numel() for p in pretrained.parameters())

# %% report
if __name__ == "__main__":
    for mode, r in runs.items():
        print(
            f"{mode:<18} running stats change {r['running_change']:.4f}  "
            f"gamma/beta {r['affine_change']:.4f}"
            f"  first Linear {r['linear_change']:.4f}"
            f"  sample 0 depends on its batch mates by {r['batch_dependence']:.4f}"
            f"  trainable {r['trainable']}/{total_parameters}"
        )
    VALUES = {"batch": FINE_TUNE_BATCH, "total_parameters": total_parameters}
    for mode, r in runs.items():
        for key, value in r.items():
            VALUES[f"{mode}_{key}"] = value
