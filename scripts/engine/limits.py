"""What one snippet run may use: time, memory, printed output, figures, file size.

Defaults are below; the environment overrides them for every snippet (``DLCARDS_TIMEOUT=300``,
``DLCARDS_MEMORY_MB=8192``, ...), and a snippet overrides them for itself with one comment line:

    # build: timeout=300 memory_mb=8192

Exceeding a limit is a failure with a clear message; a failure is never cached.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from scripts.problems import BuildFailed, Problem

SETTING_LINE = re.compile(r"^#\s*build:(?P<body>.*)$")


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0  # seconds of wall time
    memory_mb: int = 4096  # address space a snippet may add to what the preloaded libraries take
    output_kb: int = 256  # printed text (stdout + stderr), shown on a page
    figures: int = 20  # figures left open at the end
    figure_kb: int = 1024  # one figure, as SVG
    values_kb: int = 256  # VALUES and TABLES together, as JSON
    file_mb: int = 64  # any single file the snippet writes (a fuse against filling the disk)

    @classmethod
    def from_environment(cls, environ: dict | None = None) -> Limits:
        """Defaults overridden by ``DLCARDS_<FIELD>`` variables (``DLCARDS_TIMEOUT``, ...)."""
        environ = os.environ if environ is None else environ
        limits, problems = cls(), []
        for item in fields(cls):
            name = f"DLCARDS_{item.name.upper()}"
            if name in environ:
                limits, problem = limits._with(item.name, environ[name], Path(name), 0)
                problems += [problem] if problem else []
        if problems:
            raise BuildFailed(problems)
        return limits

    def for_snippet(self, snippet: Path) -> tuple[Limits, list[Problem]]:
        """These limits with the snippet's own ``# build: key=value ...`` settings applied."""
        limits, problems = self, []
        try:
            lines = snippet.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self, []
        for number, line in enumerate(lines, start=1):
            match = SETTING_LINE.match(line.strip())
            if not match:
                continue
            for word in match["body"].split():
                key, sep, value = word.partition("=")
                if not sep:
                    problems.append(Problem(snippet, number, f"build setting '{word}' must be key=value"))
                    continue
                limits, problem = limits._with(key, value, snippet, number)
                problems += [problem] if problem else []
        return limits, problems

    def _with(self, key: str, text: str, path: Path, line: int) -> tuple[Limits, Problem | None]:
        kinds = {item.name: item.type for item in fields(self)}
        if key not in kinds:
            close = difflib.get_close_matches(key, kinds, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(kinds)})"
            return self, Problem(path, line, f"unknown build setting '{key}'{hint}")
        convert = float if kinds[key] in (float, "float") else int
        try:
            value = convert(text)
        except ValueError:
            return self, Problem(path, line, f"build setting '{key}' must be a number, not {text!r}")
        if value <= 0:
            return self, Problem(path, line, f"build setting '{key}' must be positive")
        return replace(self, **{key: value}), None

    def to_dict(self) -> dict:
        return {item.name: getattr(self, item.name) for item in fields(self)}
