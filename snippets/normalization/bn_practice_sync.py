"""SyncBN's arithmetic, simulated in one process: K
"devices" with small batches share their statistics.

There is no GPU and no torch.distributed process group here: this is NOT a measurement
of torch.nn.SyncBatchNorm across devices, only of the sums it exchanges, on one CPU.
"""

import torch
from torch import nn

torch.manual_seed(0)
DEVICES, PER_DEVICE, FEATURES = 4, 4, 6
x = torch.randn(DEVICES * PER_DEVICE, FEATURES) * 3 + 2
shards = x.chunk(DEVICES)  # what each device holds

# %% local
# plain BatchNorm under data parallelism: each
# device normalizes with its own small batch
local = torch.cat(
    [nn.functional.batch_norm(s, None, None, training=True) for s in shards]
)

# %% sync
# SyncBN: each device computes (count, mean, variance) per channel
# and shares them with all (PyTorch's SyncBatchNorm all-gathers
# count, mean and 1/std); every device then combines them
gathered = [(len(s), s.mean(dim=0), s.var(dim=0, unbiased=False)) for s in shards]
count = sum(n for n, _, _ in gathered)
mean = sum(n * m for n, m, _ in gathered) / count
# biased variance of the union
var = sum(n * (v + m**2) for n, m, v in gathered) / count - mean**2
synced = torch.cat([(s - mean) / torch.sqrt(var + 1e-5) for s in shards])

# %% compare
# BN on the whole batch at once
whole = nn.functional.batch_norm(x, None, None, training=True)
sync_vs_whole = (synced - whole).abs().max().item()
local_vs_whole = (local - whole).abs().max().item()

# torch.nn.SyncBatchNorm without an initialized process group falls back to plain BN
sync_module = nn.SyncBatchNorm(FEATURES).train()
plain_module = nn.BatchNorm1d(FEATURES).train()
module_gap = (sync_module(x) - plain_module(x)).abs().max().item()

# %% report
if __name__ == "__main__":
    print(f"{DEVICES} devices x {PER_DEVICE} samples")
    print(
        f"combined per-device statistics vs BN on all {count} samples: max |diff| "
        f"= {sync_vs_whole:.1e}"
    )
    print(
        f"per-device BN vs BN on all {count} samples: max |diff| = {local_vs_whole:.3f}"
    )
    print(
        "nn.SyncBatchNorm vs nn.BatchNorm1d, one process, no process group: max "
        f"|diff| = {module_gap:.1e}"
    )
    # the version whose SyncBatchNorm source the card describes
    VALUES = {"devices": DEVICES, "per_device": PER_DEVICE, "total": count,
              "sync_vs_whole": sync_vs_whole, "local_vs_whole": local_vs_whole,
              "module_gap": module_gap, "torch_version": torch.__version__}
