"""What a snippet's source says without running it: its imports, its cells, whether it measures time.

Used by the store (local imports are part of the cache key), the engine (third-party imports are
preloaded in the warm pool; snippets that define ``TIMINGS`` run alone) and inject (cells).
"""

from __future__ import annotations

import ast
import re
import sys
from functools import lru_cache
from pathlib import Path

CELL_MARKER = re.compile(r"^# %%\s*(?P<name>[\w-]*)")


@lru_cache(maxsize=512)
def _tree(path: Path, source: str) -> ast.Module | None:
    try:
        return ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError):
        return None  # the run reports the syntax error with its line


def parse(path: Path) -> ast.Module | None:
    try:
        return _tree(path, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


IMPORT = re.compile(r"^[ \t]*import[ \t]+(?P<modules>[\w. \t,]+)", re.M)
FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(?P<module>[\w.]+)[ \t]+import[ \t]+"
                         r"(?:\((?P<grouped>[^)]*)\)|(?P<names>[\w. \t,]+))", re.M)


def imported_names(path: Path) -> set[str]:
    """Every absolute module name an ``import`` line of the file names (read as text, fast; a line
    that only looks like an import, in a string, just adds a harmless candidate). An import this
    misses is still caught: the engine records every file a run opens, imports included."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    names = set()
    for match in IMPORT.finditer(source):
        names.update(_module_names(match["modules"]))
    for match in FROM_IMPORT.finditer(source):
        module = match["module"]
        if module.startswith("."):
            continue  # relative: not a snippet-folder module
        names.add(module)
        names.update(f"{module}.{name}" for name in _module_names(match["grouped"] or match["names"]))
    return names


def _module_names(text: str) -> list[str]:
    """``a.b as c, d`` -> ["a.b", "d"]."""
    return [part.split()[0] for part in text.replace("\n", " ").split(",") if part.split()]


def local_imports(path: Path, search_dirs: tuple[Path, ...]) -> set[Path]:
    """Local modules a snippet imports, directly or through each other."""
    found: set[Path] = set()
    pending = [path]
    while pending:
        source = pending.pop()
        for module in imported_names(source):
            candidate = _resolve(module, (source.parent, *search_dirs))
            if candidate and candidate not in found and candidate != path:
                found.add(candidate)
                pending.append(candidate)
    return found


def third_party_imports(path: Path, search_dirs: tuple[Path, ...]) -> set[str]:
    """Modules outside the standard library and the snippets that the snippet (or its local
    modules) import. ``from a.b import c`` gives ``a.b`` and ``a.b.c``: ``c`` may be a module."""
    dirs = (path.parent, *search_dirs)
    names = {name for file in (path, *local_imports(path, search_dirs)) for name in imported_names(file)}
    return {name for name in names
            if name.split(".")[0] not in sys.stdlib_module_names and _resolve(name.split(".")[0], dirs) is None}


def forget() -> None:
    """Files may have been added or removed: parse and resolve afresh (``make serve`` rebuilds)."""
    _resolve.cache_clear()
    _tree.cache_clear()


@lru_cache(maxsize=4096)  # the same names (torch, numpy, digits...) recur in every snippet
def _resolve(module: str, dirs: tuple[Path, ...]) -> Path | None:
    relative = Path(*module.split("."))
    for folder in dirs:
        for candidate in (folder / relative.with_suffix(".py"), folder / relative / "__init__.py"):
            if candidate.is_file():
                return candidate.resolve()
    return None


def measures_time(path: Path) -> bool:
    """Whether the snippet assigns ``TIMINGS`` anywhere."""
    tree = parse(path)
    return tree is not None and any(
        isinstance(node, ast.Name) and node.id == "TIMINGS" and isinstance(node.ctx, ast.Store)
        for node in ast.walk(tree))


def cells(path: Path) -> dict[str, str]:
    """Named ``# %% name`` cells of a snippet: name -> code (without the marker line)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        marker = CELL_MARKER.match(line)
        if marker:
            current = marker["name"] or None
            if current:
                found[current] = []
        elif current:
            found[current].append(line)
    return {name: "\n".join(lines).strip("\n") for name, lines in found.items()}
