"""Under ``make serve``: notebooks run in the background.

A saved snippet reaches its card page without waiting for the card's kernel: the notebook pages
whose run is missing say that it is running, the runs go on in a thread, and when they end a
stamp file in a folder the server watches changes, so the server rebuilds and the pages show the
new runs (the browser reloads by itself). A run that failed is remembered, not run again, until
its code cells change; its page shows the error.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import nbformat

from scripts import inject
from scripts.collect import Page
from scripts.notebooks import store
from scripts.notebooks.run import assemble, compose_all, missing, run_all
from scripts.problems import Problem

_lock = threading.Lock()
_running: set[str] = set()
_failed: dict[str, Problem] = {}


def stamp_folder(project) -> Path:
    """The folder ``make serve`` watches: a change in it means notebook runs ended."""
    return store.folder(project) / "ready"


def notebooks_while_serving(pages: list[Page], context: inject.Context,
                            ) -> tuple[dict[Path, nbformat.NotebookNode], dict[Path, Problem], set[Path]]:
    """(notebooks ready, failures, card pages whose notebook is running); starts what must run."""
    project = context.project
    composed = compose_all(pages, context)
    runs = missing(composed, project)
    failed = {key: problem for key, problem in _failed.items() if key in runs}
    pending = {key: run for key, run in runs.items() if key not in failed}
    notebooks, failures = assemble(composed, failed, project)
    running = {path for path, notebook in composed.items() if store.code_key(notebook) in pending}
    _start(pending, project)
    return notebooks, failures, running


def _start(pending: dict, project) -> None:
    with _lock:
        todo = {key: run for key, run in pending.items() if key not in _running}
        _running.update(todo)
    if todo:
        threading.Thread(target=_run, args=(todo, project), daemon=True, name="dlcards-notebooks").start()


def _run(todo: dict, project) -> None:
    try:
        _failed.update(run_all(todo, project))
    finally:
        with _lock:
            _running.difference_update(todo)
        folder = stamp_folder(project)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "stamp").write_text(f"{time.time()}\n", encoding="utf-8")  # the server rebuilds
