"""Cache entries on disk, in ``.cache/results/<key>.json`` (``DLCARDS_CACHE_DIR`` moves it).

An entry is ``{"format": FORMAT, "result": {...}, "inputs": {"path": sha256}}``:

- read: an entry that is not a valid result of this format is ignored with a warning (the
  snippet runs again and the entry is replaced), never a crash; an entry whose recorded input
  files changed is stale;
- written: atomically (a temporary file, then a rename), as soon as each run finishes;
- locked: one build at a time runs snippets with one cache (a second one waits, and says so);
- pruned: entries no build has used for ``DLCARDS_CACHE_DAYS`` days (default 14) are removed.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import time
from pathlib import Path

from scripts.config import Project
from scripts.log import log
from scripts.result import Result
from scripts.store.keys import file_hash

FORMAT = 2
TOUCH_AFTER = 3600.0  # seconds: refresh an entry's "last used" time at most this often


def _file(key: str, project: Project) -> Path:
    return project.cache_dir / f"{key}.json"


def load(key: str, project: Project) -> Result | None:
    """The stored result for this key, or None (never computed, unreadable, or stale)."""
    path = _file(key, project)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("ignoring unreadable cache entry %s (%s); the snippet runs again", path.name, exc)
        return None
    try:
        entry = json.loads(text)
        result = _entry_result(entry, key)
    except ValueError as exc:
        log.warning("ignoring corrupt cache entry %s (%s); the snippet runs again", path.name, exc)
        return None
    changed = [name for name, digest in entry["inputs"].items() if file_hash(project.root / name) != digest]
    if changed:
        log.info("%s read %s, which changed: it runs again", result.snippet, ", ".join(changed))
        return None
    _touch(path)
    return result


def _entry_result(entry, key: str) -> Result:
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        found = entry.get("format") if isinstance(entry, dict) else type(entry).__name__
        raise ValueError(f"format {found!r}, this build reads format {FORMAT}")
    if not isinstance(entry.get("inputs"), dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in entry["inputs"].items()):
        raise ValueError("field 'inputs' should map file names to hashes")
    result = Result.from_dict(entry.get("result"))
    if result.key != key or not result.ok:
        raise ValueError(f"it holds key {result.key!r}, ok={result.ok}")
    return result


def save(result: Result, project: Project) -> None:
    """Write atomically, so that a reader never sees half a result; only successes are stored."""
    if not result.ok:
        return
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    inputs = {name: file_hash(project.root / name) for name in result.inputs}
    entry = {"format": FORMAT, "result": result.to_dict(),
             "inputs": {name: digest for name, digest in inputs.items() if digest}}
    handle, temporary = tempfile.mkstemp(dir=project.cache_dir, prefix=f".{result.key}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(entry, file, ensure_ascii=False)
        os.replace(temporary, _file(result.key, project))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _touch(path: Path) -> None:
    """Mark the entry as used now (pruning removes entries unused for a long time)."""
    try:
        if time.time() - path.stat().st_mtime > TOUCH_AFTER:
            os.utime(path)
    except OSError:
        pass


def prune(project: Project, used: set[str], days: float | None = None) -> list[str]:
    """Remove entries not in ``used`` that no build touched for ``days``; return their keys."""
    days = float(os.environ.get("DLCARDS_CACHE_DAYS", 14)) if days is None else days
    if not project.cache_dir.is_dir():
        return []
    now, removed = time.time(), []
    for path in project.cache_dir.iterdir():
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        stale_entry = path.suffix == ".json" and path.stem not in used and age > days * 86400
        if stale_entry or (path.suffix == ".tmp" and age > 3600):
            path.unlink(missing_ok=True)
            removed.append(path.stem)
    return removed


class CacheLock:
    """One build at a time runs snippets with this cache; the next one waits and says why."""

    def __init__(self, project: Project):
        self.path = project.cache_dir / ".lock"
        self.handle = None

    def __enter__(self) -> CacheLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until __exit__
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            log.warning("another build (%s) is running snippets with %s; waiting for it to finish",
                        holder, self.path.parent)
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
