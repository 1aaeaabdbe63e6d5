"""The one structured result of running a snippet, shared by execute, store and inject.

``Result.from_dict`` checks every field's type: a cache entry that is valid JSON but not a
result (truncated by hand, edited, written by another version) is refused with the reason.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def visible(text: str) -> str:
    """Text safe to store and show: control characters and lone surrogates become escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass(frozen=True)
class SnippetError:
    type: str
    message: str
    file: str  # the snippet's real file (absolute), or the snippet itself
    line: int
    traceback: str = ""
    context: str = ""  # the last lines printed before a crash or a timeout

    @property
    def summary(self) -> str:
        return f"{self.type}: {self.message}"

    def details(self) -> str:
        """The summary, then what was printed just before a crash or a timeout, indented."""
        return self.summary + self._printed()

    def location(self, relative) -> str:
        """``snippets/x.py:12: ValueError: ...`` with ``relative`` shortening the path."""
        return f"{relative(self.file)}:{self.line}: {self.summary}"

    def report(self, relative) -> str:
        """The location, then what was printed just before a crash or a timeout."""
        return self.location(relative) + self._printed()

    def _printed(self) -> str:
        if not self.context:
            return ""
        lines = "\n".join("    | " + line for line in self.context.split("\n"))
        return f"\n    last output before it:\n{lines}"


@dataclass(frozen=True)
class Result:
    snippet: str  # path relative to snippets/
    key: str  # content hash it was computed for
    ok: bool
    stdout: str = ""
    stderr: str = ""
    # {"name": ..., "svg": ..., "width_pt": the SVG's width, "text_pt": its smallest font size}
    figures: tuple[dict, ...] = ()
    values: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)  # name -> {"columns": [...], "rows": [[...]]}
    timings: tuple[str, ...] = ()  # names of values/tables that are measured times
    duration: float = 0.0
    machine: str = ""
    error: SnippetError | None = None
    inputs: tuple[str, ...] = ()  # project files the run read (relative to the project root)

    def figure(self, name: str) -> dict | None:
        return next((f for f in self.figures if f["name"] == name), None)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        """A result from stored JSON; ``ValueError`` naming the field when it is not one."""
        _check(data, dict, "result")
        error = data.get("error")
        if error is not None:
            _check(error, dict, "error")
            _fields(error, {"type": str, "message": str, "file": str, "line": int})
            _fields(error, {"traceback": str, "context": str}, required=False)
            error = SnippetError(**{k: v for k, v in error.items() if k in SnippetError.__dataclass_fields__})
        _fields(data, {"snippet": str, "key": str, "ok": bool})
        _fields(data, {"stdout": str, "stderr": str, "machine": str, "values": dict, "tables": dict,
                       "duration": (int, float), "figures": list, "timings": list, "inputs": list},
                required=False)
        for name in ("timings", "inputs"):
            if not all(isinstance(item, str) for item in data.get(name, [])):
                raise ValueError(f"field '{name}' should list names")
        for figure in data.get("figures", []):
            _check(figure, dict, "figures[]")
            _fields(figure, {"name": str, "svg": str})
            _fields(figure, {"width_pt": (int, float), "text_pt": (int, float, type(None))}, required=False)
        for name, table in data.get("tables", {}).items():
            _check(table, dict, f"tables.{name}")
            _fields(table, {"columns": list, "rows": list})
            if not all(isinstance(row, list) and len(row) == len(table["columns"]) for row in table["rows"]):
                raise ValueError(f"tables.{name}: every row must be a list as long as 'columns'")
        known = set(cls.__dataclass_fields__)
        return cls(**{**{k: v for k, v in data.items() if k in known},
                      "figures": tuple(data.get("figures", ())), "timings": tuple(data.get("timings", ())),
                      "inputs": tuple(data.get("inputs", ())), "error": error})

    def reproducible(self) -> tuple:
        """What two runs on the same machine must agree on: everything but measured times."""
        values = {k: v for k, v in self.values.items() if k not in self.timings}
        tables = {k: v for k, v in self.tables.items() if k not in self.timings}
        figures = tuple(f for f in self.figures if f["name"] not in self.timings)  # a plot of measured times
        return self.stdout, values, tables, figures


def _check(value, kind, name: str) -> None:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"field '{name}' should be {getattr(kind, '__name__', kind)}, "
                         f"not {type(value).__name__}")


def _fields(data: dict, kinds: dict, required: bool = True) -> None:
    for name, kind in kinds.items():
        if name not in data:
            if required:
                raise ValueError(f"field '{name}' is missing")
            continue
        _check(data[name], kind, name)
