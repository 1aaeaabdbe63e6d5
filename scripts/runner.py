"""Child-process side of the execute stage: run ONE snippet and write its result as JSON.

Usage: python scripts/runner.py SNIPPET.py RESULT.json

This file is started in a fresh interpreter by ``execute.py`` and imports nothing from
the build, so a snippet runs exactly as ``python snippets/<topic>/<name>.py`` would:
``sys.path[0]`` is the snippet's folder and ``__name__`` is ``"__main__"``.

What it collects (a snippet never has to know about the build):
- printed output (stdout), and stderr separately;
- every matplotlib figure still open at the end, as SVG, named by its label
  (``plt.figure(num="norms")``) or by its 1-based position;
- the module-level dicts ``VALUES`` (name -> number or text) and ``TABLES``
  (name -> {"columns": [...], "rows": [[...], ...]}), if the snippet defines them;
- ``TIMINGS``: the names of the values and tables that are measured times (they change
  from run to run and are labelled with the machine on the page);
- on failure, the exception with the snippet's own file and line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import sys
import time
import traceback
from pathlib import Path


def _plain(value):
    """Turn numpy / torch scalars and containers into JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar, 0-d array, one-element tensor
        return value.item()
    raise TypeError(f"cannot store a value of type {type(value).__name__}: {value!r}")


def _figures() -> list[dict]:
    """Every open matplotlib figure as deterministic SVG text."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    figures = []
    for position, number in enumerate(plt.get_fignums(), start=1):
        figure = plt.figure(number)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        figures.append({"name": figure.get_label() or str(position), "svg": buffer.getvalue()})
    plt.close("all")
    return figures


def _error(exc: BaseException, snippet: Path) -> dict:
    """The exception, located at the deepest frame that belongs to the snippet's folder tree."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = snippet.parent.resolve()
    own = [f for f in frames if Path(f.filename).resolve().is_relative_to(here)]
    where = own[-1] if own else (frames[-1] if frames else None)
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "file": str(Path(where.filename).resolve()) if where else str(snippet),
        "line": where.lineno if where else 0,
        "traceback": "".join(traceback.format_exception(exc)),
    }


def _prepare_matplotlib() -> None:
    """Headless backend, reproducible SVG ids, and a harmless plt.show()."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        import matplotlib
    except ImportError:
        return
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "dl-cards"
    import matplotlib.pyplot as plt

    plt.show = lambda *args, **kwargs: None


def run(snippet: Path) -> dict:
    """Run the snippet as __main__ and return its structured result."""
    snippet = snippet.resolve()
    _prepare_matplotlib()
    sys.path.insert(0, str(snippet.parent))
    sys.argv = [str(snippet)]
    stdout, stderr = io.StringIO(), io.StringIO()
    result = {"ok": True, "values": {}, "tables": {}, "timings": [], "figures": [], "error": None}
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            namespace = runpy.run_path(str(snippet), run_name="__main__")
        result["values"] = _plain(namespace.get("VALUES", {}))
        result["tables"] = _plain(namespace.get("TABLES", {}))
        result["timings"] = sorted(_plain(list(namespace.get("TIMINGS", ()))))
        result["figures"] = _figures()
    except BaseException as exc:  # noqa: BLE001 - a snippet may raise anything, even SystemExit
        if not (isinstance(exc, SystemExit) and exc.code in (None, 0)):
            result["ok"] = False
            result["error"] = _error(exc, snippet)
    result["duration"] = time.perf_counter() - start
    result["stdout"] = stdout.getvalue()
    result["stderr"] = stderr.getvalue()
    return result


def main() -> None:
    snippet, destination = Path(sys.argv[1]), Path(sys.argv[2])
    result = run(snippet)
    destination.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
