"""model.eval() and torch.no_grad() do different things:
measured on a Linear -> BN -> ReLU -> Dropout net.

Each of four modes starts from the same copy of the model, whose
running statistics were first accumulated on 20 training
batches; each gets the same 16 digits and the same Dropout seed.
"""

import copy

import torch
from digits import load
from torch import nn

BATCH = 16

torch.manual_seed(0)
data = load()
model = nn.Sequential(nn.Linear(64, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5),
                      nn.Linear(32, 10))
model.train()
with torch.no_grad():
    for start in range(0, 20 * 64, 64):  # accumulate running statistics
        model(data.x_train[start:start + 64])
x = data.x_test[:BATCH]


# %% modes
def run(eval_mode: bool, no_grad: bool) -> dict:
    # every mode starts from the same weights and running statistics
    net = copy.deepcopy(model)
    # eval() is train(False): switches BN and Dropout, nothing else
    net.train(not eval_mode)
    bn = net[1]
    before = bn.running_mean.clone()
    outputs, changes = [], []
    for dropout_seed in (1, 2):  # two calls, two Dropout seeds: is the output random?
        torch.manual_seed(dropout_seed)
        if no_grad:
            with torch.no_grad():  # stops building the graph, changes no module
                outputs.append(net(x))
        else:
            outputs.append(net(x))
        changes.append((bn.running_mean - before).abs().max().item())
    return {
        "output": outputs[0].detach(),
        "running_mean_change": changes[0],  # after the first call
        "dropout_spread": (outputs[0] - outputs[1]).abs().max().item(),
        "requires_grad": outputs[0].requires_grad,
    }


modes = {
    "train": run(eval_mode=False, no_grad=False),
    "no_grad": run(eval_mode=False, no_grad=True),
    "eval": run(eval_mode=True, no_grad=False),
    "eval_no_grad": run(eval_mode=True, no_grad=True),
}
gap = {
    name: (m["output"] - modes["train"]["output"]).abs().max().item()
    for name, m in modes.items()
}
gap_eval = {
    name: (m["output"] - modes["eval"]["output"]).abs().max().item()
    for name, m in modes.items()
}

# %% report
if __name__ == "__main__":
    for name, m in modes.items():
        print(
            f"{name:<13} |running_mean change|={m['running_mean_change']:.4f}"
            f"  two seeds differ by {m['dropout_spread']:.3f}  "
            f"requires_grad={m['requires_grad']}"
            f"  vs train(): {gap[name]:.3f}  vs eval(): {gap_eval[name]:.3f}"
        )
    VALUES = {"batch": BATCH}
    for name, m in modes.items():
        VALUES[f"{name}_running_change"] = m["running_mean_change"]
        VALUES[f"{name}_dropout_spread"] = m["dropout_spread"]
        VALUES[f"{name}_requires_grad"] = str(m["requires_grad"])
        VALUES[f"{name}_vs_train"] = gap[name]
        VALUES[f"{name}_vs_eval"] = gap_eval[name]
