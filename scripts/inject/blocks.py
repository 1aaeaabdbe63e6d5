"""One renderer per directive kind: a stored result (or a snippet's code) as Markdown.

Each renderer raises ``Unresolved`` (with a close match when there is one) when the directive
asks for something the result does not have; every produced string goes through ``escape``.
"""

from __future__ import annotations

import base64
import difflib
import html
from pathlib import Path

from scripts import source
from scripts.collect import Reference
from scripts.i18n import message
from scripts.inject.escape import attribute, fenced, literal, math_literal
from scripts.result import Result


class Unresolved(LookupError):
    """A directive that cannot be filled: what the log says, and what the reader sees."""

    def __init__(self, message: str, title_key: str = "bad_reference", detail: str = ""):
        super().__init__(message)
        self.message, self.title_key, self.detail = message, title_key, detail or message


def missing(what: str, name: str, snippet: str, known) -> Unresolved:
    """``no value 'totl' in snippets/x.py (did you mean 'total'?; values: total, ratio)``."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'?; " if close else ""
    return Unresolved(f"no {what} '{name}' in snippets/{snippet} ({hint}{what}s: {', '.join(known) or 'none'})")


def indented(ref: Reference, block: str) -> str:
    """A multi-line block placed at the directive's indentation (e.g. inside an admonition)."""
    return "\n".join(ref.indent + line if line else line for line in block.split("\n")).lstrip(" \t")


def code(ref: Reference, path: Path) -> str:
    found = source.cells(path)
    if ref.name and ref.name not in found:
        raise missing("cell", ref.name, ref.snippet, found)
    text = found[ref.name] if ref.name else path.read_text(encoding="utf-8").rstrip("\n")
    title = attribute(f"snippets/{ref.snippet}" + (f" — {ref.name}" if ref.name else ""))
    return indented(ref, fenced(text, f'python title="{title}"'))


def output(ref: Reference, result: Result, lang: str) -> str:
    if not result.stdout.strip():
        raise Unresolved(f"snippets/{ref.snippet} printed nothing, so there is no output to show")
    return indented(ref, fenced(result.stdout, f'text title="{message(lang, "output")}"'))


def figure(ref: Reference, result: Result, lang: str) -> str:
    name = ref.name or "1"
    found = result.figure(name)
    if found is None:
        raise missing("figure", name, ref.snippet, (f["name"] for f in result.figures))
    data = base64.b64encode(found["svg"].encode("utf-8")).decode("ascii")
    caption = html.escape(ref.caption)
    block = (f'\n<figure class="card-figure">\n<img src="data:image/svg+xml;base64,{data}" '
             f'alt="{caption}">\n<figcaption>{caption}</figcaption>\n</figure>\n')
    return indented(ref, block)


def table(ref: Reference, result: Result, lang: str) -> str:
    found = result.tables.get(ref.name)
    if found is None:
        raise missing("table", ref.name, ref.snippet, result.tables)
    columns = found["columns"]
    if len(columns) != len(ref.columns):
        raise Unresolved(f"table '{ref.name}' has {len(columns)} columns ({', '.join(map(str, columns))}) "
                         f"but the page gives {len(ref.columns)} headers")
    header = "| " + " | ".join(c.header for c in ref.columns) + " |"
    rule = "|" + "|".join(" ---: " if _numeric(found, i) else " --- " for i in range(len(columns))) + "|"
    rows = ["| " + " | ".join(literal(formatted(v, c.fmt)) for v, c in zip(row, ref.columns, strict=True)) + " |"
            for row in found["rows"]]
    return indented(ref, "\n".join(["", header, rule, *rows, ""]))


def _numeric(table: dict, index: int) -> bool:
    return all(isinstance(row[index], int | float) and not isinstance(row[index], bool) for row in table["rows"])


def formatted(value, fmt: str) -> str:
    """``format(value, fmt)``; text passes through unchanged, so one cell can hold a number or,
    where the computation raised, the error's name."""
    if isinstance(value, str):
        return value
    try:
        return format(value, fmt)
    except (ValueError, TypeError) as exc:
        raise Unresolved(f"cannot format {value!r} with '{fmt}': {exc}") from exc


def value(ref: Reference, result: Result, lang: str) -> str:
    if ref.name == "machine" and "machine" not in result.values:
        text = result.machine  # where the snippet's timings were measured
    elif ref.name not in result.values:
        raise missing("value", ref.name, ref.snippet, result.values)
    else:
        text = formatted(result.values[ref.name], ref.fmt)
    return math_literal(text) if ref.in_math else literal(text)


RENDERERS = {"output": output, "figure": figure, "table": table, "value": value}
