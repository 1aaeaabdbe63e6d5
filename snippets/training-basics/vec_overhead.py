"""Where the time of a Python loop goes, and when a vectorized call does NOT pay off.

1. The cost per element of a dot product written nine ways, at n =
   ``N_LADDER``: from the seed's loop over NumPy arrays down to ``np.dot``.
2. Tiny vectors, n = 1 ... 256: the time of one call, to find
   the n from which ``np.dot`` and ``torch.dot`` beat a
   Python loop (the fixed cost of a call dominates below it).
"""

import sys

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from vec_common import median_seconds, power

N_LADDER = 10**5
SMALL = tuple(2**k for k in range(9))  # 1 ... 256
REPEATS = 5

rng = np.random.default_rng(0)


# %% ladder
def loop_index(a, b):  # the seed's loop
    c = 0.0
    for i in range(len(a)):
        c += a[i] * b[i]
    return c


def loop_zip(a, b):
    c = 0.0
    for x, y in zip(a, b, strict=True):
        c += x * y
    return c


def generator_sum(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def ladder_methods(a, b):
    """(name, function, arguments): the same dot product, written nine ways."""
    a_list, b_list = a.tolist(), b.tolist()  # Python floats
    a_obj, b_obj = a.astype(object), b.astype(object)  # NumPy arrays of Python floats
    return [
        ("for a[i], ndarray", loop_index, (a, b)),
        ("sum, ndarray", generator_sum, (a, b)),
        # converts both lists on every call
        ("np.dot(list, list)", np.dot, (a_list, b_list)),
        ("for a[i], list", loop_index, (a_list, b_list)),  # the seed's loop, on lists
        ("for x, y, list", loop_zip, (a_list, b_list)),
        ("sum, list", generator_sum, (a_list, b_list)),
        # a loop in C, but over Python float objects
        ("np.dot, object", np.dot, (a_obj, b_obj)),
        # two passes and a temporary array
        ("(a * b).sum()", lambda x, y: (x * y).sum(), (a, b)),
        ("np.dot", np.dot, (a, b)),
    ]


a_big, b_big = rng.random(N_LADDER), rng.random(N_LADDER)
ladder_results = {
    name: float(f(*args)) for name, f, args in ladder_methods(a_big, b_big)
}
# all the same number
ladder_spread = max(ladder_results.values()) - min(ladder_results.values())
ladder_spread_relative = ladder_spread / ladder_results["np.dot"]


# %% timing


def ladder(n=N_LADDER):
    a, b = a_big[:n], b_big[:n]
    return {
        name: median_seconds(f, *args) / n * 1e9
        for name, f, args in ladder_methods(a, b)
    }


def small(sizes=SMALL):
    """Nanoseconds per call for tiny vectors."""
    rows = {}
    warm = rng.random(1)
    for f, args in ((loop_index, (warm, warm)), (loop_zip, ([0.5], [0.5])),
                    (np.dot, (warm, warm)),
                    (torch.dot, (torch.from_numpy(warm), torch.from_numpy(warm)))):
        # untimed: the first timings of a process ran slow
        median_seconds(f, *args, repeats=1, target=0.02)
    for n in sizes:
        a, b = rng.random(n), rng.random(n)
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        a_list, b_list = a.tolist(), b.tolist()
        rows[n] = {"for a[i], ndarray": median_seconds(loop_index, a, b) * 1e9,
                   "for x, y, list": median_seconds(loop_zip, a_list, b_list) * 1e9,
                   "np.dot": median_seconds(np.dot, a, b) * 1e9,
                   "torch.dot": median_seconds(torch.dot, ta, tb) * 1e9}
    return rows


def crossover(rows, fast, slow):
    """Smallest n from which ``fast`` is faster than
    ``slow`` at that n and every larger n measured."""
    sizes = sorted(rows)
    for i, n in enumerate(sizes):
        if all(rows[m][fast] < rows[m][slow] for m in sizes[i:]):
            return n
    return f"> {sizes[-1]}"


# %% report
if __name__ == "__main__":
    # one BLAS thread, as in the build (which also sets OPENBLAS_NUM_THREADS=1)
    threadpool_limits(1)
    print(f"n = {N_LADDER}: the nine versions give the same dot product up to "
          f"{ladder_spread_relative:.1e} (relative)")
    per_element = ladder()
    tiny = small()
    base = per_element["np.dot"]
    TABLES = {
        "ladder": {"columns": ["method", "ns/n", "/np.dot"],
                   "rows": [[name, t, t / base] for name, t in per_element.items()]},
        "small": {"columns": ["n", "for a[i]", "for x, y", "np.dot", "torch.dot"],
                  "rows": [[n, *row.values()] for n, row in tiny.items()]},
    }
    VALUES = {
        "n_ladder": power(N_LADDER),
        "n_small_min": min(SMALL),
        "n_small_max": max(SMALL),
        "ladder_spread_relative": ladder_spread_relative,
        "ns_index": per_element["for a[i], ndarray"],
        "ns_index_list": per_element["for a[i], list"],
        "ns_zip": per_element["for x, y, list"],
        "ns_sum_list": per_element["sum, list"],
        "ns_dot_list": per_element["np.dot(list, list)"],
        "ns_object": per_element["np.dot, object"],
        "ns_temporary": per_element["(a * b).sum()"],
        "ns_np": base,
        "index_over_index_list": per_element["for a[i], ndarray"]
        / per_element["for a[i], list"],
        "dot_list_over_zip": per_element["np.dot(list, list)"]
        / per_element["for x, y, list"],
        "zip_over_object": per_element["for x, y, list"]
        / per_element["np.dot, object"],
        "object_over_np": per_element["np.dot, object"] / base,
        "temporary_over_np": per_element["(a * b).sum()"] / base,
        "np_call_ns_1": tiny[1]["np.dot"],
        "torch_call_ns_1": tiny[1]["torch.dot"],
        "zip_ns_1": tiny[1]["for x, y, list"],
        "index_ns_1": tiny[1]["for a[i], ndarray"],
        "cross_np_index": crossover(tiny, "np.dot", "for a[i], ndarray"),
        "cross_np_zip": crossover(tiny, "np.dot", "for x, y, list"),
        "cross_torch_index": crossover(tiny, "torch.dot", "for a[i], ndarray"),
        "cross_torch_zip": crossover(tiny, "torch.dot", "for x, y, list"),
    }
    TIMINGS = ["ladder", "small"] + [
        k
        for k in VALUES
        if k.startswith(("ns_", "cross_")) or "_over_" in k or "_ns_" in k
    ]
    for name in TIMINGS:
        print(f"{name}: {VALUES.get(name, TABLES.get(name))}", file=sys.stderr)
