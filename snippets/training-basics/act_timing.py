"""Cost per element of each activation on this CPU (one thread, float32):
forward, and forward + backward, on 2^20 elements, next to x + 1 (one pass over
the same memory, for reference). Then the share of the activation in one hidden
layer of an MLP (Linear(256, 256) on a batch of 256, then the activation): the
activation's forward and backward over the Linear layer's plus the
activation's, each timed alone. Median of a few repeats, after a warm-up.
"""

import statistics
import sys
import time

import torch
from torch.nn import functional as F

N = 2**20
WIDTH, BATCH = 256, 256
REPEATS = 5
CALLS = 5
LEAK = 0.01

ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "ReLU": torch.relu,
    "Leaky ReLU": lambda x: F.leaky_relu(x, LEAK),
    "GELU": F.gelu,
    "GELU (tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "SiLU": F.silu,
}


# %% timing
def median_seconds(step):
    """Median over REPEATS of the mean time of CALLS
    calls of step(), after one untimed group."""
    for _ in range(CALLS):
        step()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(CALLS):
            step()
        times.append((time.perf_counter() - start) / CALLS)
    return statistics.median(times)


torch.manual_seed(0)
x = torch.randn(N)
x_grad = x.clone().requires_grad_(True)
upstream = torch.ones(N)


def forward(f):
    """f on the 2^20 elements, no graph."""
    with torch.no_grad():
        f(x)


def forward_backward(f):
    """f and its backward pass (upstream gradient of ones) on the 2^20 elements."""
    torch.autograd.grad(f(x_grad), x_grad, upstream)


def add_one():
    """x + 1: one read and one write of the same memory, for reference."""
    with torch.no_grad():
        x + 1


# %% layer
linear = torch.nn.Linear(WIDTH, WIDTH)
h = torch.randn(BATCH, WIDTH, requires_grad=True)
z_layer = torch.randn(BATCH, WIDTH, requires_grad=True)
g_out = torch.ones(BATCH, WIDTH)


def linear_step():
    """Forward and backward through the Linear layer."""
    torch.autograd.grad(linear(h), [h, linear.weight, linear.bias], g_out)


def activation_step(f):
    """Forward and backward through the activation,
    on the Linear layer's output shape."""
    torch.autograd.grad(f(z_layer), z_layer, g_out)


# %% measure
forward_ns = {
    name: median_seconds(lambda f=f: forward(f)) / N * 1e9
    for name, f in ACTIVATIONS.items()
}
both_ns = {
    name: median_seconds(lambda f=f: forward_backward(f)) / N * 1e9
    for name, f in ACTIVATIONS.items()
}
add_ns = median_seconds(add_one) / N * 1e9
linear_only = median_seconds(linear_step)
act = {
    name: median_seconds(lambda f=f: activation_step(f))
    for name, f in ACTIVATIONS.items()
}
share = {name: t / (linear_only + t) * 100 for name, t in act.items()}

# %%
relu = forward_ns["ReLU"]
TABLES = {
    "cost": {
        "columns": [
            "function",
            "forward_ns",
            "forward_backward_ns",
            "vs_relu",
            "layer_share_pct",
        ],
        "rows": [
            [
                name,
                forward_ns[name],
                both_ns[name],
                forward_ns[name] / relu,
                share[name],
            ]
            for name in ACTIVATIONS
        ],
    }
}
VALUES = {"n": "2²⁰", "width": WIDTH, "batch": BATCH, "repeats": REPEATS,
          "calls": CALLS, "threads": torch.get_num_threads(), "add_ns": add_ns,
          "relu_ns": relu, "tanh_ns": forward_ns["tanh"],
          "sigmoid_ns": forward_ns["sigmoid"], "relu_vs_add": relu / add_ns,
          "linear_us": linear_only * 1e6,
          "slowest_vs_relu": max(forward_ns.values()) / relu,
          "slowest": max(forward_ns, key=forward_ns.get),
          "share_max": max(share.values()), "share_relu": share["ReLU"],
          "share_tanh": share["tanh"], "share_min": min(share.values())}
FIXED = ("n", "width", "batch", "repeats", "calls", "threads")
TIMINGS = [name for name in VALUES if name not in FIXED] + list(TABLES)

if __name__ == "__main__":
    print(
        f"2^20 float32 elements, {REPEATS} repeats of {CALLS} calls, threads: "
        f"{torch.get_num_threads()}"
    )
    print(
        f"layer: Linear({WIDTH}, {WIDTH}) on a batch of {BATCH}, then the "
        "activation, forward + backward"
    )
    # the measured times go to stderr: the printed output must be the same on every run
    print(f"x + 1: {add_ns:.2f} ns per element", file=sys.stderr)
    for name in ACTIVATIONS:
        print(
            f"{name:12s} forward {forward_ns[name]:6.2f} ns, forward+backward "
            f"{both_ns[name]:6.2f} ns "
            f"per element; share of the layer {share[name]:5.1f}%",
            file=sys.stderr,
        )
