"""Training vs inference: running statistics after k
steps, and train() vs eval() on the same input."""

import torch
from torch import nn

torch.manual_seed(0)
TRUE_MEAN = torch.tensor([4.0, -2.0, 0.5])
TRUE_STD = torch.tensor([3.0, 0.5, 1.0])
BATCH = 32
MOMENTUM = 0.1  # PyTorch's default
N_INPUTS = 8
STEPS = (1, 5, 10, 20, 50, 100)


def batch() -> torch.Tensor:
    return torch.randn(BATCH, 3) * TRUE_STD + TRUE_MEAN


# %% running
# running <- (1 - momentum) * running + momentum * batch statistic
bn = nn.BatchNorm1d(3, momentum=MOMENTUM)
rows = []
for step in range(1, max(STEPS) + 1):
    bn.train()
    bn(batch())
    if step in STEPS:
        mean_error = (bn.running_mean - TRUE_MEAN).abs().max().item()
        var_ratio = (bn.running_var / TRUE_STD**2).tolist()
        rows.append([step, (1 - MOMENTUM)**step, mean_error, min(var_ratio),
                     max(var_ratio)])
        print(
            f"k={step:3d}  (1-momentum)^k={(1 - MOMENTUM) ** step:.4f}  "
            f"max|running_mean - mu|={mean_error:.3f}"
            f"  running_var / sigma^2 in [{min(var_ratio):.3f}, "
            f"{max(var_ratio):.3f}]"
        )

# %% modes
x = batch()[:N_INPUTS]
bn.train()
# uses this batch's own statistics -- and updates the running ones
train_out = bn(x).detach()
bn.eval()
eval_out = bn(x).detach()  # uses running_mean / running_var
train_eval_gap = (train_out - eval_out).abs().max().item()

single = x[:1]
try:
    bn.train()
    bn(single)
    single_error = ""
except ValueError as exc:  # BatchNorm1d refuses one value per channel in training mode
    single_error = str(exc)
bn.eval()
single_out = bn(single).detach()
single_vs_batch = (single_out - eval_out[:1]).abs().max().item()

# batch of two: every output is +-1
pair_out = nn.BatchNorm1d(3).train()(x[:2]).detach()
print(
    f"same {N_INPUTS} inputs, train() vs eval(): max |difference| = "
    f"{train_eval_gap:.3f}"
)
print(f"batch of 1 in train(): {single_error or 'no error'}")
print(
    f"batch of 1 in eval() vs the same sample in a batch of {N_INPUTS}: "
    f"{single_vs_batch:.1e}"
)
print("batch of 2 in train():", pair_out.numpy().round(4).tolist())

# %% report
if __name__ == "__main__":
    TABLES = {
        "running": {
            "columns": [
                "k",
                "bias_left",
                "mean_error",
                "var_ratio_min",
                "var_ratio_max",
            ],
            "rows": rows,
        }
    }
    VALUES = {
        "batch": BATCH,
        "momentum": MOMENTUM,
        "decay": 1 - MOMENTUM,
        "n_inputs": N_INPUTS,
        "first_step": STEPS[0],
        "last_step": STEPS[-1],
        "final_mean_error": rows[-1][2],
        "final_var_ratio_min": rows[-1][3],
        "final_var_ratio_max": rows[-1][4],
        "first_var_ratio_max": rows[0][4],
        "first_mean_error": rows[0][2],
        "mid_step": STEPS[3],
        "mid_mean_error": rows[3][2],
        "mid_var_ratio_max": rows[3][4],
        "train_eval_gap": train_eval_gap,
        "single_error": single_error,
        "single_vs_batch": single_vs_batch,
        "pair_abs_max": float(pair_out.abs().max()),
        "pair_abs_min": float(pair_out.abs().min()),
    }
