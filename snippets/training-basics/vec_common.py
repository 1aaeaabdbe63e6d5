"""Helpers shared by the timed snippets of the Vectorization card."""

import math
import statistics
import time
from pathlib import Path

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def median_seconds(f, *args, repeats=5, target=0.004):
    """Median time of one call of ``f(*args)``
    over ``repeats`` timings (time.perf_counter).

    A first call sizes the timings: calls are grouped so that one timing
    lasts about ``target`` seconds (a single call of a few hundred
    nanoseconds is too short to time alone). One untimed group of calls warms
    up first: the first group measured after other work came out slower."""
    start = time.perf_counter()
    f(*args)
    once = time.perf_counter() - start
    calls = max(1, math.ceil(target / max(once, 1e-9)))
    # warm-up (a slow call was warm-up enough)
    for _ in range(calls if once < target else 0):
        f(*args)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            f(*args)
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def power(n: int) -> str:
    """10000 -> '10⁴', 30000 -> '3·10⁴': sizes
    written the same way in every language."""
    exponent = len(str(n)) - 1
    mantissa, rest = divmod(n, 10**exponent)
    if rest:
        return str(n)
    head = "" if mantissa == 1 else f"{mantissa}·"
    return f"{head}10{str(exponent).translate(SUPERSCRIPT)}"


def cache_bytes():
    """L2 and L3 sizes of CPU 0 as Linux reports them (None where it does not)."""
    sizes = {}
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            level = int((index / "level").read_text())
            text = (index / "size").read_text().strip()
        except (OSError, ValueError):
            continue
        unit = {"K": 2**10, "M": 2**20, "G": 2**30}.get(text[-1], 1)
        sizes[level] = int(text.rstrip("KMG")) * unit
    return sizes.get(2), sizes.get(3)


def where(nbytes, l2, l3):
    """Which cache level ``nbytes`` fit in: "≤ L2", "≤
    L3" or "> L3" ("?" when the sizes are unknown)."""
    if l2 and nbytes <= l2:
        return "≤ L2"
    if l3 and nbytes <= l3:
        return "≤ L3"
    return "> L3" if l3 else "?"
