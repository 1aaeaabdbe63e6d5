"""Output activations and their losses, in float32 (PyTorch's default dtype).

1. Binary: sigmoid then BCELoss vs BCEWithLogitsLoss on the logit, for
   confidently wrong logits (z = 20, 50, 100 with label 0): the loss and
   its gradient with respect to z; and a hand-written -log(1 - sigmoid(z)).
2. Why a sigmoid output is fine with cross-entropy but not with
   the squared error: dL/dz when the output is confidently wrong.
3. Multi-class: a hand-written softmax exp(z) / sum exp(z), and
   log(torch.softmax) vs F.cross_entropy, for the logits (0, z) and label 0.
4. Softmax in the model and again inside
   nn.CrossEntropyLoss: the lowest loss it can reach.
5. Two classes: softmax over (0, z) is sigmoid(z).
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

LOGITS = (20.0, 50.0, 100.0)
# logits for a sample whose label is 1: confidently wrong
WRONG = (-2.0, -5.0, -10.0)
BIG = (50.0, 100.0, 200.0)         # softmax example: logits (0, z), label: class 0
SIGMOID_Z = 20.0                   # where float32 sigmoid's derivative is looked at


def grad_of(loss_fn, z_value):
    """Loss and dL/dz at z = z_value (float32 scalar logit)."""
    z = torch.tensor([z_value], requires_grad=True)
    loss = loss_fn(z)
    loss.backward()
    return loss.item(), z.grad.item()


# %% bce
label0 = torch.zeros(1)
bce_rows = []
for value in LOGITS:
    with_logits = grad_of(lambda z: nn.BCEWithLogitsLoss()(z, label0), value)
    after_sigmoid = grad_of(lambda z: nn.BCELoss()(torch.sigmoid(z), label0), value)
    by_hand = grad_of(lambda z: -torch.log(1 - torch.sigmoid(z)).sum(), value)
    bce_rows.append([value, torch.sigmoid(torch.tensor(value)).item(), *with_logits,
                     *after_sigmoid, *by_hand])

# the smallest float32 logit whose sigmoid rounds to exactly 1
grid = torch.arange(0, 40, 0.001, dtype=torch.float32)
sigmoid_is_one = grid[torch.sigmoid(grid) == 1.0].min().item()

# %% mse
mse_rows = []
label1 = torch.ones(1)
for value in WRONG:
    ce = grad_of(lambda z: F.binary_cross_entropy_with_logits(z, label1), value)
    mse = grad_of(lambda z: F.mse_loss(torch.sigmoid(z), label1), value)
    mse_rows.append([value, torch.sigmoid(torch.tensor(value)).item(), ce[1], mse[1]])

# %% softmax
softmax_rows = []
for value in BIG:
    z = torch.tensor([0.0, value])
    # no max subtracted: exp(z) may overflow
    by_hand = torch.exp(z) / torch.exp(z).sum()
    # torch.softmax subtracts the max
    log_of_softmax = torch.log(torch.softmax(z, dim=0))[0].item()
    # log-softmax inside
    cross_entropy = F.cross_entropy(z[None], torch.tensor([0])).item()
    softmax_rows.append([value, by_hand[1].item(), -log_of_softmax, cross_entropy])

# %% double_softmax
# softmax applied in the model AND inside
# nn.CrossEntropyLoss: the loss can no longer reach 0
CLASSES = (2, 10)
double_floor = {}
for k in CLASSES:
    z = torch.zeros(1, k)
    # as confident and as right as it gets
    z[0, 0] = 100.0
    double_floor[k] = nn.CrossEntropyLoss()(
        torch.softmax(z, dim=1), torch.tensor([0])
    ).item()
    # -log(e / (e + k - 1))
    assert abs(double_floor[k] - math.log(1 + (k - 1) / math.e)) < 1e-5
right_loss = nn.CrossEntropyLoss()(
    torch.tensor([[100.0, 0.0]]), torch.tensor([0])
).item()

# float32 sigmoid's own derivative, by autograd, where sigmoid(z) rounds to 1
z_far = torch.tensor(SIGMOID_Z, requires_grad=True)
torch.sigmoid(z_far).backward()
sigmoid_grad_20 = z_far.grad.item()

# %% two_classes
zs = torch.linspace(-30, 30, 6001)
two_class_gap = (
    (
        torch.softmax(torch.stack([torch.zeros_like(zs), zs], dim=1), dim=1)[:, 1]
        - torch.sigmoid(zs)
    )
    .abs()
    .max()
    .item()
)

# %%
TABLES = {
    "bce": {"columns": ["z", "sigmoid", "logits_loss", "logits_grad", "bce_loss",
                        "bce_grad", "hand_loss", "hand_grad"], "rows": bce_rows},
    "mse": {"columns": ["z", "sigmoid", "ce_grad", "mse_grad"], "rows": mse_rows},
    "softmax": {"columns": ["z", "hand_p1", "log_softmax_loss", "cross_entropy"],
                "rows": softmax_rows},
}
VALUES = {"sigmoid_is_one": sigmoid_is_one, "sigmoid_grad_20": sigmoid_grad_20,
          "sigmoid_grad_z": SIGMOID_Z, "right_loss": right_loss,
          "double_floor_2": double_floor[2], "double_floor_10": double_floor[10],
          "classes_few": CLASSES[0], "classes_many": CLASSES[1],
          "two_class_gap": two_class_gap, "bce_clamp": bce_rows[-1][4],
          "ce_grad_worst": mse_rows[-1][2], "mse_grad_worst": mse_rows[-1][3],
          "wrong_worst": WRONG[-1],
          "grad_ratio_worst": abs(mse_rows[-1][2] / mse_rows[-1][3]),
          "logits": ", ".join(f"{v:g}" for v in LOGITS), "z_mid": LOGITS[1],
          "z_max": LOGITS[-1],
          "float32_exp_max": math.log(torch.finfo(torch.float32).max)}

if __name__ == "__main__":
    print(
        "label 0, logit z: sigmoid(z) | BCEWithLogitsLoss, dL/dz | "
        "BCELoss(sigmoid(z)), dL/dz | "
        "-log(1 - sigmoid(z)), dL/dz"
    )
    for row in bce_rows:
        print("  " + " | ".join(f"{v:g}" for v in row))
    print(f"float32: sigmoid(z) == 1 from z = {sigmoid_is_one:.3f}")
    print("label 1, logit z: sigmoid(z) | dL/dz with BCE | dL/dz with squared error")
    for row in mse_rows:
        print(f"  {row[0]:g} | {row[1]:.3e} | {row[2]:.4f} | {row[3]:.3e}")
    print(
        "logits (0, z), label 0: softmax by hand p1 | -log(softmax(z))[0] | "
        "F.cross_entropy"
    )
    for row in softmax_rows:
        print("  " + " | ".join(f"{v:g}" for v in row))
    print(f"max |softmax((0, z))[1] - sigmoid(z)| on [-30, 30]: {two_class_gap:.1e}")
    print("softmax, then nn.CrossEntropyLoss, for a confident right answer: "
          + ", ".join(f"{k} classes {v:.4f}" for k, v in double_floor.items())
          + f" (on the logits: {right_loss:g})")
    print(
        f"float32: d sigmoid / dz at z = {SIGMOID_Z:g} by autograd: {sigmoid_grad_20:g}"
    )
