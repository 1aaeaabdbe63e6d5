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
    composed = compose_all(pages, context)
    runs = missing(composed, context.project)
    failed = run_all(runs, context.project, workers)
    notebooks, failures = assemble(composed, failed, context.project)
    return notebooks, failures, len(runs)


def compose_all(pages: list[Page], context: inject.Context) -> dict[Path, nbformat.NotebookNode]:
    return {page.path: compose(page, context) for page in pages if page.is_card}


def missing(composed: dict[Path, nbformat.NotebookNode], project) -> dict[str, tuple[Path, nbformat.NotebookNode]]:
    """The runs the cache lacks: one per distinct set of code cells (a card's languages share it)."""
    runs: dict[str, tuple[Path, nbformat.NotebookNode]] = {}
    for path, notebook in composed.items():
        key = store.code_key(notebook)
        if key not in runs and store.load(key, project) is None:
            runs[key] = (path, notebook)
    return runs


def run_all(runs: dict[str, tuple[Path, nbformat.NotebookNode]], project, workers: int = 2) -> dict[str, Problem]:
    """Execute and store each run, ``workers`` kernels at a time; the problems of those that failed."""

    def run(item: tuple[str, tuple[Path, nbformat.NotebookNode]]) -> tuple[str, Problem | None]:
        key, (path, notebook) = item
        try:
            store.save(key, execute(copy.deepcopy(notebook), path, project.snippets_dir, project.limits.timeout),
                       project)
        except NotebookFailed as failure:
            return key, failure.problem
        return key, None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {key: problem for key, problem in pool.map(run, runs.items()) if problem}


def assemble(composed: dict[Path, nbformat.NotebookNode], failed: dict[str, Problem], project,
             ) -> tuple[dict[Path, nbformat.NotebookNode], dict[Path, Problem]]:
    """Each page's notebook with the outputs of its (cached) run, or the problem of its run."""
    notebooks, failures = {}, {}
    for path, notebook in composed.items():
        key = store.code_key(notebook)
        if key in failed:
            failures[path] = failed[key]
        elif (executed := store.load(key, project)) is not None:
            notebooks[path] = with_outputs(notebook, executed)
    return notebooks, failures


def with_outputs(notebook: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` (one language's prose) with the outputs of ``executed`` (same code cells)."""
    result = copy.deepcopy(notebook)
    for cell, done in zip(store.code_cells(result), store.code_cells(executed), strict=True):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    return result
