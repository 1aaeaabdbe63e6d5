"""The memory cost of a vectorized expression: squared distances between every
pair of rows of A (n x d) and B (m x d). Broadcasting A[:, None, :] - B[None, :,
:] materializes an (n, m, d) array; the expansion |a|^2 + |b|^2 - 2 a.b needs
only (n, m) arrays; chunks of rows cap the memory of the broadcast version. Peak
memory from tracemalloc (NumPy reports its arrays to it), times as medians."""

import sys
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_limits
from vec_common import median_seconds

N, M, D = 500, 500, 64
CHUNK = 50  # rows of A per chunk
REPEATS = 5

rng = np.random.default_rng(0)
A = rng.standard_normal((N, D))
B = rng.standard_normal((M, D))


# %% distances
def broadcast(a, b):
    """Every difference at once: an (n, m, d) temporary."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


def expansion(a, b):
    """|a_i|^2 + |b_j|^2 - 2 a_i . b_j: a matrix product and (n, m) arrays only."""
    return (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2 * a @ b.T


def chunked(a, b, chunk=CHUNK):
    """The broadcast version on ``chunk`` rows of
    a at a time: (chunk, m, d) temporaries."""
    return np.concatenate(
        [broadcast(a[i : i + chunk], b) for i in range(0, len(a), chunk)]
    )


# %% peak
def peak_bytes(f, *args):
    """Largest memory NumPy held at once during
    the call, beyond what was allocated before."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    f(*args)
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return peak


METHODS = {"broadcast": broadcast, "expansion": expansion, "chunked": chunked}
reference = broadcast(A, B)
max_abs_diff = {
    name: float(np.abs(f(A, B) - reference).max()) for name, f in METHODS.items()
}
peaks = {name: peak_bytes(f, A, B) for name, f in METHODS.items()}
temporary_bytes = N * M * D * 8  # one (n, m, d) float64 array
output_bytes = N * M * 8




# %% report
if __name__ == "__main__":
    threadpool_limits(1)  # one BLAS thread, as in the build
    print(f"A {A.shape}, B {B.shape}: distances {reference.shape}")
    for name in METHODS:
        print(
            f"{name:>9}: peak {peaks[name] / 1e6:7.2f} MB, largest difference from "
            "broadcast "
            f"{max_abs_diff[name]:.1e}"
        )
    seconds = {name: median_seconds(f, A, B) for name, f in METHODS.items()}
    TABLES = {
        "memory": {
            "columns": ["method", "MB", "s", "×"],
            "rows": [
                [
                    name,
                    peaks[name] / 1e6,
                    seconds[name],
                    seconds[name] / seconds["expansion"],
                ]
                for name in METHODS
            ],
        }
    }
    VALUES = {"n": N, "m": M, "d": D, "chunk": CHUNK,
              "temporary_mb": temporary_bytes / 1e6, "output_mb": output_bytes / 1e6,
              "chunk_temporary_mb": CHUNK * M * D * 8 / 1e6,
              **{f"peak_mb_{k}": v / 1e6 for k, v in peaks.items()},
              **{f"diff_{k}": v for k, v in max_abs_diff.items()},
              "peak_ratio": peaks["broadcast"] / peaks["expansion"],
              **{f"t_{k}": v for k, v in seconds.items()},
              "slowdown_broadcast": seconds["broadcast"] / seconds["expansion"],
              "slowdown_chunked": seconds["chunked"] / seconds["expansion"]}
    TIMINGS = ["memory"] + [k for k in VALUES if k.startswith(("t_", "slowdown_"))]
    for name in TIMINGS:
        print(f"{name}: {VALUES.get(name, TABLES.get(name))}", file=sys.stderr)
