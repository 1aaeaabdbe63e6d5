"""How much of np.dot's speed is SIMD? The same OpenBLAS library, forced to
use its kernels for older CPUs with narrower vector registers (environment
variable OPENBLAS_CORETYPE, read when NumPy loads, hence one fresh Python
process per kernel), timed on vectors in cache and in main memory.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from vec_common import cache_bytes, power, where

# requested kernel family -> float64 values in one vector register of that CPU family
# SSE3 (128 bit), AVX2 (256), AVX-512 (512)
KERNELS = {"Prescott": 2, "Haswell": 4, "SkylakeX": 8}
SIZES = (3 * 10**4, 10**6, 10**7)  # both vectors: 0.48 MB, 16 MB, 160 MB
REPEATS = 5
# the seed's analogy: "suppose the computer can do up to 1000 multiplications at once"
SEED_PARALLEL = 1000
# instruction-set flag in /proc/cpuinfo -> register bits
FLAGS = {"sse2": 128, "avx2": 256, "avx512f": 512}


def cpu_flags(text=None):
    """Which of FLAGS this CPU reports in
    /proc/cpuinfo (Linux), in the order of FLAGS."""
    if text is None:
        try:
            text = Path("/proc/cpuinfo").read_text()
        except OSError:
            return []
    found = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            found.update(line.split(":", 1)[1].split())
    return [flag for flag in FLAGS if flag in found]


# %% child
CHILD = r"""
import json, sys
folder, sizes, repeats = json.loads(sys.argv[1])
sys.path.insert(0, folder)
import numpy as np
from threadpoolctl import threadpool_info
from vec_common import median_seconds

a, b = np.full(max(sizes), 0.5), np.full(max(sizes), 2.0)
ns = {n: median_seconds(np.dot, a[:n], b[:n], repeats=repeats) / n * 1e9 for n in sizes}
kernel = [i.get("architecture") for i in threadpool_info()
          if i.get("internal_api") == "openblas"]
print(json.dumps({"ns": ns, "kernel": kernel[0] if kernel else "?",
                  "check": float(np.dot(a, b))}))
"""


def run(kernel=None, sizes=SIZES, repeats=REPEATS):
    """ns per element of np.dot in a fresh process using
    ``kernel`` (None: the library's own choice)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    env.pop("OPENBLAS_CORETYPE", None)
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    arguments = json.dumps([str(Path(__file__).resolve().parent), list(sizes), repeats])
    done = subprocess.run([sys.executable, "-c", CHILD, arguments], env=env,
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    result["ns"] = {int(n): t for n, t in result["ns"].items()}
    return result


# %% report
if __name__ == "__main__":
    runs = {name: run(name) for name in KERNELS}
    runs["auto"] = run(None)  # no OPENBLAS_CORETYPE: the library picks by itself
    checks = {r["check"] for r in runs.values()}
    print(f"kernels tried: {', '.join(KERNELS)} and the library's default")
    print(f"every kernel gives the same dot product: {len(checks) == 1}")
    # ns per element, one column per kernel
    TABLES = {
        "simd": {
            "columns": ["n", "MB", *runs],
            "rows": [
                [power(n), 16 * n / 1e6, *(r["ns"][n] for r in runs.values())]
                for n in SIZES
            ],
        }
    }
    narrow, wide = runs["Prescott"]["ns"], runs["Haswell"]["ns"]
    widest = runs["SkylakeX"]["ns"]
    n_cache, n_l3, n_memory = SIZES
    l2, l3 = cache_bytes()
    flags = cpu_flags()
    VALUES = {"seed_parallel": SEED_PARALLEL, "bits_narrow": 64 * KERNELS["Prescott"],
              "bits_wide": 64 * KERNELS["Haswell"],
              "bits_widest": 64 * KERNELS["SkylakeX"],
              "lanes_narrow": KERNELS["Prescott"], "lanes_wide": KERNELS["Haswell"],
              "lanes_widest": KERNELS["SkylakeX"], "n_cache": power(n_cache),
              "n_l3": power(n_l3), "n_memory": power(n_memory),
              "mb_cache": 16 * n_cache / 1e6, "mb_l3": 16 * n_l3 / 1e6,
              "mb_memory": 16 * n_memory / 1e6, "same_result": str(len(checks) == 1),
              "cpu_flags": " ".join(flags) or "?",
              "widest_register_bits": max((FLAGS[f] for f in flags), default="?"),
              "where_cache": where(16 * n_cache, l2, l3),
              "where_memory": where(16 * n_memory, l2, l3),
              "ns_narrow_cache": narrow[n_cache], "ns_wide_cache": wide[n_cache],
              "ns_widest_cache": widest[n_cache], "ns_narrow_l3": narrow[n_l3],
              "ns_wide_l3": wide[n_l3], "ns_widest_l3": widest[n_l3],
              "ns_narrow_memory": narrow[n_memory], "ns_wide_memory": wide[n_memory],
              "ns_widest_memory": widest[n_memory],
              "gain_wide_cache": narrow[n_cache] / wide[n_cache],
              "gain_widest_cache": narrow[n_cache] / widest[n_cache],
              "gain_widest_l3": narrow[n_l3] / widest[n_l3],
              "gain_wide_memory": narrow[n_memory] / wide[n_memory],
              "gain_widest_memory": narrow[n_memory] / widest[n_memory],
              "auto_kernel": runs["auto"]["kernel"],
              "reported_narrow": runs["Prescott"]["kernel"],
              "reported_wide": runs["Haswell"]["kernel"],
              "reported_widest": runs["SkylakeX"]["kernel"]}
    TIMINGS = ["simd"] + [k for k in VALUES if k.startswith(("ns_", "gain_", "auto_",
                                                             "reported_", "cpu_",
                                                             "widest_", "where_"))]
    for name in TIMINGS:
        print(f"{name}: {VALUES.get(name, TABLES.get(name))}", file=sys.stderr)
