"""Inside one forked child: isolate the process, run ONE snippet as ``__main__``, write its result.

``zygote.py`` forks this process from a parent that has already imported the heavy libraries,
so a snippet starts in milliseconds, yet it still gets its own process and its own globals, and
runs exactly as ``python snippets/<topic>/<name>.py`` would: ``__name__ == "__main__"``,
``sys.path[0]`` is the snippet's folder, ``sys.argv[0]`` the snippet. The child:

- has no standard input (``input()`` gets EOF at once), and its stdout/stderr go to files at the
  file-descriptor level, unbuffered, so output printed before a crash is kept;
- runs with one compute thread, a memory limit (address space), a file-size fuse, no core dumps;
- dumps the Python stack (faulthandler) on a fatal signal, on ``os._exit``, on SIGTERM, and on
  SIGUSR1, which the build sends before it kills a snippet that ran out of time;
- records the project files the snippet reads (``open``, ``importlib``...) for the cache key;
- turns matplotlib's "glyph missing from font" warning into an error: no empty boxes in figures.

It writes ``result.json`` next to the capture files; the build reads everything else itself.
This module imports nothing from the build: it is loaded by the zygote, by file path.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import re
import resource
import runpy
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path

_real_exit = os._exit
EXCLUDED_PARTS = {".venv", ".git", ".cache", "site", "__pycache__", "node_modules"}
GLYPH_WARNING = r"(?s).*Glyph .* missing from (current )?font"


class LimitExceeded(Exception):
    """A snippet produced more than a limit allows (figures, values)."""


def main(job: dict) -> None:
    """Run the job in this (already forked, own session) process; never returns."""
    code = 0
    try:
        _isolate(job)
        result = run(job)
        _write_json(Path(job["workdir"]) / "result.json", result)
    except BaseException:  # noqa: BLE001 - a failure of the harness itself: leave its traceback
        traceback.print_exc()
        code = 70
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        _real_exit(code)


# --- isolation -------------------------------------------------------------------------------

def _isolate(job: dict) -> None:
    workdir = Path(job["workdir"])
    for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGUSR1, signal.SIGXFSZ):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    _redirect_standard_streams(workdir)
    _limit_resources(job["limits"])
    fault = open(workdir / "fault.txt", "w", encoding="utf-8")  # noqa: SIM115 - open until exit
    faulthandler.enable(file=fault, all_threads=True)
    faulthandler.register(signal.SIGUSR1, file=fault, all_threads=True)  # "where was it stuck?"
    faulthandler.register(signal.SIGTERM, file=fault, all_threads=True, chain=True)
    os._exit = _traced_exit(fault)
    _one_compute_thread()
    warnings.filterwarnings("error", message=GLYPH_WARNING)


def _redirect_standard_streams(workdir: Path) -> None:
    """stdin from /dev/null; stdout and stderr into files, unbuffered, undecodable text escaped."""
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout.txt"), (2, "stderr.txt")):
        target = os.open(workdir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    os.closerange(3, _max_fd())  # the zygote's pipes and anything else it held
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
    sys.stdout = _text_stream(1)
    sys.stderr = _text_stream(2)


def _text_stream(fd: int) -> io.TextIOWrapper:
    # like `python -u`: every write reaches the file at once, so a crash loses nothing printed
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8",
                            errors="backslashreplace", write_through=True)


def _max_fd() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if 0 < soft < 1 << 20 else 65536


def _limit_resources(limits: dict) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    address_space = _address_space_in_use() + limits["memory_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    file_size = limits["file_mb"] * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))


def _address_space_in_use() -> int:
    """Bytes of virtual memory this process maps now (the preloaded libraries)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _traced_exit(fault):
    """``os._exit`` that first writes where it was called from (the build reports that line)."""
    me = os.getpid()

    def _exit(code):
        if os.getpid() == me:
            fault.write(f"os._exit({code}) called\n")
            fault.flush()
            faulthandler.dump_traceback(file=fault, all_threads=False)
        _real_exit(code)

    return _exit


def _one_compute_thread() -> None:
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


# --- running ---------------------------------------------------------------------------------

def run(job: dict) -> dict:
    """Run the snippet as ``__main__`` in this process and return its structured result."""
    snippet = Path(job["snippet"]).resolve()
    reads = _FileReads(Path(job["root"]))
    sys.addaudithook(reads.audit)
    os.chdir(job["workdir"] + "/cwd")
    sys.argv = [str(snippet)]
    sys.path[0] = str(snippet.parent)
    result = {"ok": True, "values": {}, "tables": {}, "timings": [], "figures": [], "error": None}
    start = time.perf_counter()
    try:
        namespace = runpy.run_path(str(snippet), run_name="__main__")
        result["duration"] = time.perf_counter() - start
        reads.stop()
        _collect(namespace, job["limits"], result)
    except BaseException as exc:  # noqa: BLE001 - a snippet may raise anything, even SystemExit
        result.setdefault("duration", time.perf_counter() - start)
        if not (isinstance(exc, SystemExit) and exc.code in (None, 0)):
            result.update(ok=False, error=error_of(exc, snippet))
    reads.stop()
    result["inputs"] = sorted(reads.files)
    return result


def _collect(namespace: dict, limits: dict, result: dict) -> None:
    result["values"] = plain(namespace.get("VALUES", {}))
    result["tables"] = plain(namespace.get("TABLES", {}))
    result["timings"] = sorted(plain(list(namespace.get("TIMINGS", ()))))
    size = len(json.dumps([result["values"], result["tables"]]))
    if size > limits["values_kb"] * 1024:
        raise LimitExceeded(f"VALUES and TABLES take {size / 1024:.0f} KiB; the limit is "
                            f"{limits['values_kb']} KiB (setting values_kb)")
    result["figures"] = figures(limits)


def plain(value):
    """numpy / torch scalars and containers as JSON-friendly Python values; text made encodable."""
    if isinstance(value, dict):
        return {plain_text(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar, 0-d array, one-element tensor
        return plain(value.item())
    raise TypeError(f"cannot store a value of type {type(value).__name__}: {value!r:.80}")


def plain_text(text: str) -> str:
    """Text that UTF-8 can encode: a lone surrogate becomes the visible escape ``\\udc80``."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def figures(limits: dict) -> list[dict]:
    """Every open matplotlib figure as deterministic SVG text, within the figure limits."""
    if "matplotlib.pyplot" not in sys.modules:
        return []
    import matplotlib.pyplot as plt

    numbers = plt.get_fignums()
    if len(numbers) > limits["figures"]:
        raise LimitExceeded(f"{len(numbers)} figures are open at the end; the limit is "
                            f"{limits['figures']} (setting figures)")
    found = []
    for position, number in enumerate(numbers, start=1):
        figure = plt.figure(number)
        name = figure.get_label() or str(position)
        buffer = io.StringIO()
        try:
            with _drawn_text_sizes() as sizes:
                figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
        except UserWarning as warning:  # the glyph warning, made an error
            raise LimitExceeded(f"figure '{name}': {str(warning).rstrip('.')}. Figures hold symbols and numbers; "
                                "words belong in the card's caption, in the card's language") from None
        svg = buffer.getvalue()
        if len(svg) > limits["figure_kb"] * 1024:
            raise LimitExceeded(f"figure '{name}' is {len(svg) / 1024:.0f} KiB of SVG; the limit is "
                                f"{limits['figure_kb']} KiB (setting figure_kb; fewer points help)")
        found.append({"name": plain_text(name), "svg": svg, "width_pt": svg_width_pt(svg),
                      "text_pt": min(sizes, default=None)})
    plt.close("all")
    return found


@contextlib.contextmanager
def _drawn_text_sizes():
    """The font sizes (pt) of the text artists drawn meanwhile: tick labels, labels, titles,
    legends, annotations, offset texts; a math text counts at its base size."""
    from matplotlib.text import Text

    sizes, draw = [], Text.draw

    def recording(text, renderer):
        if text.get_visible() and text.get_text().strip():
            sizes.append(float(text.get_fontsize()))
        return draw(text, renderer)

    Text.draw = recording
    try:
        yield sizes
    finally:
        Text.draw = draw


def svg_width_pt(svg: str) -> float:
    """The width of the saved (tightly cropped) figure, from the SVG's ``width="...pt"``."""
    match = re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg)
    return float(match.group(1)) if match else 0.0


def error_of(exc: BaseException, snippet: Path) -> dict:
    """The exception, located at the deepest frame that belongs to the snippet's folder tree."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [(f.filename, f.lineno) for f in frames if _inside(f.filename, snippet.parent)]
    if isinstance(exc, SyntaxError) and exc.filename and _inside(exc.filename, snippet.parent):
        own.append((exc.filename, exc.lineno or 1))
    file, line = own[-1] if own else (str(snippet), 1)
    message = str(exc)
    if isinstance(exc, EOFError):
        message += " (a snippet has no standard input: input() cannot be answered during the build)"
    return {
        "type": type(exc).__name__,
        "message": plain_text(message),
        "file": str(Path(file).resolve()),
        "line": line or 1,
        "traceback": plain_text("".join(traceback.format_exception(exc))),
    }


def _inside(filename: str, folder: Path) -> bool:
    try:
        return Path(filename).resolve().is_relative_to(folder)
    except (OSError, ValueError):
        return False


class _FileReads:
    """Audit hook recording files of the project that the snippet opens for reading."""

    def __init__(self, root: Path):
        self.root, self.files, self.active = root.resolve(), set(), True
        self.skip = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}

    def stop(self) -> None:
        self.active = False

    def audit(self, event: str, args: tuple) -> None:
        if not self.active or event != "open" or not args:
            return
        path, mode = args[0], args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else 0
        if isinstance(path, int) or path is None or not _reading(mode, flags):
            return
        self.active = False  # resolving a path must not audit itself
        try:
            self._record(Path(os.fsdecode(path)))
        except Exception:  # noqa: BLE001 - an audit hook must never break the snippet's own open()
            pass
        finally:
            self.active = True

    def _record(self, path: Path) -> None:
        path = path.resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return
        relative = path.relative_to(self.root)
        if EXCLUDED_PARTS & set(relative.parts) or any(path.is_relative_to(p) for p in self.skip):
            return
        self.files.add(relative.as_posix())


def _reading(mode, flags) -> bool:
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    return (flags or 0) & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
