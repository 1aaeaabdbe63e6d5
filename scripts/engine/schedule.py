"""Keep the cores busy: start children from the pool, watch their deadlines, collect their ends.

Snippets that measure time (they define ``TIMINGS``) run last, one at a time, with nothing else
running. A child past its deadline first gets SIGUSR1 (faulthandler writes where it is stuck),
then its whole process group is killed. Ctrl-C kills every running child, and the results that
had finished are already in the caller's hands (``on_result`` is called as each one ends).
"""

from __future__ import annotations

import itertools
import os
import queue
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scripts.engine.limits import Limits
from scripts.engine.outcome import Finished, result_of
from scripts.engine.pool import Pool
from scripts.result import Result, SnippetError

DUMP_GRACE = 0.3  # seconds faulthandler gets to write the stack of a snippet out of time
_ids = itertools.count(1)  # unique per process: a late event of an earlier run is never mistaken


@dataclass
class Job:
    """One snippet to run."""

    snippet: Path
    name: str  # relative to snippets/
    key: str
    limits: Limits
    timed: bool = False  # it measures time: run it alone
    problem: SnippetError | None = None  # set when it cannot run at all (bad build setting)


@dataclass
class _Running:
    job: Job
    workdir: Path
    deadline: float
    pid: int | None = None
    timed_out: bool = False


def run_jobs(pool: Pool, jobs: list[Job], workers: int, root: Path, machine: str,
             on_result: Callable[[Result], None]) -> None:
    """Run every job; ``on_result`` receives each result as soon as its child ends."""
    pending = deque(sorted(jobs, key=lambda job: job.timed))  # stable: untimed first, in order
    running: dict[int, _Running] = {}
    scratch = Path(tempfile.mkdtemp(prefix="dlcards-run-"))
    try:
        while pending or running:
            while pending and _may_start(pending[0], running, workers):
                job = pending.popleft()
                if job.problem is not None:
                    on_result(Result(job.name, job.key, ok=False, error=job.problem, machine=machine))
                    continue
                number = next(_ids)
                running[number] = _start(pool, job, number, scratch, root)
            if running and not _wait_for_one(pool, running, machine, on_result):
                for run in running.values():
                    _kill(run)  # orphans of the dead zygote: nobody else will stop them
                _runner_gone(pool, [run.job for run in running.values()] + list(pending), machine, on_result)
                return
    except BaseException:  # Ctrl-C or a broken pool: nothing may outlive the build
        for run in running.values():
            _kill(run)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _may_start(job: Job, running: dict[int, _Running], workers: int) -> bool:
    if any(run.job.timed for run in running.values()):
        return False
    return not running if job.timed else len(running) < max(1, workers)


def _start(pool: Pool, job: Job, number: int, scratch: Path, root: Path) -> _Running:
    workdir = scratch / str(number)
    (workdir / "cwd").mkdir(parents=True)
    pool.run({"id": number, "snippet": str(job.snippet), "workdir": str(workdir), "root": str(root),
              "limits": job.limits.to_dict()})
    return _Running(job, workdir, deadline=time.monotonic() + job.limits.timeout)


def _wait_for_one(pool: Pool, running: dict[int, _Running], machine: str,
                  on_result: Callable[[Result], None]) -> bool:
    """Handle the next event from the pool, or the next deadline, whichever comes first;
    False when the pool itself has gone."""
    soonest = min(run.deadline for run in running.values() if not run.timed_out) \
        if any(not run.timed_out for run in running.values()) else time.monotonic() + 1
    try:
        event = pool.events.get(timeout=max(0.0, soonest - time.monotonic()))
    except queue.Empty:
        event = None
    if event is None:
        for run in running.values():
            if not run.timed_out and time.monotonic() >= run.deadline and run.pid:
                run.timed_out = True
                _kill(run, dump=True)
    elif event["event"] == "started" and event["id"] in running:
        running[event["id"]].pid = event["pid"]
    elif event["event"] == "exited" and event["id"] in running:
        run = running.pop(event["id"])
        on_result(result_of(Finished(run.job.snippet, run.job.name, run.job.key, run.workdir, event["code"],
                                     run.job.limits, run.timed_out, machine)))
        shutil.rmtree(run.workdir, ignore_errors=True)
    elif event["event"] == "gone":
        return False
    return True


def _runner_gone(pool: Pool, jobs: list[Job], machine: str, on_result: Callable[[Result], None]) -> None:
    """The zygote died (killed by the system or by a snippet): every unfinished snippet fails, saying so."""
    code = pool.process.wait()
    for job in jobs:
        error = SnippetError("RunnerStopped", f"the process that runs snippets (scripts/engine/zygote.py) ended "
                             f"with code {code} before this snippet finished; run the build again",
                             str(job.snippet), 1)
        on_result(Result(job.name, job.key, ok=False, error=error, machine=machine))


def _kill(run: _Running, dump: bool = False) -> None:
    """Kill the child's whole process group; with ``dump``, first ask for its stack."""
    if run.pid is None:
        return
    try:
        if dump:
            os.kill(run.pid, signal.SIGUSR1)
            time.sleep(DUMP_GRACE)
        os.killpg(run.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
