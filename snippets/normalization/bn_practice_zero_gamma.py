"""Zero-initialised gamma in the last BN of a
residual block: the block starts as the identity.

A ResNet-style basic block, relu(x + BN2(conv2(relu(BN1(conv1(x)))))),
fed non-negative input (the output of a previous block's ReLU).
"""

import torch
from torch import nn

CHANNELS, DEPTH = 16, 8

torch.manual_seed(0)
x = torch.relu(torch.randn(8, CHANNELS, 8, 8))


# %% block
class BasicBlock(nn.Module):
    def __init__(self, channels: int, zero_gamma: bool):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        if zero_gamma:
            # gamma of the last BN in the branch (beta is 0 already)
            nn.init.zeros_(self.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(x + branch)


# %% identity
def stack(zero_gamma: bool) -> nn.Sequential:
    torch.manual_seed(1)  # the same convolution weights either way
    return nn.Sequential(*[BasicBlock(CHANNELS, zero_gamma) for _ in range(DEPTH)])


results = {}
for zero_gamma in (True, False):
    net = stack(zero_gamma)
    one_block_gap = {
        mode: (net[0].train(mode == "train")(x) - x).abs().max().item()
        for mode in ("train", "eval")
    }
    net.train()
    out = net(x)
    results[zero_gamma] = {"block_train": one_block_gap["train"],
                           "block_eval": one_block_gap["eval"],
                           "stack_gap": (out - x).abs().max().item(),
                           "std_ratio": (out.std() / x.std()).item()}

# %% gradient
net = stack(zero_gamma=True).train()
target = torch.randn_like(x)
nn.functional.mse_loss(net(x), target).backward()
# every block: gamma2 gets a gradient, the branch
# before it (conv1, BN1, conv2) gets exactly none
grad_gamma = min(block.bn2.weight.grad.norm().item() for block in net)
grad_branch = max(
    p.grad.abs().max().item()
    for block in net
    for p in (block.conv1.weight, block.bn1.weight, block.bn1.bias, block.conv2.weight)
)
with torch.no_grad():
    for p in net.parameters():
        p -= 0.1 * p.grad  # one SGD step
after_step_gap = (net(x) - x).abs().max().item()

# %% report
if __name__ == "__main__":
    for zero_gamma, r in results.items():
        print(
            f"gamma2={'0' if zero_gamma else '1'}: one block max|f(x)-x| train() "
            f"{r['block_train']:.1e},"
            f" eval() {r['block_eval']:.1e}; {DEPTH} blocks max|f(x)-x| "
            f"{r['stack_gap']:.3f},"
            f" std(out)/std(x) {r['std_ratio']:.3f}"
        )
    print(f"gamma2=0: smallest ||grad gamma2|| over blocks = {grad_gamma:.2e},"
          f" max|grad of conv1, BN1, conv2| = {grad_branch:.1e};"
          f" after one SGD step max|f(x)-x| = {after_step_gap:.3f}")
    VALUES = {"channels": CHANNELS, "depth": DEPTH, "grad_gamma": grad_gamma,
              "grad_branch": grad_branch, "after_step_gap": after_step_gap}
    for zero_gamma, r in results.items():
        for key, value in r.items():
            VALUES[f"{'zero' if zero_gamma else 'one'}_{key}"] = value
