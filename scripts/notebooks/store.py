"""Executed notebooks on disk, in ``.cache/notebooks/<key>.ipynb`` (beside the snippet results).

The key hashes what decides the outputs: the notebook's code cells (the snippet and module sources
in them, in order), the code that executes them, and the versions of Python, the libraries and the
kernel. Prose does not count: a card's languages share one run, and an edit of the text runs
nothing. A warm build executes nothing. Written atomically.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path

import nbformat

from scripts.config import Project
from scripts.store.keys import environment_fingerprint

EXECUTE_CODE = Path(__file__).with_name("execute.py")
KERNEL_LIBRARIES = ("ipykernel", "nbclient", "matplotlib-inline")


def code_key(notebook: nbformat.NotebookNode) -> str:
    digest = hashlib.sha256(environment_fingerprint().encode())
    for name in KERNEL_LIBRARIES:
        digest.update(f"{name}={_version(name)}".encode())
    digest.update(EXECUTE_CODE.read_bytes())
    for cell in code_cells(notebook):
        digest.update(cell.source.encode() + b"\0")
    return digest.hexdigest()[:24]


def code_cells(notebook: nbformat.NotebookNode) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def folder(project: Project) -> Path:
    return project.cache_dir.parent / "notebooks"


def load(key: str, project: Project) -> nbformat.NotebookNode | None:
    path = folder(project) / f"{key}.ipynb"
    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return None


def save(key: str, notebook: nbformat.NotebookNode, project: Project) -> Path:
    target = folder(project) / f"{key}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        nbformat.write(notebook, file)
    os.replace(temporary, target)
    return target
