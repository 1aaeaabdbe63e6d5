"""Turn what a finished child left behind into one ``Result``.

The child leaves ``stdout.txt``, ``stderr.txt``, ``fault.txt`` (faulthandler's stack dumps) and,
when it got that far, ``result.json``. From these and the exit code this module says what
happened in words an author can act on: the signal's name or the exit code, the snippet line it
was on, the output printed just before, or which limit was exceeded.
"""

from __future__ import annotations

import json
import re
import signal
from dataclasses import dataclass
from pathlib import Path

from scripts.engine.limits import Limits
from scripts.result import Result, SnippetError, visible

FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<function>\S+)')
CONTEXT_LINES = 8


@dataclass(frozen=True)
class Finished:
    """One child's end: where its files are, how it ended, what it was allowed."""

    snippet: Path
    name: str  # relative to snippets/
    key: str
    workdir: Path
    code: int  # exit code; negative: killed by that signal
    limits: Limits
    timed_out: bool = False
    machine: str = ""


def result_of(run: Finished) -> Result:
    """The structured result of one finished child."""
    output_limit = run.limits.output_kb * 1024
    stdout, stdout_size = read_text(run.workdir / "stdout.txt", output_limit)
    stderr, stderr_size = read_text(run.workdir / "stderr.txt", output_limit)
    data = _result_json(run.workdir / "result.json") if run.code == 0 and not run.timed_out else None
    if run.timed_out:
        error = _timeout_error(run, stdout + stderr)
    elif data is None:
        error = _crash_error(run, stdout + stderr)
    elif stdout_size + stderr_size > output_limit:
        error = _snippet_error(run, "OutputLimit", f"printed {_size(stdout_size + stderr_size)}; the limit is "
                               f"{_size(output_limit)} (setting output_kb)")
    else:
        error = SnippetError(**visible_all(data["error"])) if data.get("error") else None
    data = visible_all(data or {})
    return Result(
        snippet=run.name, key=run.key, ok=error is None and bool(data.get("ok")),
        stdout=stdout, stderr=stderr,
        figures=tuple(data.get("figures", ())) if error is None else (),
        values=data.get("values", {}) if error is None else {},
        tables=data.get("tables", {}) if error is None else {},
        timings=tuple(data.get("timings", ())),
        duration=float(data.get("duration", 0.0)),
        machine=run.machine, error=error, inputs=tuple(data.get("inputs", ())),
    )


def visible_all(value):
    """Every string inside ``value`` (values, table cells, error text) with control characters escaped."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_all(k): visible_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [visible_all(v) for v in value]
    return value


def read_text(path: Path, limit: int) -> tuple[str, int]:
    """(up to ``limit`` bytes of the file as visible text, the file's full size)."""
    try:
        with path.open("rb") as file:
            raw = file.read(limit)
            size = file.seek(0, 2)
    except OSError:
        return "", 0
    return visible(raw.decode("utf-8", "backslashreplace")), size


def _result_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _snippet_error(run: Finished, kind: str, message: str, context: str = "") -> SnippetError:
    file, line = stack_location(run.workdir / "fault.txt", run.snippet)
    return SnippetError(type=kind, message=message, file=str(file), line=line, context=context)


def _timeout_error(run: Finished, printed: str) -> SnippetError:
    file, line = stack_location(run.workdir / "fault.txt", run.snippet)
    where = f"; it was at line {line} of {file.name}" if (file, line) != (run.snippet, 0) else ""
    return SnippetError(type="Timeout", message=f"did not finish in {run.limits.timeout:g} s{where} "
                        "(setting timeout)", file=str(file), line=max(line, 1), context=_tail(printed))


def _crash_error(run: Finished, printed: str) -> SnippetError:
    file, line = stack_location(run.workdir / "fault.txt", run.snippet)
    return SnippetError(type="Crash", message=describe_exit(run.code, run.workdir / "fault.txt", run.limits),
                        file=str(file), line=max(line, 1), context=_tail(printed))


def describe_exit(code: int, fault_file: Path, limits: Limits) -> str:
    """In words: which signal or exit code ended the child, and the likely cause."""
    if code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"
        text = f"killed by {name} ({signal.strsignal(number) or 'unknown signal'})"
        if number == signal.SIGXFSZ:
            text += f": it wrote a file past the file size limit of {limits.file_mb} MiB (setting file_mb)"
        elif number == signal.SIGKILL:
            text += ": by the system (out of memory?) or by another process"
        return text
    try:
        exited_by = "os._exit" in fault_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        exited_by = False
    how = f"os._exit({code})" if exited_by else f"exit code {code}"
    if code == 70 and not exited_by:
        return "the build's child process failed (see its stderr below)"
    return f"ended by {how} before its results could be collected"


def stack_location(fault_file: Path, snippet: Path) -> tuple[Path, int]:
    """The innermost frame in the snippet's folder from faulthandler's dump, or (snippet, 0)."""
    try:
        dump = fault_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return snippet, 0
    folder = snippet.parent.resolve()
    for line in dump.splitlines():  # most recent call first
        frame = FRAME.match(line)
        if frame and Path(frame["file"]).resolve().is_relative_to(folder):
            return Path(frame["file"]).resolve(), int(frame["line"])
    return snippet, 0


def _tail(printed: str) -> str:
    return "\n".join(printed.rstrip("\n").splitlines()[-CONTEXT_LINES:])


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count >= 2**20 else f"{count / 1024:.0f} KiB"
