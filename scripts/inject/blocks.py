"""One renderer per directive kind: a stored result (or a snippet's code) as Markdown.

Each renderer raises ``Unresolved`` (with a close match when there is one) when the directive
asks for something the result does not have; every produced string goes through ``escape``.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from collections.abc import Iterable
from pathlib import Path

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

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


FIGURES_FOLDER = "assets/figures"
FIGURE_LINK = "dlcards-figure:"  # the Markdown's <img src>, until ``link_figures`` knows the page's URL
FIGURE_SOURCE = re.compile(r'(?<=src=")' + re.escape(FIGURE_LINK) + r'([^"]+)')


def figure_file(svg: str) -> str:
    """Where the site serves a figure: ``assets/figures/<content hash>.svg`` (one file per content)."""
    return f"{FIGURES_FOLDER}/{hashlib.sha256(svg.encode('utf-8')).hexdigest()[:16]}.svg"


def figure(ref: Reference, result: Result, lang: str) -> str:
    """The figure as an image file of the site (the lightbox opens that same file), with its width
    and smallest text size in pt, from which a reader's browser can tell the text's size in px."""
    name = ref.name or "1"
    found = result.figure(name)
    if found is None:
        raise missing("figure", name, ref.snippet, (f["name"] for f in result.figures))
    caption = html.escape(ref.caption)
    sizes = "".join(f' data-{key.replace("_", "-")}="{found[key]:g}"'
                    for key in ("width_pt", "text_pt") if found.get(key) is not None)
    block = (f'\n<figure class="card-figure">\n<img src="{FIGURE_LINK}{figure_file(found["svg"])}" '
             f'alt="{caption}"{sizes}>\n<figcaption>{caption}</figcaption>\n</figure>\n')
    return indented(ref, block)


def figure_files(results: Iterable[Result]) -> dict[str, str]:
    """Every figure of every result, as ``{site path: SVG}`` (the MkDocs hook serves them)."""
    return {figure_file(found["svg"]): found["svg"] for result in results for found in result.figures}


def add_files(files, config, results: Iterable[Result]) -> None:
    """Add every figure to MkDocs' files as a generated file (nothing is written to ``docs/``)."""
    for path, svg in figure_files(results).items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=svg))


def link_figures(markdown: str, page_url: str) -> str:
    """The rendered page with each figure's ``src`` relative to the page at ``page_url``."""
    return FIGURE_SOURCE.sub(lambda match: get_relative_url(match.group(1), page_url), markdown)


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
