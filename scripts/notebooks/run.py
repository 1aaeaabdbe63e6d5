"""The notebook stage for a whole site: compose every card's notebooks, execute what the cache lacks.

A card's notebooks (one per language) have the same code cells, since both pages use the same
snippets in the same order (the build's parity check): they share one execution, and each language
gets its own prose around the same outputs. Cards run two at a time, each in its own kernel.
"""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from scripts import inject
from scripts.collect import Page
from scripts.notebooks import store
from scripts.notebooks.compose import compose
from scripts.notebooks.execute import NotebookFailed, execute
from scripts.problems import Problem


def executed_notebooks(pages: list[Page], context: inject.Context, workers: int = 2,
                       ) -> tuple[dict[Path, nbformat.NotebookNode], dict[Path, Problem], int]:
    """(card page -> its executed notebook, card page -> why its notebook failed, runs needed)."""
    project = context.project
    composed = {page.path: compose(page, context) for page in pages if page.is_card}
    runs: dict[str, tuple[Path, nbformat.NotebookNode]] = {}
    for path, notebook in composed.items():
        key = store.code_key(notebook)
        if key not in runs and store.load(key, project) is None:
            runs[key] = (path, notebook)

    def run(item: tuple[str, tuple[Path, nbformat.NotebookNode]]) -> tuple[str, Problem | None]:
        key, (path, notebook) = item
        try:
            store.save(key, execute(copy.deepcopy(notebook), path, project.snippets_dir, project.limits.timeout),
                       project)
        except NotebookFailed as failure:
            return key, failure.problem
        return key, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        failed = {key: problem for key, problem in pool.map(run, runs.items()) if problem}
    notebooks, failures = {}, {}
    for path, notebook in composed.items():
        key = store.code_key(notebook)
        executed = None if key in failed else store.load(key, project)
        if executed is not None:
            notebooks[path] = with_outputs(notebook, executed)
        elif key in failed:
            failures[path] = failed[key]
    return notebooks, failures, len(runs)


def with_outputs(notebook: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` (one language's prose) with the outputs of ``executed`` (same code cells)."""
    result = copy.deepcopy(notebook)
    for cell, done in zip(store.code_cells(result), store.code_cells(executed), strict=True):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    return result
