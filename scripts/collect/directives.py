"""Directives in a page: ``{{ kind: target | extras }}``, each with its line and column.

    {{ code: normalization/iterated_products.py }}            whole file as a code block
    {{ code: normalization/iterated_products.py#growth }}     one ``# %% growth`` cell
    {{ output: normalization/iterated_products.py }}          what the snippet printed
    {{ figure: normalization/iterated_products.py#norms | caption in the page's language }}
    {{ table: normalization/iterated_products.py#growth | s | Final norm {:.3g} | ... }}
    {{ value: normalization/iterated_products.py#final_norm_s1:.3g }}   inline, in prose or math
    {{ catalog: cards }}    generated from front matter and data/: cards, tags or glossary

Inside code (fenced, indented, inline spans) a directive is text, left as written. Inside math a
``{{`` that does not start a directive is LaTeX, left alone; elsewhere it must be a directive.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.collect.regions import Line, scan
from scripts.problems import Problem

KINDS = ("code", "output", "figure", "table", "value", "catalog")
BLOCK_KINDS = ("code", "output", "figure", "table", "catalog")
NO_SNIPPET_KINDS = ("catalog",)
DIRECTIVE = re.compile(r"\{\{\s*(?P<kind>[A-Za-z_]+)\s*:\s*(?P<body>.*?)\s*\}\}")
DIRECTIVE_START = re.compile(r"\{\{\s*[A-Za-z_]+\s*:")
ANY_BRACES = re.compile(r"\{\{.*?\}\}")
UNCLOSED = "unclosed '{{': a directive ends with '}}' on the same line"
HEADER_FORMAT = re.compile(r"^(?P<header>.*?)\s*\{:(?P<fmt>[^{}]*)\}$")


@dataclass(frozen=True)
class Column:
    header: str
    fmt: str = ""


@dataclass(frozen=True)
class Reference:
    """One directive in a page: what it asks for and where it stands."""

    kind: str
    snippet: str  # as written, relative to snippets/
    name: str  # cell, figure, table or value name ("" when not given)
    path: Path  # the page
    line: int
    text: str  # the directive exactly as written, to be replaced
    indent: str = ""
    fmt: str = ""  # value format spec
    caption: str = ""  # figure caption
    columns: tuple[Column, ...] = ()  # table headers
    column: int = 0  # where ``text`` starts on its line
    in_math: bool = False  # a value inside $...$: written as math

    @property
    def is_block(self) -> bool:
        return self.kind in BLOCK_KINDS


@lru_cache(maxsize=64)  # collect and inject read the same page body
def find_references(text: str, path: Path, first_line: int = 1) -> tuple[tuple[Reference, ...], tuple[Problem, ...]]:
    """Every directive outside code, from ``first_line`` (1-based) on, and every malformed one."""
    references, problems = [], []
    for line in scan(text, first_line):
        found, line_problems = _line_references(line, path)
        references += found
        problems += line_problems
    return tuple(references), tuple(problems)


def _line_references(line: Line, path: Path) -> tuple[list[Reference], list[Problem]]:
    """Directives that start outside code on this line (their headers may hold code and math)."""
    references, problems, covered_until = [], [], 0
    for opening in re.finditer(r"\{\{", line.text):
        start = opening.start()
        if start < covered_until:
            continue
        in_math = line.in_math(start)
        match = ANY_BRACES.match(line.original, start)
        if match is None:
            if not in_math:
                problems.append(Problem(path, line.number, UNCLOSED))
            break
        covered_until = match.end()
        if in_math and not DIRECTIVE_START.match(match.group()):
            continue  # LaTeX braces, e.g. x^{{2}}
        directive = DIRECTIVE.fullmatch(match.group())
        if directive is None or directive["kind"] not in KINDS:
            problems.append(Problem(path, line.number, _unknown(match.group(), directive)))
            continue
        ref, problem = _parse(directive, line, path, start, in_math)
        if problem:
            problems.append(problem)
        else:
            references.append(ref)
    return references, problems


def _unknown(text: str, directive: re.Match | None) -> str:
    hint = ""
    if directive is not None:
        close = difflib.get_close_matches(directive["kind"], KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown directive {text!r}{hint}; expected one of: {', '.join(KINDS)}"


def _parse(match: re.Match, line: Line, path: Path, column: int,
           in_math: bool) -> tuple[Reference | None, Problem | None]:
    kind, body, number = match["kind"], match["body"], line.number
    indent = line.original[: len(line.original) - len(line.original.lstrip())]
    if kind in BLOCK_KINDS and line.original.strip() != match.group(0):
        return None, Problem(path, number, f"'{kind}' must stand alone on its line")
    common = {"kind": kind, "path": path, "line": number, "text": match.group(0), "indent": indent,
              "column": column, "in_math": in_math}
    if kind in NO_SNIPPET_KINDS:
        return Reference(snippet="", name=body.strip(), **common), None
    target, *extras = [part.strip() for part in body.split("|")]
    snippet, _, name = target.partition("#")
    fmt = ""
    if kind == "value":
        name, _, fmt = name.partition(":")
        if not name:
            return None, Problem(path, number, f"value directive needs a name: {match.group(0)!r}")
    if kind == "output" and name:
        return None, Problem(path, number, "output takes no '#name': it is the whole printed output")
    if kind == "table" and (not name or not extras):
        return None, Problem(path, number, "table needs '#name' and one header per column after '|'")
    if kind == "figure" and len(extras) != 1:
        return None, Problem(path, number, "figure needs exactly one caption after '|'")
    return Reference(
        snippet=snippet.strip(), name=name.strip(), fmt=fmt.strip(),
        caption=extras[0] if kind == "figure" else "",
        columns=tuple(_column(h) for h in extras) if kind == "table" else (),
        **common,
    ), None


def _column(text: str) -> Column:
    match = HEADER_FORMAT.match(text)
    return Column(match["header"], match["fmt"]) if match else Column(text)
