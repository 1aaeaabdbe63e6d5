"""The dot product of two float64 vectors of length n = 10^3 ... 10^7, four
ways: the seed's Python for-loop, ``sum`` over a generator, ``np.dot`` and
``torch.dot``. Medians over a few repeats with ``time.perf_counter``; the
two Python versions are measured up to ``LOOP_MAX`` and extrapolated beyond
it from their measured cost per element (those cells start with "≈").
"""

import math
import os
import sys

import matplotlib.pyplot as plt
import numpy as np
import torch
from threadpoolctl import threadpool_limits
from vec_common import cache_bytes, median_seconds, power, where

SIZES = (10**3, 10**4, 10**5, 10**6, 10**7)
LOOP_MAX = 10**6  # the Python versions are timed up to here, extrapolated beyond
REPEATS = 5
LOOP_REPEATS_AT_MAX = 3  # fewer repeats for the slowest cells (about 0.1 s each)
BYTES = 8  # float64
SEED_N = 10**7  # the seed's experiment: a loop "over 4 s", numpy "0.01 s"
SEED_LOOP_S, SEED_NUMPY_S = 4.0, 0.01
EXTRAPOLATED = "≈"
# the loop's cost per element is compared over n = 10^4 ... LOOP_MAX
PER_ELEMENT_FROM = 10**4

rng = np.random.default_rng(0)
a_full = rng.random(max(SIZES))
b_full = rng.random(max(SIZES))


# %% methods
def dot_for(a, b):
    """The seed's loop: index both NumPy arrays, one element at a time."""
    c = 0.0
    for i in range(len(a)):
        c += a[i] * b[i]
    return c


def dot_sum(a, b):
    """``sum`` over a generator, on the same NumPy arrays."""
    return sum(x * y for x, y in zip(a, b, strict=True))


METHODS = {
    "for": dot_for,
    "sum": dot_sum,
    "np.dot": np.dot,
    "torch.dot": lambda a, b: torch.dot(torch.from_numpy(a), torch.from_numpy(b)),
}
PYTHON = ("for", "sum")


# %% agree
# the four give the same number, up to rounding
# (they add the products in different orders)
n_check = 10**5
a, b = a_full[:n_check], b_full[:n_check]
results = {name: float(f(a, b)) for name, f in METHODS.items()}
reference = math.fsum(a * b)  # correctly rounded sum of the (rounded) products
relative_error = {name: abs(r - reference) / reference for name, r in results.items()}
# the seed's ``b.T`` on a 1-D array
transpose_is_noop = b.T.shape == b.shape and np.shares_memory(b.T, b)


# %% timing


def measure(sizes=SIZES, loop_max=LOOP_MAX):
    """Seconds per call for each method and n; Python versions
    beyond ``loop_max`` are extrapolated from their cost per
    element at ``loop_max``. Returns (seconds, extrapolated)."""
    seconds = {name: {} for name in METHODS}
    extrapolated = {name: set() for name in METHODS}
    for n in sizes:
        a, b = a_full[:n], b_full[:n]  # contiguous views: no copy
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        seconds["np.dot"][n] = median_seconds(np.dot, a, b)
        seconds["torch.dot"][n] = median_seconds(torch.dot, ta, tb)
        for name in PYTHON:
            if n <= loop_max:
                repeats = (
                    LOOP_REPEATS_AT_MAX
                    if n == loop_max and loop_max >= 10**6
                    else REPEATS
                )
                seconds[name][n] = median_seconds(METHODS[name], a, b, repeats=repeats)
            else:
                seconds[name][n] = seconds[name][loop_max] / loop_max * n
                extrapolated[name].add(n)
    return seconds, extrapolated


def copy_rate(n=None):
    """Bytes per second of ``np.copyto`` from one
    n-vector into another (read + write counted)."""
    n = n or max(SIZES)
    source, target = a_full[:n], np.empty(n)
    return 2 * BYTES * n / median_seconds(np.copyto, target, source)


# %% machine
def blas_info():
    """The kernel family OpenBLAS uses for np.dot in this process and its
    version, as threadpoolctl reports them, and the OPENBLAS_CORETYPE
    variable of the environment (which forces a family)."""
    from threadpoolctl import threadpool_info
    found = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
    info = found[0] if found else {}
    return {"kernel": info.get("architecture") or "?",
            "version": info.get("version") or "?",
            "coretype_env": os.environ.get("OPENBLAS_CORETYPE") or "—"}


def cell(value, extrapolated, spec):
    return f"{EXTRAPOLATED}{value:{spec}}" if extrapolated else value


# %% report
if __name__ == "__main__":
    # one BLAS thread, as in the build (which also sets OPENBLAS_NUM_THREADS=1)
    threadpool_limits(1)
    print(f"n = {n_check}: dot products")
    for name, value in results.items():
        print(
            f"  {name:>9}: {value:.10f}   relative error vs math.fsum: "
            f"{relative_error[name]:.1e}"
        )
    print(f"seed's b.T on a 1-D array: same shape, same memory: {transpose_is_noop}")

    seconds, extrapolated = measure()
    rate_copy = copy_rate()
    l2, l3 = cache_bytes()
    n_max = max(SIZES)

    def ratio(name, over, n):
        return seconds[name][n] / seconds[over][n]

    times_rows, rate_rows = [], []
    for n in SIZES:
        x = n in extrapolated["for"]
        times_rows.append([power(n), cell(seconds["for"][n], x, ".3g"),
                           cell(seconds["sum"][n], x, ".3g"), seconds["np.dot"][n],
                           seconds["torch.dot"][n],
                           cell(ratio("for", "np.dot", n), x, ".0f"),
                           cell(ratio("for", "torch.dot", n), x, ".0f")])
        nbytes = 2 * BYTES * n
        rate_rows.append([power(n), nbytes / 1e6, where(nbytes, l2, l3),
                          cell(seconds["for"][n] / n * 1e9, x, ".1f"),
                          seconds["np.dot"][n] / n * 1e9,
                          nbytes / seconds["np.dot"][n] / 1e9,
                          nbytes / seconds["torch.dot"][n] / 1e9])
    TABLES = {
        "times": {
            "columns": [
                "n",
                "for",
                "sum",
                "np.dot",
                "torch.dot",
                "for/np.dot",
                "for/torch.dot",
            ],
            "rows": times_rows,
        },
        "rates": {
            "columns": [
                "n",
                "MB",
                "cache",
                "for ns/n",
                "np.dot ns/n",
                "np.dot GB/s",
                "torch.dot GB/s",
            ],
            "rows": rate_rows,
        },
    }
    measured = [n for n in SIZES if PER_ELEMENT_FROM <= n <= LOOP_MAX]
    # cost per element where the fixed cost of a call no longer matters
    per_element_for = [seconds["for"][n] / n * 1e9 for n in measured]
    per_element_sum = [seconds["sum"][n] / n * 1e9 for n in measured]
    np_rates = {n: 2 * BYTES * n / seconds["np.dot"][n] / 1e9 for n in SIZES}
    fastest_n = max(np_rates, key=np_rates.get)
    VALUES = {
        # what defines the experiment
        "n_min": power(min(SIZES)),
        "n_max": power(n_max),
        "loop_max": power(LOOP_MAX),
        "repeats": REPEATS,
        "loop_repeats_at_max": LOOP_REPEATS_AT_MAX,
        "bytes_per_element": BYTES,
        "n_check": power(n_check),
        "per_element_from": power(PER_ELEMENT_FROM),
        "seed_n": power(SEED_N),
        "seed_loop_s": SEED_LOOP_S,
        "seed_numpy_s": SEED_NUMPY_S,
        "seed_ratio": SEED_LOOP_S / SEED_NUMPY_S,
        "threads": torch.get_num_threads(),
        "mb_at_max": 2 * BYTES * n_max / 1e6,
        "mb_per_vector_at_max": BYTES * n_max / 1e6,
        # non-timing results
        "max_relative_error": max(relative_error.values()),
        "relative_error_for": relative_error["for"],
        "relative_error_np": relative_error["np.dot"],
        "eps": float(np.finfo(np.float64).eps),
        "max_error_in_eps": max(relative_error.values()) / np.finfo(np.float64).eps,
        "transpose_is_noop": str(transpose_is_noop),
        # measured (TIMINGS)
        "t_for_max": seconds["for"][n_max],
        "t_sum_max": seconds["sum"][n_max],
        "t_np_max": seconds["np.dot"][n_max],
        "t_torch_max": seconds["torch.dot"][n_max],
        "t_for_loop_max": seconds["for"][LOOP_MAX],
        "t_np_loop_max": seconds["np.dot"][LOOP_MAX],
        "ratio_for_np_max": ratio("for", "np.dot", n_max),
        "ratio_sum_np_max": ratio("sum", "np.dot", n_max),
        "ratio_for_torch_max": ratio("for", "torch.dot", n_max),
        "ratio_seed_loop_here": SEED_LOOP_S / seconds["for"][n_max],
        "ratio_seed_numpy_here": SEED_NUMPY_S / seconds["np.dot"][n_max],
        "ns_for": seconds["for"][LOOP_MAX] / LOOP_MAX * 1e9,
        "ns_sum": seconds["sum"][LOOP_MAX] / LOOP_MAX * 1e9,
        "ns_for_min": min(per_element_for),
        "ns_for_max": max(per_element_for),
        "ns_sum_min": min(per_element_sum),
        "ns_sum_max": max(per_element_sum),
        "ns_np_max": seconds["np.dot"][n_max] / n_max * 1e9,
        "ns_np_fastest": seconds["np.dot"][fastest_n] / fastest_n * 1e9,
        "gbps_np_max": np_rates[n_max],
        "gbps_torch_max": 2 * BYTES * n_max / seconds["torch.dot"][n_max] / 1e9,
        "gbps_np_fastest": np_rates[fastest_n],
        "n_np_fastest": power(fastest_n),
        "where_max": where(2 * BYTES * n_max, l2, l3),
        "where_fastest": where(2 * BYTES * fastest_n, l2, l3),
        "mb_np_fastest": 2 * BYTES * fastest_n / 1e6,
        "gbps_copy": rate_copy / 1e9,
        "dot_over_copy": np_rates[n_max] / (rate_copy / 1e9),
        "fastest_over_max": np_rates[fastest_n] / np_rates[n_max],
        "l2_mib": l2 / 2**20 if l2 else "?",
        "l3_mib": l3 / 2**20 if l3 else "?",
        # blas_kernel, blas_version, blas_coretype_env
        **{f"blas_{k}": v for k, v in blas_info().items()},
        "numpy_version": np.__version__,
        "t_np_min_ns": seconds["np.dot"][min(SIZES)] * 1e9,
        "t_np_max_ms": seconds["np.dot"][n_max] * 1e3,
        "t_torch_max_ms": seconds["torch.dot"][n_max] * 1e3,
        "ratio_for_np_min_n": ratio("for", "np.dot", min(SIZES)),
        "ratio_for_np_peak": max(ratio("for", "np.dot", n) for n in SIZES),
        "n_ratio_peak": power(max(SIZES, key=lambda n: ratio("for", "np.dot", n))),
    }
    TIMINGS = ["times", "rates", "t_curve"] + [
        k
        for k in VALUES
        if k.startswith(
            (
                "t_",
                "ratio_",
                "ns_",
                "gbps_",
                "n_np_",
                "mb_np_",
                "dot_over_",
                "fastest_",
                "l2_",
                "l3_",
                "blas_",
                "where_",
                "n_ratio_",
                "numpy_",
            )
        )
    ]
    for name in TIMINGS:  # on stderr: the printed output must be the same on every run
        if name in VALUES:
            print(f"{name}: {VALUES[name]}", file=sys.stderr)
    for row in times_rows + rate_rows:
        print(row, file=sys.stderr)

    plt.rcParams["font.size"] = 13  # figure text at least as large as the page's text
    fig, ax = plt.subplots(figsize=(6.4, 4.4), num="t_curve")
    for name, marker in zip(METHODS, ("o", "s", "^", "D"), strict=True):
        ns = [n for n in SIZES if n not in extrapolated[name]]
        line, = ax.plot(ns, [seconds[name][n] for n in ns], marker=marker, label=name)
        guessed = [n for n in SIZES if n in extrapolated[name]]
        if guessed:
            last = [ns[-1]] + guessed
            ax.plot(last, [seconds[name][n] for n in last], linestyle="--",
                    marker=marker, markerfacecolor="none", color=line.get_color())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n")
    ax.set_ylabel("t (s)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
