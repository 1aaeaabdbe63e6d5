"""Store stage: results cached under a content hash, never a modification time.

The key of a snippet hashes its source, the source of every local module it imports
(recursively, found by reading its ``import`` statements), the runner, and the versions
of Python, NumPy, PyTorch and Matplotlib. An unchanged snippet is therefore never run
twice, and one stored result serves every language of every page that uses it.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

from scripts.config import Project
from scripts.result import Result

RUNNER = Path(__file__).with_name("runner.py")
LIBRARIES = ("numpy", "torch", "matplotlib", "scikit-learn")


@cache
def environment_fingerprint() -> str:
    """Interpreter and library versions that can change a snippet's output."""
    versions = [f"python={platform.python_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=absent")
    return ";".join(versions)


def local_imports(path: Path, search_dirs: tuple[Path, ...]) -> set[Path]:
    """Local modules a snippet imports, directly or through each other."""
    found: set[Path] = set()
    pending = [path]
    while pending:
        source = pending.pop()
        for module in _imported_names(source):
            candidate = _resolve(module, (source.parent, *search_dirs))
            if candidate and candidate not in found and candidate != path:
                found.add(candidate)
                pending.append(candidate)
    return found


def _imported_names(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError:
        return set()  # the run reports the syntax error with its line
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _resolve(module: str, dirs: tuple[Path, ...]) -> Path | None:
    relative = Path(*module.split("."))
    for folder in dirs:
        for candidate in (folder / relative.with_suffix(".py"), folder / relative / "__init__.py"):
            if candidate.is_file():
                return candidate.resolve()
    return None


def cache_key(snippet: Path, project: Project) -> str:
    """Content hash of everything that decides the snippet's result."""
    digest = hashlib.sha256()
    digest.update(environment_fingerprint().encode())
    digest.update(RUNNER.read_bytes())
    files = [snippet.resolve(), *sorted(local_imports(snippet.resolve(), (project.snippets_dir,)))]
    for file in files:
        digest.update(project.relative(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _file(key: str, project: Project) -> Path:
    return project.cache_dir / f"{key}.json"


def load(key: str, project: Project) -> Result | None:
    """The stored result for this key, or None when it was never computed."""
    try:
        return Result.from_dict(json.loads(_file(key, project).read_text(encoding="utf-8")))
    except (FileNotFoundError, json.JSONDecodeError, TypeError, KeyError):
        return None


def save(result: Result, project: Project) -> None:
    """Write atomically, so that a reader never sees half a result."""
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    target = _file(result.key, project)
    temporary = target.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(result.to_dict(), ensure_ascii=False), encoding="utf-8")
    temporary.replace(target)


def machine_name() -> str:
    """Names the machine a timing was measured on: CPU model, cores, Python, PyTorch."""
    try:
        torch = f", PyTorch {metadata.version('torch')}"
    except metadata.PackageNotFoundError:
        torch = ""
    return (f"{_cpu_model()}, {os.cpu_count()} CPUs ({platform.machine()}), "
            f"Python {sys.version.split()[0]}{torch}")


def _cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.node()
