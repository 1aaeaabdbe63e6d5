"""Weight decay on BN's gamma and beta: what
it does to gamma in a short run on the digits.

The same MLP with BN, the same batches, plain SGD; weight decay on every
parameter, on every parameter except BN's gamma and beta, or on none.
"""

import torch
from digits import load, mlp
from torch import nn

WIDTHS = [64, 128, 128, 10]
LR, WEIGHT_DECAY, EPOCHS, BATCH = 0.1, 1e-2, 10, 64


# %% groups
def parameter_groups(
    model: nn.Module, weight_decay: float, decay_bn: bool
) -> list[dict]:
    """Two groups: BN's gamma and beta (decayed only
    if decay_bn), and every other parameter."""
    bn_params = [
        p
        for m in model.modules()
        if isinstance(m, nn.modules.batchnorm._BatchNorm)
        for p in m.parameters()
    ]
    bn_ids = {id(p) for p in bn_params}
    others = [p for p in model.parameters() if id(p) not in bn_ids]
    return [{"params": others, "weight_decay": weight_decay},
            {"params": bn_params, "weight_decay": weight_decay if decay_bn else 0.0}]


# %% train
def run(weight_decay: float, decay_bn: bool) -> dict:
    data = load()
    model = mlp(WIDTHS, batch_norm=True)
    optimizer = torch.optim.SGD(parameter_groups(model, weight_decay, decay_bn), lr=LR)
    generator = torch.Generator().manual_seed(0)
    steps = 0
    for _ in range(EPOCHS):
        model.train()
        order = torch.randperm(len(data.x_train), generator=generator)
        for start in range(0, len(order) - BATCH + 1, BATCH):
            batch = order[start:start + BATCH]
            loss = nn.functional.cross_entropy(model(data.x_train[batch]),
                                               data.y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            steps += 1
    model.eval()
    with torch.no_grad():
        logits = model(data.x_test)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    return {
        # per BN layer; 1 at initialisation
        "gamma_mean": [m.weight.mean().item() for m in bns],
        "beta_abs_mean": [m.bias.abs().mean().item() for m in bns],
        "test_accuracy": 100
        * (logits.argmax(dim=1) == data.y_test).float().mean().item(),
        "test_loss": nn.functional.cross_entropy(logits, data.y_test).item(),
        "logit_std": logits.std().item(),
        "steps": steps,
    }


runs = {
    "decay_all": run(WEIGHT_DECAY, decay_bn=True),
    "exclude_bn": run(WEIGHT_DECAY, decay_bn=False),
    "no_decay": run(0.0, decay_bn=False),
}
steps = runs["no_decay"]["steps"]
accuracies = [r["test_accuracy"] for r in runs.values()]
accuracy_range = max(accuracies) - min(accuracies)
# what decay alone would leave of gamma = 1, with no gradient
pure_decay = (1 - LR * WEIGHT_DECAY) ** steps

# %% report
if __name__ == "__main__":
    rows = []
    for name, r in runs.items():
        rows.append([name, *r["gamma_mean"], *r["beta_abs_mean"], r["logit_std"],
                     r["test_loss"], r["test_accuracy"]])
        print(
            f"{name:<10} mean gamma per BN {[round(g, 3) for g in r['gamma_mean']]}"
            f"  mean |beta| {[round(b, 3) for b in r['beta_abs_mean']]}  "
            f"logit std {r['logit_std']:.2f}"
            f"  test loss {r['test_loss']:.3f}  test acc {r['test_accuracy']:.1f}%"
        )
    print(f"{steps} SGD steps; (1 - lr * wd)^steps = {pure_decay:.3f}")
    TABLES = {
        "decay": {
            "columns": [
                "run",
                "gamma1",
                "gamma2",
                "beta1",
                "beta2",
                "logit_std",
                "test_loss",
                "test_accuracy",
            ],
            "rows": rows,
        }
    }
    VALUES = {"lr": LR, "weight_decay": WEIGHT_DECAY, "epochs": EPOCHS, "steps": steps,
              "pure_decay": pure_decay, "accuracy_range": accuracy_range,
              "n_test": len(load().x_test), "widths": " → ".join(map(str, WIDTHS))}
    for name, r in runs.items():
        for layer, (gamma, beta) in enumerate(
            zip(r["gamma_mean"], r["beta_abs_mean"], strict=True), start=1,
        ):
            VALUES[f"{name}_gamma{layer}"] = gamma
            VALUES[f"{name}_beta{layer}"] = beta
        for key in ("test_accuracy", "test_loss", "logit_std"):
            VALUES[f"{name}_{key}"] = r[key]
