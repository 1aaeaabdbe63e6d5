"""Cache keys: a content hash of everything known before a run to decide its result.

The key hashes the snippet, every local module it imports (found by reading its ``import``
statements, recursively), the engine code that collects results, and the versions of Python and
the libraries. Files a snippet reads while it runs (``open``, ``importlib``) are only known after
the run: the cache entry records their hashes, and ``cache.load`` refuses the entry when one of
them changed. Modification times play no part in either.
"""

from __future__ import annotations

import hashlib
import platform
from functools import cache
from importlib import metadata
from pathlib import Path

from scripts.config import Project
from scripts.source import local_imports

ENGINE = Path(__file__).resolve().parents[1] / "engine"
RESULT_CODE = (ENGINE / "child.py", ENGINE / "zygote.py", ENGINE / "outcome.py",
               Path(__file__).resolve().parents[1] / "result.py")
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


@cache
def _engine_digest() -> bytes:
    return hashlib.sha256(b"".join(path.read_bytes() for path in RESULT_CODE)).digest()


def cache_key(snippet: Path, project: Project) -> str:
    """Content hash of everything that decides the snippet's result, as far as its source tells."""
    digest = hashlib.sha256()
    digest.update(environment_fingerprint().encode())
    digest.update(_engine_digest())
    files = [snippet.resolve(), *sorted(local_imports(snippet.resolve(), (project.snippets_dir,)))]
    for file in files:
        digest.update(project.relative(file).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
