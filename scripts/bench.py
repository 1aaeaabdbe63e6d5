"""Benchmark: cold and warm ``build`` against a bare ``mkdocs build``, on this machine.

    python -m scripts.bench        (or: make bench)

Cold uses an empty temporary cache, so every snippet runs; warm repeats it with that cache.
Timings are wall-clock seconds and name the machine they were measured on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.store import machine_name


def _timed(command: list[str], environment: dict) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, env=environment)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{run.stdout}\n{run.stderr}")
    return seconds, run.stdout + run.stderr


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        environment = {**os.environ, "DLCARDS_CACHE_DIR": work, "NO_MKDOCS_2_WARNING": "1"}
        site = str(Path(work) / "site")
        build = [sys.executable, "-m", "scripts.build", "build", "--site-dir", site]
        rows = []
        for label in ("cold build", "warm build"):
            seconds, output = _timed(build, environment)
            executed = re.search(r"(\d+) executed", output)
            rows.append((label, seconds, executed.group(1) if executed else "?"))
        bare = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", site]
        rows.append(("bare mkdocs build", _timed(bare, environment)[0], "-"))
    print(f"machine: {machine_name()}")
    print(f"{'what':<20}{'seconds':>9}{'snippets run':>15}")
    for label, seconds, executed in rows:
        print(f"{label:<20}{seconds:>9.2f}{executed:>15}")


if __name__ == "__main__":
    main()
