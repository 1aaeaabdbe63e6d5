"""Can gamma and beta undo the normalization? gamma =
sqrt(sigma_B^2 + eps), beta = mu_B gives the input back.

The input is what a BN layer would see: the
pre-activations of a fixed random Linear layer on digits.
"""

import torch
from digits import load
from torch import nn

BATCH = 64
FEATURES = 32

torch.manual_seed(0)
data = load()
linear = nn.Linear(data.x_train.shape[1], FEATURES)
with torch.no_grad():
    x = linear(data.x_train[:BATCH])
    other = linear(data.x_train[BATCH:2 * BATCH])  # a second batch of the same layer

# %% undo
bn = nn.BatchNorm1d(FEATURES).train()
# the statistics BN normalizes x with
mu, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
with torch.no_grad():
    bn.weight.copy_(torch.sqrt(var + bn.eps))  # gamma = sqrt(sigma_B^2 + eps)
    bn.bias.copy_(mu)  # beta = mu_B
    same_batch = (bn(x) - x).abs().max().item()  # x comes back
    # another batch has other statistics
    other_batch = (bn(other) - other).abs().max().item()
    bn.running_mean.copy_(mu)
    bn.running_var.copy_(var)
    bn.eval()  # inference: the stored statistics, the same for every input
    eval_other = (bn(other) - other).abs().max().item()

# %% report
print(f"train(), the batch that set gamma and beta: max |y - x| = {same_batch:.1e}")
print(f"train(), another batch, same gamma and beta: max |y - x| = {other_batch:.3f}"
      f" (the layer's values have std {x.std().item():.3f})")
print(
    "eval(), running statistics = mu_B, sigma_B^2: max |y - x| on the other batch "
    f"= {eval_other:.1e}"
)
if __name__ == "__main__":
    VALUES = {"same_batch": same_batch, "other_batch": other_batch,
              "eval_other": eval_other, "x_std": x.std().item(), "batch": BATCH,
              "features": FEATURES}
