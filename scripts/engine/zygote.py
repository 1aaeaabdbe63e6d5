"""The warm parent: import the heavy libraries once, then fork one child per snippet run.

Started by ``engine/pool.py`` as ``python scripts/engine/zygote.py '<modules as JSON>'``, in a
session of its own (Ctrl-C in the terminal reaches the build, which then stops the zygote).

It never runs a torch operation itself: a child forked after torch started its thread pools can
hang. It has one thread, and every child sets its own thread count.

Protocol, one JSON object per line:
    in  (stdin):  {"op": "run", "job": {...}}     fork a child for this job
                  {"op": "preload", "modules": [...]}
                  end of input                    kill what still runs, exit
    out (stdout): {"event": "ready", "seconds": s, "failed": [...]}
                  {"event": "started", "id": ..., "pid": ...}
                  {"event": "exited", "id": ..., "pid": ..., "code": n}   n < 0: killed by signal -n

Each child gets a session (and process group) of its own; when it exits, whatever it left
running in that group is killed before its exit is reported, so no orphan outlives a snippet.
"""

from __future__ import annotations

import ctypes
import importlib
import importlib.util
import json
import os
import select
import signal
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def _load_child_module():
    """``child.py`` under a name no snippet will ever import by accident."""
    spec = importlib.util.spec_from_file_location("_dlcards_child", Path(__file__).with_name("child.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def preload(modules: list[str]) -> list[str]:
    """Import each module (the ones that fail are the snippets' own business); return the failures."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - any import error is reported by the snippet's own run
            failed.append(name)
    if "matplotlib" in sys.modules:
        _quiet_matplotlib()
    return failed


def _quiet_matplotlib() -> None:
    """Headless backend, reproducible SVG ids, and a harmless ``plt.show()``."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "dl-cards"
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].show = lambda *args, **kwargs: None


class Zygote:
    def __init__(self, child_module):
        self.child = child_module
        self.running: dict[int, object] = {}  # pid -> job id
        self.pending = b""
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD wakes select()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _become_subreaper()

    def serve(self) -> None:
        while True:
            readable, _, _ = select.select([0, self.wake_r], [], [])
            if self.wake_r in readable:
                _drain(self.wake_r)
            self.reap()
            if 0 in readable and not self.read_commands():
                break
        self.stop_all()

    def read_commands(self) -> bool:
        """Handle every complete line on stdin; False at end of input."""
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return False
        self.pending += chunk
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            if line.strip():
                self.handle(json.loads(line))
        return True

    def handle(self, command: dict) -> None:
        if command["op"] == "preload":
            preload(command["modules"])
        elif command["op"] == "run":
            job = command["job"]
            pid = os.fork()
            if pid == 0:
                self._become_child(job)
            self.running[pid] = job["id"]
            emit({"event": "started", "id": job["id"], "pid": pid})

    def _become_child(self, job: dict) -> None:
        try:
            os.setsid()
            self.child.main(job)
        finally:
            os._exit(70)

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.running.pop(pid, None)
            if job is None:
                continue  # an orphan the snippet left behind, re-parented here
            _kill_group(pid)
            emit({"event": "exited", "id": job, "pid": pid, "code": os.waitstatus_to_exitcode(status)})

    def stop_all(self) -> None:
        for pid in list(self.running):
            _kill_group(pid)
        deadline = time.monotonic() + 5
        while self.running and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.01)


def emit(event: dict) -> None:
    data = (json.dumps(event) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _become_subreaper() -> None:
    """Orphans of a snippet come back to this process, which reaps them (no zombies)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main() -> None:
    start = time.perf_counter()
    failed = preload(json.loads(sys.argv[1]) if len(sys.argv) > 1 else [])
    child = _load_child_module()
    emit({"event": "ready", "seconds": time.perf_counter() - start, "failed": failed})
    Zygote(child).serve()


if __name__ == "__main__":
    main()
