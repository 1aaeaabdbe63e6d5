"""Are powers of two faster batch sizes? Wall time
of one training epoch on this CPU, B around 32..256.

A small MLP (64 -> 256 -> 256 -> 10, ReLU, cross-entropy, plain SGD) is
trained for whole epochs on N random samples; each batch size is timed in
turn (round robin, after a warm-up epoch), and the median of the repeats
is kept. B = 1 (SGD) is timed on a part of an epoch and given per sample.
One compute thread, float32, CPU only: there is no GPU on this machine.
"""

import math
import statistics
import sys
import time

import torch
from torch import nn

# not a multiple of any B around the powers of two: every B has a partial last batch
N = 2000
WIDTHS = (64, 256, 256, 10)
POWERS = (32, 64, 128, 256)
BATCH_SIZES = tuple(sorted({16} | {p + d for p in POWERS for d in (-1, 0, 1)}))
REPEATS = 5
SGD_STEPS = 256      # B = 1 is timed on this many updates (a part of an epoch)

# %% model
torch.manual_seed(0)
x = torch.randn(N, WIDTHS[0])
labels = torch.randint(0, WIDTHS[-1], (N,))
model = nn.Sequential(nn.Linear(WIDTHS[0], WIDTHS[1]), nn.ReLU(),
                      nn.Linear(WIDTHS[1], WIDTHS[2]), nn.ReLU(),
                      nn.Linear(WIDTHS[2], WIDTHS[3]))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)


def epoch(batch_size: int, samples: int = N) -> int:
    """One pass over `samples` shuffled samples in batches
    of `batch_size`; returns the number of updates."""
    order = torch.randperm(N)[:samples]
    updates = 0
    for start in range(0, samples, batch_size):
        idx = order[start:start + batch_size]
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x[idx]), labels[idx]).backward()
        optimizer.step()
        updates += 1
    return updates


steps_per_epoch = {size: math.ceil(N / size) for size in BATCH_SIZES}


# %% timing
def measure() -> tuple[dict[int, float], float, float, float]:
    """Median milliseconds per epoch for each batch size, microseconds
    per sample for B = 1, how much the repeats of one batch size differ
    ((max - min) / median, the median of it over the batch sizes), and
    milliseconds per epoch of full-batch GD (B = N: one update)."""
    times: dict[int, list[float]] = {size: [] for size in BATCH_SIZES}
    sgd: list[float] = []
    full: list[float] = []
    for size in BATCH_SIZES:
        epoch(size)                                        # warm-up
    for _ in range(REPEATS):
        for size in BATCH_SIZES:
            start = time.perf_counter()
            epoch(size)
            times[size].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        epoch(1, samples=SGD_STEPS)
        sgd.append((time.perf_counter() - start) * 1e6 / SGD_STEPS)
        start = time.perf_counter()
        epoch(N)
        full.append((time.perf_counter() - start) * 1000)
    spread = statistics.median(
        (max(t) - min(t)) / statistics.median(t) for t in times.values()
    )
    return ({size: statistics.median(t) for size, t in times.items()},
            statistics.median(sgd), spread, statistics.median(full))


# %% report
if __name__ == "__main__":
    ms, sgd_us, repeat_spread, full_ms = measure()
    rows = [
        [size, steps_per_epoch[size], ms[size], ms[size] * 1000 / N]
        for size in BATCH_SIZES
    ]
    # each power of two against the mean of its two
    # neighbours: < 1 means the power of two was faster
    neighbours = {p: ms[p] / ((ms[p - 1] + ms[p + 1]) / 2) for p in POWERS}
    print(
        f"N = {N}, MLP {WIDTHS}, {REPEATS} repeats, threads: {torch.get_num_threads()}"
    )
    for size in BATCH_SIZES:
        print(f"B={size:4d}: {steps_per_epoch[size]:4d} updates per epoch")
    VALUES = {"n": N, "widths": " → ".join(str(w) for w in WIDTHS), "repeats": REPEATS,
              "b_small": min(BATCH_SIZES), "b_ref": 32, "b_large": max(POWERS),
              "powers_list": ", ".join(str(p) for p in POWERS),
              "threads": torch.get_num_threads(), "sgd_steps": SGD_STEPS,
              "sgd_us_per_sample": sgd_us, "sgd_ms_per_epoch": sgd_us * N / 1000,
              "ms_b32": ms[32], "ms_b256": ms[256], "ms_b16": ms[16],
              "us_per_sample_b32": ms[32] * 1000 / N,
              "us_per_sample_b256": ms[256] * 1000 / N,
              "sgd_over_b32": sgd_us / (ms[32] * 1000 / N),
              "neighbour_ratio_min": min(neighbours.values()),
              "neighbour_ratio_max": max(neighbours.values()),
              "neighbour_dev_pct": max(abs(r - 1) for r in neighbours.values()) * 100,
              "powers_faster": sum(r < 1 for r in neighbours.values()),
              "powers": len(POWERS), "b16_over_b256": ms[16] / ms[256],
              "repeat_spread_pct": repeat_spread * 100, "ms_full": full_ms,
              "b32_over_full": ms[32] / full_ms}
    TABLES = {
        "epoch_time": {
            "columns": ["B", "updates", "ms_per_epoch", "us_per_sample"],
            "rows": rows,
        },
        "neighbours": {
            "columns": ["power", "ms_below", "ms_power", "ms_above", "ratio"],
            "rows": [[p, ms[p - 1], ms[p], ms[p + 1], neighbours[p]] for p in POWERS],
        },
    }
    fixed = ("n", "widths", "repeats", "threads", "sgd_steps", "powers", "b_small",
             "b_ref", "b_large", "powers_list")
    TIMINGS = [name for name in VALUES if name not in fixed]
    TIMINGS += list(TABLES)
    for name in TIMINGS:  # on stderr: the printed output must be the same on every run
        value = VALUES.get(name, "")
        print(
            f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}",
            file=sys.stderr,
        )
    for p in POWERS:
        print(
            f"B={p - 1}/{p}/{p + 1}: {ms[p - 1]:.2f} / {ms[p]:.2f} / "
            f"{ms[p + 1]:.2f} ms per epoch, "
            f"ratio {neighbours[p]:.3f}",
            file=sys.stderr,
        )
