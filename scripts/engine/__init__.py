"""Execute stage: run snippets in forked children of one warm process, safely, in parallel.

    pool.py      the build's handle on the zygote (started once per build process)
    zygote.py    the warm parent: imports numpy, torch, matplotlib once; forks a child per run
    child.py     inside a child: isolation, limits, the snippet run as __main__, its results
    schedule.py  N children at a time, timed snippets alone, deadlines, Ctrl-C
    outcome.py   a finished child's files and exit code -> one Result, crashes in words
    limits.py    what a run may use, from defaults, the environment and the snippet itself
    machine.py   names the machine timings were measured on

``run`` is the whole stage: give it (snippet, cache key) pairs, get one ``Result`` each.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scripts import source
from scripts.engine import pool as pools
from scripts.engine.machine import machine_name
from scripts.engine.schedule import Job, run_jobs
from scripts.result import Result, SnippetError

if TYPE_CHECKING:  # config imports engine.limits: no import cycle at run time
    from scripts.config import Project


def run(jobs: list[tuple[Path, str]], project: Project,
        on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run each (snippet, key) in its own child; results in the order asked.

    ``on_result`` gets each result the moment its child ends (the pipeline stores it then, so
    Ctrl-C loses nothing that finished)."""
    if not jobs:
        return []
    prepared = [_job(snippet, key, project) for snippet, key in jobs]
    modules = sorted({m for job in prepared for m in source.third_party_imports(job.snippet, (project.snippets_dir,))})
    pool = pools.shared(modules)
    from tqdm import tqdm  # only when something runs

    results: dict[str, Result] = {}
    with tqdm(total=len(prepared), unit="snippet", desc="snippets", disable=None, leave=False,
              file=sys.stderr, dynamic_ncols=True) as bar:
        def finished(result: Result) -> None:
            results[result.key] = result
            bar.set_postfix_str(result.snippet, refresh=False)
            bar.update()
            if on_result:
                on_result(result)

        run_jobs(pool, prepared, project.workers, project.root, machine_name(), finished)
    return [results[key] for _, key in jobs]


def _job(snippet: Path, key: str, project: Project) -> Job:
    snippet = snippet.resolve()
    limits, problems = project.limits.for_snippet(snippet)
    problem = None
    if problems:
        first = problems[0]
        problem = SnippetError("BuildSetting", first.message, str(first.path), first.line)
    name = snippet.relative_to(project.snippets_dir.resolve()).as_posix() \
        if snippet.is_relative_to(project.snippets_dir.resolve()) else snippet.name
    return Job(snippet, name, key, limits, timed=source.measures_time(snippet), problem=problem)


def warm_up() -> None:
    """Start the pool now (``make serve``), so that the first edited snippet runs at once."""
    pools.shared([])


def shutdown() -> None:
    pools.close_shared()
