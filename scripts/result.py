"""The one structured result of running a snippet, shared by execute, store and inject."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class SnippetError:
    type: str
    message: str
    file: str  # the snippet's real file (absolute), or the snippet itself
    line: int
    traceback: str = ""

    def location(self, relative) -> str:
        """``snippets/x.py:12: ValueError: ...`` with ``relative`` shortening the path."""
        return f"{relative(self.file)}:{self.line}: {self.type}: {self.message}"


@dataclass(frozen=True)
class Result:
    snippet: str  # path relative to snippets/
    key: str  # content hash it was computed for
    ok: bool
    stdout: str = ""
    stderr: str = ""
    figures: tuple[dict, ...] = ()  # {"name": ..., "svg": ...}
    values: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)  # name -> {"columns": [...], "rows": [[...]]}
    timings: tuple[str, ...] = ()  # names of values/tables that are measured times
    duration: float = 0.0
    machine: str = ""
    error: SnippetError | None = None

    def figure(self, name: str) -> dict | None:
        return next((f for f in self.figures if f["name"] == name), None)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        error = SnippetError(**data["error"]) if data.get("error") else None
        return cls(**{**data, "figures": tuple(data.get("figures", ())),
                      "timings": tuple(data.get("timings", ())), "error": error})

    def reproducible(self) -> tuple:
        """What two runs on the same machine must agree on: everything but measured times."""
        values = {k: v for k, v in self.values.items() if k not in self.timings}
        tables = {k: v for k, v in self.tables.items() if k not in self.timings}
        return self.stdout, values, tables, self.figures
