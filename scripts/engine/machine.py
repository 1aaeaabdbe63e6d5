"""Names the machine that measured a snippet's timings: CPU model, cores, Python, PyTorch."""

from __future__ import annotations

import os
import platform
import sys
from functools import cache
from importlib import metadata
from pathlib import Path


@cache
def machine_name() -> str:
    try:
        torch = f", PyTorch {metadata.version('torch')}"
    except metadata.PackageNotFoundError:
        torch = ""
    return (f"{_cpu_model()}, {os.cpu_count()} CPUs ({platform.machine()}), "
            f"Python {sys.version.split()[0]}{torch}")


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.node()
