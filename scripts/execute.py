"""Execute stage: run each snippet in its own fresh interpreter, with a timeout.

A fresh ``python scripts/runner.py`` per snippet means no shared globals between snippets
and no fork after torch has started its thread pools. Each child is limited to one
compute thread, so two children fit the two cores and results do not depend on the
thread count. A snippet that measures time (it defines ``TIMINGS``) runs after the others,
alone, so that no other snippet competes with it for the CPU.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scripts.config import Project
from scripts.result import Result, SnippetError
from scripts.store import RUNNER, machine_name

CHILD_ENVIRONMENT = {
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONIOENCODING": "utf-8",
}


def run_snippet(snippet: Path, key: str, project: Project) -> Result:
    """Run one snippet in a child process and return its structured result."""
    name = project.relative(snippet).removeprefix("snippets/")
    with tempfile.TemporaryDirectory(prefix="dlcards-") as workdir:
        output = Path(workdir) / "result.json"
        try:
            child = subprocess.run(
                [sys.executable, str(RUNNER), str(snippet.resolve()), str(output)],
                cwd=workdir,
                env={**os.environ, **CHILD_ENVIRONMENT},
                capture_output=True,
                text=True,
                timeout=project.timeout,
            )
        except subprocess.TimeoutExpired:
            return _failed(name, key, snippet, "Timeout", f"did not finish in {project.timeout:g} s")
        if not output.is_file():
            tail = (child.stderr or "").strip().splitlines()[-5:]
            return _failed(name, key, snippet, "Crash",
                           f"exited with code {child.returncode}: " + " | ".join(tail))
        data = json.loads(output.read_text(encoding="utf-8"))
    error = SnippetError(**data["error"]) if data["error"] else None
    return Result(
        snippet=name,
        key=key,
        ok=data["ok"],
        stdout=data["stdout"],
        stderr=data["stderr"],
        figures=tuple(data["figures"]),
        values=data["values"],
        tables=data["tables"],
        timings=tuple(data["timings"]),
        duration=data["duration"],
        machine=machine_name(),
        error=error,
    )


def run_many(jobs: Iterable[tuple[Path, str]], project: Project) -> list[Result]:
    """Run (snippet, key) pairs, ``project.workers`` at a time, in the given order; snippets
    that measure time run afterwards, one by one, with the machine otherwise idle."""
    jobs = list(jobs)
    timed = {job for job in jobs if measures_time(job[0])}
    shared = [job for job in jobs if job not in timed]
    with ThreadPoolExecutor(max_workers=max(1, project.workers)) as pool:
        results = dict(zip(shared, pool.map(lambda job: run_snippet(*job, project), shared), strict=True))
    results.update((job, run_snippet(*job, project)) for job in jobs if job in timed)
    return [results[job] for job in jobs]


def measures_time(snippet: Path) -> bool:
    """Whether the snippet assigns ``TIMINGS`` anywhere (read from its source, not run)."""
    try:
        tree = ast.parse(snippet.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.Name) and node.id == "TIMINGS" and isinstance(node.ctx, ast.Store)
               for node in ast.walk(tree))


def _failed(name: str, key: str, snippet: Path, kind: str, message: str) -> Result:
    error = SnippetError(type=kind, message=message, file=str(snippet.resolve()), line=1)
    return Result(snippet=name, key=key, ok=False, error=error, machine=machine_name())
