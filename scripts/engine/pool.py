"""The build's handle on the zygote process: start it, send it jobs, receive its events.

One pool serves the whole build process (and every rebuild under ``make serve``): the libraries
are imported once, when the first snippet needs running, and stay imported until the build ends.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

ZYGOTE = Path(__file__).with_name("zygote.py")
BASE_PRELOAD = ("numpy", "torch", "matplotlib", "matplotlib.pyplot")
CHILD_ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONFAULTHANDLER": "",
}


class Pool:
    """A running zygote: ``send`` commands, read ``events`` (a queue of dicts)."""

    def __init__(self, modules: list[str]):
        self.modules = set(modules)
        environment = {k: v for k, v in {**os.environ, **CHILD_ENVIRONMENT}.items() if v}
        self.process = subprocess.Popen(
            [sys.executable, str(ZYGOTE), json.dumps(sorted(self.modules))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment,
            start_new_session=True,  # Ctrl-C reaches the build, which stops the zygote itself
        )
        self.events: queue.Queue[dict] = queue.Queue()
        self.ready = threading.Event()
        self.import_seconds = 0.0
        threading.Thread(target=self._read_events, daemon=True, name="zygote-events").start()
        atexit.register(self.close)

    def _read_events(self) -> None:
        for line in self.process.stdout:
            event = json.loads(line)
            if event["event"] == "ready":
                self.import_seconds = event["seconds"]
                self.ready.set()
            else:
                self.events.put(event)
        self.ready.set()
        self.events.put({"event": "gone"})

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def preload(self, modules: list[str]) -> None:
        """Import these too, in the zygote, before the next fork."""
        new = sorted(set(modules) - self.modules)
        if new:
            self.modules.update(new)
            self.send({"op": "preload", "modules": new})

    def run(self, job: dict) -> None:
        self.send({"op": "run", "job": job})

    def send(self, command: dict) -> None:
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        self.process.stdin.flush()

    def close(self) -> None:
        """End of input: the zygote kills what still runs and exits."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


_shared: Pool | None = None


def shared(modules: list[str]) -> Pool:
    """The process-wide pool, started (or restarted) on first need, with these modules preloaded."""
    global _shared
    if _shared is None or not _shared.alive:
        _shared = Pool(sorted({*BASE_PRELOAD, *modules}))
    else:
        _shared.preload(modules)
    return _shared


def close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None
