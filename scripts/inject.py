"""Inject stage: replace each directive of a page by its stored result, in the page's language.

Pure text in, text out: ``render(page, text, context)`` reads no snippet output from
anywhere but ``context.results``, so it is cheap enough to run inside the MkDocs hook for
every language, and the orchestrator runs it once beforehand to validate every page.
Each page also gets the glossary's abbreviations, with definitions in its language.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, replace
from pathlib import Path

from scripts import catalog
from scripts.collect import Page, Reference, cells, find_references, snippet_path
from scripts.config import Project
from scripts.data import SiteData
from scripts.i18n import message
from scripts.problems import Problem
from scripts.result import Result


@dataclass(frozen=True)
class Context:
    """What injection reads: the project, stored results, every page, and site data."""

    project: Project
    results: dict[str, Result]
    pages: tuple[Page, ...] = ()
    data: SiteData | None = None


def render(page: Page, text: str, context: Context, first_line: int = 1) -> tuple[str, list[Problem]]:
    """The page's Markdown with every directive replaced, and the problems found.

    ``first_line`` is the file line where ``text`` starts (MkDocs hands hooks the page
    without its front matter), so reported lines are the author's lines.
    """
    offset = first_line - 1
    references, found = find_references(text, page.path)
    problems = [Problem(p.path, p.line + offset, p.message) for p in found]
    by_line: dict[int, list[Reference]] = {}
    for ref in references:
        by_line.setdefault(ref.line, []).append(ref)
    lines = text.splitlines()
    for number, refs in by_line.items():
        line = lines[number - 1]
        for ref in refs:
            ref = replace(ref, line=ref.line + offset)
            rendered, problem = _render_one(ref, page, context)
            if problem:
                problems.append(problem)
            line = line.replace(ref.text, rendered, 1)
        lines[number - 1] = line
    rendered = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    if context.data is not None:
        rendered += "\n\n" + catalog.abbreviations(page.lang, context.data) + "\n"
    return rendered, problems


class Unresolved(LookupError):
    """A directive that cannot be filled: what the log says, and what the reader sees."""

    def __init__(self, message: str, title_key: str = "bad_reference", detail: str = ""):
        super().__init__(message)
        self.message, self.title_key, self.detail = message, title_key, detail or message


def _render_one(ref: Reference, page: Page, context: Context) -> tuple[str, Problem | None]:
    """Markdown for one directive, or an in-page error box and the problem it stands for."""
    try:
        return _render_result(ref, page, context), None
    except Unresolved as exc:
        return _error_box(ref, page.lang, exc.title_key, exc.detail), Problem(ref.path, ref.line, exc.message)


def _render_result(ref: Reference, page: Page, context: Context) -> str:
    if ref.kind == "catalog":
        if ref.name not in catalog.CATALOGS or context.data is None:
            raise Unresolved(f"unknown catalog '{ref.name}' (catalogs: {', '.join(catalog.CATALOGS)})")
        return _indented(ref, catalog.render(ref.name, page, list(context.pages), context.data))
    lang, results, project = page.lang, context.results, context.project
    path = snippet_path(ref, project)
    if not path.is_file():
        raise Unresolved(f"snippet not found: snippets/{ref.snippet}")
    if ref.kind == "code":
        return _code(ref, path)
    result = results.get(ref.snippet)
    if result is None:
        raise Unresolved(f"no result for snippets/{ref.snippet}: it was not run")
    if not result.ok:
        where = result.error.location(project.relative) if result.error else "unknown error"
        raise Unresolved(f"uses snippets/{ref.snippet}, which failed: {where}", "snippet_failed", where)
    return RENDERERS[ref.kind](ref, result, lang)


def _indented(ref: Reference, block: str) -> str:
    """A multi-line block placed at the directive's indentation (e.g. inside an admonition)."""
    return "\n".join(ref.indent + line if line else line for line in block.split("\n")).lstrip(" \t")


def _fenced(body: str, info: str) -> str:
    fence = "```"
    while fence in body:
        fence += "`"
    return f"{fence}{info}\n{body.rstrip()}\n{fence}"


def _code(ref: Reference, path: Path) -> str:
    found = cells(path)
    if ref.name and ref.name not in found:
        raise Unresolved(f"no cell '# %% {ref.name}' in snippets/{ref.snippet} "
                          f"(cells: {', '.join(found) or 'none'})")
    source = found[ref.name] if ref.name else path.read_text(encoding="utf-8").rstrip("\n")
    title = f"snippets/{ref.snippet}" + (f" — {ref.name}" if ref.name else "")
    return _indented(ref, _fenced(source, f'python title="{title}"'))


def _output(ref: Reference, result: Result, lang: str) -> str:
    if not result.stdout.strip():
        raise Unresolved(f"snippets/{ref.snippet} printed nothing, so there is no output to show")
    return _indented(ref, _fenced(result.stdout, f'text title="{message(lang, "output")}"'))


def _figure(ref: Reference, result: Result, lang: str) -> str:
    name = ref.name or "1"
    figure = result.figure(name)
    if figure is None:
        known = ", ".join(f["name"] for f in result.figures) or "none"
        raise Unresolved(f"no figure '{name}' in snippets/{ref.snippet} (figures: {known})")
    data = base64.b64encode(figure["svg"].encode("utf-8")).decode("ascii")
    caption = html.escape(ref.caption)
    block = (f'\n<figure class="card-figure">\n<img src="data:image/svg+xml;base64,{data}" '
             f'alt="{caption}">\n<figcaption>{caption}</figcaption>\n</figure>\n')
    return _indented(ref, block)


def _table(ref: Reference, result: Result, lang: str) -> str:
    table = result.tables.get(ref.name)
    if table is None:
        known = ", ".join(result.tables) or "none"
        raise Unresolved(f"no table '{ref.name}' in snippets/{ref.snippet} (tables: {known})")
    columns = table["columns"]
    if len(columns) != len(ref.columns):
        raise Unresolved(f"table '{ref.name}' has {len(columns)} columns ({', '.join(columns)}) "
                          f"but the page gives {len(ref.columns)} headers")
    header = "| " + " | ".join(c.header for c in ref.columns) + " |"
    rule = "|" + "|".join(" ---: " if _numeric(table, i) else " --- " for i in range(len(columns))) + "|"
    rows = ["| " + " | ".join(_cell(v, c.fmt) for v, c in zip(row, ref.columns, strict=True)) + " |"
            for row in table["rows"]]
    return _indented(ref, "\n".join(["", header, rule, *rows, ""]))


def _numeric(table: dict, index: int) -> bool:
    return all(isinstance(row[index], int | float) for row in table["rows"])


def _cell(value, fmt: str) -> str:
    return _format(value, fmt).replace("|", r"\|")


def _format(value, fmt: str) -> str:
    """``format(value, fmt)``; text passes through unchanged, so one cell can hold a number or,
    where the computation raised, the error's name."""
    if isinstance(value, str):
        return value
    try:
        return format(value, fmt)
    except (ValueError, TypeError) as exc:
        raise Unresolved(f"cannot format {value!r} with '{fmt}': {exc}") from exc


def _value(ref: Reference, result: Result, lang: str) -> str:
    if ref.name == "machine" and "machine" not in result.values:
        return result.machine  # where the snippet's timings were measured
    if ref.name not in result.values:
        known = ", ".join(result.values) or "none"
        raise Unresolved(f"no value '{ref.name}' in snippets/{ref.snippet} (values: {known})")
    return _format(result.values[ref.name], ref.fmt)


RENDERERS = {"output": _output, "figure": _figure, "table": _table, "value": _value}


def _error_box(ref: Reference, lang: str, title_key: str, detail: str) -> str:
    """What a reader sees in place of a result that could not be produced."""
    if not ref.is_block:
        return f"**⚠ {html.escape(ref.text)}**"
    body = f'!!! failure "{message(lang, title_key)}"\n\n    `{detail}`'
    return _indented(ref, "\n" + body + "\n")
