"""Which snippet a directive names: always a ``.py`` file inside ``snippets/``, never outside.

An absolute path, a ``..`` step or a symlink that leads out of ``snippets/`` is refused: a card
can neither run nor publish a file that is not a snippet.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path, PurePosixPath

from scripts.collect.directives import NO_SNIPPET_KINDS, Reference
from scripts.config import Project


class SnippetPathError(ValueError):
    """The directive's snippet path is not an existing snippet; the message says why."""


def resolve_snippet(written: str, project: Project) -> Path:
    """The snippet file a directive names; ``SnippetPathError`` when it is not one.

    Remembered until the next ``collect`` (a page names the same snippet many times)."""
    return _resolve(written, project.snippets_dir)


def forget_resolved() -> None:
    """Snippets may have been added, moved or removed: resolve every path afresh."""
    _resolve.cache_clear()


@lru_cache(maxsize=4096)
def _resolve(written: str, snippets_dir: Path) -> Path:
    pure = PurePosixPath(written.replace("\\", "/"))
    if not written:
        raise SnippetPathError("the directive names no snippet")
    if pure.is_absolute() or Path(written).is_absolute() or ":" in pure.parts[0]:
        raise SnippetPathError(f"snippet paths are relative to snippets/, not absolute: {written}")
    if ".." in pure.parts:
        raise SnippetPathError(f"snippet path leaves snippets/: {written}")
    if pure.suffix != ".py":
        raise SnippetPathError(f"a snippet is a .py file: {written}")
    path = snippets_dir / pure
    root = snippets_dir.resolve()
    if path.exists() and not path.resolve().is_relative_to(root):
        raise SnippetPathError(f"snippet path leads out of snippets/ through a symlink: {written}")
    if not path.is_file():
        raise SnippetPathError(f"snippet not found: snippets/{written}{_suggestion(written, snippets_dir)}")
    return path


def _suggestion(written: str, snippets_dir: Path) -> str:
    known = [p.relative_to(snippets_dir).as_posix() for p in snippets_dir.rglob("*.py")]
    close = difflib.get_close_matches(written, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_snippet_exists(ref: Reference, project: Project) -> list[str]:
    """The problem with the directive's snippet path, if any (names inside are checked by inject)."""
    if ref.kind in NO_SNIPPET_KINDS:
        return []
    try:
        resolve_snippet(ref.snippet, project)
    except SnippetPathError as exc:
        return [str(exc)]
    return []


def snippets_used(pages, project: Project) -> list[Path]:
    """Each valid snippet whose results a page uses, once (one run serves every language).

    A snippet only shown as code (``{{ code: ... }}``) needs no run."""
    paths = set()
    for page in pages:
        for ref in page.references:
            if ref.kind in ("code", *NO_SNIPPET_KINDS):
                continue
            try:
                paths.add(resolve_snippet(ref.snippet, project))
            except SnippetPathError:
                pass  # reported by collect
    return sorted(paths)
