"""Run a composed notebook top to bottom in a fresh kernel, the way a reader would.

The kernel starts in an empty temporary folder (the ``%%writefile`` cells put the snippets' local
modules there), with one compute thread and no network-dependent state; each cell has a time
limit. A cell that fails stops the run: ``NotebookFailed`` names the card, the cell and, for a
snippet's cell, the snippet file and line where the error was raised.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from scripts.problems import Problem

THREADS_ONE = {name: "1" for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}
CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(Exception):
    """A notebook did not run to the end; ``problem`` names file and line."""

    def __init__(self, problem: Problem):
        super().__init__(f"{problem.path}:{problem.line}: {problem.message}")
        self.problem = problem


def execute(notebook: nbformat.NotebookNode, card: Path, snippets_dir: Path,
            cell_timeout: float = 120.0) -> nbformat.NotebookNode:
    """``notebook`` with its outputs, run in a fresh kernel; raises ``NotebookFailed``."""
    environment = {**os.environ, **THREADS_ONE, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="dlcards-notebook-") as folder:
        client = NotebookClient(notebook, timeout=cell_timeout, kernel_name="python3",
                                resources={"metadata": {"path": folder}}, allow_errors=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"])  # no transport notice
        try:
            client.execute(env=environment, cwd=folder, stderr=subprocess.DEVNULL)  # cell errors are in the notebook
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            raise NotebookFailed(_problem(notebook, card, snippets_dir, error)) from None
    return notebook


def _problem(notebook: nbformat.NotebookNode, card: Path, snippets_dir: Path, error: Exception) -> Problem:
    """Where the run stopped: the failing cell's snippet and line when it has one, else the card."""
    index, cell = _failed_cell(notebook)
    summary = _summary(cell, error)
    where = f"notebook cell {index + 1}" if index is not None else "notebook"
    snippet = (cell or {}).get("metadata", {}).get("dlcards", {}).get("snippet") if cell else None
    if snippet:
        lines = [int(n) for n in CELL_LINE.findall(ANSI.sub("", _traceback(cell)))]
        offset = 1 if cell["source"].startswith("%%writefile") else 0
        line = (lines[0] - offset) if lines else 1
        return Problem(snippets_dir / snippet, max(line, 1), f"{where} of {card.name} failed: {summary}")
    return Problem(card, 1, f"{where} failed: {summary}")


def _failed_cell(notebook: nbformat.NotebookNode) -> tuple[int | None, dict | None]:
    """The last cell that has an error output, or the first code cell without outputs after a run."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index, cell
    executed = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.get("execution_count")]
    following = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and i > max(executed, default=-1)]
    return (following[0], notebook.cells[following[0]]) if following else (None, None)


def _traceback(cell: dict) -> str:
    return "\n".join("\n".join(o.get("traceback", [])) for o in cell.get("outputs", [])
                     if o.get("output_type") == "error")


def _summary(cell: dict | None, error: Exception) -> str:
    for output in (cell or {}).get("outputs", []):
        if output.get("output_type") == "error":
            return f"{output.get('ename')}: {output.get('evalue')}"
    if isinstance(error, CellTimeoutError):
        return "a cell ran past its time limit"
    return ANSI.sub("", str(error)).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
